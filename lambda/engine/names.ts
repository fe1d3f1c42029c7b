// Variable names the engine defines itself (FORMAT.md §4). Shared by lint (static checks) and the
// runner (resolution), so the two can never disagree about what a name means.

/** Computed once per doc run, UTC. */
export const RUNTIME_VALUES = [
  'today_date',
  'yesterday_date',
  'tomorrow_date',
  'next_week_date',
  'next_month_date',
  'start_of_month_date',
  'end_of_month_date',
  'current_date',
  'now_datetime',
  'tomorrow_datetime',
  'next_week_datetime',
  'future_datetime',
  'future_datetime_48h',
  'now_timestamp',
  'tomorrow_timestamp',
  'current_year',
  'current_month',
] as const;

/** Fresh at each use. */
export const GENERATORS = [
  'timestamp',
  'unique_id',
  'random_email',
  'random_phone',
  'random_string',
  'random_number',
  'random_firstname',
  'random_lastname',
] as const;

/** Config params every target is expected to define (documented); users may add any other name. */
export const DOCUMENTED_PARAMS = [
  'business_id',
  'business_uid',
  'staff_id',
  'staff_uid',
  'client_id',
  'client_uid',
  'matter_uid',
  'service_id',
  'directory_id',
] as const;

export const ENGINE_NAMES: ReadonlySet<string> = new Set<string>([...RUNTIME_VALUES, ...GENERATORS]);

/** `{{ name }}` with a plain identifier: the only supported expression form. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
