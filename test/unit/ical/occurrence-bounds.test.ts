// The indexed span of a calendar object (first start, last end) that time-range queries prefilter
// on (RFC 4791 §9.9), computed when the object is stored.
import { describe, expect, it } from 'vitest';
import { computeOccurrenceBounds } from '../../../src/ical/occurrence-bounds.ts';
import { InvalidICalendarError } from '../../../src/ical/parse.ts';
import { TooManyInstances } from '../../../src/ical/recurrence.ts';
import { getZone } from '../../../src/tz/catalogue.ts';
import { calendarWith, HORIZON_UTC_MS, loadFixture, utc } from './fixtures.ts';

const LIMITS = { maxInstances: 1000, horizonUtcMs: HORIZON_UTC_MS };
const HOUR_MS = 3_600_000;

describe('computeOccurrenceBounds', () => {
  it('spans a single event exactly', () => {
    const bounds = computeOccurrenceBounds(loadFixture('rfc4791-abcd1.ics'), LIMITS);
    expect(bounds).toMatchObject({
      componentType: 'VEVENT',
      firstStartUtcMs: utc('20060102T150000Z'),
      lastEndUtcMs: utc('20060102T160000Z'),
      isRecurring: false,
      hasFloating: false,
    });
    expect(bounds.completeInstances?.map((i) => [i.startUtcMs, i.endUtcMs])).toEqual([[utc('20060102T150000Z'), utc('20060102T160000Z')]]);
  });

  it('spans every instance of a bounded series, overrides included', () => {
    const bounds = computeOccurrenceBounds(loadFixture('rfc4791-abcd2.ics'), LIMITS);
    expect([bounds.firstStartUtcMs, bounds.lastEndUtcMs, bounds.isRecurring]).toEqual([utc('20060102T170000Z'), utc('20060106T200000Z'), true]);
  });

  it('lists every instance of a bounded zoned series, and none when the set is unbounded or floating', () => {
    const series = computeOccurrenceBounds(loadFixture('ny-weekly-exdate-override.ics'), LIMITS);
    const instances = series.completeInstances ?? [];
    expect(instances.length).toBeGreaterThan(1);
    expect(Math.min(...instances.map((i) => i.startUtcMs))).toBe(series.firstStartUtcMs);
    expect(Math.max(...instances.map((i) => i.endUtcMs))).toBe(series.lastEndUtcMs);
    expect(computeOccurrenceBounds(loadFixture('london-daily-unbounded-since-2000.ics'), LIMITS).completeInstances).toBeNull();
    // A yearly series is listed to the horizon: it has few instances there.
    const yearly = computeOccurrenceBounds(calendarWith('VEVENT', ['DTSTART;TZID=Europe/London:20300601T090000', 'DURATION:PT1H', 'RRULE:FREQ=YEARLY']), LIMITS);
    expect(yearly.completeInstances?.map((i) => new Date(i.startUtcMs).toISOString())).toEqual(
      ['2030', '2031', '2032', '2033', '2034', '2035', '2036', '2037'].map((year) => `${year}-06-01T08:00:00.000Z`),
    );
    expect(yearly.lastEndUtcMs).toBe(HORIZON_UTC_MS);
  });

  it('lists a long unbounded series from half a year before the write to two years after it', () => {
    const weekly = calendarWith('VEVENT', ['DTSTART:20000103T090000Z', 'DURATION:PT1H', 'RRULE:FREQ=WEEKLY']);
    const writtenAt = utc('20250601T000000Z');
    const bounds = computeOccurrenceBounds(weekly, { ...LIMITS, nowUtcMs: writtenAt });
    expect(bounds.listedWindow).toEqual({ startUtcMs: writtenAt - 183 * 24 * HOUR_MS, endUtcMs: writtenAt + 2 * 366 * 24 * HOUR_MS });
    const starts = bounds.completeInstances!.map((i) => i.startUtcMs);
    expect(starts.length).toBe(131);
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(bounds.listedWindow!.startUtcMs - HOUR_MS);
    expect(computeOccurrenceBounds(weekly, LIMITS).completeInstances).toBeNull();
    expect(computeOccurrenceBounds(loadFixture('floating-daily-exdate.ics'), LIMITS).completeInstances).toBeNull();
  });

  it('spans an instance moved later than the rest of the series', () => {
    const bounds = computeOccurrenceBounds(loadFixture('kolkata-monthly-31st.ics'), LIMITS);
    expect([bounds.firstStartUtcMs, bounds.lastEndUtcMs]).toEqual([utc('20250131T040000Z'), utc('20250731T050000Z')]);
  });

  it('ends an unbounded series at the horizon', () => {
    const bounds = computeOccurrenceBounds(loadFixture('london-daily-unbounded-since-2000.ics'), LIMITS);
    expect([bounds.firstStartUtcMs, bounds.lastEndUtcMs]).toEqual([utc('20000103T090000Z'), HORIZON_UTC_MS]);
  });

  it('widens floating and all-day spans by 14 hours (UTC offsets run from −12:00 to +14:00)', () => {
    const bounds = computeOccurrenceBounds(loadFixture('all-day-rdate.ics'), LIMITS);
    expect(bounds.hasFloating).toBe(true);
    expect([bounds.firstStartUtcMs, bounds.lastEndUtcMs]).toEqual([utc('20250601T000000Z') - 14 * HOUR_MS, utc('20250621T000000Z') + 14 * HOUR_MS]);
  });

  it('widens by 26 hours when floating values were read in a zone other than UTC', () => {
    const bounds = computeOccurrenceBounds(loadFixture('floating-daily-exdate.ics'), { ...LIMITS, floatingZone: getZone('Pacific/Kiritimati') });
    expect(bounds.firstStartUtcMs).toBe(utc('20250309T190000Z') - 26 * HOUR_MS);
  });

  it('leaves an undated to-do unbounded and a CREATED-only one open-ended (§9.9 VTODO rows 7 and 8)', () => {
    const undated = computeOccurrenceBounds(calendarWith('VTODO', ['SUMMARY:Someday']), LIMITS);
    const created = computeOccurrenceBounds(calendarWith('VTODO', ['CREATED:20250101T000000Z']), LIMITS);
    expect([undated.firstStartUtcMs, undated.lastEndUtcMs]).toEqual([null, null]);
    expect([created.firstStartUtcMs, created.lastEndUtcMs]).toEqual([utc('20250101T000000Z'), null]);
  });

  it('spans a VFREEBUSY by DTSTART and DTEND', () => {
    const bounds = computeOccurrenceBounds(loadFixture('rfc4791-abcd8.ics'), LIMITS);
    expect(bounds).toMatchObject({ componentType: 'VFREEBUSY', firstStartUtcMs: utc('20060101T000000Z'), lastEndUtcMs: utc('20060108T000000Z') });
  });

  it('rejects a bounded series over maxInstances (RFC 4791 §11)', () => {
    expect(() => computeOccurrenceBounds(loadFixture('secondly-count-million.ics'), LIMITS)).toThrow(TooManyInstances);
  });

  it('accepts an unbounded FREQ=SECONDLY series, ending it at the horizon', () => {
    expect(computeOccurrenceBounds(loadFixture('secondly-unbounded.ics'), LIMITS).lastEndUtcMs).toBe(HORIZON_UTC_MS);
  });

  it('reports a value ical.js cannot decode as InvalidICalendarError, not a crash', () => {
    for (const bad of ['DURATION:soon', 'RDATE;VALUE=PERIOD:sometime', 'RRULE:FREQ=DAILY;UNTIL=later']) {
      const cal = calendarWith('VEVENT', ['DTSTART:20250101T100000Z', bad]);
      expect(() => computeOccurrenceBounds(cal, LIMITS), bad).toThrow(InvalidICalendarError);
    }
  });
});
