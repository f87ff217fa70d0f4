// RFC 4791 §9.6.6 CALDAV:limit-recurrence-set (master plus the overrides that impact the range) and
// §9.6.7 CALDAV:limit-freebusy-set (only FREEBUSY values overlapping the range).
import { describe, expect, it } from 'vitest';
import { renderCalendarData } from '../../../../src/caldav/calendar-data/render.ts';
import { parseCalendarDataRequest } from '../../../../src/caldav/calendar-data/request.ts';
import { parseXml } from '../../../../src/dav/xml/parse.ts';

function ics(lines: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery tests//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
}

function render(text: string, inner: string): string {
  const xml = `<C:calendar-data xmlns:C="urn:ietf:params:xml:ns:caldav">${inner}</C:calendar-data>`;
  return renderCalendarData(text, parseCalendarDataRequest(parseXml(xml)), { maxInstances: 1000, horizonUtcMs: Date.UTC(2038, 0, 1), timezones: false });
}

const recurrenceIds = (text: string) => text.split('\r\n').filter((l) => l.startsWith('RECURRENCE-ID'));

// Daily at 10:00Z from 1 June; the 3 June instance moved to 5 June 15:00Z, the 8 June one moved
// within its day, the 10 June one changes the series from then on.
const DAILY = ics([
  'BEGIN:VTIMEZONE', 'TZID:Europe/Paris', 'BEGIN:STANDARD', 'DTSTART:19701025T030000', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD', 'END:VTIMEZONE',
  'BEGIN:VEVENT', 'UID:daily', 'DTSTAMP:20250101T000000Z', 'DTSTART:20250601T100000Z', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;COUNT=20', 'SUMMARY:Daily', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:daily', 'DTSTAMP:20250101T000000Z', 'RECURRENCE-ID:20250603T100000Z', 'DTSTART:20250605T150000Z', 'DURATION:PT1H', 'SUMMARY:Moved', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:daily', 'DTSTAMP:20250101T000000Z', 'RECURRENCE-ID:20250608T100000Z', 'DTSTART:20250608T120000Z', 'DURATION:PT1H', 'SUMMARY:Later', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:daily', 'DTSTAMP:20250101T000000Z', 'RECURRENCE-ID;RANGE=THISANDFUTURE:20250610T100000Z', 'DTSTART:20250610T090000Z', 'DURATION:PT1H', 'SUMMARY:New series', 'END:VEVENT',
]);

describe('RFC 4791 §9.6.6 limit-recurrence-set', () => {
  it('always keeps the master and the VTIMEZONE, and overrides whose current time overlaps', () => {
    const out = render(DAILY, '<C:limit-recurrence-set start="20250605T140000Z" end="20250605T160000Z"/>');
    expect(out).toContain('RRULE:FREQ=DAILY;COUNT=20');
    expect(out).toContain('BEGIN:VTIMEZONE');
    expect(recurrenceIds(out)).toEqual(['RECURRENCE-ID:20250603T100000Z']);
  });

  it('keeps an override whose original time overlaps, though it was moved out of the range', () => {
    const out = render(DAILY, '<C:limit-recurrence-set start="20250603T000000Z" end="20250604T000000Z"/>');
    expect(recurrenceIds(out)).toEqual(['RECURRENCE-ID:20250603T100000Z']);
  });

  it('leaves out overrides that do not impact the range', () => {
    const out = render(DAILY, '<C:limit-recurrence-set start="20250601T000000Z" end="20250602T000000Z"/>');
    expect(recurrenceIds(out)).toEqual([]);
    expect(out).toContain('SUMMARY:Daily');
  });

  it('keeps a THISANDFUTURE override starting before the end of the range', () => {
    expect(recurrenceIds(render(DAILY, '<C:limit-recurrence-set start="20250615T000000Z" end="20250616T000000Z"/>'))).toEqual([
      'RECURRENCE-ID;RANGE=THISANDFUTURE:20250610T100000Z',
    ]);
    expect(recurrenceIds(render(DAILY, '<C:limit-recurrence-set start="20250608T000000Z" end="20250609T000000Z"/>'))).toEqual(['RECURRENCE-ID:20250608T100000Z']);
  });

  it('leaves a non-recurring object alone', () => {
    const single = ics(['BEGIN:VEVENT', 'UID:one', 'DTSTAMP:20250101T000000Z', 'DTSTART:20250601T100000Z', 'END:VEVENT']);
    expect(render(single, '<C:limit-recurrence-set start="20260101T000000Z" end="20260102T000000Z"/>')).toBe(single);
  });
});

describe('RFC 4791 §9.6.7 limit-freebusy-set', () => {
  const FREEBUSY = ics([
    'BEGIN:VFREEBUSY', 'UID:fb', 'DTSTAMP:20250101T000000Z', 'DTSTART:20250601T000000Z', 'DTEND:20250608T000000Z',
    'FREEBUSY;FBTYPE=BUSY:20250601T090000Z/PT1H,20250602T090000Z/20250602T100000Z',
    'FREEBUSY;FBTYPE=BUSY-TENTATIVE:20250603T090000Z/PT2H',
    'FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20250605T000000Z/P1D',
    'END:VFREEBUSY',
  ]);

  it('keeps only the FREEBUSY values that overlap, dropping emptied properties', () => {
    const out = render(FREEBUSY, '<C:limit-freebusy-set start="20250602T093000Z" end="20250603T100000Z"/>');
    const lines = out.split('\r\n').filter((l) => l.startsWith('FREEBUSY'));
    expect(lines).toEqual(['FREEBUSY;FBTYPE=BUSY:20250602T090000Z/20250602T100000Z', 'FREEBUSY;FBTYPE=BUSY-TENTATIVE:20250603T090000Z/PT2H']);
    expect(out).toContain('DTSTART:20250601T000000Z');
  });

  it('treats the range end as exclusive and the start as inclusive', () => {
    const lines = (inner: string) => render(FREEBUSY, inner).split('\r\n').filter((l) => l.startsWith('FREEBUSY'));
    expect(lines('<C:limit-freebusy-set start="20250601T100000Z" end="20250602T090000Z"/>')).toEqual([]);
    expect(lines('<C:limit-freebusy-set start="20250601T095959Z" end="20250601T100000Z"/>')).toEqual(['FREEBUSY;FBTYPE=BUSY:20250601T090000Z/PT1H']);
  });

  it('combines with partial retrieval', () => {
    const out = render(FREEBUSY, '<C:comp name="VCALENDAR"><C:comp name="VFREEBUSY"><C:prop name="FREEBUSY"/></C:comp></C:comp><C:limit-freebusy-set start="20250605T120000Z" end="20250606T000000Z"/>');
    expect(out).toBe('BEGIN:VCALENDAR\r\nBEGIN:VFREEBUSY\r\nFREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20250605T000000Z/P1D\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n');
  });
});
