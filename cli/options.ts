// Option parsers and choices shared by the command declarations (cli/commands.ts) and their
// implementations, so that no implementation imports the declarations back.
import { InvalidArgumentError } from 'commander';

export const SCENARIOS = [
  'healthy',
  'spam-flagged',
  'outage',
  'gateway-down',
  'token-revoked',
  'auth-drift',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const parseInteger =
  (name: string, min: number, max: number) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got "${v}"`);
    }
    return n;
  };

/** Repeatable flags: each use adds a value. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
