// Runs one doc that parsed and linted clean: prerequisites in order, then every Test Request step,
// with onFail policy, extraction into the doc's scope, sleeps and business-condition evidence.
import type { Observation } from '../conditions/business.js';
import { type ConditionRule, ruleEndpoints } from '../conditions/rules.js';
import type { Doc, Outcome, Step, StepResult } from '../model.js';
import type { Clock, HttpClient, TestFiles } from '../ports.js';
import type { AuthFinding } from '../promises/auth-matrix.js';
import { checkContract, type DocPromises, driftReason, runAuthMatrix } from '../promises/check-doc.js';
import type { ContractCheck } from '../promises/contract-model.js';
import type { Redactor } from '../redact.js';
import type { Target } from '../target.js';
import { buildRequest } from './build-request.js';
import { createResolve, namesUsed } from './resolve.js';
import { sendStep } from './run-step.js';
import { createGenerators, createScope, runtimeValues } from './variables.js';

export interface DocRunContext {
  readonly target: Target;
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly redactor: Redactor;
  readonly rules: readonly ConditionRule[];
  readonly fallbackEndpoints: ReadonlySet<string>;
  readonly testFiles?: TestFiles;
  readonly signal?: AbortSignal;
  /** Contract and auth-matrix checks (`--openapi`, `--auth-matrix`); absent: none. */
  readonly promises?: DocPromises;
}

export interface DocRun {
  readonly outcome: Exclude<Outcome, 'skip'>;
  readonly reason?: string;
  readonly steps: readonly StepResult[];
  /** Condition evidence and clears; empty unless `alerting`. */
  readonly observations: readonly Observation[];
  /** Failures the doc tolerates but asked to hear about (`onFail: warn`). */
  readonly warnings: readonly string[];
  /** Auth-matrix verdicts, when the matrix ran (the doc passed and has an Authentication table). */
  readonly auth?: readonly AuthFinding[];
  /** One entry per Test Request step whose response was checked against its schema. */
  readonly contract?: readonly ContractCheck[];
}

/** The reason of a doc the run's deadline aborted in flight (FORMAT.md §8: error, no answer in time). */
export const DEADLINE_ABORT = "deadline: aborted in flight, the run's time ran out before an answer";

type Verdict = { readonly outcome: DocRun['outcome']; readonly reason: string };

const notRun = (step: Step, error: string): StepResult => ({
  id: step.id,
  phase: step.phase,
  line: step.line,
  method: step.method,
  expected: step.expect,
  outcome: 'skip',
  durationMs: 0,
  error,
});

