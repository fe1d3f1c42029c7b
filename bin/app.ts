// CDK app entry (`npx cdk synth|deploy`). Settings come from context and are validated once
// (lib/settings.ts); a bad value stops synth with one line per problem, e.g.
//   npx cdk deploy -c baseUrl=https://host/apigw -c fallbackUrl=https://host/api2 \
//     -c alertEmails=ops@example.com -c schedule='rate(15 minutes)'
//   npx cdk deploy -c targetsFile=targets.json -c scheduleEnabled=true
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readSettings, SettingsError } from '../lib/settings.js';
import { VerifierStack } from '../lib/verifier-stack.js';

// CDK core reports each bundled asset on stderr; `cdk synth -q` should print nothing but problems.
const write = process.stderr.write.bind(process.stderr);
process.stderr.write = ((chunk: unknown, ...rest: never[]) =>
  typeof chunk === 'string' && /^Bundling asset \S+\.\.\.\n?$/.test(chunk)
    ? true
    : write(chunk as string, ...rest)) as typeof process.stderr.write;

const app = new App();
try {
  const { stackName, ...props } = readSettings((key) => app.node.tryGetContext(key));
  new VerifierStack(app, stackName, props);
} catch (e) {
  if (!(e instanceof SettingsError)) throw e;
  process.stderr.write(
    `Cannot synthesize the verifier stack:\n${e.problems.map((p) => `  ${p}`).join('\n')}\n`,
  );
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
