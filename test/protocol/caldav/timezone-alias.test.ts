// Alias TZIDs (IANA links such as US/Eastern) through PUT, GET and calendar-query: the client's name
// is kept in stored and served data (RFC 7809 §3 by reference), its rules are America/New_York's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus, propText, type ParsedResponse } from '../../helpers/multistatus.ts';

const CAL = '/dav/calendars/user/alice/Default/';
const ICS = { 'Content-Type': 'text/calendar' };
const CALENDAR_DATA = '{urn:ietf:params:xml:ns:caldav}calendar-data';
// A client's own copy of the alias zone, as iCal and Thunderbird send it.
const US_EASTERN = [
  'BEGIN:VTIMEZONE', 'TZID:US/Eastern',
  'BEGIN:DAYLIGHT', 'DTSTART:20070311T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU', 'TZOFFSETFROM:-0500', 'TZOFFSETTO:-0400', 'TZNAME:EDT', 'END:DAYLIGHT',
  'BEGIN:STANDARD', 'DTSTART:20071104T020000', 'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU', 'TZOFFSETFROM:-0400', 'TZOFFSETTO:-0500', 'TZNAME:EST', 'END:STANDARD',
  'END:VTIMEZONE',
];
let t: TestApp;

// 09:00 on 10 March 2026 is daylight time in New York (from 8 March): 13:00Z.
const aliased = (uid: string, zone: string[]) =>
  ics([...zone, 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=US/Eastern:20260310T090000', 'DURATION:PT1H', 'SUMMARY:Aliased', 'END:VEVENT']);

async function query(filter: string, prop = '<D:getetag/>'): Promise<Map<string, ParsedResponse>> {
  const body =
    `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>${prop}</D:prop>` +
    `<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">${filter}</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
  return parseMultistatus(await (await t.request('REPORT', CAL, { body, headers: { Depth: '1' }, expect: 207 })).text());
}

const names = (found: Map<string, unknown>) => [...found.keys()].map((href) => href.slice(CAL.length)).sort();

beforeAll(async () => {
  t = await makeTestApp();
  await t.request('PUT', `${CAL}with-zone.ics`, { body: aliased('with-zone', US_EASTERN), headers: ICS, expect: 201 });
  await t.request('PUT', `${CAL}without-zone.ics`, { body: aliased('without-zone', []), headers: ICS, expect: 201 });
});
afterAll(() => t.close());

describe('RFC 7809 §3 alias TZIDs are kept as the client wrote them', () => {
  it.each(['with-zone', 'without-zone'])('%s: GET returns TZID=US/Eastern and a VTIMEZONE named US/Eastern', async (name) => {
    const text = await (await t.request('GET', `${CAL}${name}.ics`, { expect: 200 })).text();
    expect(text).toContain('DTSTART;TZID=US/Eastern:20260310T090000');
    // The catalogue's rules under the client's name, linked to the zone (RFC 7808 §7.2).
    expect(text).toContain('BEGIN:VTIMEZONE\r\nTZID:US/Eastern\r\nTZID-ALIAS-OF:America/New_York\r\n');
    expect(text).not.toContain('TZID=America/New_York');
  });

  it('stores the alias TZID without the VTIMEZONE', async () => {
    const collection = (await t.store.collections.get(CAL))!;
    for (const name of ['with-zone.ics', 'without-zone.ics']) {
      const stored = String((await t.store.resources.get(collection.id, name))!.data);
      expect(stored).toContain('DTSTART;TZID=US/Eastern:20260310T090000');
      expect(stored).not.toContain('BEGIN:VTIMEZONE');
    }
  });

  it('a time-range query finds both at 13:00Z, the alias resolved to New York rules', async () => {
    expect(names(await query('<C:time-range start="20260310T125900Z" end="20260310T130100Z"/>'))).toEqual(['with-zone.ics', 'without-zone.ics']);
    expect(names(await query('<C:time-range start="20260310T140000Z" end="20260310T150000Z"/>'))).toEqual([]);
  });

  it('a text-match on the TZID parameter (RFC 4791 §9.7.3) sees the alias', async () => {
    const byTzid = (text: string) => `<C:prop-filter name="DTSTART"><C:param-filter name="TZID"><C:text-match>${text}</C:text-match></C:param-filter></C:prop-filter>`;
    expect(names(await query(byTzid('Eastern')))).toEqual(['with-zone.ics', 'without-zone.ics']);
    expect(names(await query(byTzid('New_York')))).toEqual([]);
  });

  it('calendar-data in a REPORT keeps the alias; expanded data gives the UTC instant', async () => {
    const whole = await query('<C:time-range start="20260310T000000Z" end="20260311T000000Z"/>', '<C:calendar-data/>');
    for (const response of whole.values()) {
      const data = propText(response, CALENDAR_DATA)!;
      expect(data).toContain('DTSTART;TZID=US/Eastern:20260310T090000');
      expect(data).toContain('TZID:US/Eastern');
    }
    const expand = '<C:calendar-data><C:expand start="20260310T000000Z" end="20260311T000000Z"/></C:calendar-data>';
    const expanded = await query('<C:time-range start="20260310T000000Z" end="20260311T000000Z"/>', expand);
    for (const response of expanded.values()) expect(propText(response, CALENDAR_DATA)).toContain('DTSTART:20260310T130000Z');
  });
});
