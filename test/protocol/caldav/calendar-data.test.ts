// RFC 4791 §9.6 CALDAV:calendar-data in REPORTs through the app: partial retrieval, expand,
// limit-recurrence-set, limit-freebusy-set and jCal, and the errors for requests we cannot honour.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus, propText } from '../../helpers/multistatus.ts';

const CAL = '/dav/calendars/user/alice/Default/';
const ICS = { 'Content-Type': 'text/calendar' };
const CALENDAR_DATA = '{urn:ietf:params:xml:ns:caldav}calendar-data';
let t: TestApp;

const WEEKLY = ics([
  'BEGIN:VEVENT', 'UID:weekly', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=America/New_York:20260302T090000', 'DTEND;TZID=America/New_York:20260302T100000',
  'RRULE:FREQ=WEEKLY;COUNT=4', 'EXDATE;TZID=America/New_York:20260316T090000', 'SUMMARY:Weekly', 'LOCATION:Room 7', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:weekly', 'DTSTAMP:20260101T000000Z', 'RECURRENCE-ID;TZID=America/New_York:20260323T090000',
  'DTSTART;TZID=America/New_York:20260323T150000', 'DTEND;TZID=America/New_York:20260323T160000', 'SUMMARY:Moved', 'END:VEVENT',
]);

/** A single event in a zone, with an alarm: what most clients store. */
const SINGLE = ics([
  'BEGIN:VEVENT', 'UID:single', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=America/New_York:20260310T090000', 'DTEND;TZID=America/New_York:20260310T100000',
  'SUMMARY:Single', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Soon', 'TRIGGER:-PT15M', 'END:VALARM', 'END:VEVENT',
]);

/** An all-day weekly series, with one week moved. */
const ALL_DAY = ics([
  'BEGIN:VEVENT', 'UID:all-day', 'DTSTAMP:20260101T000000Z', 'DTSTART;VALUE=DATE:20260303', 'DTEND;VALUE=DATE:20260304',
  'RRULE:FREQ=WEEKLY;COUNT=3', 'SUMMARY:Bins out', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:all-day', 'DTSTAMP:20260101T000000Z', 'RECURRENCE-ID;VALUE=DATE:20260310', 'DTSTART;VALUE=DATE:20260311',
  'DTEND;VALUE=DATE:20260312', 'SUMMARY:Bins out (holiday)', 'END:VEVENT',
]);

const FREEBUSY = ics([
  'BEGIN:VFREEBUSY', 'UID:published', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260301T000000Z', 'DTEND:20260401T000000Z',
  'FREEBUSY:20260302T100000Z/PT1H,20260310T100000Z/PT1H', 'FREEBUSY;FBTYPE=BUSY-TENTATIVE:20260320T100000Z/PT1H', 'END:VFREEBUSY',
]);

function multiget(calendarData: string, name = 'weekly.ics'): string {
  return `<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/>${calendarData}</D:prop><D:href>${CAL}${name}</D:href></C:calendar-multiget>`;
}

async function calendarData(calendarDataXml: string, name = 'weekly.ics'): Promise<{ text: string; contentType: string | undefined }> {
  const response = await t.request('REPORT', CAL, { body: multiget(calendarDataXml, name), headers: { Depth: '1' }, expect: 207 });
  const parsed = parseMultistatus(await response.text()).get(CAL + name)!;
  const prop = parsed.props.get(CALENDAR_DATA)!;
  expect(prop.status).toBe(200);
  return { text: propText(parsed, CALENDAR_DATA)!, contentType: prop.element.attributes['content-type'] };
}

const C = 'xmlns:C="urn:ietf:params:xml:ns:caldav"';
const linesOf = (text: string) => text.split(/\r?\n/).filter((l) => l !== '');

beforeAll(async () => {
  t = await makeTestApp();
  await t.request('PUT', `${CAL}weekly.ics`, { body: WEEKLY, headers: ICS, expect: 201 });
  await t.request('PUT', `${CAL}published.ics`, { body: FREEBUSY, headers: ICS, expect: 201 });
  await t.request('PUT', `${CAL}single.ics`, { body: SINGLE, headers: ICS, expect: 201 });
  await t.request('PUT', `${CAL}all-day.ics`, { body: ALL_DAY, headers: ICS, expect: 201 });
});
afterAll(() => t.close());

