// The bounds on recurrence work (RFC 4791 §5.2.8 max-instances, and a request's budget): COUNT
// rules skipped ahead by whole periods give the same instances as iterating from DTSTART, a caller
// asking whether one instance exists stops at it, and a shared budget stops every expansion once
// spent. Counts of steps taken show the work done.
import { describe, expect, it } from 'vitest';
import { expansionBudget } from '../../../src/ical/expansion-budget.ts';
import { expandInstances, expandInstanceSet } from '../../../src/ical/recurrence.ts';
import { formatUtc } from '../../../src/ical/zones.ts';
import { getZone } from '../../../src/tz/catalogue.ts';
import { calendarWith, HORIZON_UTC_MS, utc } from './fixtures.ts';

const starts = (instances: { startUtcMs: number }[]) => instances.map((i) => formatUtc(i.startUtcMs));

describe('RFC 5545 §3.3.10: COUNT rules with one occurrence per period are skipped ahead', () => {
  it('FREQ=SECONDLY;COUNT=500000 in its last minute: the instances up to the 500,000th, in a few steps', () => {
    const series = calendarWith('VEVENT', ['DTSTART:20260101T000000Z', 'DURATION:PT1S', 'RRULE:FREQ=SECONDLY;COUNT=500000']);
    const budget = expansionBudget(1000);
    // The 500,000th instance starts 499,999 seconds after DTSTART: 2026-01-06 18:53:19.
    const found = expandInstances(series, { maxInstances: 100, horizonUtcMs: HORIZON_UTC_MS, budget, rangeStartUtcMs: utc('20260106T185300Z'), rangeEndUtcMs: utc('20260106T190000Z') });
    expect(starts(found)).toEqual(Array.from({ length: 20 }, (_, i) => `20260106T1853${String(i).padStart(2, '0')}Z`));
    expect(1000 - budget.stepsLeft).toBeLessThan(30);
    expect(budget.truncated).toBe(false);
  });

  it('gives what iterating from DTSTART gives, for fixed-length frequencies with an INTERVAL, across a DST change', () => {
    const newYork = getZone('America/New_York')!;
    for (const rule of ['FREQ=MINUTELY;INTERVAL=7;COUNT=3000', 'FREQ=HOURLY;INTERVAL=5;COUNT=900', 'FREQ=DAILY;COUNT=400', 'FREQ=WEEKLY;INTERVAL=2;COUNT=60']) {
      const series = calendarWith('VEVENT', ['DTSTART;TZID=America/New_York:20260301T013000', 'DURATION:PT10M', `RRULE:${rule}`]);
      const limits = { maxInstances: 10_000, horizonUtcMs: HORIZON_UTC_MS, floatingZone: newYork };
      const all = expandInstances(series, limits);
      for (const [start, end] of [['20260308T050000Z', '20260309T000000Z'], ['20260401T000000Z', '20260601T000000Z'], ['20270101T000000Z', '20280101T000000Z']]) {
        const ranged = expandInstances(series, { ...limits, rangeStartUtcMs: utc(start!), rangeEndUtcMs: utc(end!) });
        const expected = all.filter((i) => i.endUtcMs > utc(start!) && i.startUtcMs < utc(end!));
        expect(starts(ranged), `${rule} ${start}`).toEqual(starts(expected));
      }
    }
  });

  it('MONTHLY and YEARLY COUNT rules are iterated from DTSTART (a month without the day has no occurrence)', () => {
    const series = calendarWith('VEVENT', ['DTSTART:20240131T090000Z', 'DURATION:PT1H', 'RRULE:FREQ=MONTHLY;COUNT=10']);
    const found = expandInstances(series, { maxInstances: 100, horizonUtcMs: HORIZON_UTC_MS, rangeStartUtcMs: utc('20241001T000000Z'), rangeEndUtcMs: utc('20260101T000000Z') });
    // Ten 31sts from January 2024 (seven in 2024): the tenth is in May 2025.
    expect(starts(found)).toEqual(['20241031T090000Z', '20241231T090000Z', '20250131T090000Z', '20250331T090000Z', '20250531T090000Z']);
  });
});