/** `alerting` is false for pending/failed docs: they never produce condition observations. */
export async function runDoc(ctx: DocRunContext, doc: Doc, alerting: boolean): Promise<DocRun> {
  const now = ctx.clock.now();
  const scope = createScope(
    ctx.target.credentials.params,
    () => runtimeValues(now),
    createGenerators(() => ctx.clock.now()),
  );
  const resolve = createResolve(scope);
  /** A step's request as this doc sends it: its scope (config, run-time values, extracts so far). */
  const build = (step: Step) =>
    buildRequest(
      {
        target: ctx.target,
        doc,
        fallbackEndpoints: ctx.fallbackEndpoints,
        resolve,
        lookup: scope.lookup,
        testFiles: ctx.testFiles,
      },
      step,
    );
  const onRuleEndpoint = ruleEndpoints(ctx.rules);
  const where = (step: Step) => `${doc.id}:${step.line}: step "${step.id}"`;
  const steps = [...doc.prerequisites, ...doc.test];
  const results: StepResult[] = [];
  const observations: Observation[] = [];
  const warnings: string[] = [];
  const unextracted = new Set<string>();
  const contract: ContractCheck[] = [];
  let verdict: Verdict | undefined;
  let stopped: string | undefined;
  /** The run's deadline aborted this doc in flight (RunDeps.abort): what ran is kept, the rest is not run. */
  const deadline = (step: Step) => {
    verdict ??= { outcome: 'error', reason: `${where(step)}: ${DEADLINE_ABORT}` };
    stopped ??= "the run's deadline aborted the doc";
  };

  for (const step of steps) {
    if (!stopped && ctx.signal?.aborted) deadline(step);
    if (stopped) {
      results.push(notRun(step, `not run: ${stopped}`));
      continue;
    }
    // A value an earlier step failed to extract, and that no config param or run-time value provides.
    const missing =
      unextracted.size === 0
        ? undefined
        : namesUsed([step.path, step.params, step.body, step.headers, step.formFields]).find(
            (n) => unextracted.has(n) && !scope.lookup(n),
          );
    if (missing) {
      for (const name of Object.keys(step.extract)) unextracted.add(name);
      results.push(notRun(step, `not run: needs {{${missing}}}, which an earlier step did not extract`));
      continue;
    }
    const built = await build(step);
    if (built.kind !== 'request') {
      const [outcome, message]: [DocRun['outcome'], string] =
        built.kind === 'missing-token'
          ? ['error', `no ${built.tokenType} token configured`]
          : built.kind === 'invalid'
            ? ['invalid', built.message]
            : ['error', built.message];
      const text = ctx.redactor.text(message);
      results.push(notRun(step, text));
      verdict ??= { outcome, reason: built.kind === 'missing-token' ? text : `${where(step)}: ${text}` };
      stopped = `step ${step.id} could not be sent`;
      continue;
    }
    const sent = await sendStep(
      {
        http: ctx.http,
        clock: ctx.clock,
        redactor: ctx.redactor,
        rules: ctx.rules,
        docId: doc.id,
        signal: ctx.signal,
      },
      step,
      built.request,
      built.path,
    );
    let result = sent.result;
    if (ctx.signal?.aborted && result.outcome === 'error') {
      results.push(result);
      deadline(step);
      continue;
    }
    if (sent.evidence) {
      results.push(result);
      verdict = { outcome: 'blocked', reason: `${where(step)}: ${result.error}` };
      if (alerting) {
        observations.push({
          kind: 'condition',
          condition: 'spam_flagged',
          evidence: sent.evidence,
          doc: doc.id,
          ...(doc.knownIssues ? { remedy: ctx.redactor.text(doc.knownIssues) } : {}),
        });
      }
      stopped = `business condition confirmed at step ${step.id}`;
      continue;
    }
    if (result.outcome === 'pass') {
      results.push(result);
      if (ctx.promises?.contract && sent.response) {
        const check = await checkContract(ctx.promises.contract, doc, step, sent.response, ctx.redactor);
        if (check) contract.push(check);
      }
      for (const [name, value] of Object.entries(sent.extracted)) scope.set(name, value);
      if (
        alerting &&
        sent.ok2xx &&
        onRuleEndpoint({ method: step.method, path: built.path, pathTemplate: step.path })
      ) {
        observations.push({ kind: 'clear', doc: doc.id, stepId: step.id, at: ctx.clock.now().toISOString() });
      }
      if (step.sleepMs > 0) {
        // An aborted sleep ends the doc here; the next turn of the loop records the deadline.
        const slept = await ctx.clock.sleep(step.sleepMs, ctx.signal).then(
          () => true,
          () => false,
        );
        if (!slept && !ctx.signal?.aborted) throw new Error(`step ${step.id}: sleep failed`);
        if (!slept) deadline(step);
      }
      continue;
    }
    for (const name of Object.keys(step.extract)) unextracted.add(name);
    const failed: Verdict = {
      outcome: result.outcome === 'error' ? 'error' : 'fail',
      reason: `${where(step)}: ${result.error ?? 'failed'}`,
    };
    if (step.phase === 'prerequisite' && step.onFail !== 'abort') {
      // The author allows this prerequisite to fail: record it and go on.
      if (step.onFail === 'skip') {
        const why = step.skipReason
          ? ` (onFail skip: ${ctx.redactor.text(step.skipReason)})`
          : ' (onFail skip)';
        result = { ...result, outcome: 'skip', error: `${result.error ?? 'failed'}${why}` };
      }
      if (step.onFail === 'warn') warnings.push(`${failed.reason} (onFail: warn)`);
      results.push(result);
      continue;
    }
    results.push(result);
    verdict ??= failed;
    if (step.phase === 'prerequisite') stopped = `prerequisite ${step.id} failed`;
  }
  if (!verdict && ctx.promises?.contract?.strict) {
    const drift = driftReason(doc, contract);
    if (drift) verdict = { outcome: 'fail', reason: drift };
  }
  const auth =
    !verdict && ctx.promises?.authMatrix && doc.authentication
      ? await runAuthMatrix(
          ctx.promises.authMatrix,
          doc,
          async (probe) => {
            const built = await build(probe);
            return built.kind === 'request' ? built.request : undefined;
          },
          ctx.http,
          ctx.signal,
        )
      : undefined;
  const outcome = verdict?.outcome ?? 'pass';
  return {
    outcome,
    ...(verdict ? { reason: verdict.reason } : {}),
    steps: results,
    observations,
    warnings,
    ...(auth ? { auth } : {}),
    ...(ctx.promises?.contract ? { contract } : {}),
  };
}
