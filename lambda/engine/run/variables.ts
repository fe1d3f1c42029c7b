// Variable scope for one doc run (FORMAT.md §4): config params → run-time values → extracted values,
// later wins. Run-time values are computed once per doc run; generators are fresh at each use.
import { GENERATORS, RUNTIME_VALUES } from '../names.js';

type RuntimeName = (typeof RUNTIME_VALUES)[number];
type GeneratorName = (typeof GENERATORS)[number];

const DAY_MS = 86_400_000;

const isoDate = (d: Date): string => d.toISOString().slice(0, 10);
const plusDays = (d: Date, days: number): Date => new Date(d.getTime() + days * DAY_MS);
const at17 = (d: Date): string => `${isoDate(d)}T17:00:00.000Z`;

/** The month after `d`, clamped to that month's last day (Jan 31 → Feb 28/29). */
function plusOneMonth(d: Date): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay)));
}

/** Values computed once per doc run, UTC. */
export function runtimeValues(now: Date): Record<RuntimeName, string | number> {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const seconds = Math.floor(now.getTime() / 1000);
  return {
    today_date: isoDate(now),
    current_date: isoDate(now),
    yesterday_date: isoDate(plusDays(now, -1)),
    tomorrow_date: isoDate(plusDays(now, 1)),
    next_week_date: isoDate(plusDays(now, 7)),
    next_month_date: isoDate(plusOneMonth(now)),
    start_of_month_date: isoDate(new Date(Date.UTC(y, m, 1))),
    end_of_month_date: isoDate(new Date(Date.UTC(y, m + 1, 0))),
    now_datetime: now.toISOString(),
    tomorrow_datetime: at17(plusDays(now, 1)),
    next_week_datetime: at17(plusDays(now, 7)),
    future_datetime: plusDays(now, 1).toISOString(),
    future_datetime_48h: plusDays(now, 2).toISOString(),
    now_timestamp: seconds,
    tomorrow_timestamp: seconds + 86_400,
    current_year: String(y),
    current_month: String(m + 1).padStart(2, '0'),
  };
}

const FIRST_NAMES = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Margaret',
  'Ken',
  'Radia',
  'Linus',
];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson'];

export interface Generators {
  generate(name: GeneratorName): string | number;
}

/**
 * Generators, fresh at each use. Millisecond-based values never repeat within a run: two uses in
 * the same millisecond get consecutive values, so `unique_id` stays unique.
 */
export function createGenerators(now: () => Date, random: () => number = Math.random): Generators {
  let lastMs = 0;
  const uniqueMs = (): number => {
    lastMs = Math.max(now().getTime(), lastMs + 1);
    return lastMs;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const digits = (n: number): string => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  return {
    generate(name) {
      switch (name) {
        case 'timestamp':
        case 'unique_id':
          return String(uniqueMs());
        case 'random_email':
          return `apitest_${uniqueMs()}@example.com`;
        case 'random_phone':
          return `+1555${digits(7)}`;
        case 'random_string':
          return `test_${Array.from({ length: 8 }, () => Math.floor(random() * 36).toString(36)).join('')}`;
        case 'random_number':
          return 1 + Math.floor(random() * 999_999);
        case 'random_firstname':
          return pick(FIRST_NAMES);
        case 'random_lastname':
          return pick(LAST_NAMES);
      }
    },
  };
}

const GENERATOR_SET: ReadonlySet<string> = new Set(GENERATORS);
const RUNTIME_SET: ReadonlySet<string> = new Set(RUNTIME_VALUES);

/** One doc's variables. `lookup` answers `undefined` for a name nothing defines. */
export interface Scope {
  lookup(name: string): { value: unknown } | undefined;
  /** Records an extracted value; it shadows config params and run-time values. */
  set(name: string, value: unknown): void;
}

/**
 * `runtime` may be given as a function: it is then called once, the first time a doc uses a run-time
 * value (most docs use none, and building them formats a dozen dates).
 */
export function createScope(
  params: Readonly<Record<string, unknown>>,
  runtime: Readonly<Record<string, unknown>> | (() => Readonly<Record<string, unknown>>),
  generators: Generators,
): Scope {
  const extracted = new Map<string, unknown>();
  let values = typeof runtime === 'function' ? undefined : runtime;
  const runtimeValue = (name: string): { value: unknown } | undefined => {
    if (values === undefined) {
      if (!RUNTIME_SET.has(name)) return undefined;
      values = (runtime as () => Readonly<Record<string, unknown>>)();
    }
    return Object.hasOwn(values, name) ? { value: values[name] } : undefined;
  };
  return {
    lookup(name) {
      if (extracted.has(name)) return { value: extracted.get(name) };
      const rt = runtimeValue(name);
      if (rt) return rt;
      if (GENERATOR_SET.has(name)) return { value: generators.generate(name as GeneratorName) };
      if (Object.hasOwn(params, name) && params[name] !== undefined) return { value: params[name] };
      return undefined;
    },
    set(name, value) {
      extracted.set(name, value);
    },
  };
}
