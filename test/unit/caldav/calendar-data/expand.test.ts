// RFC 4791 §9.6.5 CALDAV:expand: one component per instance overlapping the range, DTSTART/DTEND and
// RECURRENCE-ID in UTC, no RRULE/RDATE/EXDATE, overrides applied, no VTIMEZONE.
import { describe, expect, it } from 'vitest';
import { renderCalendarData } from '../../../../src/caldav/calendar-data/render.ts';
import { parseCalendarDataRequest } from '../../../../src/caldav/calendar-data/request.ts';
import { parseXml } from '../../../../src/dav/xml/parse.ts';
import { getZone } from '../../../../src/tz/catalogue.ts';
import type { Zone } from '../../../../src/tz/zone.ts';

const NEW_YORK = getZone('America/New_York')!;

function ics(lines: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery tests//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
}

function expand(text: string, start: string, end: string, options: { floatingZone?: Zone; attrs?: string; inner?: string } = {}): string {
  const xml = `<C:calendar-data xmlns:C="urn:ietf:params:xml:ns:caldav" ${options.attrs ?? ''}>${options.inner ?? ''}<C:expand start="${start}" end="${end}"/></C:calendar-data>`;
  return renderCalendarData(text, parseCalendarDataRequest(parseXml(xml)), { floatingZone: options.floatingZone, maxInstances: 1000, horizonUtcMs: Date.UTC(2038, 0, 1), timezones: true });
}

/** The VEVENT blocks of the answer, each as its lines without BEGIN/END. */
function events(text: string, name = 'VEVENT'): string[][] {
  const blocks: string[][] = [];
  let current: string[] | undefined;
  for (const line of text.split('\r\n')) {
    if (line === `BEGIN:${name}`) current = [];
    else if (line === `END:${name}`) {
      blocks.push(current!);
      current = undefined;
    } else if (current) current.push(line);
  }
  return blocks;
}

const WEEKLY_NY = ics([
  'BEGIN:VTIMEZONE', 'TZID:America/New_York', 'BEGIN:STANDARD', 'DTSTART:20071104T020000', 'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU', 'TZOFFSETFROM:-0400', 'TZOFFSETTO:-0500', 'END:STANDARD',
  'BEGIN:DAYLIGHT', 'DTSTART:20070311T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU', 'TZOFFSETFROM:-0500', 'TZOFFSETTO:-0400', 'END:DAYLIGHT', 'END:VTIMEZONE',
  'BEGIN:VEVENT', 'UID:weekly', 'DTSTAMP:20250101T000000Z', 'DTSTART;TZID=America/New_York:20250301T090000', 'DURATION:PT1H',
  'RRULE:FREQ=WEEKLY;COUNT=6', 'EXDATE;TZID=America/New_York:20250315T090000', 'SUMMARY:Weekly', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:weekly', 'DTSTAMP:20250101T000000Z', 'RECURRENCE-ID;TZID=America/New_York:20250322T090000',
  'DTSTART;TZID=America/New_York:20250322T140000', 'DTEND;TZID=America/New_York:20250322T150000', 'SUMMARY:Moved', 'END:VEVENT',
]);