describe('RFC 4791 §9.6 calendar-data in calendar-multiget', () => {
  it('an empty calendar-data returns the whole object', async () => {
    const { text, contentType } = await calendarData('<C:calendar-data/>');
    expect(contentType).toBeUndefined();
    expect(text).toContain('RRULE:FREQ=WEEKLY;COUNT=4');
    expect(text).toContain('RECURRENCE-ID;TZID=America/New_York:20260323T090000');
    // The New York VTIMEZONE is restored on output (RFC 7809 §3.1.2 default).
    expect(text).toContain('TZID:America/New_York');
  });

  it('§9.6.1 partial retrieval returns only the named components and properties', async () => {
    const { text } = await calendarData(`<C:calendar-data><C:comp name="VCALENDAR"><C:prop name="VERSION"/><C:comp name="VEVENT"><C:prop name="UID"/><C:prop name="SUMMARY"/><C:prop name="LOCATION" novalue="yes"/></C:comp></C:comp></C:calendar-data>`);
    expect(linesOf(text)).toEqual([
      'BEGIN:VCALENDAR', 'VERSION:2.0',
      'BEGIN:VEVENT', 'UID:weekly', 'SUMMARY:Weekly', 'LOCATION:', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:weekly', 'SUMMARY:Moved', 'END:VEVENT',
      'END:VCALENDAR',
    ]);
  });

  it('§9.6.5 expand returns the instances in UTC without recurrence properties or VTIMEZONE', async () => {
    const { text } = await calendarData(`<C:calendar-data><C:expand start="20260301T000000Z" end="20260401T000000Z"/></C:calendar-data>`);
    expect(text).not.toMatch(/RRULE|EXDATE|VTIMEZONE|TZID/);
    const starts = linesOf(text).filter((l) => /^(DTSTART|RECURRENCE-ID)/.test(l));
    expect(starts).toEqual([
      'DTSTART:20260302T140000Z', 'RECURRENCE-ID:20260302T140000Z',
      // New York changes to UTC−4 on 8 March; 16 March is excluded; 23 March was moved.
      'DTSTART:20260309T130000Z', 'RECURRENCE-ID:20260309T130000Z',
      'RECURRENCE-ID:20260323T130000Z', 'DTSTART:20260323T190000Z',
    ]);
  });

  it('§9.6.5 expand gives a single event in a zone with its times in UTC, everything else as stored', async () => {
    const { text } = await calendarData(`<C:calendar-data><C:expand start="20260309T000000Z" end="20260311T000000Z"/></C:calendar-data>`, 'single.ics');
    expect(text).not.toMatch(/VTIMEZONE|TZID/);
    const event = linesOf(text).slice(linesOf(text).indexOf('BEGIN:VEVENT'));
    expect(event).toEqual([
      'BEGIN:VEVENT', 'UID:single', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260310T130000Z', 'DTEND:20260310T140000Z',
      'SUMMARY:Single', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Soon', 'TRIGGER:-PT15M', 'END:VALARM', 'END:VEVENT', 'END:VCALENDAR',
    ]);
    // Outside the range it has no instance: the calendar holds no event.
    const outside = (await calendarData(`<C:calendar-data><C:expand start="20260311T000000Z" end="20260312T000000Z"/></C:calendar-data>`, 'single.ics')).text;
    expect(outside).not.toContain('BEGIN:VEVENT');
  });

  it('§9.6.5 expand gives each instance of a series as its component as stored, with its times in UTC', async () => {
    const { text } = await calendarData(`<C:calendar-data><C:expand start="20260302T000000Z" end="20260324T000000Z"/></C:calendar-data>`);
    const events = linesOf(text).slice(linesOf(text).indexOf('BEGIN:VEVENT'));
    expect(events).toEqual([
      'BEGIN:VEVENT', 'UID:weekly', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260302T140000Z', 'DTEND:20260302T150000Z',
      'SUMMARY:Weekly', 'LOCATION:Room 7', 'RECURRENCE-ID:20260302T140000Z', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:weekly', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260309T130000Z', 'DTEND:20260309T140000Z',
      'SUMMARY:Weekly', 'LOCATION:Room 7', 'RECURRENCE-ID:20260309T130000Z', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:weekly', 'DTSTAMP:20260101T000000Z', 'RECURRENCE-ID:20260323T130000Z',
      'DTSTART:20260323T190000Z', 'DTEND:20260323T200000Z', 'SUMMARY:Moved', 'END:VEVENT',
      'END:VCALENDAR',
    ]);
    // The same instances as jCal, which the full expansion writes.
    const jcal = JSON.parse((await calendarData(`<C:calendar-data content-type="application/calendar+json" version="2.0"><C:expand start="20260302T000000Z" end="20260324T000000Z"/></C:calendar-data>`)).text);
    const starts = (jcal[2] as [string, [string, object, string, string][]][]).map((event) => event[1].find((p) => p[0] === 'dtstart')![3]);
    expect(starts).toEqual(['2026-03-02T14:00:00Z', '2026-03-09T13:00:00Z', '2026-03-23T19:00:00Z']);
  });

  it('§9.6.5 expand keeps the dates of an all-day series, each instance with its date as RECURRENCE-ID', async () => {
    const { text } = await calendarData(`<C:calendar-data><C:expand start="20260301T000000Z" end="20260401T000000Z"/></C:calendar-data>`, 'all-day.ics');
    expect(text).not.toContain('RRULE');
    expect(linesOf(text).filter((l) => /^(DTSTART|DTEND|RECURRENCE-ID|SUMMARY)/.test(l))).toEqual([
      'DTSTART;VALUE=DATE:20260303', 'DTEND;VALUE=DATE:20260304', 'SUMMARY:Bins out', 'RECURRENCE-ID;VALUE=DATE:20260303',
      'RECURRENCE-ID;VALUE=DATE:20260310', 'DTSTART;VALUE=DATE:20260311', 'DTEND;VALUE=DATE:20260312', 'SUMMARY:Bins out (holiday)',
      'DTSTART;VALUE=DATE:20260317', 'DTEND;VALUE=DATE:20260318', 'SUMMARY:Bins out', 'RECURRENCE-ID;VALUE=DATE:20260317',
    ]);
  });

  it('§9.6.6 limit-recurrence-set keeps the master and only the overrides that impact the range', async () => {
    const outside = (await calendarData(`<C:calendar-data><C:limit-recurrence-set start="20260301T000000Z" end="20260310T000000Z"/></C:calendar-data>`)).text;
    expect(outside).toContain('RRULE:FREQ=WEEKLY;COUNT=4');
    expect(outside).not.toContain('SUMMARY:Moved');
    const inside = (await calendarData(`<C:calendar-data><C:limit-recurrence-set start="20260323T000000Z" end="20260324T000000Z"/></C:calendar-data>`)).text;
    expect(inside).toContain('SUMMARY:Moved');
  });

  it('§9.6.7 limit-freebusy-set keeps only the FREEBUSY values in the range', async () => {
    const { text } = await calendarData(`<C:calendar-data><C:limit-freebusy-set start="20260309T000000Z" end="20260321T000000Z"/></C:calendar-data>`, 'published.ics');
    expect(linesOf(text).filter((l) => l.startsWith('FREEBUSY'))).toEqual(['FREEBUSY:20260310T100000Z/PT1H', 'FREEBUSY;FBTYPE=BUSY-TENTATIVE:20260320T100000Z/PT1H']);
  });

  it('RFC 7265 jCal: content-type="application/calendar+json" returns JSON and says so', async () => {
    const { text, contentType } = await calendarData(`<C:calendar-data content-type="application/calendar+json" version="2.0"><C:expand start="20260302T000000Z" end="20260303T000000Z"/></C:calendar-data>`);
    expect(contentType).toBe('application/calendar+json');
    const jcal = JSON.parse(text);
    expect(jcal[2]).toHaveLength(1);
    expect(jcal[2][0][1]).toContainEqual(['dtstart', {}, 'date-time', '2026-03-02T14:00:00Z']);
  });
});

