// FORMAT.md §4 run-time values and generators — pure functions, exact values.
import { describe, expect, it } from 'vitest';
import { GENERATORS, RUNTIME_VALUES } from '../../lambda/engine/names.js';
import { createGenerators, createScope, runtimeValues } from '../../lambda/engine/run/variables.js';

describe('run-time values', () => {
  it('computes every documented value in UTC', () => {
    const v = runtimeValues(new Date('2026-01-31T22:15:30.123Z'));
    expect(v).toEqual({
      today_date: '2026-01-31',
      current_date: '2026-01-31',
      yesterday_date: '2026-01-30',
      tomorrow_date: '2026-02-01',
      next_week_date: '2026-02-07',
      next_month_date: '2026-02-28',
      start_of_month_date: '2026-01-01',
      end_of_month_date: '2026-01-31',
      now_datetime: '2026-01-31T22:15:30.123Z',
      tomorrow_datetime: '2026-02-01T17:00:00.000Z',
      next_week_datetime: '2026-02-07T17:00:00.000Z',
      future_datetime: '2026-02-01T22:15:30.123Z',
      future_datetime_48h: '2026-02-02T22:15:30.123Z',
      now_timestamp: 1769897730,
      tomorrow_timestamp: 1769984130,
      current_year: '2026',
      current_month: '01',
    });
    expect(Object.keys(v).sort()).toEqual([...RUNTIME_VALUES].sort());
  });

  it('handles a leap February and December roll-over', () => {
    expect(runtimeValues(new Date('2028-01-30T00:00:00Z')).next_month_date).toBe('2028-02-29');
    const dec = runtimeValues(new Date('2026-12-31T12:00:00Z'));
    expect([dec.next_month_date, dec.end_of_month_date, dec.tomorrow_date]).toEqual([
      '2027-01-31',
      '2026-12-31',
      '2027-01-01',
    ]);
  });
});

describe('generators', () => {
  const now = () => new Date('2026-03-01T00:00:00.000Z');
  it('produce the documented shapes, fresh at each use', () => {
    const g = createGenerators(now);
    const ms = now().getTime();
    expect(g.generate('unique_id')).toBe(String(ms));
    expect(g.generate('unique_id')).toBe(String(ms + 1));
    expect(g.generate('timestamp')).toBe(String(ms + 2));
    expect(g.generate('random_email')).toBe(`apitest_${ms + 3}@example.com`);
    expect(g.generate('random_phone')).toMatch(/^\+1555\d{7}$/);
    expect(g.generate('random_string')).toMatch(/^test_[0-9a-z]{8}$/);
    expect(typeof g.generate('random_number')).toBe('number');
    expect(g.generate('random_firstname')).toMatch(/^[A-Z][a-z]+$/);
    expect(g.generate('random_lastname')).toMatch(/^[A-Z][a-z]+$/);
    for (const name of GENERATORS) expect(g.generate(name)).toBeDefined();
  });

  it('scope order: config params < run-time values < extracted values', () => {
    const scope = createScope(
      { business_id: 'cfg', today_date: 'cfg-date', x: 1 },
      runtimeValues(now()),
      createGenerators(now),
    );
    expect(scope.lookup('business_id')).toEqual({ value: 'cfg' });
    expect(scope.lookup('today_date')).toEqual({ value: '2026-03-01' });
    scope.set('business_id', 99);
    scope.set('today_date', 'extracted');
    expect(scope.lookup('business_id')).toEqual({ value: 99 });
    expect(scope.lookup('today_date')).toEqual({ value: 'extracted' });
    expect(scope.lookup('nothing')).toBeUndefined();
  });

  it('builds the run-time values only when a doc first uses one, and once', () => {
    let built = 0;
    const scope = createScope(
      { business_id: 'cfg' },
      () => {
        built++;
        return runtimeValues(now());
      },
      createGenerators(now),
    );
    expect(scope.lookup('business_id')).toEqual({ value: 'cfg' });
    expect(scope.lookup('unique_id')).toBeDefined();
    expect(scope.lookup('nothing')).toBeUndefined();
    expect(built).toBe(0);
    expect(scope.lookup('today_date')).toEqual({ value: '2026-03-01' });
    expect(scope.lookup('current_year')).toEqual({ value: '2026' });
    expect(built).toBe(1);
  });
});