describe('RFC 4791 §9.6.5 expand of a recurrence set', () => {
  it('gives each instance in UTC across the DST change, applying EXDATE and the override', () => {
    const out = expand(WEEKLY_NY, '20250301T000000Z', '20250501T000000Z');
    expect(out).not.toMatch(/RRULE|EXDATE|RDATE|VTIMEZONE|TZID/);
    const found = events(out).map((lines) => lines.filter((l) => /^(DTSTART|DTEND|DURATION|RECURRENCE-ID|SUMMARY)/.test(l)));
    expect(found).toEqual([
      ['DTSTART:20250301T140000Z', 'DURATION:PT1H', 'SUMMARY:Weekly', 'RECURRENCE-ID:20250301T140000Z'],
      ['DTSTART:20250308T140000Z', 'DURATION:PT1H', 'SUMMARY:Weekly', 'RECURRENCE-ID:20250308T140000Z'],
      // 2025-03-09: New York moves to UTC−4, so 09:00 local is now 13:00Z; 15 March is excluded.
      ['RECURRENCE-ID:20250322T130000Z', 'DTSTART:20250322T180000Z', 'DTEND:20250322T190000Z', 'SUMMARY:Moved'],
      ['DTSTART:20250329T130000Z', 'DURATION:PT1H', 'SUMMARY:Weekly', 'RECURRENCE-ID:20250329T130000Z'],
      ['DTSTART:20250405T130000Z', 'DURATION:PT1H', 'SUMMARY:Weekly', 'RECURRENCE-ID:20250405T130000Z'],
    ]);
  });

  it('returns only the instances overlapping the range (end exclusive)', () => {
    const out = expand(WEEKLY_NY, '20250308T143000Z', '20250322T180000Z');
    expect(events(out).map((l) => l.find((x) => x.startsWith('RECURRENCE-ID')))).toEqual(['RECURRENCE-ID:20250308T140000Z']);
    const moved = expand(WEEKLY_NY, '20250322T120000Z', '20250322T140000Z');
    // The moved instance no longer overlaps its original slot.
    expect(events(moved)).toEqual([]);
  });

  it('keeps the VCALENDAR properties and is valid jCal when asked for application/calendar+json', () => {
    const jcal = JSON.parse(expand(WEEKLY_NY, '20250301T000000Z', '20250302T000000Z', { attrs: 'content-type="application/calendar+json"' }));
    expect(jcal[1]).toEqual([['version', {}, 'text', '2.0'], ['prodid', {}, 'text', '-//Orrery tests//EN']]);
    expect(jcal[2]).toHaveLength(1);
    expect(jcal[2][0][1]).toContainEqual(['dtstart', {}, 'date-time', '2025-03-01T14:00:00Z']);
    expect(jcal[2][0][1]).toContainEqual(['recurrence-id', {}, 'date-time', '2025-03-01T14:00:00Z']);
  });

  it('applies partial retrieval to the expanded instances', () => {
    const out = expand(WEEKLY_NY, '20250301T000000Z', '20250302T000000Z', { inner: '<C:comp name="VCALENDAR"><C:comp name="VEVENT"><C:prop name="DTSTART"/><C:prop name="RECURRENCE-ID"/></C:comp></C:comp>' });
    expect(out).toBe('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20250301T140000Z\r\nRECURRENCE-ID:20250301T140000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n');
  });

  it('resolves a TZID defined only by the object\'s own VTIMEZONE, then drops the VTIMEZONE', () => {
    const text = ics([
      'BEGIN:VTIMEZONE', 'TZID:Custom Eastern', 'BEGIN:STANDARD', 'DTSTART:20071104T020000', 'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU', 'TZOFFSETFROM:-0400', 'TZOFFSETTO:-0500', 'END:STANDARD',
      'BEGIN:DAYLIGHT', 'DTSTART:20070311T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU', 'TZOFFSETFROM:-0500', 'TZOFFSETTO:-0400', 'END:DAYLIGHT', 'END:VTIMEZONE',
      'BEGIN:VEVENT', 'UID:custom', 'DTSTAMP:20250101T000000Z', 'DTSTART;TZID=Custom Eastern:20250308T090000', 'DTEND;TZID=Custom Eastern:20250308T100000',
      'RRULE:FREQ=DAILY;COUNT=2', 'END:VEVENT',
    ]);
    const out = expand(text, '20250301T000000Z', '20250401T000000Z');
    expect(out).not.toContain('VTIMEZONE');
    expect(events(out).map((l) => l.filter((x) => /^(DTSTART|DTEND)/.test(x)))).toEqual([
      ['DTSTART:20250308T140000Z', 'DTEND:20250308T150000Z'],
      ['DTSTART:20250309T130000Z', 'DTEND:20250309T140000Z'],
    ]);
  });

  it('writes a nominal DURATION (days) as DTEND when DTSTART turns to UTC across a DST change', () => {
    const text = ics(['BEGIN:VEVENT', 'UID:nominal', 'DTSTAMP:20250101T000000Z', 'DTSTART;TZID=America/New_York:20250308T120000', 'DURATION:P1D', 'END:VEVENT']);
    const out = expand(text, '20250301T000000Z', '20250401T000000Z');
    // Expanded data never carries VTIMEZONEs, even where stripped ones would otherwise be put back.
    expect(out).not.toContain('VTIMEZONE');
    const [lines] = events(out);
    // 12:00 EST to 12:00 EDT the next day is 23 hours.
    expect(lines).toEqual(['UID:nominal', 'DTSTAMP:20250101T000000Z', 'DTSTART:20250308T170000Z', 'DTEND:20250309T160000Z']);
  });

  it('RANGE=THISANDFUTURE: later instances take the override\'s properties and shift', () => {
    const text = ics([
      'BEGIN:VEVENT', 'UID:future', 'DTSTAMP:20250101T000000Z', 'DTSTART:20250601T100000Z', 'DTEND:20250601T110000Z', 'RRULE:FREQ=DAILY;COUNT=4', 'SUMMARY:Old', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:future', 'DTSTAMP:20250101T000000Z', 'RECURRENCE-ID;RANGE=THISANDFUTURE:20250603T100000Z', 'DTSTART:20250603T120000Z', 'DTEND:20250603T130000Z', 'SUMMARY:New', 'END:VEVENT',
    ]);
    const found = events(expand(text, '20250601T000000Z', '20250610T000000Z')).map((l) => l.filter((x) => /^(DTSTART|RECURRENCE-ID|SUMMARY)/.test(x)).sort());
    expect(found).toEqual([
      ['DTSTART:20250601T100000Z', 'RECURRENCE-ID:20250601T100000Z', 'SUMMARY:Old'],
      ['DTSTART:20250602T100000Z', 'RECURRENCE-ID:20250602T100000Z', 'SUMMARY:Old'],
      ['DTSTART:20250603T120000Z', 'RECURRENCE-ID:20250603T100000Z', 'SUMMARY:New'],
      ['DTSTART:20250604T120000Z', 'RECURRENCE-ID:20250604T100000Z', 'SUMMARY:New'],
    ]);
  });
});

