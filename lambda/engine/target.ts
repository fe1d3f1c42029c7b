// What a run is pointed at, and how it is asked to behave. Built by the CLI (flags/config file)
// or by a Lambda handler (env + Secrets Manager); the engine only reads it.
import type { TargetRule } from './health/target-rules.js';

/** The tokens file shape teams already keep: `{ "tokens": {...}, "params": {...} }`. */
export interface Credentials {
  /** token type (`staff`, `directory`, `app`, `client`, `admin`, `internal`, ...) → token value */
  readonly tokens: Readonly<Record<string, string>>;
  /** config params: business_id, business_uid, staff_id, client_id, ... */
  readonly params: Readonly<Record<string, unknown>>;
}

export interface Target {
  /** Primary base URL, e.g. `https://host/apigw`. */
  readonly baseUrl: string;
  /** Fallback base URL, e.g. `https://host/api2`. Defaults to baseUrl. */
  readonly fallbackUrl?: string;
  /** Partners base URL, e.g. `https://api.host`, for paths containing `/partners/`. */
  readonly partnersUrl?: string;
  readonly credentials: Credentials;
}

/** The target of a run from its settings and credentials (the one way the CLI and the Lambda build it). */
export function targetOf(
  urls: { readonly baseUrl: string; readonly fallbackUrl?: string; readonly partnersUrl?: string },
  credentials: Credentials,
): Target {
  return {
    baseUrl: urls.baseUrl,
    ...(urls.fallbackUrl ? { fallbackUrl: urls.fallbackUrl } : {}),
    ...(urls.partnersUrl ? { partnersUrl: urls.partnersUrl } : {}),
    credentials,
  };
}

export interface DocFilters {
  readonly domains?: readonly string[];
  readonly tags?: readonly string[];
  /** Globs matched against doc ids (picomatch). */
  readonly docs?: readonly string[];
  /** Extra statuses to run: `pending`, `failed`. */
  readonly include?: readonly ('pending' | 'failed')[];
}

export interface RunOptions {
  readonly runId: string;
  readonly filters?: DocFilters;
  readonly allowDelete: boolean;
  /** Docs in flight at once (default 4). */
  readonly concurrency: number;
  /** Absolute time after which no doc is started (they are recorded as skip, reason "deadline"). */
  readonly deadline?: Date;
  /** Maximum sleep a step may ask for (ms); longer sleeps are a lint error and make the doc invalid. */
  readonly maxSleepMs?: number;
  readonly trigger?: string;
  /** Endpoint health (issue 12). @default - failAfter 2, recoverAfter 1, the shipped target rules */
  readonly health?: HealthRunOptions;
}

/** How a run settles endpoint health: incident policy, target-condition rules, names. */
export interface HealthRunOptions {
  /** Consecutive fail/error runs that open a doc's incident. @default 2 */
  readonly failAfter?: number;
  /** Consecutive passes that close it. @default 1 */
  readonly recoverAfter?: number;
  /** Target-condition rules. @default - DEFAULT_TARGET_RULES */
  readonly rules?: readonly TargetRule[];
  /** The request cap in force, quoted by `target.rate_limited` (0 = none). */
  readonly rateCapRps?: number;
  /** The name target conditions are keyed on. @default "target" */
  readonly target?: string;
  /** The caller narrowed the docs another way (`--docs FILE.md`): like a filter, it clears no condition. */
  readonly partial?: boolean;
}

export const DEFAULTS = {
  concurrency: 4,
  rps: 5,
  timeoutMs: 30_000,
  maxSleepMs: 60_000,
  /** Response bytes kept in memory per response; the rest is drained and discarded. */
  maxBodyBytes: 1024 * 1024,
  excerptBytes: 1024,
} as const;
