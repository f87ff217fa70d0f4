// RFC 4791 limits on recurrence work in reports: CALDAV:min-date-time and max-date-time on the
// ranges of calendar-data (§7.8, §7.9 preconditions), max-instances per object, and a budget for
// the whole request past which the answer ends with DAV:number-of-matches-within-limits (§7.8
// postcondition). The server runs with small limits (100 instances per object, 300 per report),
// so every bound is reached with a handful of objects, and the counts show the work done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { childElements, findChild, parseMultistatus, propText, textContent, type ParsedResponse } from '../../helpers/multistatus.ts';

const CAL = '/dav/calendars/user/alice/Default/';
const ICS = { 'Content-Type': 'text/calendar' };
const CALENDAR_DATA = '{urn:ietf:params:xml:ns:caldav}calendar-data';
const NS = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"';
const MAX_INSTANCES = 100;
const REPORT_INSTANCES = 300;
let t: TestApp;

function series(uid: string, rule: string, start = '20250101T000000Z', length = 'PT1S'): string {
  return ics(['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20250101T000000Z', `DTSTART:${start}`, `DURATION:${length}`, `RRULE:${rule}`, `SUMMARY:${uid}`, 'END:VEVENT']);
}

function query(start: string, end: string, calendarData = ''): string {
  return (
    `<C:calendar-query ${NS}><D:prop><D:getetag/>${calendarData}</D:prop><C:filter><C:comp-filter name="VCALENDAR">` +
    `<C:comp-filter name="VEVENT"><C:time-range start="${start}" end="${end}"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`
  );
}

const expand = (start: string, end: string) => `<C:calendar-data><C:expand start="${start}" end="${end}"/></C:calendar-data>`;

async function report(path: string, body: string, expect = 207): Promise<Map<string, ParsedResponse>> {
  const response = await t.request('REPORT', path, { body, headers: { Depth: '1' }, expect });
  return parseMultistatus(await response.text());
}

const objects = (responses: Map<string, ParsedResponse>, collection = CAL) => [...responses.keys()].filter((href) => href !== collection).sort();
const instancesIn = (response: ParsedResponse | undefined) => (propText(response, CALENDAR_DATA)?.match(/BEGIN:VEVENT/g) ?? []).length;

function isLimitsReached(response: ParsedResponse | undefined): boolean {
  if (response?.status !== 507) return false;
  const error = findChild(response.element, '{DAV:}error');
  return !!error && childElements(error).some((e) => e.name === '{DAV:}number-of-matches-within-limits');
}

async function put(name: string, body: string, expect = 201): Promise<void> {
  await t.request('PUT', `${CAL}${name}`, { body, headers: ICS, expect });
}

beforeAll(async () => {
  t = await makeTestApp({ caldav_max_instances: String(MAX_INSTANCES), caldav_max_report_instances: String(REPORT_INSTANCES) });
  await t.request('PROPFIND', '/dav/calendars/user/alice/', { headers: { Depth: '0' }, expect: 207 });
});
afterAll(() => t.close());

