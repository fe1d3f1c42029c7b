// `verifier start` (= `npm start`): the sandbox in-process on a free port, a fresh tokens file, and
// every doc in seeds/ run against it with the local state store. `--scenario spam-flagged` flags the
// sandbox business first, so the messaging docs end blocked and the spam alert is raised; a normal
// start afterwards with the same --state raises the recovery alert (the sandbox's ids come from a
// fixed seed, so every start verifies the same business id).
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, Option } from 'commander';
import { createUndiciHttpClient } from '../lambda/adapters/http/undici-client.js';
import { createLocalDocSource } from '../lambda/adapters/local/doc-source.js';
import { createLocalStateStore } from '../lambda/adapters/local/state-store.js';
import { createLocalTestFiles } from '../lambda/adapters/local/test-files.js';
import { createWebhookAlertSink, describeWebhook } from '../lambda/adapters/webhook/webhook-sink.js';
import { renderAlertText } from '../lambda/engine/conditions/alert.js';
import type { DocResult } from '../lambda/engine/model.js';
import { systemClock } from '../lambda/engine/ports.js';
import { createRedactor } from '../lambda/engine/redact.js';
import { isProblem } from '../lambda/engine/report/summary.js';
import { runDocs } from '../lambda/engine/run/run-docs.js';
import type { Target } from '../lambda/engine/target.js';
import { createSandbox } from '../sandbox/server.js';
import type { CommandResult } from './main.js';
import { parseInteger, writeTokensFile } from './sandbox.js';

export const SCENARIOS = ['healthy', 'spam-flagged'] as const;
export type Scenario = (typeof SCENARIOS)[number];

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

export interface StartIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

/** The project root: cli/start.ts and dist/verifier.mjs both sit one folder below it. */
const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Runs the shipped docs against a fresh sandbox. Exit code: 0 when every doc that ran passed; 1 when
 * any doc failed, errored, was invalid or was blocked, which is what `--scenario spam-flagged`
 * produces on purpose (its messaging docs end blocked: an honest 1).
 */
export async function executeStart(opts: StartOptions, io: StartIo): Promise<number> {
  const scenario = opts.scenario ?? 'healthy';
  const docs = resolve(opts.docs ?? join(PROJECT_ROOT, 'seeds'));
  const state = resolve(opts.state ?? '.verifier');
  const sandbox = await createSandbox({ seed: opts.seed ?? 1 });
  let tokensFile: string | undefined;
  try {
    tokensFile = await writeTokensFile(sandbox);
    io.stdout(
      `sandbox API on ${sandbox.url} (business ${sandbox.businessId}), docs ${docs}, state ${state}\n`,
    );
    if (scenario === 'spam-flagged') {
      sandbox.flagBusiness();
      io.stdout(
        `scenario spam-flagged: business ${sandbox.businessId} is now spam-flagged, as a burst of automated test messages would leave it\n`,
      );
    }
    const target: Target = {
      baseUrl: sandbox.baseUrl,
      fallbackUrl: sandbox.fallbackUrl,
      partnersUrl: sandbox.partnersUrl,
      credentials: sandbox.tokens,
    };
    return await runLocally({ target, docs, state, alertWebhook: opts.alertWebhook }, io);
  } finally {
    await sandbox.close();
    if (tokensFile) await rm(dirname(tokensFile), { recursive: true, force: true });
  }
}

export function registerStart(program: Command, result: CommandResult): void {
  program
    .command('start')
    .description('Run the shipped docs (seeds/) against the built-in sandbox API: no AWS account, no tokens.')
    .addOption(
      new Option('--scenario <name>', 'healthy, or spam-flagged (flags the sandbox business first)')
        .choices(SCENARIOS)
        .default('healthy'),
    )
    .option('--alert-webhook <url>', 'POST business alerts (JSON) to this URL')
    .option('--state <dir>', 'local state folder', '.verifier')
    .option('--docs <dir>', 'docs folder (default: the shipped seeds/)')
    .option('--seed <n>', 'sandbox seed (default 1)', parseInteger('--seed', 0, 2 ** 31))
    .action(async (opts: StartOptions) => {
      result.code = await executeStart(opts, {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
      });
    });
}

const MARK: Record<string, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  error: 'ERROR',
  blocked: 'BLOCKED',
  invalid: 'INVALID',
  skip: 'SKIP',
};

/** Runs the docs with the local adapters, rendering progress, alerts and the summary. */
async function runLocally(
  run: { target: Target; docs: string; state: string; alertWebhook: string | undefined },
  io: StartIo,
): Promise<number> {
  const redactor = createRedactor(Object.values(run.target.credentials.tokens));
  const http = createUndiciHttpClient({ rps: 0 });
  const results: DocResult[] = [];
  try {
    const runResult = await runDocs(
      run.target,
      {
        runId: `start-${systemClock.now().toISOString().replace(/[:.]/g, '-')}`,
        allowDelete: true,
        concurrency: 4,
        trigger: 'start',
      },
      {
        docs: createLocalDocSource(run.docs),
        http,
        store: createLocalStateStore({ dir: run.state }),
        clock: systemClock,
        testFiles: createLocalTestFiles(join(run.docs, 'test-files')),
        ...(run.alertWebhook
          ? {
              alerts: createWebhookAlertSink({
                url: run.alertWebhook,
                onError: (m) => io.stderr(`${redactor.text(m)}\n`),
              }),
            }
          : {}),
        onEvent: (e) => {
          if (e.type === 'run-started') io.stdout(`run ${e.runId}: ${e.total} docs\n`);
          else if (e.type === 'doc-finished') {
            results.push(e.result);
            const r = e.result;
            const why = r.outcome === 'pass' ? '' : `  (${r.reason ?? ''})`;
            io.stdout(redactor.text(`[${results.length}] ${MARK[r.outcome]} ${r.doc}${why}\n`));
          } else if (e.type === 'alert') {
            const where = run.alertWebhook ? ` (POSTed to ${describeWebhook(run.alertWebhook)})` : '';
            io.stdout(
              redactor.text(`\nALERT ${e.alert.type}${where}\n${renderAlertText(e.alert).trimEnd()}\n\n`),
            );
          } else if (e.type === 'warning') io.stderr(redactor.text(`warning: ${e.message}\n`));
        },
      },
    );
    const s = runResult.summary;
    io.stdout(
      `\n${s.total} docs: ${s.pass} pass, ${s.fail} fail, ${s.error} error, ${s.blocked} blocked, ${s.invalid} invalid, ${s.skip} skip\n`,
    );
    return results.some((r) => isProblem(r.outcome)) ? 1 : 0;
  } finally {
    await http.close();
  }
}
