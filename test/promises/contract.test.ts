// Response contracts over team-written fixtures (test/fixtures/openapi): OpenAPI 3.0 (YAML, nullable,
// boolean exclusiveMinimum, a $ref'd response), 3.1 (type arrays, 2XX, vendor +json) and Swagger 2.0,
// with entities referenced by absolute URL and read from a local folder, never fetched.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSpecs, type SpecLoad } from '../../lambda/adapters/openapi/load-specs.js';
import { ContractChecker } from '../../lambda/engine/promises/contract.js';
import {
  indexOperations,
  matchOperation,
  type OperationIndex,
} from '../../lambda/engine/promises/operations.js';

const ROOT = fileURLToPath(new URL('../fixtures/openapi/', import.meta.url));
const HUB = { prefix: 'https://hub.example.test/', dir: ROOT };

let load: SpecLoad;
let index: OperationIndex;
beforeAll(async () => {
  load = await loadSpecs(ROOT, [HUB]);
  index = indexOperations(load.specs);
});

function op(method: string, path: string, preferred?: string) {
  const found = matchOperation(index, method, path, preferred);
  if (!found) throw new Error(`no operation for ${method} ${path}`);
  return found;
}

describe('loading specs', () => {
  it('loads every API description, skips entity files, and reports a broken one by name', () => {
    expect(load.specs.map((s) => `${s.file} ${s.version}`)).toEqual([
      'swagger/clients-oas30.yaml 3.0',
      'swagger/legacy-swagger2.json 2.0',
      'swagger/notes-oas31.json 3.1',
      'swagger/unmapped.json 3.0',
    ]);
    expect(load.problems).toEqual([
      { file: 'swagger/broken.json', message: expect.stringMatching(/^not JSON or YAML/) },
    ]);
  });

  it('reports a file whose version cannot be read as an API description, and loads the others', async () => {
    const files: Record<string, object> = {
      'old.json': { swagger: '1.2', paths: {} },
      'numbered.json': { swagger: 2.0, info: { version: '1' }, paths: {} },
      'future.json': { openapi: '4.0.0', paths: {} },
      'no-paths.json': { openapi: '3.0.3', info: { version: '1' } },
      'webhooks.json': { openapi: '3.1.0', info: { version: '1' }, webhooks: {} },
      'info-number.json': { openapi: '3.0.3', info: { version: 1 }, paths: {} },
    };
    const specs = await loadSpecs('/specs', [], {
      list: async () => Object.keys(files),
      read: async (path) => JSON.stringify(files[path.slice('/specs/'.length)]),
    });
    expect(specs.specs.map((s) => s.file)).toEqual(['webhooks.json']);
    expect(specs.problems).toEqual([
      { file: 'future.json', message: expect.stringMatching(/^Unsupported OpenAPI version: 4\.0\.0\./) },
      {
        file: 'info-number.json',
        message: 'API version number must be a string (e.g. "1.0.0") not a number.',
      },
      { file: 'no-paths.json', message: 'no-paths.json is not a valid Openapi API definition' },
      {
        file: 'numbered.json',
        message: 'Swagger version number must be a string (e.g. "2.0") not a number.',
      },
      { file: 'old.json', message: 'Unrecognized Swagger version: 1.2. Expected 2.0' },
    ]);
  });

  it('reports a remote $ref with no mapping instead of fetching it', () => {
    expect(load.unmapped).toEqual([
      { file: 'swagger/unmapped.json', url: 'https://elsewhere.example.test/widget.json' },
    ]);
  });
});

describe('finding the operation', () => {
  it('matches the end of the step path, with templates, gateway prefix and query ignored', () => {
    const found = op('GET', '/apigw/platform/v1/clients/{{client_id}}?fields=all');
    expect(`${found.method} ${found.template} ${found.spec.file}`).toBe(
      'GET /clients/{client_id} swagger/clients-oas30.yaml',
    );
  });

  it('prefers the path whose base path agrees, then the file the doc names', () => {
    // Both specs have GET /clients/{...}; the OpenAPI one's server path is /platform/v1, like Swagger's.
    expect(op('GET', '/platform/v1/clients/abc', 'swagger/legacy-swagger2.json').spec.file).toBe(
      'swagger/legacy-swagger2.json',
    );
    expect(op('GET', '/platform/v1/clients/abc', 'swagger/clients-oas30.yaml').spec.file).toBe(
      'swagger/clients-oas30.yaml',
    );
  });

  it('needs the method and at least one literal segment to agree', () => {
    expect(matchOperation(index, 'DELETE', '/platform/v1/clients/abc')).toBeUndefined();
    expect(matchOperation(index, 'GET', '/nothing/here')).toBeUndefined();
  });
});

