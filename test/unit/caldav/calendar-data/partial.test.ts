// RFC 4791 §7.6 and §9.6.1–§9.6.4 partial retrieval: only the components and properties asked for,
// novalue="yes" keeping a property without its value, in text and in jCal (RFC 7265).
import { describe, expect, it } from 'vitest';
import { renderCalendarData } from '../../../../src/caldav/calendar-data/render.ts';
import { parseCalendarDataRequest } from '../../../../src/caldav/calendar-data/request.ts';
import { parseXml } from '../../../../src/dav/xml/parse.ts';

const LIMITS = { maxInstances: 1000, horizonUtcMs: Date.UTC(2038, 0, 1), timezones: false };

const OBJECT = [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery tests//EN',
  'BEGIN:VTIMEZONE', 'TZID:Europe/Paris', 'BEGIN:STANDARD', 'DTSTART:19701025T030000', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD', 'END:VTIMEZONE',
  'BEGIN:VEVENT', 'UID:partial-1', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Europe/Paris:20260110T100000', 'DURATION:PT1H',
  'SUMMARY:Planning', 'DESCRIPTION:Long text', 'LOCATION:Room 1', 'ATTENDEE;CN=Bob:mailto:bob@example.com',
  'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT15M', 'DESCRIPTION:Reminder', 'END:VALARM',
  'END:VEVENT',
  'END:VCALENDAR', '',
].join('\r\n');

function render(inner: string, attrs = '', text = OBJECT, timezones = false): string {
  const request = parseCalendarDataRequest(parseXml(`<C:calendar-data xmlns:C="urn:ietf:params:xml:ns:caldav" ${attrs}>${inner}</C:calendar-data>`));
  return renderCalendarData(text, request, { ...LIMITS, timezones });
}

const lines = (text: string) => text.split('\r\n').filter((l) => l !== '');

describe('RFC 4791 §9.6 calendar-data without selectors', () => {
  it('returns the stored text byte for byte', () => {
    expect(render('')).toBe(OBJECT);
  });

  it('returns jCal (RFC 7265) when asked for application/calendar+json', () => {
    const jcal = JSON.parse(render('', 'content-type="application/calendar+json"'));
    expect(jcal[0]).toBe('vcalendar');
    expect(jcal[2].map((c: unknown[]) => c[0])).toEqual(['vtimezone', 'vevent']);
  });
});