describe('RFC 4791 §7.8: unbounded series in time-range queries', () => {
  beforeAll(async () => {
    for (let i = 0; i < 10; i++) await put(`tick-${i}.ics`, series(`tick-${i}`, 'FREQ=SECONDLY'));
  });

  it('ten FREQ=SECONDLY series all match a one-week query without reaching the report budget', async () => {
    // Each series has 604,800 instances in the week. Matching stops at the first one; iterating up
    // to max-instances instead would take 10 × 100 steps, past the budget of 300.
    const responses = await report(CAL, query('20260301T000000Z', '20260308T000000Z'));
    expect(objects(responses)).toEqual(Array.from({ length: 10 }, (_, i) => `${CAL}tick-${i}.ics`).sort());
    expect(responses.get(CAL)).toBeUndefined();
  });

  it('CALDAV:expand of such a series stops at max-instances, a well-formed calendar from the range\'s start', async () => {
    const body = `<C:calendar-multiget ${NS}><D:prop>${expand('20260301T000000Z', '20260302T000000Z')}</D:prop><D:href>${CAL}tick-0.ics</D:href></C:calendar-multiget>`;
    const object = (await report(CAL, body)).get(`${CAL}tick-0.ics`);
    // max-instances counts iteration steps, and a few fall before the range (DTSTART itself, and
    // where iteration resumes just short of the range): most of them are in it.
    const count = instancesIn(object);
    expect(count).toBeLessThanOrEqual(MAX_INSTANCES);
    expect(count).toBeGreaterThan(MAX_INSTANCES - 5);
    const data = propText(object, CALENDAR_DATA)!;
    expect(data).toMatch(/^BEGIN:VCALENDAR\r\n[\s\S]*END:VCALENDAR\r\n$/);
    expect(data).toContain('DTSTART:20260301T000000Z');
    expect(data).toContain(`DTSTART:20260301T0001${String(count - 1 - 60).padStart(2, '0')}Z`);
    expect(data).not.toContain('RRULE');
  });

  it('the expansions of one report share a budget: past it the answer ends with 507 number-of-matches-within-limits', async () => {
    const responses = await report(CAL, query('20260301T000000Z', '20260302T000000Z', expand('20260301T000000Z', '20260302T000000Z')));
    const expanded = objects(responses);
    // 300 steps in all, 100 per object (and a few for each object written out): three objects are
    // answered, the last cut short, and no more.
    expect(expanded.length).toBe(REPORT_INSTANCES / MAX_INSTANCES);
    const total = expanded.reduce((sum, href) => sum + instancesIn(responses.get(href)), 0);
    expect(total).toBeLessThanOrEqual(REPORT_INSTANCES);
    expect(total).toBeGreaterThan(REPORT_INSTANCES - 50);
    const last = responses.get(CAL);
    expect(isLimitsReached(last)).toBe(true);
    expect(textContent(findChild(last!.element, '{DAV:}responsedescription')!)).toMatch(/incomplete/);
  });
});

describe('RFC 4791 §7.8: many bounded series in one report', () => {
  const DAILY = '/dav/calendars/user/alice/daily/';
  beforeAll(async () => {
    await t.request('MKCALENDAR', DAILY, { expect: 201 });
    // Ten daily series of 40 instances each: every one within max-instances, 400 together.
    for (let i = 0; i < 10; i++) {
      await t.request('PUT', `${DAILY}d${i}.ics`, { body: series(`daily-${i}`, 'FREQ=DAILY;COUNT=40', `202603${String(i + 1).padStart(2, '0')}T090000Z`, 'PT1H'), headers: ICS, expect: 201 });
    }
  });

  it('CALDAV:expand answers whole objects up to the report budget, then ends with 507 number-of-matches-within-limits', async () => {
    const responses = await report(DAILY, query('20260301T000000Z', '20260501T000000Z', expand('20260301T000000Z', '20260501T000000Z')));
    const expanded = objects(responses, DAILY);
    expect(expanded.length).toBeGreaterThan(0);
    expect(expanded.length).toBeLessThan(10);
    // Every object answered but the last is whole; the last may be cut where the budget ran out.
    for (const href of expanded.slice(0, -1)) expect(instancesIn(responses.get(href))).toBe(40);
    expect(expanded.reduce((sum, href) => sum + instancesIn(responses.get(href)), 0)).toBeLessThanOrEqual(REPORT_INSTANCES);
    expect(isLimitsReached(responses.get(DAILY))).toBe(true);
  });

  it('a query within the budget is answered whole, without the 507', async () => {
    const responses = await report(DAILY, query('20260301T000000Z', '20260305T000000Z', expand('20260301T000000Z', '20260305T000000Z')));
    expect(objects(responses, DAILY)).toEqual(['d0.ics', 'd1.ics', 'd2.ics', 'd3.ics'].map((n) => DAILY + n));
    expect(responses.get(DAILY)).toBeUndefined();
  });

  it('calendar-multiget expands objects up to the budget; the hrefs after it get 507 instead of an empty expansion', async () => {
    const hrefs = Array.from({ length: 10 }, (_, i) => `<D:href>${DAILY}d${i}.ics</D:href>`).join('');
    const body = `<C:calendar-multiget ${NS}><D:prop>${expand('20260301T000000Z', '20260501T000000Z')}</D:prop>${hrefs}</C:calendar-multiget>`;
    const responses = await report(DAILY, body);
    const statuses = Array.from({ length: 10 }, (_, i) => responses.get(`${DAILY}d${i}.ics`));
    const answered = statuses.filter((r) => r?.status === undefined);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.reduce((sum, r) => sum + instancesIn(r), 0)).toBeLessThanOrEqual(REPORT_INSTANCES);
    expect(statuses.slice(answered.length).every(isLimitsReached)).toBe(true);
  });
});

