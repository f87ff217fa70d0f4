// RFC 4791 §7.10 CALDAV:free-busy-query through the app: a VFREEBUSY answer (200, not a multistatus)
// for a calendar or a whole home, needing only read-free-busy (Cyrus right 9).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseICalendar } from '../../../src/ical/parse.ts';

const HOME = '/dav/calendars/user/alice/';
const CAL = `${HOME}Default/`;
const WORK = `${HOME}work/`;
const HOLIDAYS = `${HOME}holidays/`;
const ICS = { 'Content-Type': 'text/calendar' };
let t: TestApp;

const query = (start = '20260301T000000Z', end = '20260401T000000Z') =>
  `<?xml version="1.0" encoding="utf-8"?><C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="${start}" end="${end}"/></C:free-busy-query>`;

const proppatch = (prop: string) =>
  `<D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>${prop}</D:prop></D:set></D:propertyupdate>`;

async function freeBusy(path: string, options: { user?: string; body?: string; headers?: Record<string, string> } = {}): Promise<string[]> {
  const response = await t.request('REPORT', path, { body: options.body ?? query(), headers: { Depth: '1', ...options.headers }, user: options.user ?? 'alice', expect: 200 });
  expect(response.headers.get('content-type')).toMatch(/^text\/calendar/);
  const vfreebusy = parseICalendar(await response.text()).getFirstSubcomponent('vfreebusy')!;
  return vfreebusy.getAllProperties('freebusy').map((p) => `${p.getParameter('fbtype')} ${p.getFirstValue().toICALString()}`);
}

beforeAll(async () => {
  t = await makeTestApp();
  await t.request('PUT', `${CAL}opaque.ics`, { body: event('opaque', '20260310T100000Z', '20260310T110000Z'), headers: ICS, expect: 201 });
  await t.request('PUT', `${CAL}adjacent.ics`, { body: event('adjacent', '20260310T110000Z', '20260310T120000Z'), headers: ICS, expect: 201 });
  await t.request('PUT', `${CAL}tentative.ics`, { body: event('tentative', '20260311T100000Z', '20260311T110000Z', ['STATUS:TENTATIVE']), headers: ICS, expect: 201 });
  await t.request('PUT', `${CAL}transparent.ics`, { body: event('transparent', '20260312T100000Z', '20260312T110000Z', ['TRANSP:TRANSPARENT']), headers: ICS, expect: 201 });
  await t.request('PUT', `${CAL}cancelled.ics`, { body: event('cancelled', '20260313T100000Z', '20260313T110000Z', ['STATUS:CANCELLED']), headers: ICS, expect: 201 });
  await t.request('PUT', `${CAL}outside.ics`, { body: event('outside', '20260501T100000Z', '20260501T110000Z'), headers: ICS, expect: 201 });
  await t.request('PUT', `${CAL}weekly.ics`, {
    body: ics([
      'BEGIN:VEVENT', 'UID:weekly', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=America/New_York:20260302T090000', 'DTEND;TZID=America/New_York:20260302T093000',
      'RRULE:FREQ=WEEKLY;COUNT=3', 'EXDATE;TZID=America/New_York:20260309T090000', 'END:VEVENT',
    ]),
    headers: ICS,
    expect: 201,
  });
  await t.request('MKCALENDAR', WORK, { expect: 201 });
  await t.request('PUT', `${WORK}w.ics`, { body: event('work-1', '20260320T090000', '20260320T100000'), headers: ICS, expect: 201 });
  await t.request('MKCALENDAR', HOLIDAYS, { expect: 201 });
  await t.request('PUT', `${HOLIDAYS}h.ics`, { body: event('holiday', '20260325T000000Z', '20260326T000000Z'), headers: ICS, expect: 201 });
  await t.request('PROPPATCH', HOLIDAYS, { body: proppatch('<C:schedule-calendar-transp><C:transparent/></C:schedule-calendar-transp>'), expect: 207 });
});
afterAll(() => t.close());

const DEFAULT_BUSY = [
  'BUSY 20260302T140000Z/20260302T143000Z',
  'BUSY 20260310T100000Z/20260310T120000Z',
  'BUSY-TENTATIVE 20260311T100000Z/20260311T110000Z',
  // 9 March is excluded; from 8 March New York is UTC−4.
  'BUSY 20260316T130000Z/20260316T133000Z',
];

