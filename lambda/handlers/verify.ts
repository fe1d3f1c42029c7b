// The verifier Lambda's entry (lib/constructs/verifier-function.ts bundles this file). The handler
// lives in verify/: handler.ts (an invocation), run-single.ts (a run of one shard), start-fan-out.ts
// (a run handed to the state machine), environment.ts (the composition root), types.ts.
import type { Context } from 'aws-lambda';
import { fromEnvironment } from './verify/environment.js';
import type { VerifyHandler, VerifyOutcome } from './verify/types.js';

export { createVerifierMetrics, withBucketRules } from './verify/environment.js';
export { createVerifyHandler } from './verify/handler.js';
export {
  healthOf,
  type VerifyHandler,
  type VerifyHandlerDeps,
  type VerifyOutcome,
  VerifyRunError,
} from './verify/types.js';

let instance: Promise<VerifyHandler> | undefined;

/** Lambda entry: config and SDK clients are built once, on the first invocation of the container. */
export const handler = async (event: unknown, context: Context): Promise<VerifyOutcome> => {
  // A failed cold start (rules unreadable) is retried by the next invocation, not cached.
  instance ??= fromEnvironment().catch((err: unknown) => {
    instance = undefined;
    throw err;
  });
  return (await instance)(event, context);
};
