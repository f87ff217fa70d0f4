import { describe, expect, it } from 'vitest';
import { civilFromDays, daysFromCivil, weekdayFromDays } from '../../../src/tz/civil.ts';
import { rruleForPosixRule } from '../../../src/tz/footer-rrule.ts';
import { formatPosixTz, parsePosixTz, posixTransitionsForYear } from '../../../src/tz/posix-tz.ts';
import { TransitionZone } from '../../../src/tz/transition-zone.ts';

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

describe('proleptic Gregorian day numbers', () => {
  it('round-trips dates across centuries and leap days', () => {
    for (const [y, m, d] of [[1601, 1, 1], [1900, 2, 28], [2000, 2, 29], [1969, 12, 31], [2100, 3, 1], [50, 6, 1]] as const) {
      expect(civilFromDays(daysFromCivil(y, m, d))).toEqual({ year: y, month: m, day: d });
    }
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(weekdayFromDays(daysFromCivil(2025, 3, 9))).toBe(0); // a Sunday
  });
});

describe('RFC 8536 §3.3 POSIX TZ footers', () => {
  it('parses and re-formats the footers zic writes', () => {
    for (const text of [
      'EST5EDT,M3.2.0,M11.1.0',
      '<+1030>-10:30<+11>-11,M10.1.0,M4.1.0',
      'IST-2IDT,M3.4.4/26,M10.5.0',
      '<-02>2<-01>,M3.5.0/-1,M10.5.0/0',
      '<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45',
      'EET-2EEST,M4.5.5/0,M10.5.4/24',
      '<-03>3',
      'UTC0',
    ]) {
      const parsed = parsePosixTz(text);
      expect(parsed, text).toBeDefined();
      expect(formatPosixTz(parsed as NonNullable<typeof parsed>)).toBe(text);
    }
    expect(parsePosixTz('EST')).toBeUndefined();
    expect(parsePosixTz('EST5EDT,M13.1.0,M11.1.0')).toBeUndefined();
  });

  it('computes the 2025 transitions of New York and of southern-hemisphere Lord Howe', () => {
    const ny = parsePosixTz('EST5EDT,M3.2.0,M11.1.0');
    expect(posixTransitionsForYear(ny as NonNullable<typeof ny>, 2025).map((t) => [iso(t.utcSeconds), t.toDst])).toEqual([
      ['2025-03-09T07:00:00Z', true],
      ['2025-11-02T06:00:00Z', false],
    ]);
    const lordHowe = parsePosixTz('<+1030>-10:30<+11>-11,M10.1.0,M4.1.0');
    expect(posixTransitionsForYear(lordHowe as NonNullable<typeof lordHowe>, 2025).map((t) => [iso(t.utcSeconds), t.toDst])).toEqual([
      ['2025-04-05T15:00:00Z', false],
      ['2025-10-04T15:30:00Z', true],
    ]);
  });

  it('reads hours beyond 24 as later days (Jerusalem: Friday before the last Sunday of March)', () => {
    const jerusalem = parsePosixTz('IST-2IDT,M3.4.4/26,M10.5.0');
    const [start] = posixTransitionsForYear(jerusalem as NonNullable<typeof jerusalem>, 2026);
    expect(iso(start?.utcSeconds ?? 0)).toBe('2026-03-27T00:00:00Z');
  });

  it('keeps all-year DST ("0/0,J365/25") in daylight time, with no transitions', () => {
    const zone = new TransitionZone('Test/AllYearDst', [{ utcOffset: -18000, isDst: false, abbr: 'EST' }], [], [], parsePosixTz('EST5EDT,0/0,J365/25'));
    for (const at of [Date.UTC(2025, 0, 1, 5), Date.UTC(2025, 6, 1), Date.UTC(2025, 11, 31, 23)]) {
      expect(zone.offsetAtUtc(at)).toBe(-14400);
    }
    expect(zone.transitionsBetween(Date.UTC(2024, 0, 1) / 1000, Date.UTC(2027, 0, 1) / 1000)).toEqual([]);
  });

  it('answers as a fresh zone would whatever it was asked before (the span it keeps of its last answer)', () => {
    const footers = ['EST5EDT,M3.2.0,M11.1.0', '<+1030>-10:30<+11>-11,M10.1.0,M4.1.0', 'EST5EDT,0/0,J365/25'];
    const fresh = (footer: string) => new TransitionZone('Test/Footer', [{ utcOffset: 0, isDst: false, abbr: 'UTC' }], [], [], parsePosixTz(footer));
    for (const footer of footers) {
      const zone = fresh(footer);
      // Back and forth across the changes of three years, a second either side of each, and between them.
      const changes = [2025, 2026, 2027].flatMap((year) => posixTransitionsForYear(parsePosixTz(footer)!, year).map((t) => t.utcSeconds));
      const instants = changes.flatMap((s) => [s - 1, s, s + 1, s + 86_400 * 40]);
      const order = [...instants, ...[...instants].reverse(), ...instants.filter((_, i) => i % 3 === 0)];
      for (const seconds of order) {
        expect(zone.offsetAtUtc(seconds * 1000), `${footer} at ${iso(seconds)}`).toBe(fresh(footer).offsetAtUtc(seconds * 1000));
      }
    }
  });
});

describe('RFC 5545 §3.3.10 RRULEs for footer rules', () => {
  const rule = (text: string) => {
    const parsed = parsePosixTz(`XXX0YYY,${text},M1.1.0`);
    if (!parsed?.dst) throw new Error(text);
    return rruleForPosixRule(parsed.dst.start);
  };

  it('uses BYDAY with an ordinal for hours within the day', () => {
    expect(rule('M3.2.0')).toBe('FREQ=YEARLY;BYMONTH=3;BYDAY=2SU');
    expect(rule('M10.5.0/3')).toBe('FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU');
    expect(rule('J60')).toBe('FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1');
    expect(rule('59')).toBe('FREQ=YEARLY;BYYEARDAY=60');
  });

  it('moves the weekday and pins month days when the hour leaves 0–24', () => {
    expect(rule('M3.4.4/26')).toBe('FREQ=YEARLY;BYMONTH=3;BYDAY=FR;BYMONTHDAY=23,24,25,26,27,28,29');
    expect(rule('M3.4.4/50')).toBe('FREQ=YEARLY;BYMONTH=3;BYDAY=SA;BYMONTHDAY=24,25,26,27,28,29,30');
    expect(rule('M3.5.0/-1')).toBe('FREQ=YEARLY;BYMONTH=3;BYDAY=SA;BYMONTHDAY=24,25,26,27,28,29,30');
    expect(rule('M9.1.6/24')).toBe('FREQ=YEARLY;BYMONTH=9;BYDAY=SU;BYMONTHDAY=2,3,4,5,6,7,8');
  });

  it('gives up where no RRULE exists, so the writer falls back to RDATEs', () => {
    // The day after October's last Thursday may be November 1.
    expect(rule('M10.5.4/24')).toBeUndefined();
    expect(rule('M2.5.0/-1')).toBeUndefined();
    expect(rule('J60/25')).toBeUndefined();
  });
});
