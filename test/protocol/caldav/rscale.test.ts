// RFC 7529 RSCALE rules through the protocol: a stored rule is expanded in its own calendar for
// calendar-query time ranges (RFC 4791 §9.9), CALDAV:expand (§9.6.5) and free-busy-query (§7.10).
// The expected dates come from test/fixtures/rscale/instances.json (ICU, scripts/rscale-fixture.py):
// Adar I 1 with SKIP=FORWARD falls on 1 Adar in common years (2015-02-20, 2017-02-27).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus, propText } from '../../helpers/multistatus.ts';
import { parseICalendar } from '../../../src/ical/parse.ts';

const CAL = '/dav/calendars/user/alice/Default/';
const C = 'urn:ietf:params:xml:ns:caldav';
let t: TestApp;

const series = (uid: string, start: string, rule: string) =>
  ics(['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20140101T000000Z', `DTSTART:${start}`, 'DURATION:PT1H', `RRULE:${rule}`, 'END:VEVENT']);

async function matching(start: string, end: string): Promise<string[]> {
  const body =
    `<C:calendar-query xmlns:D="DAV:" xmlns:C="${C}"><D:prop><D:getetag/></D:prop>` +
    `<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="${start}" end="${end}"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
  const response = await t.request('REPORT', CAL, { body, headers: { Depth: '1' }, expect: 207 });
  return [...parseMultistatus(await response.text()).keys()].map((href) => href.slice(CAL.length, -4)).sort();
}

async function expandedRecurrenceIds(name: string, start: string, end: string): Promise<string[]> {
  const body =
    `<C:calendar-multiget xmlns:D="DAV:" xmlns:C="${C}"><D:prop><C:calendar-data><C:expand start="${start}" end="${end}"/></C:calendar-data></D:prop>` +
    `<D:href>${CAL}${name}.ics</D:href></C:calendar-multiget>`;
  const response = await t.request('REPORT', CAL, { body, headers: { Depth: '1' }, expect: 207 });
  const data = propText(parseMultistatus(await response.text()).get(`${CAL}${name}.ics`), `{${C}}calendar-data`)!;
  const events = parseICalendar(data).getAllSubcomponents('vevent');
  for (const event of events) expect(event.getFirstPropertyValue('rrule')).toBeNull();
  return events.map((event) => String(event.getFirstPropertyValue('recurrence-id'))).sort();
}

async function busy(start: string, end: string): Promise<string[]> {
  const body = `<C:free-busy-query xmlns:C="${C}"><C:time-range start="${start}" end="${end}"/></C:free-busy-query>`;
  const response = await t.request('REPORT', CAL, { body, headers: { Depth: '1' }, expect: 200 });
  const vfreebusy = parseICalendar(await response.text()).getFirstSubcomponent('vfreebusy')!;
  return vfreebusy.getAllProperties('freebusy').map((p) => (p.getFirstValue() as unknown as { toICALString(): string }).toICALString());
}

beforeAll(async () => {
  t = await makeTestApp();
  const put = (name: string, body: string) => t.request('PUT', `${CAL}${name}.ics`, { body, headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
  await put('adar', series('adar', '20140201T100000Z', 'RSCALE=HEBREW;FREQ=YEARLY;BYMONTH=5L;BYMONTHDAY=1;SKIP=FORWARD;COUNT=4'));
  await put('month-end', series('month-end', '20260131T090000Z', 'RSCALE=GREGORIAN;FREQ=MONTHLY;BYMONTHDAY=31;SKIP=BACKWARD;COUNT=4'));
  await put('plain-31st', series('plain-31st', '20260131T150000Z', 'FREQ=MONTHLY;BYMONTHDAY=31;COUNT=4'));
});
afterAll(() => t.close());

describe('RFC 7529 RSCALE through calendar-query, expand and free-busy', () => {
  it('a time range finds a HEBREW instance that SKIP=FORWARD moved, and not where BACKWARD would have put it', async () => {
    expect(await matching('20150220T000000Z', '20150221T000000Z')).toEqual(['adar']);
    expect(await matching('20150121T000000Z', '20150122T000000Z')).toEqual([]);
    expect(await matching('20170227T000000Z', '20170228T000000Z')).toEqual(['adar']);
    // COUNT=4 ends the series with 2017.
    expect(await matching('20180101T000000Z', '20200101T000000Z')).toEqual([]);
  });

  it('GREGORIAN SKIP=BACKWARD gives 28 February, which a rule without RSCALE omits', async () => {
    expect(await matching('20260228T000000Z', '20260301T000000Z')).toEqual(['month-end']);
    expect(await matching('20260331T000000Z', '20260401T000000Z')).toEqual(['month-end', 'plain-31st']);
  });

  it('CALDAV:expand gives the instances in the rule calendar, each with its RECURRENCE-ID', async () => {
    expect(await expandedRecurrenceIds('adar', '20140101T000000Z', '20200101T000000Z')).toEqual([
      '2014-02-01T10:00:00Z', '2015-02-20T10:00:00Z', '2016-02-10T10:00:00Z', '2017-02-27T10:00:00Z',
    ]);
    expect(await expandedRecurrenceIds('month-end', '20260101T000000Z', '20270101T000000Z')).toEqual([
      '2026-01-31T09:00:00Z', '2026-02-28T09:00:00Z', '2026-03-31T09:00:00Z', '2026-04-30T09:00:00Z',
    ]);
  });

  it('free-busy-query reports the RSCALE instances as busy', async () => {
    expect(await busy('20150101T000000Z', '20160101T000000Z')).toEqual(['20150220T100000Z/20150220T110000Z']);
    expect(await busy('20260201T000000Z', '20260301T000000Z')).toEqual(['20260228T090000Z/20260228T100000Z']);
  });

  it('an unknown RSCALE is refused with CALDAV:supported-rscale, and the set lists the five calendars', async () => {
    const response = await t.request('PUT', `${CAL}unknown.ics`, {
      body: series('unknown', '20260101T100000Z', 'RSCALE=KLINGON;FREQ=YEARLY;COUNT=2'),
      headers: { 'Content-Type': 'text/calendar' },
      expect: 403,
    });
    expect(await response.text()).toContain('supported-rscale');
    const propfind = `<D:propfind xmlns:D="DAV:" xmlns:C="${C}"><D:prop><C:supported-rscale-set/></D:prop></D:propfind>`;
    const set = propText(parseMultistatus(await (await t.request('PROPFIND', CAL, { body: propfind, headers: { Depth: '0' }, expect: 207 })).text()).get(CAL), `{${C}}supported-rscale-set`)!;
    for (const scale of ['GREGORIAN', 'HEBREW', 'CHINESE', 'ISLAMIC-CIVIL', 'ETHIOPIC', 'INDIAN']) expect(set).toContain(scale);
  });
});
