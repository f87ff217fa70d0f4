// RFC 7809 output: which catalogue VTIMEZONEs a stored object needs put back.
import { describe, expect, it } from 'vitest';
import { insertTimezones, missingTzids } from '../../../src/caldav/timezones-by-reference.ts';
import { parseICalendar } from '../../../src/ical/parse.ts';
import { getZone } from '../../../src/tz/catalogue.ts';
import { zoneFromVtimezone } from '../../../src/tz/vtimezone-zone.ts';
import { utcMsToLocal } from '../../../src/tz/zone.ts';

const object = (lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', ...lines, 'END:VCALENDAR', ''].join('\r\n');

describe('missingTzids', () => {
  it('finds referenced zones, quoted or folded, that no VTIMEZONE defines', () => {
    const text = object([
      'BEGIN:VEVENT', 'DTSTART;TZID="America/New_York":20260101T090000',
      'DTEND;VALUE=DATE-TIME;TZID=Europe/Lon', ' don:20260101T100000', 'EXDATE;TZID=Asia/Kolkata:20260102T090000', 'END:VEVENT',
    ]);
    expect(missingTzids(text).sort()).toEqual(['America/New_York', 'Asia/Kolkata', 'Europe/London']);
  });

  it('leaves out zones the object defines itself, and finds nothing in UTC objects', () => {
    const text = object(['BEGIN:VTIMEZONE', 'TZID:Custom/Zone', 'END:VTIMEZONE', 'BEGIN:VEVENT', 'DTSTART;TZID=Custom/Zone:20260101T090000', 'END:VEVENT']);
    expect(missingTzids(text)).toEqual([]);
    expect(missingTzids(object(['BEGIN:VEVENT', 'DTSTART:20260101T090000Z', 'END:VEVENT']))).toEqual([]);
  });
});

describe('insertTimezones', () => {
  it('puts the catalogue zone before the first component, with CRLF line ends, and skips unknown zones', () => {
    const text = object(['BEGIN:VEVENT', 'DTSTART;TZID=Europe/Paris:20260101T090000', 'DTEND;TZID=Nowhere/Special:20260101T100000', 'END:VEVENT']);
    const out = insertTimezones(text);
    expect(out.indexOf('BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n')).toBeGreaterThan(0);
    expect(out.indexOf('BEGIN:VTIMEZONE')).toBeLessThan(out.indexOf('BEGIN:VEVENT'));
    expect(out).not.toMatch(/[^\r]\n/);
    expect(out.match(/BEGIN:VTIMEZONE/g)).toHaveLength(1);
    expect(insertTimezones(insertTimezones(text))).toBe(out);
  });

  it('truncates each zone to the earliest date the object gives in it, keeping every offset the object needs', () => {
    const text = object([
      'BEGIN:VEVENT', 'DTSTART;TZID=America/New_York:20260310T090000', 'RRULE:FREQ=DAILY;COUNT=400',
      'EXDATE;TZID=America/New_York:20270101T090000,20251231T090000', 'END:VEVENT',
    ]);
    const truncated = insertTimezones(text, { truncate: true });
    expect(truncated.length).toBeLessThan(insertTimezones(text).length - 2000);
    const zoneText = /BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE\r\n/.exec(truncated)![0];
    // Read as a client would: from the VTIMEZONE's own rules, not from the catalogue.
    const zone = zoneFromVtimezone(parseICalendar(`BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${zoneText}END:VCALENDAR\r\n`).getFirstSubcomponent('vtimezone')!);
    const catalogue = getZone('America/New_York')!;
    // The EXDATE of 31 December 2025, both DST changes of 2026, and a summer far ahead.
    for (const instant of [Date.UTC(2025, 11, 31, 14), Date.UTC(2026, 2, 8, 6, 59), Date.UTC(2026, 2, 8, 7), Date.UTC(2026, 10, 1, 5, 59), Date.UTC(2026, 10, 1, 6), Date.UTC(2035, 6, 1)]) {
      expect(utcMsToLocal(zone, instant), new Date(instant).toISOString()).toEqual(utcMsToLocal(catalogue, instant));
    }
  });
});
