// CDK app entry (`npx cdk synth|deploy`). Props come from context, e.g.
//   npx cdk deploy -c baseUrl=https://host/apigw -c fallbackUrl=https://host/api2 \
//     -c alertEmails=ops@example.com -c schedule='rate(15 minutes)'
import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as z from 'zod';
import { conditionRuleSchema } from '../lambda/engine/conditions/rules.js';
import { VerifierStack } from '../lib/verifier-stack.js';

const app = new App();
const ctx = (key: string): string | undefined => {
  const v: unknown = app.node.tryGetContext(key);
  return typeof v === 'string' && v !== '' ? v : undefined;
};
const list = (key: string) =>
  ctx(key)
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const num = (key: string) => (ctx(key) === undefined ? undefined : Number(ctx(key)));

/** `-c conditionRulesFile=rules.json`: extra business-condition rules, checked at synth time. */
function conditionRules(file: string | undefined) {
  if (!file) return undefined;
  const parsed = z.array(conditionRuleSchema).safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`conditionRulesFile ${file}: [${issue?.path.join('.')}] ${issue?.message}`);
}
const rules = conditionRules(ctx('conditionRulesFile'));

const fallbackUrl = ctx('fallbackUrl');
const partnersUrl = ctx('partnersUrl');
const timeZone = ctx('timeZone');
const periodMinutes = num('schedulePeriodMinutes');
new VerifierStack(app, ctx('stackName') ?? 'Verifier', {
  target: {
    baseUrl: ctx('baseUrl') ?? 'https://api.example.com/apigw',
    ...(fallbackUrl && { fallbackUrl }),
    ...(partnersUrl && { partnersUrl }),
  },
  schedule: {
    expression: ctx('schedule') ?? 'rate(15 minutes)',
    ...(timeZone && { timeZone }),
    ...(periodMinutes !== undefined && { periodMinutes }),
  },
  alertEmails: list('alertEmails') ?? [],
  alertUrls: list('alertUrls') ?? [],
  ...(ctx('docsPath') && { docsPath: ctx('docsPath') }),
  ...(num('retentionDays') !== undefined && { retentionDays: num('retentionDays') }),
  ...(num('concurrency') !== undefined && { concurrency: num('concurrency') }),
  ...(num('rps') !== undefined && { rps: num('rps') }),
  allowDelete: ctx('allowDelete') === 'true',
  ...(rules && { conditionRules: rules }),
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