describe('RFC 4791 §9.6.5 expand: dates, floating times and single components', () => {
  const ALL_DAY = ics(['BEGIN:VEVENT', 'UID:allday', 'DTSTAMP:20250101T000000Z', 'DTSTART;VALUE=DATE:20250301', 'DTEND;VALUE=DATE:20250302', 'RRULE:FREQ=DAILY;COUNT=3', 'END:VEVENT']);

  it('keeps all-day instances as DATE values, RECURRENCE-ID included', () => {
    const found = events(expand(ALL_DAY, '20250302T000000Z', '20250304T000000Z')).map((l) => l.filter((x) => /^(DTSTART|DTEND|RECURRENCE-ID)/.test(x)));
    expect(found).toEqual([
      ['DTSTART;VALUE=DATE:20250302', 'DTEND;VALUE=DATE:20250303', 'RECURRENCE-ID;VALUE=DATE:20250302'],
      ['DTSTART;VALUE=DATE:20250303', 'DTEND;VALUE=DATE:20250304', 'RECURRENCE-ID;VALUE=DATE:20250303'],
    ]);
  });

  it('reads all-day instances in the floating zone when one is given', () => {
    // In New York the 3 March instance runs 05:00Z on 3 March to 05:00Z on 4 March.
    const found = events(expand(ALL_DAY, '20250304T000000Z', '20250304T060000Z', { floatingZone: NEW_YORK }));
    expect(found.map((l) => l.find((x) => x.startsWith('DTSTART')))).toEqual(['DTSTART;VALUE=DATE:20250303']);
  });

  const FLOATING = ics(['BEGIN:VEVENT', 'UID:floating', 'DTSTAMP:20250101T000000Z', 'DTSTART:20250308T090000', 'DTEND:20250308T100000', 'RRULE:FREQ=DAILY;COUNT=2', 'END:VEVENT']);

  it('leaves floating times floating when no zone is known', () => {
    const found = events(expand(FLOATING, '20250301T000000Z', '20250401T000000Z')).map((l) => l.filter((x) => /^(DTSTART|DTEND|RECURRENCE-ID)/.test(x)));
    expect(found[1]).toEqual(['DTSTART:20250309T090000', 'DTEND:20250309T100000', 'RECURRENCE-ID:20250309T090000']);
  });

  it('writes floating times in UTC when the query gives a zone (CALDAV:timezone)', () => {
    const found = events(expand(FLOATING, '20250301T000000Z', '20250401T000000Z', { floatingZone: NEW_YORK })).map((l) => l.filter((x) => /^(DTSTART|DTEND|RECURRENCE-ID)/.test(x)));
    expect(found).toEqual([
      ['DTSTART:20250308T140000Z', 'DTEND:20250308T150000Z', 'RECURRENCE-ID:20250308T140000Z'],
      ['DTSTART:20250309T130000Z', 'DTEND:20250309T140000Z', 'RECURRENCE-ID:20250309T130000Z'],
    ]);
  });

  it('returns a non-recurring event in range in UTC without RECURRENCE-ID, and omits one outside', () => {
    const text = ics(['BEGIN:VEVENT', 'UID:single', 'DTSTAMP:20250101T000000Z', 'DTSTART;TZID=America/New_York:20250710T090000', 'DTEND;TZID=America/New_York:20250710T100000', 'END:VEVENT']);
    expect(events(expand(text, '20250710T000000Z', '20250711T000000Z'))).toEqual([['UID:single', 'DTSTAMP:20250101T000000Z', 'DTSTART:20250710T130000Z', 'DTEND:20250710T140000Z']]);
    expect(expand(text, '20250711T000000Z', '20250712T000000Z')).toBe('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Orrery tests//EN\r\nEND:VCALENDAR\r\n');
  });

  it('expands a recurring VTODO with DUE', () => {
    const text = ics(['BEGIN:VTODO', 'UID:todo', 'DTSTAMP:20250101T000000Z', 'DTSTART;TZID=America/New_York:20250308T090000', 'DUE;TZID=America/New_York:20250308T170000', 'RRULE:FREQ=DAILY;COUNT=2', 'END:VTODO']);
    const found = events(expand(text, '20250301T000000Z', '20250401T000000Z'), 'VTODO').map((l) => l.filter((x) => /^(DTSTART|DUE)/.test(x)));
    expect(found).toEqual([
      ['DTSTART:20250308T140000Z', 'DUE:20250308T220000Z'],
      ['DTSTART:20250309T130000Z', 'DUE:20250309T210000Z'],
    ]);
  });

  it('converts other zoned date-times (in subcomponents too) to UTC', () => {
    const text = ics([
      'BEGIN:VEVENT', 'UID:alarm', 'DTSTAMP:20250101T000000Z', 'DTSTART;TZID=America/New_York:20250710T090000', 'DURATION:PT1H', 'X-SEEN;TZID=America/New_York;VALUE=DATE-TIME:20250701T080000',
      'BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:x', 'TRIGGER;VALUE=DATE-TIME:20250710T120000Z', 'END:VALARM', 'END:VEVENT',
    ]);
    const out = expand(text, '20250710T000000Z', '20250711T000000Z');
    expect(out).not.toContain('TZID');
    expect(out).toContain('X-SEEN;VALUE=DATE-TIME:20250701T120000Z');
    expect(out).toContain('TRIGGER;VALUE=DATE-TIME:20250710T120000Z');
  });
});
