// Client-supplied VTIMEZONEs with TZIDs the catalogue does not know (RFC 5545 §3.6.5).
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { zoneFromVtimezone } from '../../../src/tz/vtimezone-zone.ts';
import { localToUtcMs } from '../../../src/tz/zone.ts';

function zoneOf(lines: string[]) {
  const text = ['BEGIN:VTIMEZONE', ...lines, 'END:VTIMEZONE'].join('\r\n');
  return zoneFromVtimezone(new ICAL.Component(ICAL.parse(text)));
}

const OUTLOOK_EASTERN = [
  'TZID:Eastern Standard Time',
  'BEGIN:STANDARD',
  'DTSTART:16010101T020000',
  'TZOFFSETFROM:-0400',
  'TZOFFSETTO:-0500',
  'RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11',
  'END:STANDARD',
  'BEGIN:DAYLIGHT',
  'DTSTART:16010101T020000',
  'TZOFFSETFROM:-0500',
  'TZOFFSETTO:-0400',
  'RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3',
  'END:DAYLIGHT',
];

describe('zoneFromVtimezone', () => {
  it('expands RRULE observances (an Outlook-style zone starting in 1601)', () => {
    const zone = zoneOf(OUTLOOK_EASTERN);
    expect(zone.tzid).toBe('Eastern Standard Time');
    expect(zone.offsetAtUtc(Date.UTC(2025, 2, 9, 6, 59, 59))).toBe(-18000);
    expect(zone.offsetAtUtc(Date.UTC(2025, 2, 9, 7))).toBe(-14400);
    expect(zone.offsetAtUtc(Date.UTC(2025, 10, 2, 5, 59, 59))).toBe(-14400);
    expect(zone.offsetAtUtc(Date.UTC(2025, 10, 2, 6))).toBe(-18000);
    // RFC 5545 §3.3.5 gap rule through the same Zone interface.
    expect(localToUtcMs(zone, { year: 2025, month: 3, day: 9, hour: 2, minute: 30, second: 0 })).toBe(Date.UTC(2025, 2, 9, 7, 30));
  });

  it('honours RRULE UNTIL, multi-valued RDATEs, PERIOD RDATEs and EXDATEs', () => {
    const zone = zoneOf([
      'TZID:Custom/Test',
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0100',
      'END:STANDARD',
      'BEGIN:DAYLIGHT',
      'DTSTART:20000326T020000',
      'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;UNTIL=20020331T010000Z',
      'EXDATE:20010325T020000',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0200',
      'END:DAYLIGHT',
      'BEGIN:STANDARD',
      'DTSTART:20001029T030000',
      'RDATE:20001029T030000,20011028T030000',
      'RDATE;VALUE=PERIOD:20021027T030000/PT1H',
      'TZOFFSETFROM:+0200',
      'TZOFFSETTO:+0100',
      'END:STANDARD',
    ]);
    expect(zone.offsetAtUtc(Date.UTC(2000, 6, 1))).toBe(7200);
    expect(zone.offsetAtUtc(Date.UTC(2001, 6, 1))).toBe(3600); // EXDATE removed 2001's onset
    expect(zone.offsetAtUtc(Date.UTC(2002, 6, 1))).toBe(7200);
    expect(zone.offsetAtUtc(Date.UTC(2002, 9, 27, 0, 59, 59))).toBe(7200);
    expect(zone.offsetAtUtc(Date.UTC(2002, 9, 27, 1))).toBe(3600);
    expect(zone.offsetAtUtc(Date.UTC(2003, 6, 1))).toBe(3600); // UNTIL stopped the rule
  });

  it('keeps the seconds of LMT offsets and uses TZOFFSETFROM before the first onset', () => {
    const zone = zoneOf([
      'TZID:Old/Zone',
      'BEGIN:STANDARD',
      'DTSTART:18831118T120358',
      'RDATE:18831118T120358',
      'TZOFFSETFROM:-045602',
      'TZOFFSETTO:-0500',
      'TZNAME:EST',
      'END:STANDARD',
    ]);
    expect(zone.offsetAtUtc(Date.UTC(1880, 0, 1))).toBe(-(4 * 3600 + 56 * 60 + 2));
    expect(zone.offsetAtUtc(Date.UTC(1883, 10, 18, 17))).toBe(-18000);
  });

  it('stops expanding at 2100 and ignores malformed observances', () => {
    const zone = zoneOf([...OUTLOOK_EASTERN, 'BEGIN:DAYLIGHT', 'DTSTART:20250101T000000', 'END:DAYLIGHT']);
    expect(zone.offsetAtUtc(Date.UTC(2099, 6, 1))).toBe(-14400);
    // After 2100 the last expanded offset (November 2100: EST) stays.
    expect(zone.offsetAtUtc(Date.UTC(2150, 6, 1))).toBe(-18000);
    expect(zoneOf(['TZID:Empty']).offsetAtUtc(Date.UTC(2025, 0, 1))).toBe(0);
  });
});