describe('RFC 4791 §7.8: many single events in one report', () => {
  it('expanding each object costs the budget too, so CALDAV:expand over 40 single events stops early and says so', async () => {
    const SINGLES = '/dav/calendars/user/alice/singles/';
    await t.request('MKCALENDAR', SINGLES, { expect: 201 });
    for (let i = 0; i < 40; i++) {
      const day = String(i % 28 + 1).padStart(2, '0');
      await t.request('PUT', `${SINGLES}s${i}.ics`, { body: ics(['BEGIN:VEVENT', `UID:single-${i}`, 'DTSTAMP:20260101T000000Z', `DTSTART:202603${day}T090000Z`, 'DURATION:PT1H', 'END:VEVENT']), headers: ICS, expect: 201 });
    }
    const plain = await report(SINGLES, query('20260301T000000Z', '20260401T000000Z', '<C:calendar-data/>'));
    expect(objects(plain, SINGLES)).toHaveLength(40);
    const expanded = await report(SINGLES, query('20260301T000000Z', '20260401T000000Z', expand('20260301T000000Z', '20260401T000000Z')));
    const answered = objects(expanded, SINGLES);
    expect(answered.length).toBeGreaterThan(10);
    expect(answered.length).toBeLessThan(40);
    for (const href of answered) expect(instancesIn(expanded.get(href))).toBe(1);
    expect(isLimitsReached(expanded.get(SINGLES))).toBe(true);
  });
});

describe('RFC 4791 §7.8, §7.9 preconditions CALDAV:min-date-time and CALDAV:max-date-time', () => {
  it('an expand range ending after max-date-time is refused with 403 CALDAV:max-date-time', async () => {
    const response = await t.request('REPORT', CAL, { body: query('20260301T000000Z', '20400101T000000Z', expand('20260301T000000Z', '20400101T000000Z')), headers: { Depth: '1' }, expect: 403 });
    expect(await response.text()).toMatch(/max-date-time/);
  });

  it('a limit-recurrence-set starting before min-date-time is refused with 403 CALDAV:min-date-time', async () => {
    const body = `<C:calendar-multiget ${NS}><D:prop><C:calendar-data><C:limit-recurrence-set start="18000101T000000Z" end="20260101T000000Z"/></C:calendar-data></D:prop><D:href>${CAL}tick-0.ics</D:href></C:calendar-multiget>`;
    const response = await t.request('REPORT', CAL, { body, headers: { Depth: '1' }, expect: 403 });
    expect(await response.text()).toMatch(/min-date-time/);
  });

  it('a filter time-range reaching past max-date-time is still answered (it only selects objects)', async () => {
    const responses = await report(CAL, query('20260301T000000Z', '20991231T000000Z'));
    expect(objects(responses)).toHaveLength(10);
  });
});

describe('series stored before today\'s limits', () => {
  it('a FREQ=SECONDLY;COUNT=1000000000 series (refused today with CALDAV:max-instances) is queried from its tenth year at the cost of one step', async () => {
    const text = series('billion', 'FREQ=SECONDLY;COUNT=1000000000', '20170101T000000Z');
    const refused = await t.request('PUT', `${CAL}billion.ics`, { body: text, headers: ICS, expect: 403 });
    expect(await refused.text()).toMatch(/max-instances/);
    // As a server with a higher max-instances stored it: indexed by its whole span, so every query
    // from 2017 on parses it.
    const calendar = (await t.store.collections.get(CAL))!;
    const start = Date.UTC(2017, 0, 1);
    const index = { uid: 'billion', componentType: 'VEVENT', firstStart: start, lastEnd: null, isRecurring: true, organizer: null, timeIndex: { spans: [{ start, end: null, exact: false }] } };
    await t.store.resources.put(calendar, 'billion.ics', { contentType: 'text/calendar', data: text, etag: '"b"', size: text.length, index }, { absent: true }, 0);
    try {
      // Counting from 2017 would take 283 million steps to reach 2026; periods are skipped instead.
      const responses = await report(`${CAL}billion.ics`, query('20260301T000000Z', '20260301T000100Z', expand('20260301T000000Z', '20260301T000100Z')));
      const data = propText(responses.get(`${CAL}billion.ics`), CALENDAR_DATA) ?? '';
      expect((data.match(/BEGIN:VEVENT/g) ?? []).length).toBe(60);
      expect(data).toContain('DTSTART:20260301T000000Z');
      expect(data).toContain('DTSTART:20260301T000059Z');
      expect(responses.get(CAL)).toBeUndefined();
    } finally {
      await t.request('DELETE', `${CAL}billion.ics`, { expect: 204 });
    }
  });
});
