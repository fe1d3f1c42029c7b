// Lint with --openapi: where each step's operation was found, against the doc's swagger: field.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSpecs } from '../../lambda/adapters/openapi/load-specs.js';
import type { Doc } from '../../lambda/engine/model.js';
import { parseDoc } from '../../lambda/engine/parse/parse-doc.js';
import { lintContracts } from '../../lambda/engine/promises/lint-contracts.js';
import { indexOperations, type OperationIndex } from '../../lambda/engine/promises/operations.js';
import { doc } from '../support/run-harness.js';

let index: OperationIndex;
beforeAll(async () => {
  const root = fileURLToPath(new URL('../fixtures/openapi/', import.meta.url));
  index = indexOperations(
    (await loadSpecs(root, [{ prefix: 'https://hub.example.test/', dir: root }])).specs,
  );
});

const parsed = (swagger: string | undefined, path: string): Doc => {
  const front = `endpoint: "GET ${path}"\ndomain: clients\nstatus: verified${swagger ? `\nswagger: "${swagger}"` : ''}`;
  const d = parseDoc(
    'clients/x.md',
    doc({ front, test: `  - id: s\n    method: GET\n    path: "${path}"` }),
  ).doc;
  if (!d) throw new Error('fixture doc did not parse');
  return d;
};
const render = (docs: Doc[]) => lintContracts(docs, index).map((f) => `${f.line}: ${f.code}: ${f.message}`);

describe('lint with --openapi', () => {
  it('says nothing when the swagger: file has the operation', () => {
    expect(render([parsed('swagger/notes-oas31.json', '/v3/clients/{{uid}}/notes')])).toEqual([]);
  });

  it('names where the operation is when the swagger: file is missing, wrong or absent', () => {
    const wrong = parsed('swagger/nope.json', '/v3/clients/{{uid}}/notes');
    const line = wrong.test[0]?.line;
    expect(render([wrong])).toEqual([
      `${line}: swagger-elsewhere: step "s": GET /v3/clients/{{uid}}/notes matches GET /v3/clients/{uid}/notes in swagger/notes-oas31.json, but the swagger: file swagger/nope.json does not exist; set swagger: "swagger/notes-oas31.json"`,
    ]);
    expect(render([parsed('swagger/unmapped.json', '/v3/clients/{{uid}}/notes')])[0]).toContain(
      'but the swagger: file swagger/unmapped.json does not have it',
    );
    expect(render([parsed(undefined, '/v3/clients/{{uid}}/notes')])[0]).toContain(
      'but the doc has no swagger: field',
    );
  });

  it('warns when no spec has the operation', () => {
    expect(render([parsed(undefined, '/v9/unknown')])[0]).toMatch(
      /operation-unknown: step "s": GET \/v9\/unknown is in no spec/,
    );
  });
});
