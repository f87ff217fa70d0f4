// DAILY, WEEKLY, MONTHLY and YEARLY rules without BY parts, and weekly ones on given days of the
// week (BYDAY, with any WKST), are expanded by arithmetic rather than by ical.js's iterator: every
// instance must be the one ical.js itself yields, across DST changes, for all-day and floating
// series, with INTERVAL and COUNT, in months without DTSTART's day, and within any range (skipping
// ahead).
import fc from 'fast-check';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { expandInstances } from '../../../src/ical/recurrence.ts';
import { fieldsOf, fromLocal } from '../../../src/ical/zones.ts';
import { getZone } from '../../../src/tz/catalogue.ts';
import { UTC_ZONE } from '../../../src/tz/zone.ts';
import { calendarWith, HORIZON_UTC_MS } from './fixtures.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Series {
  freq: 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
  /** A weekly rule's BYDAY: DTSTART's own weekday (as many clients write it), or days of the week. */
  byday: 'own' | string[] | undefined;
  wkst: 'MO' | 'SU' | 'WE' | undefined;
  interval: number;
  count: number | undefined;
  kind: 'zoned' | 'floating' | 'date';
  dtstart: string;
  range: [number, number] | undefined;
}

/**
 * The starts ical.js's iterator yields for the series, read in the series' zone, within the range;
 * and DTSTART, which is an instance whether or not the rule yields it (RFC 5545 §3.8.5.3).
 */
function icalJsStarts(series: Series): number[] {
  const zone = series.kind === 'zoned' ? getZone('America/New_York')! : UTC_ZONE;
  // A bare YEARLY rule means DTSTART's month and day (RFC 5545 §3.3.10), which ical.js needs
  // spelled out: without them it moves a 29 February series to 1 March in common years.
  const byMonthDay = series.freq === 'YEARLY' ? `;BYMONTH=${Number(series.dtstart.slice(4, 6))};BYMONTHDAY=${Number(series.dtstart.slice(6, 8))}` : '';
  const rule = ICAL.Recur.fromString(ruleText(series) + byMonthDay);
  const iterator = rule.iterator(ICAL.Time.fromString(isoOf(series.dtstart, series.kind === 'date')));
  const length = series.kind === 'date' ? DAY : HOUR;
  const starts: number[] = [];
  for (let next = iterator.next(); next && starts.length < 5000; next = iterator.next()) {
    const start = fromLocal(fieldsOf(next), zone, series.kind === 'date', series.kind === 'floating').utcMs;
    // Nothing is expanded past the horizon (2038), which ical.js's iterator does not know.
    if (start > HORIZON_UTC_MS) break;
    if (series.range && start >= series.range[1]) break;
    if (!series.range || start + length > series.range[0]) starts.push(start);
    if (!series.range && !series.count) break;
  }
  const first = fromLocal(fieldsOf(ICAL.Time.fromString(isoOf(series.dtstart, series.kind === 'date'))), zone, series.kind === 'date', series.kind === 'floating').utcMs;
  const firstInRange = !series.range || (first < series.range[1] && first + length > series.range[0]);
  return firstInRange && starts[0] !== first ? [first, ...starts] : starts;
}