describe('RFC 4791 §7.10 free-busy-query on a calendar', () => {
  it('answers 200 text/calendar with one VFREEBUSY: merged, typed periods, no transparent or cancelled events', async () => {
    expect(await freeBusy(CAL)).toEqual(DEFAULT_BUSY);
  });

  it('gives the range as DTSTART/DTEND and carries DTSTAMP and UID', async () => {
    const response = await t.request('REPORT', CAL, { body: query(), expect: 200 });
    const vfreebusy = parseICalendar(await response.text()).getFirstSubcomponent('vfreebusy')!;
    expect(vfreebusy.getFirstPropertyValue('dtstart')!.toString()).toBe('2026-03-01T00:00:00Z');
    expect(vfreebusy.getFirstPropertyValue('dtend')!.toString()).toBe('2026-04-01T00:00:00Z');
    expect(vfreebusy.hasProperty('dtstamp')).toBe(true);
    expect(vfreebusy.hasProperty('uid')).toBe(true);
  });

  it('does not depend on the Depth header', async () => {
    expect(await freeBusy(CAL, { headers: { Depth: '0' } })).toEqual(DEFAULT_BUSY);
  });

  it('clips periods to the requested range', async () => {
    expect(await freeBusy(CAL, { body: query('20260310T103000Z', '20260310T113000Z') })).toEqual(['BUSY 20260310T103000Z/20260310T113000Z']);
  });

  it('reads floating times in the calendar-timezone (RFC 4791 §5.2.2), UTC without one', async () => {
    expect(await freeBusy(WORK)).toEqual(['BUSY 20260320T090000Z/20260320T100000Z']);
    const vtimezone = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//x//EN', 'BEGIN:VTIMEZONE', 'TZID:America/New_York', 'BEGIN:STANDARD', 'DTSTART:20071104T020000',
      'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU', 'TZOFFSETFROM:-0400', 'TZOFFSETTO:-0500', 'END:STANDARD', 'BEGIN:DAYLIGHT', 'DTSTART:20070311T020000',
      'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU', 'TZOFFSETFROM:-0500', 'TZOFFSETTO:-0400', 'END:DAYLIGHT', 'END:VTIMEZONE', 'END:VCALENDAR'].join('\n');
    await t.request('PROPPATCH', WORK, { body: proppatch(`<C:calendar-timezone>${vtimezone}</C:calendar-timezone>`), expect: 207 });
    expect(await freeBusy(WORK)).toEqual(['BUSY 20260320T130000Z/20260320T140000Z']);
  });

  it('prefers calendar-timezone-id (RFC 7809 §5.2) for floating times', async () => {
    const tokyo = `${HOME}tokyo/`;
    await t.request('MKCALENDAR', tokyo, { expect: 201 });
    await t.request('PUT', `${tokyo}t.ics`, { body: event('tokyo-1', '20260320T090000', '20260320T100000'), headers: ICS, expect: 201 });
    await t.request('PROPPATCH', tokyo, { body: proppatch('<C:calendar-timezone-id>Asia/Tokyo</C:calendar-timezone-id>'), expect: 207 });
    expect(await freeBusy(tokyo)).toEqual(['BUSY 20260320T000000Z/20260320T010000Z']);
    await t.request('DELETE', tokyo, { expect: 204 });
  });

  it('answers jCal when the client accepts only application/calendar+json', async () => {
    const response = await t.request('REPORT', CAL, { body: query('20260310T000000Z', '20260311T000000Z'), headers: { Accept: 'application/calendar+json' }, expect: 200 });
    expect(response.headers.get('content-type')).toMatch(/^application\/calendar\+json/);
    const jcal = await response.json();
    expect(jcal[2][0][1]).toContainEqual(['freebusy', { fbtype: 'BUSY' }, 'period', ['2026-03-10T10:00:00Z', '2026-03-10T12:00:00Z']]);
  });
});

describe('RFC 4791 §7.10 free-busy-query on the calendar home', () => {
  it('merges every calendar that is not schedule-calendar-transp transparent (RFC 6638 §9.1)', async () => {
    const periods = await freeBusy(HOME);
    expect(periods).toEqual([...DEFAULT_BUSY, 'BUSY 20260320T130000Z/20260320T140000Z']);
    expect(periods.join()).not.toContain('20260325');
  });

  it('a transparent calendar queried by itself still reports its busy time', async () => {
    expect(await freeBusy(HOLIDAYS)).toEqual(['BUSY 20260325T000000Z/20260326T000000Z']);
  });
});

describe('RFC 4791 §7.10 request errors', () => {
  it.each([
    ['no time-range', '<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"/>'],
    ['no end', '<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="20260301T000000Z"/></C:free-busy-query>'],
    ['no start', '<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range end="20260301T000000Z"/></C:free-busy-query>'],
    ['a local time', '<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="20260301T000000" end="20260401T000000Z"/></C:free-busy-query>'],
    ['end before start', '<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="20260401T000000Z" end="20260301T000000Z"/></C:free-busy-query>'],
  ])('answers 400 valid-filter for %s', async (_name, body) => {
    const response = await t.request('REPORT', CAL, { body, expect: 400 });
    expect(await response.text()).toContain('valid-filter');
  });

  it('is not supported on a calendar object or on the scheduling Inbox (403 supported-report)', async () => {
    for (const path of [`${CAL}opaque.ics`, `${HOME}Inbox/`]) {
      const response = await t.request('REPORT', path, { body: query(), expect: 403 });
      expect(await response.text()).toContain('supported-report');
    }
  });

  it('needs authentication', async () => {
    await t.request('REPORT', CAL, { body: query(), user: null, expect: 401 });
  });
});

describe('RFC 4791 §6.1.1 read-free-busy is enough', () => {
  it('bob with only the 9 right gets busy time but cannot read the events', async () => {
    await t.store.collections.setAcl(CAL, 'alice\tlrswipkxtean9\tbob\t9', Date.now());
    expect(await freeBusy(CAL, { user: 'bob' })).toEqual(DEFAULT_BUSY);
    const multiget = `<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data/></D:prop><D:href>${CAL}opaque.ics</D:href></C:calendar-multiget>`;
    await t.request('REPORT', CAL, { body: multiget, user: 'bob', expect: 404 });
    await t.request('GET', `${CAL}opaque.ics`, { user: 'bob', expect: 404 });
  });

  it('carol without any right on the calendar gets 404, as if it did not exist', async () => {
    await t.request('REPORT', CAL, { body: query(), user: 'carol', expect: 404 });
  });

  it('carol without read-free-busy on the home is refused the home query', async () => {
    await t.store.collections.setAcl(HOME, 'alice\tlrswipkxtean9', Date.now());
    await t.request('REPORT', HOME, { body: query(), user: 'carol', expect: 404 });
    await t.store.collections.setAcl(HOME, 'alice\tlrswipkxtean9\tcarol\t9', Date.now());
    expect(await freeBusy(HOME, { user: 'carol' })).toHaveLength(5);
  });
});
