// The CDK app's settings: every context value validated once, one line per problem naming the
// setting, what was received and what is expected.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSettings, SettingsError } from '../../lib/settings.js';

const dir = mkdtempSync(path.join(tmpdir(), 'settings-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const problems = (ctx: Record<string, unknown>): readonly string[] => {
  try {
    readSettings((k) => ctx[k]);
  } catch (e) {
    if (e instanceof SettingsError) return e.problems;
    throw e;
  }
  throw new Error('expected a SettingsError');
};

describe('settings', () => {
  it('single-target flags become a one-target list named default, schedules off by default', () => {
    const s = readSettings(
      (k) =>
        ({
          baseUrl: 'https://api.example.com/apigw',
          rps: '10',
          concurrency: '3',
          alertEmails: 'a@x.io,b@x.io',
        })[k],
    );
    expect(s.targets).toEqual([
      {
        name: 'default',
        baseUrl: 'https://api.example.com/apigw',
        schedule: 'rate(15 minutes)',
        rps: 10,
        concurrency: 3,
      },
    ]);
    expect(s.alertRoutes).toEqual([{ email: 'a@x.io' }, { email: 'b@x.io' }]);
    expect(s.stackName).toBe('Verifier');
    expect(s.scheduleEnabled).toBeUndefined();
  });

  it('names the setting, the value received and what is expected, one line each', () => {
    expect(problems({ baseUrl: 'notaurl', concurrency: 'abc', schedule: 'every-hour' })).toEqual([
      'baseUrl: received "notaurl", expected an https:// URL',
      'schedule: received "every-hour", expected rate(N minutes|hours|days), cron(6 fields) or at(yyyy-mm-ddThh:mm:ss)',
      'concurrency: received "abc", expected a whole number ≥ 1',
    ]);
  });

  it('no target, no synth (unless example=true)', () => {
    expect(problems({})).toEqual([
      expect.stringMatching(/^baseUrl: received nothing, expected the https:\/\/ URL/),
    ]);
    expect(readSettings((k) => ({ example: 'true' })[k]).targets[0]?.baseUrl).toBe(
      'https://api.example.com/apigw',
    );
  });

  it('a missing docsPath, a rules file that is not JSON and invalid rules', () => {
    const notJson = file('rules.txt', 'not json');
    const badRules = file('bad-rules.json', JSON.stringify([{ name: 'x' }]));
    expect(problems({ baseUrl: 'https://a.example.com', docsPath: '/nope/docs' })).toEqual([
      'docsPath: received "/nope/docs", expected a folder of workflow docs that exists',
    ]);
    expect(problems({ baseUrl: 'https://a.example.com', conditionRulesFile: notJson })[0]).toMatch(
      new RegExp(`^conditionRulesFile: "${notJson}" is not JSON \\(`),
    );
    const bad = problems({ baseUrl: 'https://a.example.com', conditionRulesFile: badRules });
    expect(bad[0]).toMatch(
      new RegExp(`^conditionRulesFile ${badRules} \\[0\\.condition\\]: received nothing, `),
    );
  });

  it('a targets file: errors name the target and the field', () => {
    const targets = file(
      'targets.json',
      JSON.stringify([
        { name: 'staging', baseUrl: 'https://staging.example.com', rps: 'fast' },
        { name: 'prod', baseUrl: 'http://api.example.com', schedule: 'cron(0 8 * * ? *)', color: 'blue' },
        { name: 'staging', baseUrl: 'https://b.example.com' },
      ]),
    );
    expect(problems({ targetsFile: targets })).toEqual([
      `targetsFile ${targets}: target "staging" (#1) rps: received "fast", expected a whole number ≥ 0`,
      `targetsFile ${targets}: target "prod" (#2) baseUrl: received "http://api.example.com", expected an https:// URL`,
      `targetsFile ${targets}: target "prod" (#2): unknown setting(s) color`,
      `targetsFile ${targets}: target "prod" (#2) schedulePeriodMinutes: received nothing, expected the minutes between runs when the schedule is a cron() (the missing-run alarm needs it)`,
      `targetsFile ${targets}: target "staging" (#3) name: received "staging", expected unique target names`,
    ]);
  });

  it('a valid targets file gives every target its defaults; mixing it with single-target flags is refused', () => {
    const targets = file(
      'ok.json',
      JSON.stringify([
        { name: 'staging', baseUrl: 'https://staging.example.com' },
        {
          name: 'prod',
          baseUrl: 'https://api.example.com',
          rps: 20,
          authMatrix: { schedule: 'rate(1 day)', mode: 'get' },
          openapi: { refMap: { 'https://hub.example.com/entities/': 'entities/' } },
        },
      ]),
    );
    const s = readSettings((k) => ({ targetsFile: targets, scheduleEnabled: 'true' })[k]);
    expect(s.targets[1]).toMatchObject({
      authMatrix: { schedule: 'rate(1 day)', mode: 'get' },
      openapi: { refMap: { 'https://hub.example.com/entities/': 'entities/' } },
    });
    expect(s.targets.map((t) => [t.name, t.rps, t.concurrency, t.schedule])).toEqual([
      ['staging', 5, 4, 'rate(15 minutes)'],
      ['prod', 20, 4, 'rate(15 minutes)'],
    ]);
    expect(s.scheduleEnabled).toBe(true);
    expect(problems({ targetsFile: targets, baseUrl: 'https://x.example.com' })).toEqual([
      'targetsFile: received it together with baseUrl, expected one or the other (put them in the file)',
    ]);
  });

  it('the doc-promise settings: auth-matrix mode, specs prefix and $ref map, the specs folder', () => {
    const targets = file(
      'promises.json',
      JSON.stringify([
        {
          name: 'prod',
          baseUrl: 'https://api.example.com',
          authMatrix: { schedule: 'rate(1 day)', mode: 'some' },
          openapi: { prefix: '/specs', refMap: { 'ftp://x/': 'entities/' } },
        },
      ]),
    );
    expect(problems({ targetsFile: targets, specsPath: '/nope/specs' })).toEqual([
      `targetsFile ${targets}: target "prod" (#1) authMatrix.mode: received "some", expected get or all`,
      `targetsFile ${targets}: target "prod" (#1) openapi.prefix: received "/specs", expected a key prefix ending in /, e.g. docs/`,
      `targetsFile ${targets}: target "prod" (#1) openapi.refMap: received {"ftp://x/":"entities/"}, expected http(s) URL prefixes as keys, e.g. { "https://host/entities/": "entities/" }`,
      'specsPath: received "/nope/specs", expected a folder of OpenAPI/Swagger specs that exists',
    ]);
  });

  it('booleans, lists and numbers', () => {
    expect(
      problems({
        baseUrl: 'https://a.example.com',
        scheduleEnabled: 'yes',
        alertUrls: 'http://hooks.example.com',
        retentionDays: '0',
        timeZone: 'Mars/Olympus',
      }),
    ).toEqual([
      'timeZone: received "Mars/Olympus", expected an IANA time zone such as Europe/Paris',
      'alertUrls: received "http://hooks.example.com", expected an https:// URL',
      'retentionDays: received "0", expected a whole number ≥ 1',
      'scheduleEnabled: received "yes", expected true or false',
    ]);
  });
});