function ruleText(series: Series): string {
  const days = series.byday === 'own' ? [WEEKDAYS[new Date(isoOf(series.dtstart, true)).getUTCDay()]!] : series.byday;
  const byday = days ? `;BYDAY=${days.join(',')}` : '';
  const wkst = series.wkst ? `;WKST=${series.wkst}` : '';
  return `FREQ=${series.freq};INTERVAL=${series.interval}${series.count ? `;COUNT=${series.count}` : ''}${byday}${wkst}`;
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

function isoOf(text: string, isDate: boolean): string {
  const date = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
  return isDate ? date : `${date}T${text.slice(9, 11)}:${text.slice(11, 13)}:${text.slice(13, 15)}`;
}

function expandedStarts(series: Series): number[] {
  const dtstart =
    series.kind === 'date' ? `DTSTART;VALUE=DATE:${series.dtstart.slice(0, 8)}` : series.kind === 'zoned' ? `DTSTART;TZID=America/New_York:${series.dtstart}` : `DTSTART:${series.dtstart}`;
  const duration = series.kind === 'date' ? 'DURATION:P1D' : 'DURATION:PT1H';
  const vcalendar = calendarWith('VEVENT', [dtstart, duration, `RRULE:${ruleText(series)}`]);
  const range = series.range ? { rangeStartUtcMs: series.range[0], rangeEndUtcMs: series.range[1] } : {};
  return expandInstances(vcalendar, { maxInstances: 5000, horizonUtcMs: HORIZON_UTC_MS, floatingZone: UTC_ZONE, ...range }).map((i) => i.startUtcMs);
}

const seriesArbitrary: fc.Arbitrary<Series> = fc
  .record({
    freq: fc.constantFrom('DAILY' as const, 'WEEKLY' as const, 'MONTHLY' as const, 'YEARLY' as const),
    byday: fc.oneof(fc.constant(undefined), fc.constant('own' as const), fc.uniqueArray(fc.constantFrom(...WEEKDAYS), { minLength: 1, maxLength: 4 })),
    wkst: fc.constantFrom(undefined, 'MO' as const, 'SU' as const, 'WE' as const),
    interval: fc.integer({ min: 1, max: 4 }),
    count: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
    kind: fc.constantFrom('zoned' as const, 'floating' as const, 'date' as const),
    // Around the 2026 DST changes in New York (8 March, 1 November), at times inside the gap too;
    // month ends and 29 February 2028 often, for the months and years without DTSTART's day.
    day: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.constantFrom(16, 44, 75, 105, 136, 166, 197, 228, 258, 289, 319, 350, 775)),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.constantFrom(0, 30),
    rangeDays: fc.option(fc.tuple(fc.integer({ min: -10, max: 3000 }), fc.integer({ min: 1, max: 40 })), { nil: undefined }),
  })
  .filter((r) => r.count !== undefined || r.rangeDays !== undefined)
  .map((r) => {
    const start = new Date(Date.UTC(2026, 0, 15) + r.day * DAY + r.hour * HOUR + r.minute * 60_000);
    const dtstart = start.toISOString().replace(/[-:]/g, '').slice(0, 15);
    const range = r.rangeDays ? ([Date.UTC(2026, 0, 15) + r.rangeDays[0] * DAY, Date.UTC(2026, 0, 15) + (r.rangeDays[0] + r.rangeDays[1]) * DAY] as [number, number]) : undefined;
    return { freq: r.freq, byday: r.freq === 'WEEKLY' ? r.byday : undefined, wkst: r.wkst, interval: r.interval, count: r.count, kind: r.kind, dtstart, range };
  });

describe('DAILY, WEEKLY, MONTHLY and YEARLY rules without BY parts, and weekly ones on days of the week', () => {
  it('yield the instances ical.js yields', () => {
    fc.assert(
      fc.property(seriesArbitrary, (series) => {
        expect(expandedStarts(series)).toEqual(icalJsStarts(series));
      }),
      { numRuns: 1000 },
    );
  });

  it('leave a weekly BYDAY naming another weekday than DTSTART’s to ical.js: DTSTART, then that weekday', () => {
    // 2 March 2026 is a Monday: the instances after it are Tuesdays, not Mondays.
    const vcalendar = calendarWith('VEVENT', ['DTSTART:20260302T090000Z', 'DURATION:PT1H', 'RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=3']);
    const starts = expandInstances(vcalendar, { maxInstances: 100, horizonUtcMs: HORIZON_UTC_MS, floatingZone: UTC_ZONE }).map((i) => new Date(i.startUtcMs));
    expect(starts[0]!.toISOString()).toBe('2026-03-02T09:00:00.000Z');
    expect(starts.slice(1).map((start) => start.getUTCDay())).toEqual(starts.slice(1).map(() => 2));
    expect(starts.slice(1, 3).map((start) => start.toISOString())).toEqual(['2026-03-03T09:00:00.000Z', '2026-03-10T09:00:00.000Z']);
  });

  it('keep wall-clock time across a DST change (a weekly 02:30 meeting in the spring gap moves to 03:30 that week only)', () => {
    const series: Series = { freq: 'WEEKLY', byday: undefined, wkst: undefined, interval: 1, count: 3, kind: 'zoned', dtstart: '20260301T023000', range: undefined };
    expect(expandedStarts(series).map((ms) => new Date(ms).toISOString())).toEqual(['2026-03-01T07:30:00.000Z', '2026-03-08T07:30:00.000Z', '2026-03-15T06:30:00.000Z']);
  });
});
