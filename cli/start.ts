// `verifier start` (= `npm start`): the sandbox in-process on a free port, a fresh tokens file, and
// every doc in seeds/ run against it with the local state store. `--scenario spam-flagged` flags the
// sandbox business first, so the messaging docs end blocked and the spam alert is raised; a normal
// start afterwards with the same --state raises the recovery alert; `outage`, `gateway-down` and
// `token-revoked` break the sandbox for the endpoint-health alerts (the sandbox's ids come from a
// fixed seed, so every start verifies the same business id).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { httpUrlLike } from '../lambda/config/run-config.js';
import { AUTH_DRIFT, createSandbox, type SandboxFault } from '../sandbox/server.js';
import type { Scenario } from './options.js';
import { PROJECT_ROOT } from './project-root.js';
import { executeRun, type RunIo } from './run.js';
import { writeStatusPage } from './status.js';
import { EXIT } from './usage-error.js';

export { SCENARIOS, type Scenario } from './options.js';

export interface StartOptions {
  readonly scenario?: Scenario;
  readonly alertWebhook?: string;
  /** State folder. @default `.verifier` in the cwd */
  readonly state?: string;
  /** Docs folder. @default the `seeds/` folder shipped with the project */
  readonly docs?: string;
  /** Sandbox seed (fixed by default so that repeated starts see the same business). @default 1 */
  readonly seed?: number;
}

/**
 * Runs the shipped docs against a fresh sandbox. Exit code: 0 when every doc that ran passed; 1 when
 * any doc failed, errored, was invalid or was blocked, which is what `--scenario spam-flagged`
 * produces on purpose (its messaging docs end blocked: an honest 1).
 */
export async function executeStart(opts: StartOptions, io: RunIo): Promise<number> {
  // Checked before the sandbox starts, and named as this command's flag.
  const webhook = httpUrlLike('https://hooks.example.com/verifier').optional().safeParse(opts.alertWebhook);
  if (!webhook.success) {
    io.stderr.write(
      `verifier start: --alert-webhook: ${webhook.error.issues[0]?.message ?? 'invalid URL'}\n`,
    );
    return EXIT.usage;
  }
  const scenario = opts.scenario ?? 'healthy';
  const docs = resolve(opts.docs ?? join(PROJECT_ROOT, 'seeds'));
  const state = resolve(opts.state ?? '.verifier');
  const fault = FAULTS[scenario];
  const sandbox = await createSandbox({
    seed: opts.seed ?? 1,
    ...(fault ? { fault: fault.fault } : {}),
    ...(scenario === 'auth-drift' ? { authDrift: AUTH_DRIFT } : {}),
  });
  try {
    io.stdout.write(
      `sandbox API on ${sandbox.url} (business ${sandbox.businessId}), docs ${docs}, state ${state}\n`,
    );
    if (scenario === 'auth-drift')
      io.stdout.write(
        `scenario auth-drift: ${AUTH_DRIFT.method} ${AUTH_DRIFT.pattern} now accepts the ${AUTH_DRIFT.tokenType} token its doc says it refuses; the run re-sends GET steps with every documented token type (--auth-matrix)\n`,
      );
    if (scenario === 'spam-flagged') {
      sandbox.flagBusiness();
      io.stdout.write(
        `scenario spam-flagged: business ${sandbox.businessId} is now spam-flagged, as a burst of automated test messages would leave it\n`,
      );
    }
    if (fault) io.stdout.write(`scenario ${scenario}: ${fault.says}\n`);
    const code = await executeRun(
      {
        docs,
        baseUrl: sandbox.baseUrl,
        fallbackUrl: sandbox.fallbackUrl,
        partnersUrl: sandbox.partnersUrl,
        ...(existsSync(join(docs, 'test-files')) ? { testFiles: join(docs, 'test-files') } : {}),
        state,
        // The sandbox is local and ours: no rate cap, and its DELETE docs only delete what they created.
        rps: 0,
        allowDelete: true,
        ...(opts.alertWebhook ? { alertWebhook: opts.alertWebhook } : {}),
        ...(scenario === 'auth-drift' ? { authMatrix: 'get' } : {}),
      },
      io,
      // The sandbox's tokens go to the run in memory: no file holds them.
      { credentials: sandbox.tokens },
    );
    await writeStartStatusPage(state, docs, sandbox.baseUrl, io);
    return code;
  } finally {
    await sandbox.close();
  }
}

/**
 * The health scenarios (issue 12): what the sandbox breaks. The state folder is kept across starts, so
 * two `--scenario outage` starts open the incident (fail-after 2) and a plain start closes it.
 */
const FAULTS: Partial<Record<Scenario, { fault: SandboxFault; says: string }>> = {
  outage: {
    fault: { kind: 'outage', path: '/platform/v1/staffs' },
    says: 'GET /platform/v1/staffs answers 500; a second start with this scenario opens the incident (doc.failing), a plain start closes it (doc.recovered)',
  },
  'gateway-down': {
    fault: { kind: 'gateway-down' },
    says: 'both gateways (/apigw, /api2) answer 503: one target.down alert, no per-doc alerts',
  },
  'token-revoked': {
    fault: { kind: 'token-revoked', tokenType: 'staff' },
    says: 'every request made with the staff token answers 401: one credential.rejected alert naming the token type',
  },
};

/** The status page of the state after the run (`.verifier/status.html`); a failure to write it is reported, not fatal. */
async function writeStartStatusPage(state: string, docs: string, target: string, io: RunIo): Promise<void> {
  const file = join(state, 'status.html');
  try {
    await writeStatusPage({ state, file, docs, target });
    io.stdout.write(`status page: ${file}\n`);
  } catch (err) {
    io.stderr.write(`verifier start: status page not written: ${(err as Error).message}\n`);
  }
}
