// The auth matrix's plan (which re-sends) and verdicts (what each answer means against the table).
import { describe, expect, it } from 'vitest';
import type { Step } from '../../lambda/engine/model.js';
import { judgeAuth, planAuthMatrix } from '../../lambda/engine/promises/auth-matrix.js';
import { parseAuthTable } from '../../lambda/engine/promises/auth-table.js';

const table = parseAuthTable('d.md', {
  line: 1,
  lines: [
    '',
    '| Token Type | Works | Notes |',
    '|---|---|---|',
    '| Staff | Yes | |',
    '| Directory | Yes | with X-On-Behalf-Of |',
    '| App | No | Returns 400 "Invalid app authentication" |',
    '| Client | No | |',
    '| Admin | Partial | |',
    '| Internal | No | not configured here |',
  ],
}).table;
if (!table) throw new Error('fixture table did not parse');

const step = (over: Partial<Step>): Step =>
  ({
    id: 's',
    phase: 'test',
    line: 1,
    method: 'GET',
    path: '/x',
    token: 'staff',
    expect: [],
    ...over,
  }) as Step;
const configured = new Set(['staff', 'directory', 'app', 'client', 'admin']);

describe('planning the re-sends', () => {
  it('re-sends each GET step once per other documented, configured token type', () => {
    const probes = planAuthMatrix([step({ id: 'list' })], table, configured, 'get');
    expect(probes.map((p) => `${p.step.id}:${p.tokenType}`)).toEqual([
      'list:directory',
      'list:app',
      'list:client',
    ]);
  });

  it('leaves non-GET steps alone unless asked for all', () => {
    const post = step({ id: 'create', method: 'POST' });
    expect(planAuthMatrix([post], table, configured, 'get')).toEqual([]);
    expect(planAuthMatrix([post], table, configured, 'all')).toHaveLength(3);
    expect(planAuthMatrix([post], table, configured, 'off')).toEqual([]);
  });
});

describe('judging an answer', () => {
  const [directory, app, client] = planAuthMatrix([step({ id: 'list' })], table, configured, 'get');
  if (!directory || !app || !client) throw new Error('plan');

  it('a refused type that the API accepts is auth.accepted, a security finding', () => {
    expect(judgeAuth(app, 200)).toEqual({
      tokenType: 'app',
      documented: 'refused',
      expectedStatus: 400,
      step: 'list',
      status: 200,
      finding: 'auth.accepted',
    });
  });

  it('a refused type answered with its documented status is ok; with another one, auth.status', () => {
    expect(judgeAuth(app, 400).finding).toBe('ok');
    expect(judgeAuth(app, 401).finding).toBe('auth.status');
    expect(judgeAuth(client, 403).finding).toBe('ok'); // no stated status: 401/403 count
    expect(judgeAuth(client, 404).finding).toBe('auth.status');
  });

  it('an accepted type that the API refuses is auth.refused (the doc or the token is stale)', () => {
    expect(judgeAuth(directory, 401).finding).toBe('auth.refused');
    expect(judgeAuth(directory, 200).finding).toBe('ok');
  });

  it('a transport failure says nothing about auth', () => {
    expect(judgeAuth(app, undefined)).toMatchObject({ finding: 'ok' });
    expect(judgeAuth(app, undefined)).not.toHaveProperty('status');
  });
});
