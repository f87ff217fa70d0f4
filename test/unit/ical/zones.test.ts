// Reading DATE and DATE-TIME values as instants (RFC 5545 §3.3.4, §3.3.5, §3.2.19 TZID) and the
// RFC 4791 §9.9 "date with UTC time" attribute format.
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { addDuration, formatUtc, parseJCalTime, parseUtc, resolveFirstValue, resolveProperty, resolveTime, resolveValues, resolveZone, tzidOf, zoneContext } from '../../../src/ical/zones.ts';
import { getZone } from '../../../src/tz/catalogue.ts';
import { calendarWith, loadFixture, utc } from './fixtures.ts';

describe('RFC 5545 §3.2.19 TZID resolution', () => {
  it('prefers the bundled IANA zone, resolving aliases such as US/Eastern', () => {
    expect(resolveZone('US/Eastern').offsetAtUtc(utc('20060104T150000Z'))).toBe(-5 * 3600);
  });

  it('falls back to the object\'s own VTIMEZONE, then to UTC', () => {
    const cal = loadFixture('custom-vtimezone.ics');
    expect(resolveZone('Example Custom Time', cal).offsetAtUtc(utc('20250601T000000Z'))).toBe(3 * 3600);
    expect(resolveZone('Nowhere/Special', cal).offsetAtUtc(utc('20250601T000000Z'))).toBe(0);
  });
});

describe('RFC 5545 §3.3.5 the three DATE-TIME forms and DATE', () => {
  const cal = calendarWith('VEVENT', [
    'DTSTART;TZID=Asia/Kolkata:20250601T093000',
    'DTEND:20250601T050000Z',
    'RECURRENCE-ID:20250601T093000',
    'DUE;VALUE=DATE:20250602',
  ]);
  const event = cal.getFirstSubcomponent('vevent')!;
  const newYork = zoneContext(cal, getZone('America/New_York'));

  it('reads TZID values in their zone and UTC values as such, whatever the floating zone', () => {
    expect(formatUtc(resolveProperty(event, 'dtstart', newYork)!.utcMs)).toBe('20250601T040000Z');
    expect(formatUtc(resolveProperty(event, 'dtend', newYork)!.utcMs)).toBe('20250601T050000Z');
  });

  it('reads floating and DATE values in the floating zone and marks them floating', () => {
    const floating = resolveProperty(event, 'recurrence-id', newYork)!;
    const date = resolveProperty(event, 'due', newYork)!;
    expect([formatUtc(floating.utcMs), floating.isFloating]).toEqual(['20250601T133000Z', true]);
    expect([formatUtc(date.utcMs), date.isFloating, date.isDate]).toEqual(['20250602T040000Z', true, true]);
  });

  it('reads a value from its jCal text as ical.js reads it, and what it has changed with setValue', () => {
    const values = ['DTSTART;TZID=Asia/Kolkata:20250601T093000', 'DTSTART:20250601T050000Z', 'DTSTART:20250601T093000', 'DTSTART;VALUE=DATE:20250602',
      'DTSTART;TZID=US/Eastern:20251102T013000', 'DTSTART;TZID=America/New_York:20250309T023000', 'DTSTART;TZID=Nowhere/Special:20250601T093000'];
    for (const line of values) {
      const vevent = calendarWith('VEVENT', [line]).getFirstSubcomponent('vevent')!;
      const property = vevent.getFirstProperty('dtstart')!;
      const ctx = zoneContext(vevent.parent!, getZone('America/New_York'));
      const viaIcalJs = resolveTime(property.getFirstValue() as ICAL.Time, tzidOf(property), ctx);
      expect(resolveFirstValue(property, ctx), line).toEqual(viaIcalJs);
      // A value set through ical.js is what the jCal text then holds.
      const moved = (property.getFirstValue() as ICAL.Time).clone();
      moved.day += 3;
      property.setValue(moved);
      expect(resolveFirstValue(property, ctx), `${line} moved`).toEqual(resolveTime(moved, tzidOf(property), ctx));
    }
  });

  it('parses jCal DATE and DATE-TIME text as the RFC 7265 §3.3.4-3.3.5 pattern does, and nothing else', () => {
    const pattern = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(Z)?)?$/;
    const byPattern = (text: string) => {
      const m = pattern.exec(text);
      if (!m) return undefined;
      const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part))) as number[];
      return { local: { year, month, day, hour, minute, second }, isDate: m[4] === undefined, utc: m[7] === 'Z' };
    };
    const texts = ['2026-03-01', '2026-03-01T09:30:00', '2026-03-01T09:30:00Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59',
      '2026-03-01Z', '2026-03-01T09:30:00z', '2026-03-01T09:30', '2026-3-01', '2026/03/01', '2026-03-01 09:30:00', '2026-03-01T09-30-00',
      '2026-03-0a', '20260301', '20260301T093000Z', '-026-03-01', '2026-03-01T09:30:00+01', '', 'x'.repeat(20), '2026-03-01T09:30:0٣'];
    for (const text of texts) expect(parseJCalTime(text), text).toEqual(byPattern(text));
  });

  it('reads a PERIOD-typed value through ical.js as before (undefined: not a DATE or DATE-TIME)', () => {
    const vevent = calendarWith('VEVENT', ['DTSTART:20250601T050000Z', 'RDATE;VALUE=PERIOD:20250602T050000Z/PT1H']).getFirstSubcomponent('vevent')!;
    expect(resolveFirstValue(vevent.getFirstProperty('rdate')!, zoneContext(vevent.parent!))).toBeUndefined();
  });
});

