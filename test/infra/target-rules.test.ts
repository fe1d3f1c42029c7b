// The targetRules stack prop: validated at synth (the error names the field), set as TARGET_RULES on
// every verifier function, and read back by the verifier's config as the shipped rules overridden by name.
import { describe, expect, it } from 'vitest';
import { loadVerifyConfig } from '../../lambda/config/verify.js';
import {
  DEFAULT_TARGET_RULES,
  type TargetRule,
  TargetRuleError,
} from '../../lambda/engine/health/target-rules.js';
import { synthStack } from './synth.js';

const downFaster: TargetRule = {
  name: 'target-down',
  condition: 'target.down',
  scope: 'run',
  of: 'requests',
  match: { statuses: [502, 503, 504] },
  share: 0.5,
  minMatches: 5,
  remedy: 'Page the platform team.',
};

const baseEnv = {
  STATE_TABLE_NAME: 't',
  DOCS_BUCKET: 'b',
  TARGET_SECRET_ID: 's',
  TARGET_BASE_URL: 'https://api.example.com/apigw',
};

describe('targetRules prop', () => {
  it('reaches every verifier function as TARGET_RULES; the config reads the defaults with it in place', () => {
    const template = synthStack(
      { targetRules: [downFaster, { ...downFaster, name: 'gateway-5xx', match: { statuses: [500] } }] },
      { cfnValidation: false },
    ).template();
    const fns = Object.values(
      template.findResources('AWS::Lambda::Function') as Record<
        string,
        { Properties: { Description?: string; Environment?: { Variables?: Record<string, unknown> } } }
      >,
    ).filter((f) => String(f.Properties.Description).startsWith('Runs the workflow docs'));
    expect(fns.length).toBeGreaterThan(0);
    for (const f of fns) {
      const text = f.Properties.Environment?.Variables?.TARGET_RULES;
      expect(typeof text).toBe('string');
      const config = loadVerifyConfig({ ...baseEnv, TARGET_RULES: String(text) });
      expect(config.targetRules.map((r) => r.name)).toEqual([
        'target-down',
        'token-rejected',
        'rate-limited',
        'gateway-5xx',
      ]);
      expect(config.targetRules[0]).toEqual(downFaster);
      expect(config.targetRules[1]).toEqual(DEFAULT_TARGET_RULES[1]);
    }
  });

  it('no prop: no TARGET_RULES, and the config holds the shipped rules', () => {
    expect(loadVerifyConfig(baseEnv).targetRules).toEqual(DEFAULT_TARGET_RULES);
  });

  it('a bad rule fails synth naming the field', () => {
    const bad = { ...downFaster, share: 1.5 };
    expect(() => synthStack({ targetRules: [bad] }, { cfnValidation: false })).toThrow(TargetRuleError);
    expect(() =>
      synthStack(
        { targetRules: [downFaster, { ...downFaster, condition: 'target.gone' as never }] },
        { cfnValidation: false },
      ),
    ).toThrow(/targetRules\[1\]\.condition: Invalid option/);
    expect(() => synthStack({ targetRules: [bad] }, { cfnValidation: false })).toThrow(
      /targetRules\[0\]\.share: .*<=1/,
    );
  });

  it('a TARGET_RULES the config cannot read names the variable', () => {
    expect(() => loadVerifyConfig({ ...baseEnv, TARGET_RULES: '[{' })).toThrow(/TARGET_RULES/);
  });
});
