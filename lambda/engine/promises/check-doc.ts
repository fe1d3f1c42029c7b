// What a doc promises beyond its status codes, checked while it runs (runDoc calls these):
// - each passing Test Request step's 2xx body against its operation's schema (the contract);
// - after a doc that passed, its GET steps re-sent with the other documented token types (the auth
//   matrix), compared with its Authentication table.
// Neither changes the doc's outcome, except a contract drift under `strict`.
import type { Doc, Step } from '../model.js';
import { type HttpClient, HttpFault, type HttpRequest, type HttpResponse } from '../ports.js';
import type { Redactor } from '../redact.js';
import { type AuthFinding, type AuthMatrixMode, judgeAuth, planAuthMatrix } from './auth-matrix.js';
import type { ContractChecker } from './contract.js';
import type { ContractCheck } from './contract-model.js';
import { matchOperation, type OperationIndex } from './operations.js';

export interface ContractConfig {
  readonly index: OperationIndex;
  /** One per run: schemas are compiled once per operation. */
  readonly checker: ContractChecker;
  /** A drift fails the doc (`--contract strict`); otherwise it is reported only. */
  readonly strict: boolean;
}

export interface AuthMatrixConfig {
  readonly mode: Exclude<AuthMatrixMode, 'off'>;
  /** Token types that have a token configured. */
  readonly configured: ReadonlySet<string>;
}

export interface DocPromises {
  readonly contract?: ContractConfig;
  readonly authMatrix?: AuthMatrixConfig;
}

/** The contract check of one passing step's response, or undefined when there is nothing to check. */
export async function checkContract(
  config: ContractConfig,
  doc: Doc,
  step: Step,
  response: HttpResponse,
  redactor: Redactor,
): Promise<ContractCheck | undefined> {
  if (step.phase !== 'test') return undefined;
  const swagger = doc.frontmatter.swagger;
  const op = matchOperation(
    config.index,
    step.method,
    step.path,
    typeof swagger === 'string' ? swagger : undefined,
  );
  if (!op) return undefined;
  config.checker.totals.matched++;
  const check = await config.checker.check(step.id, op, response.status, response.body, response.truncated);
  return check && redactor.value(check);
}

/** The first drift, as the reason a strict contract fails the doc. */
export function driftReason(doc: Doc, checks: readonly ContractCheck[]): string | undefined {
  const bad = checks.find((c) => !c.valid);
  if (!bad) return undefined;
  const first = bad.findings[0];
  const where = first ? `${first.pointer || '/'}: ${first.message}` : 'invalid';
  return `${doc.id}: step "${bad.step}": the response drifted from its contract (${bad.operation} in ${bad.spec}): ${where}`;
}

/**
 * Re-sends the doc's steps per the auth matrix plan. `build` makes the request for a step as the doc
 * would send it (same scope, so prerequisites' extracts are there), with the probe's token type.
 */
export async function runAuthMatrix(
  config: AuthMatrixConfig,
  doc: Doc,
  build: (step: Step) => Promise<HttpRequest | undefined>,
  http: HttpClient,
  signal?: AbortSignal,
): Promise<AuthFinding[]> {
  if (!doc.authentication) return [];
  const findings: AuthFinding[] = [];
  for (const probe of planAuthMatrix(doc.test, doc.authentication, config.configured, config.mode)) {
    const request = await build({
      ...probe.step,
      token: probe.tokenType,
      // A directory token acts for a business: re-sent as the doc's own directory steps are.
      xOnBehalfOf: probe.tokenType === 'directory' ? true : probe.step.xOnBehalfOf,
    });
    if (!request) continue;
    let status: number | undefined;
    try {
      status = (await http.send(request, signal)).status;
    } catch (err) {
      if (!(err instanceof HttpFault)) throw err;
    }
    findings.push(judgeAuth(probe, status));
  }
  return findings;
}
