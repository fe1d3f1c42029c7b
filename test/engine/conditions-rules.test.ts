import { describe, expect, it } from 'vitest';
import {
  type ConditionRule,
  classify,
  conditionRuleSchema,
  DEFAULT_RULES,
  matchesEndpoint,
  ruleEndpoints,
} from '../../lambda/engine/conditions/rules.js';

const MESSAGES = { method: 'POST', pathTemplate: '/platform/v1/messages', path: '/platform/v1/messages' };
const SHARE = {
  method: 'POST',
  pathTemplate: '/client_api/v1/portals/{{portal_uid}}/share_documents_form/submit',
  path: '/client_api/v1/portals/p_8f2a/share_documents_form/submit',
};

const at = (r: typeof MESSAGES, status: number, body: string) =>
  classify(DEFAULT_RULES, { ...r, status, body });

describe('classify: the documented spam signals (FORMAT.md §9)', () => {
  it('classifies 422 {"status":"Error","data":{}} on POST /platform/v1/messages', () => {
    expect(at(MESSAGES, 422, '{"status":"Error","data":{}}')?.name).toBe('spam-flagged-messages');
    expect(at(MESSAGES, 422, '{"status":"Error","data":{}}')?.condition).toBe('spam_flagged');
  });

  it('classifies the share_documents_form 422 with an auto_reply_message (a doc that expects 422)', () => {
    // The doc lists 422 in expect.status: classify never sees expectations, the runner calls it first.
    const rule = at(SHARE, 422, '{"status":"Error","data":{"auto_reply_message":"Thanks, we will reply"}}');
    expect(rule?.name).toBe('spam-flagged-share-documents-form');
  });

  it('matches on the path as sent as well as on the template', () => {
    const sentOnly = { ...SHARE, pathTemplate: SHARE.path };
    expect(at(sentOnly, 422, '{"status":"Error","data":{"auto_reply_message":"x"}}')?.name).toBe(
      'spam-flagged-share-documents-form',
    );
    const withQuery = {
      ...MESSAGES,
      path: '/platform/v1/messages?x=1',
      pathTemplate: '/platform/v1/messages?x=1',
    };
    expect(at(withQuery, 422, '{"status":"Error","data":{}}')?.name).toBe('spam-flagged-messages');
  });
});

describe('classify: what is not spam', () => {
  it.each([
    ['wrong gateway or token', '{"status":"Error","error":"Unauthorized"}'],
    ['validation errors', '{"success":false,"errors":[{"field":"body","message":"is required"}]}'],
    ['an invalid coupon', '{"status":"Error","error":"Invalid Coupon","data":{}}'],
    ['an empty data with an errors key', '{"status":"Error","data":{},"errors":[]}'],
    ['an empty data with a message key', '{"status":"Error","data":{},"message":"nope"}'],
    ['a non-empty data', '{"status":"Error","data":{"id":1}}'],
    ['no data at all', '{"status":"Error"}'],
    ['another status word', '{"status":"Failed","data":{}}'],
    ['non-JSON', '<html>422 Unprocessable</html>'],
    ['an empty body', ''],
    ['a JSON array', '[{"status":"Error","data":{}}]'],
  ])('does not classify a 422 with %s', (_why, body) => {
    expect(at(MESSAGES, 422, body)).toBeUndefined();
  });

  it.each([
    ['an errors key', '{"status":"Error","data":{"auto_reply_message":"x"},"errors":["bad"]}'],
    ['an error string', '{"status":"Error","error":"Unauthorized","data":{"auto_reply_message":"x"}}'],
    ['no auto_reply_message', '{"status":"Error","data":{}}'],
  ])('does not classify the share form 422 with %s', (_why, body) => {
    expect(at(SHARE, 422, body)).toBeUndefined();
  });

  it('does not classify a 200, nor the signature on another status', () => {
    expect(at(MESSAGES, 200, '{"status":"Error","data":{}}')).toBeUndefined();
    expect(at(MESSAGES, 200, '{"status":"OK","data":{"id":"m1"}}')).toBeUndefined();
    expect(at(MESSAGES, 400, '{"status":"Error","data":{}}')).toBeUndefined();
  });

  it('does not classify the signature on another endpoint or method', () => {
    const other = { method: 'POST', pathTemplate: '/platform/v1/clients', path: '/platform/v1/clients' };
    expect(at(other, 422, '{"status":"Error","data":{}}')).toBeUndefined();
    expect(at({ ...MESSAGES, method: 'PUT' }, 422, '{"status":"Error","data":{}}')).toBeUndefined();
    const longer = {
      ...MESSAGES,
      path: '/platform/v1/messages/m1',
      pathTemplate: '/platform/v1/messages/{{id}}',
    };
    expect(at(longer, 422, '{"status":"Error","data":{}}')).toBeUndefined();
  });
});

describe('user rules', () => {
  it('parses a rule from config and classifies with it', () => {
    const rule: ConditionRule = conditionRuleSchema.parse({
      name: 'blocked-sms',
      condition: 'spam_flagged',
      endpoints: ['POST /platform/v1/sms/{{conversation}}/send'],
      status: 403,
      body: { equals: { code: 'SPAM' }, absent: ['errors'] },
    });
    const r = {
      method: 'post',
      pathTemplate: '/platform/v1/sms/{{c}}/send',
      path: '/platform/v1/sms/c1/send',
    };
    expect(classify([rule], { ...r, status: 403, body: '{"code":"SPAM"}' })?.name).toBe('blocked-sms');
    expect(classify([rule], { ...r, status: 403, body: '{"code":"OTHER"}' })).toBeUndefined();
  });

  it('rejects a malformed rule with a message that says what is expected', () => {
    const bad = conditionRuleSchema.safeParse({
      name: 'x',
      condition: 'spam_flagged',
      endpoints: ['/platform/v1/messages'],
      status: 422,
      body: {},
    });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('METHOD /path');
    expect(conditionRuleSchema.safeParse({ ...DEFAULT_RULES[0], condition: 'other' }).success).toBe(false);
  });
});

describe('ruleEndpoints / matchesEndpoint', () => {
  it('tells whether a step is on a rule endpoint, in either call form', () => {
    const onRule = ruleEndpoints(DEFAULT_RULES);
    expect(onRule('POST', '/platform/v1/messages')).toBe(true);
    expect(onRule({ method: 'POST', path: '/client_api/v1/portals/abc/share_documents_form/submit' })).toBe(
      true,
    );
    expect(onRule(SHARE)).toBe(true);
    expect(onRule('GET', '/platform/v1/messages')).toBe(false);
    expect(onRule({ method: 'POST', path: '/platform/v1/clients' })).toBe(false);
  });

  it('a template placeholder only matches a placeholder segment', () => {
    expect(matchesEndpoint('POST /a/{id}/b', 'POST', '/a/{{x}}/b')).toBe(true);
    expect(matchesEndpoint('POST /a/fixed/b', 'POST', '/a/{{x}}/b')).toBe(false);
    expect(matchesEndpoint('POST /a/{{id}}/b', 'POST', '/a/123/b/')).toBe(true);
  });
});