describe('checking a response', () => {
  it('accepts a body that follows the schema, including a nullable field and a cross-file entity', async () => {
    const check = await new ContractChecker().check(
      'get_client',
      op('GET', '/platform/v1/clients/{{id}}', 'swagger/clients-oas30.yaml'),
      200,
      JSON.stringify({ status: 'OK', data: { id: 'c1', first_name: 'Ada', email: null, tags: ['vip'] } }),
    );
    expect(check).toEqual({
      step: 'get_client',
      operation: 'GET /clients/{client_id}',
      spec: 'swagger/clients-oas30.yaml',
      valid: true,
      findings: [],
    });
  });

  it('names each drift with its pointer: a missing required property and a wrong type', async () => {
    const check = await new ContractChecker().check(
      'get_client',
      op('GET', '/platform/v1/clients/{{id}}', 'swagger/clients-oas30.yaml'),
      200,
      JSON.stringify({ status: 'OK', data: { id: 7, tags: ['a', 3] } }),
    );
    expect(check?.valid).toBe(false);
    expect(check?.findings).toEqual([
      { pointer: '/data', message: 'missing required property "first_name"' },
      { pointer: '/data/id', message: 'expected string, got integer' },
      { pointer: '/data/tags/1', message: 'expected string, got integer' },
    ]);
  });

  it("follows a $ref'd response and reads OpenAPI 3.0's boolean exclusiveMinimum", async () => {
    const post = op('POST', '/platform/v1/clients');
    const checker = new ContractChecker();
    expect((await checker.check('create', post, 201, '{"id":1}'))?.findings).toEqual([
      { pointer: '/id', message: 'must be > 1' },
    ]);
    expect((await checker.check('create', post, 201, '{"id":2}'))?.valid).toBe(true);
  });

  it('validates OpenAPI 3.1 type arrays under a 2XX response with a vendor JSON type', async () => {
    const get = op('GET', '/v3/clients/{{uid}}/notes');
    const checker = new ContractChecker();
    expect((await checker.check('notes', get, 200, '{"notes":["a",null]}'))?.valid).toBe(true);
    expect((await checker.check('notes', get, 200, '{"notes":[1]}'))?.findings).toEqual([
      { pointer: '/notes/0', message: 'expected string,null, got integer' },
    ]);
  });

  it('validates Swagger 2.0 definitions with an entity referenced by URL', async () => {
    const post = op('POST', '/platform/v1/messages');
    const check = await new ContractChecker().check(
      'send',
      post,
      201,
      '{"id":"m1","text":"hi","client":{"id":"c"}}',
    );
    expect(check?.findings).toEqual([
      { pointer: '/client', message: 'missing required property "first_name"' },
    ]);
  });

  it('checks nothing for non-2xx statuses, statuses without a schema, or unmapped schemas', async () => {
    const checker = new ContractChecker();
    expect(await checker.check('x', op('POST', '/platform/v1/clients'), 422, '{}')).toBeUndefined();
    expect(await checker.check('x', op('POST', '/platform/v1/messages'), 202, '{}')).toBeUndefined();
    expect(await checker.check('x', op('GET', '/v3/widgets'), 200, '{}')).toBeUndefined();
  });

  it('says so when a body is not JSON, and never judges a truncated body', async () => {
    const get = op('GET', '/platform/v1/clients/x', 'swagger/clients-oas30.yaml');
    const checker = new ContractChecker();
    expect((await checker.check('s', get, 200, '<html>'))?.findings).toEqual([
      { pointer: '', message: 'the response is not JSON; the spec describes a JSON body' },
    ]);
    expect((await checker.check('s', get, 200, '{"status":', true))?.valid).toBe(true);
  });

  it('keeps at most 10 findings per step', async () => {
    const get = op('GET', '/v3/clients/{{uid}}/notes');
    const check = await new ContractChecker().check(
      'n',
      get,
      200,
      JSON.stringify({ notes: Array(25).fill(1) }),
    );
    expect(check?.findings).toHaveLength(10);
  });

  it('compiles each operation once per checker, whatever the number of responses', async () => {
    const get = op('GET', '/v3/clients/{{uid}}/notes');
    const checker = new ContractChecker();
    for (let i = 0; i < 50; i++) await checker.check('n', get, 200, '{"notes":[]}');
    await checker.check('n', get, 201, '{"notes":[]}');
    expect(checker.compiledCount).toBe(2); // one per (operation, status)
  });
});