describe('RFC 5545 §3.8.5.1-2 multi-valued EXDATE and RDATE', () => {
  it('reads every value from the jCal text as ical.js reads them, in the zone it is given', () => {
    const lines = ['EXDATE;TZID=America/New_York:20250309T023000,20250316T093000,20251102T013000', 'EXDATE:20250601T050000Z,20250608T050000Z',
      'EXDATE;VALUE=DATE:20250602,20250603', 'EXDATE:20250601T093000', 'RDATE;TZID=Nowhere/Special:20250601T093000,20250602T093000', 'RDATE;VALUE=DATE-TIME:20250601T093000'];
    for (const line of lines) {
      const vevent = calendarWith('VEVENT', ['DTSTART;TZID=Asia/Kolkata:20250601T093000', line]).getFirstSubcomponent('vevent')!;
      const property = vevent.getAllProperties().at(-1)!;
      const ctx = zoneContext(vevent.parent!, getZone('America/New_York'));
      for (const tzid of [tzidOf(property), 'Asia/Kolkata', undefined]) {
        const viaIcalJs = (property.getValues() as ICAL.Time[]).map((time) => resolveTime(time, tzid, ctx));
        expect(viaIcalJs.length, line).toBeGreaterThan(0);
        expect(resolveValues(property, tzid, ctx), `${line} in ${tzid}`).toEqual({ times: viaIcalJs, periods: [] });
      }
    }
  });

  it('gives PERIOD values as ical.js periods', () => {
    const vevent = calendarWith('VEVENT', ['DTSTART:20250601T050000Z', 'RDATE;VALUE=PERIOD:20250602T050000Z/PT1H,20250603T050000Z/20250603T070000Z']).getFirstSubcomponent('vevent')!;
    const { times, periods } = resolveValues(vevent.getFirstProperty('rdate')!, undefined, zoneContext(vevent.parent!));
    expect(times).toEqual([]);
    expect(periods.map((period) => period.toString())).toEqual(['2025-06-02T05:00:00Z/PT1H', '2025-06-03T05:00:00Z/2025-06-03T07:00:00Z']);
  });
});

describe('RFC 5545 §3.3.6 durations', () => {
  const cal = calendarWith('VEVENT', ['DTSTART;TZID=Europe/London:20250329T120000']);
  const start = resolveProperty(cal.getFirstSubcomponent('vevent')!, 'dtstart', zoneContext(cal))!;

  it('adds days nominally (same wall-clock time, 23 hours across the spring change)', () => {
    expect(formatUtc(addDuration(start, ICAL.Duration.fromString('P1D')))).toBe('20250330T110000Z');
  });

  it('adds hours exactly', () => {
    expect(formatUtc(addDuration(start, ICAL.Duration.fromString('PT24H')))).toBe('20250330T120000Z');
  });
});

describe('RFC 4791 §9.9 "date with UTC time" attributes', () => {
  it('parses YYYYMMDDTHHMMSSZ only', () => {
    expect(parseUtc('20060104T000000Z')).toBe(Date.UTC(2006, 0, 4));
    for (const bad of ['20060104T000000', '2006-01-04T00:00:00Z', '20060230T000000Z', '20061304T000000Z', '20060104T250000Z', '']) {
      expect(parseUtc(bad), bad).toBeUndefined();
    }
  });
});