describe('RFC 4791 §9.6.1 CALDAV:comp and §9.6.4 CALDAV:prop', () => {
  it('keeps only the named properties and components (RFC 4791 §7.8.1 shape)', () => {
    const out = lines(render('<C:comp name="VCALENDAR"><C:prop name="VERSION"/><C:comp name="VEVENT"><C:prop name="UID"/><C:prop name="SUMMARY"/><C:prop name="DTSTART"/></C:comp><C:comp name="VTIMEZONE"/></C:comp>'));
    expect(out).toEqual([
      'BEGIN:VCALENDAR', 'VERSION:2.0',
      'BEGIN:VTIMEZONE', 'TZID:Europe/Paris', 'BEGIN:STANDARD', 'DTSTART:19701025T030000', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD', 'END:VTIMEZONE',
      'BEGIN:VEVENT', 'UID:partial-1', 'DTSTART;TZID=Europe/Paris:20260110T100000', 'SUMMARY:Planning', 'END:VEVENT',
      'END:VCALENDAR',
    ]);
  });

  it('drops subcomponents that are not named (VALARM) and components not named (VTIMEZONE)', () => {
    const out = render('<C:comp name="VCALENDAR"><C:allprop/><C:comp name="VEVENT"><C:allprop/></C:comp></C:comp>');
    expect(out).not.toContain('BEGIN:VALARM');
    expect(out).not.toContain('BEGIN:VTIMEZONE');
    expect(out).toContain('PRODID:-//Orrery tests//EN');
    expect(out).toContain('ATTENDEE;CN=Bob:mailto:bob@example.com');
  });

  it('CALDAV:allcomp returns every subcomponent whole', () => {
    const out = render('<C:comp name="VCALENDAR"><C:comp name="VEVENT"><C:prop name="UID"/><C:allcomp/></C:comp></C:comp>');
    expect(lines(out)).toEqual([
      'BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'UID:partial-1',
      'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT15M', 'DESCRIPTION:Reminder', 'END:VALARM',
      'END:VEVENT', 'END:VCALENDAR',
    ]);
  });

  it('matches component and property names case-insensitively', () => {
    const out = lines(render('<C:comp name="vcalendar"><C:comp name="vevent"><C:prop name="summary"/></C:comp></C:comp>'));
    expect(out).toEqual(['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'SUMMARY:Planning', 'END:VEVENT', 'END:VCALENDAR']);
  });

  it('novalue="yes" keeps the property and its parameters with an empty value (text)', () => {
    const out = lines(render('<C:comp name="VCALENDAR"><C:comp name="VEVENT"><C:prop name="DTSTART" novalue="yes"/><C:prop name="ATTENDEE" novalue="yes"/><C:prop name="SUMMARY"/></C:comp></C:comp>'));
    expect(out).toEqual(['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'DTSTART;TZID=Europe/Paris:', 'SUMMARY:Planning', 'ATTENDEE;CN=Bob:', 'END:VEVENT', 'END:VCALENDAR']);
  });

  it('novalue="yes" in jCal gives the property one empty value', () => {
    const jcal = JSON.parse(render('<C:comp name="VCALENDAR"><C:comp name="VEVENT"><C:prop name="DTSTART" novalue="yes"/></C:comp></C:comp>', 'content-type="application/calendar+json"'));
    expect(jcal).toEqual(['vcalendar', [], [['vevent', [['dtstart', { tzid: 'Europe/Paris' }, 'date-time', '']], []]]]);
  });

  it('a FREEBUSY PERIOD property can be returned without value', () => {
    const text = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//x//EN', 'BEGIN:VFREEBUSY', 'UID:fb', 'DTSTAMP:20260101T000000Z', 'FREEBUSY:20260101T100000Z/PT1H', 'END:VFREEBUSY', 'END:VCALENDAR', ''].join('\r\n');
    const out = lines(render('<C:comp name="VCALENDAR"><C:comp name="VFREEBUSY"><C:prop name="FREEBUSY" novalue="yes"/></C:comp></C:comp>', '', text));
    expect(out).toEqual(['BEGIN:VCALENDAR', 'BEGIN:VFREEBUSY', 'FREEBUSY:', 'END:VFREEBUSY', 'END:VCALENDAR']);
  });
});

describe('RFC 7809 §3.1.2 time zones stripped on store come back in calendar-data', () => {
  // As stored: the America/New_York VTIMEZONE was removed because the catalogue knows it.
  const STRIPPED = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery tests//EN',
    'BEGIN:VEVENT', 'UID:stripped', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=America/New_York:20260110T100000', 'DURATION:PT1H', 'END:VEVENT',
    'END:VCALENDAR', '',
  ].join('\r\n');

  it('inserts the catalogue VTIMEZONE into the whole object, and not when the client opted out', () => {
    expect(render('', '', STRIPPED, true)).toMatch(/BEGIN:VTIMEZONE\r\nTZID:America\/New_York\r\n[\s\S]*END:VTIMEZONE\r\nBEGIN:VEVENT/);
    expect(render('', '', STRIPPED, false)).toBe(STRIPPED);
  });

  it('makes it available to partial retrieval and jCal', () => {
    const selected = render('<C:comp name="VCALENDAR"><C:comp name="VTIMEZONE"><C:prop name="TZID"/></C:comp></C:comp>', '', STRIPPED, true);
    expect(selected).toBe('BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n');
    const jcal = JSON.parse(render('', 'content-type="application/calendar+json"', STRIPPED, true));
    expect(jcal[2].map((c: unknown[]) => c[0])).toEqual(['vtimezone', 'vevent']);
    expect(JSON.parse(render('', 'content-type="application/calendar+json"', STRIPPED, false))[2]).toHaveLength(1);
  });
});