describe('RFC 4791 §9.6 calendar-data request errors', () => {
  it('an unsupported media type is the supported-calendar-data precondition', async () => {
    const response = await t.request('REPORT', CAL, { body: multiget(`<C:calendar-data ${C} content-type="application/json"/>`), headers: { Depth: '1' } });
    expect(response.status).toBe(415);
    expect(await response.text()).toContain('supported-calendar-data');
  });

  it('is answered before a calendar-query starts its multistatus, even when nothing matches', async () => {
    for (const range of ['20260301T000000Z" end="20260401T000000Z', '19700101T000000Z" end="19700102T000000Z']) {
      const body = `<C:calendar-query xmlns:D="DAV:" ${C}><D:prop><C:calendar-data content-type="application/json"/></D:prop>` +
        `<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="${range}"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
      const response = await t.request('REPORT', CAL, { body, headers: { Depth: '1' } });
      expect(response.status).toBe(415);
      expect(await response.text()).toContain('supported-calendar-data');
    }
  });

  it.each([
    ['expand without end', '<C:calendar-data><C:expand start="20260301T000000Z"/></C:calendar-data>'],
    ['expand with a local time', '<C:calendar-data><C:expand start="20260301T000000" end="20260401T000000Z"/></C:calendar-data>'],
    ['comp without name', '<C:calendar-data><C:comp><C:allprop/></C:comp></C:calendar-data>'],
    ['expand and limit-recurrence-set together', '<C:calendar-data><C:expand start="20260301T000000Z" end="20260401T000000Z"/><C:limit-recurrence-set start="20260301T000000Z" end="20260401T000000Z"/></C:calendar-data>'],
  ])('answers 400 for %s', async (_name, xml) => {
    await t.request('REPORT', CAL, { body: multiget(xml), headers: { Depth: '1' }, expect: 400 });
  });
});

describe('RFC 4791 §7.8 calendar-data in calendar-query', () => {
  it('expands the matching objects', async () => {
    const body = `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data><C:comp name="VCALENDAR"><C:comp name="VEVENT"><C:prop name="RECURRENCE-ID"/></C:comp></C:comp><C:expand start="20260309T000000Z" end="20260310T000000Z"/></C:calendar-data></D:prop>
      <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260309T000000Z" end="20260310T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
    const response = await t.request('REPORT', CAL, { body, headers: { Depth: '1' }, expect: 207 });
    const responses = parseMultistatus(await response.text());
    expect([...responses.keys()]).toEqual([`${CAL}weekly.ics`]);
    expect(linesOf(propText(responses.get(`${CAL}weekly.ics`), CALENDAR_DATA)!)).toEqual([
      'BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'RECURRENCE-ID:20260309T130000Z', 'END:VEVENT', 'END:VCALENDAR',
    ]);
  });
});
