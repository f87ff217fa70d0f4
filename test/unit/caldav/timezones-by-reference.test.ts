// RFC 7809 output: which catalogue VTIMEZONEs a stored object needs put back.
import { describe, expect, it } from 'vitest';
import { insertTimezones, missingTzids } from '../../../src/caldav/timezones-by-reference.ts';

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
});