describe('a caller that only asks whether an instance exists', () => {
  it('stops at the first one: an unbounded FREQ=SECONDLY series costs a handful of steps, not max-instances', () => {
    const ticks = calendarWith('VEVENT', ['DTSTART:20250101T000000Z', 'DURATION:PT1S', 'RRULE:FREQ=SECONDLY']);
    const budget = expansionBudget(10_000);
    const { instances } = expandInstanceSet(ticks, {
      maxInstances: 10_000, horizonUtcMs: HORIZON_UTC_MS, budget, rangeStartUtcMs: utc('20260301T000000Z'), rangeEndUtcMs: utc('20260308T000000Z'), stopAt: () => true,
    });
    expect(instances.length).toBeGreaterThan(0);
    expect(10_000 - budget.stepsLeft).toBeLessThan(10);
    const all = expandInstanceSet(ticks, { maxInstances: 10_000, horizonUtcMs: HORIZON_UTC_MS, rangeStartUtcMs: utc('20260301T000000Z'), rangeEndUtcMs: utc('20260308T000000Z') });
    expect(all.complete).toBe(false);
    expect(all.instances.length).toBeGreaterThan(9_990);
  });

  it('an EXDATE or an override replacing the first candidate is not taken for it', () => {
    const series = calendarWith('VEVENT', ['DTSTART:20260301T090000Z', 'DURATION:PT1H', 'RRULE:FREQ=DAILY', 'EXDATE:20260305T090000Z']);
    const { instances } = expandInstanceSet(series, { maxInstances: 100, horizonUtcMs: HORIZON_UTC_MS, rangeStartUtcMs: utc('20260305T000000Z'), rangeEndUtcMs: utc('20260307T000000Z'), stopAt: () => true });
    expect(starts(instances)).toEqual(['20260306T090000Z']);
  });
});

describe('a budget shared by a request\'s expansions', () => {
  it('stops every expansion once spent, and says the answer is cut short', () => {
    const daily = calendarWith('VEVENT', ['DTSTART:20260101T090000Z', 'DURATION:PT1H', 'RRULE:FREQ=DAILY']);
    const budget = expansionBudget(100);
    const limits = { maxInstances: 1000, horizonUtcMs: HORIZON_UTC_MS, budget, rangeStartUtcMs: utc('20260101T000000Z'), rangeEndUtcMs: utc('20270101T000000Z') };
    const first = expandInstanceSet(daily, limits);
    expect(first.instances.length).toBeLessThanOrEqual(100);
    expect(first.complete).toBe(false);
    expect(budget).toMatchObject({ exhausted: true, truncated: true });
    expect(expandInstanceSet(daily, limits).instances).toEqual([]);
  });

  it('a rule whose BY parts rarely match spends the budget\'s candidate checks, not a whole expansion\'s', () => {
    // FREQ=SECONDLY;BYMONTH=2 from June: ical.js checks every second until February.
    const rare = calendarWith('VEVENT', ['DTSTART:20260601T000000Z', 'DURATION:PT1S', 'RRULE:FREQ=SECONDLY;BYMONTH=2']);
    const budget = expansionBudget(1000);
    const { complete } = expandInstanceSet(rare, { maxInstances: 1000, horizonUtcMs: HORIZON_UTC_MS, budget, rangeStartUtcMs: utc('20260601T000000Z'), rangeEndUtcMs: utc('20260701T000000Z') });
    expect(complete).toBe(false);
    expect(budget.ruleChecksLeft).toBeLessThanOrEqual(0);
    expect(budget.exhausted).toBe(true);
  });
});

describe('RFC 4791 §5.2.7/§5.2.8: long bounded rules cost no more than what lies before max-date-time', () => {
  it('a COUNT above max-instances is refused as written, before any instance is expanded', () => {
    const series = calendarWith('VEVENT', ['DTSTART:20260130T100000Z', 'DURATION:PT1H', 'RRULE:FREQ=MONTHLY;BYDAY=5FR;COUNT=10001']);
    expect(() => expandInstances(series, { maxInstances: 10_000, horizonUtcMs: HORIZON_UTC_MS, onLimit: 'throw' })).toThrow(/asks for 10001 instances/);
  });

  it('a sparse COUNT rule stops at the horizon instead of walking thousands of years', () => {
    const series = calendarWith('VEVENT', ['DTSTART:20260130T100000Z', 'DURATION:PT1H', 'RRULE:FREQ=MONTHLY;BYDAY=5FR;COUNT=9999']);
    const { instances, complete } = expandInstanceSet(series, { maxInstances: 10_000, horizonUtcMs: HORIZON_UTC_MS, onLimit: 'throw' });
    expect(complete).toBe(true);
    // About four fifth Fridays a year from 2026 to the horizon in January 2038.
    expect(instances.length).toBeGreaterThan(40);
    expect(instances.length).toBeLessThan(60);
    expect(Math.max(...instances.map((i) => i.startUtcMs))).toBeLessThan(HORIZON_UTC_MS);
  });
});
