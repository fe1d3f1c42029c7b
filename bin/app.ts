// CDK app entry (`npx cdk synth|deploy`). Props come from context, e.g.
//   npx cdk deploy -c baseUrl=https://host/apigw -c fallbackUrl=https://host/api2 \
//     -c alertEmails=ops@example.com -c schedule='rate(15 minutes)'
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
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
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
