// Objects stored before today's checks existed (written by an older version, or straight into the
// database) must not break the multistatus answers of their calendar: whatever one of them does
// while it is rendered fails for that object alone, and every 207 body stays complete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strongEtag } from '../../../src/dav/content.ts';
import { computeIndex } from '../../../src/caldav/object-index.ts';
import { parseICalendar } from '../../../src/ical/parse.ts';
import type { CalendarObjectIndex } from '../../../src/storage/index.ts';
import { event, ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { findChild, parseMultistatus, parseXml, propText, textContent } from '../../helpers/multistatus.ts';
import { dav } from '../../../src/dav/xml/names.ts';

const CAL = '/dav/calendars/user/alice/Default/';
const CALENDAR_DATA = '{urn:ietf:params:xml:ns:caldav}calendar-data';
const GETETAG = '{DAV:}getetag';
const NS = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"';

/** A VEVENT with thousands of nested X- components, as PUT accepted before nesting was bounded. */
function deeplyNested(uid: string, depth: number): string {
  const nesting = [...Array.from({ length: depth }, () => 'BEGIN:X-N'), ...Array.from({ length: depth }, () => 'END:X-N')];
  return ics(['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', 'DTSTART:20260310T100000Z', 'DTEND:20260310T110000Z', 'RRULE:FREQ=DAILY;COUNT=3', ...nesting, 'END:VEVENT']);
}

/**
 * A VTIMEZONE without TZID, referenced by a PERIOD RDATE: ical.js throws a TypeError reading that value.
 * (Its DTSTART, read without ical.js, names a zone there is none of, which reads as UTC.)
 */
const BROKEN_ZONE = ics([
  'BEGIN:VTIMEZONE', 'BEGIN:STANDARD', 'DTSTART:19700101T000000', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0100', 'END:STANDARD', 'END:VTIMEZONE',
  'BEGIN:VEVENT', 'UID:broken-zone', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Nowhere/Zone:20260311T100000', 'DURATION:PT1H',
  'RRULE:FREQ=DAILY;COUNT=3', 'RDATE;VALUE=PERIOD;TZID=Nowhere/Zone:20260312T150000/PT1H', 'END:VEVENT',
]);

let t: TestApp;
const logged: { message: string; fields: Record<string, unknown> | undefined }[] = [];
const logger = { info: () => undefined, error: (message: string, fields?: Record<string, unknown>) => void logged.push({ message, fields }) };

/** Whether an error was logged for this href. */
const loggedFor = (name: string) => logged.some((entry) => entry.fields?.href === CAL + name && typeof entry.fields.error === 'string');

/** Writes an object through the store, without the checks of PUT; `span` indexes it by that span alone. */
async function storeDirectly(name: string, text: string, span?: { uid: string; start: number; end: number }): Promise<void> {
  const calendar = (await t.store.collections.get(CAL))!;
  let index: CalendarObjectIndex;
  if (span) {
    const { uid, start, end } = span;
    index = { uid, componentType: 'VEVENT', firstStart: start, lastEnd: end, isRecurring: false, organizer: null, timeIndex: { spans: [{ start, end, exact: false, busy: null }] } };
  } else {
    const vcalendar = parseICalendar(text);
    index = computeIndex(vcalendar, vcalendar.getAllSubcomponents().filter((c) => c.name !== 'vtimezone'), t.config, Date.UTC(2026, 0, 1));
  }
  const write = { contentType: 'text/calendar; charset=utf-8', data: text, etag: await strongEtag(text), size: text.length, index };
  await t.store.resources.put(calendar, name, write, { absent: true }, Date.UTC(2026, 0, 1));
}

async function report(body: string, depth = '1'): Promise<string> {
  const response = await t.request('REPORT', CAL, { body, headers: { Depth: depth, 'Content-Type': 'application/xml' }, expect: 207 });
  // The whole body arrives: a stream that broke off would reject here.
  return response.text();
}

beforeAll(async () => {
  t = await makeTestApp({}, undefined, { logger });
  await t.request('PUT', `${CAL}before.ics`, { body: event('before', '20260310T080000Z', '20260310T090000Z'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
  // 5,000 levels broke expansion until it walked components without recursion; 50,000 levels
  // still exhaust the stack of ical.js's serialiser.
  await storeDirectly('deep.ics', deeplyNested('deep', 5000));
  await storeDirectly('deeper.ics', deeplyNested('deeper', 50_000));
  await storeDirectly('broken-zone.ics', BROKEN_ZONE, { uid: 'broken-zone', start: Date.UTC(2026, 2, 11, 10), end: Date.UTC(2026, 2, 11, 11) });
  await t.request('PUT', `${CAL}after.ics`, { body: event('after', '20260312T080000Z', '20260312T090000Z'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
});
afterAll(() => t.close());

const ALL = ['before.ics', 'deep.ics', 'deeper.ics', 'broken-zone.ics', 'after.ics'];
const EXPAND = '<C:calendar-data><C:expand start="20260301T000000Z" end="20260401T000000Z"/></C:calendar-data>';

describe('a stored object that cannot be rendered fails alone', () => {
  it('calendar-query with expand answers for every object, with 500 where one cannot be answered', async () => {
    const body = `<C:calendar-query ${NS}><D:prop><D:getetag/>${EXPAND}</D:prop>
      <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260301T000000Z" end="20260401T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
    const responses = parseMultistatus(await report(body));
    expect([...responses.keys()].sort()).toEqual(ALL.map((name) => CAL + name).sort());
    expect(propText(responses.get(`${CAL}before.ics`), CALENDAR_DATA)).toContain('UID:before');
    expect(propText(responses.get(`${CAL}after.ics`), CALENDAR_DATA)).toContain('UID:after');
    // Expansion itself walks any depth now: three instances, each with its nested components.
    expect(propText(responses.get(`${CAL}deep.ics`), CALENDAR_DATA)?.match(/^RECURRENCE-ID:/gm)).toHaveLength(3);
    // Too deep for the serialiser: the data fails, the resource's other properties do not.
    expect(responses.get(`${CAL}deeper.ics`)!.props.get(CALENDAR_DATA)?.status).toBe(500);
    expect(responses.get(`${CAL}deeper.ics`)!.props.get(GETETAG)?.status).toBe(200);
    // The VTIMEZONE without TZID breaks reading its values, so the filter cannot be evaluated.
    expect(responses.get(`${CAL}broken-zone.ics`)!.status).toBe(500);
    expect(loggedFor('deeper.ics') && loggedFor('broken-zone.ics')).toBe(true);
  });

  it('calendar-query without expand returns the objects as stored', async () => {
    const body = `<C:calendar-query ${NS}><D:prop><D:getetag/><C:calendar-data/></D:prop>
      <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter></C:filter></C:calendar-query>`;
    const responses = parseMultistatus(await report(body));
    for (const name of ALL) expect(propText(responses.get(CAL + name), CALENDAR_DATA), name).toContain('BEGIN:VEVENT');
  });

  it('calendar-multiget answers every href in order, with 500 for the data it cannot produce', async () => {
    const hrefs = ALL.map((name) => `<D:href>${CAL}${name}</D:href>`).join('');
    const responses = parseMultistatus(await report(`<C:calendar-multiget ${NS}><D:prop><D:getetag/>${EXPAND}</D:prop>${hrefs}</C:calendar-multiget>`));
    expect([...responses.keys()]).toEqual(ALL.map((name) => CAL + name));
    expect(propText(responses.get(`${CAL}before.ics`), CALENDAR_DATA)).toContain('UID:before');
    expect(propText(responses.get(`${CAL}after.ics`), CALENDAR_DATA)).toContain('UID:after');
    for (const name of ['deeper.ics', 'broken-zone.ics']) {
      expect(responses.get(CAL + name)!.props.get(CALENDAR_DATA)?.status, name).toBe(500);
      expect(responses.get(CAL + name)!.props.get(GETETAG)?.status, name).toBe(200);
    }
  });

  it('sync-collection lists every member and ends with its sync-token', async () => {
    const body = `<D:sync-collection ${NS}><D:sync-token/><D:sync-level>1</D:sync-level><D:prop><D:getetag/><C:calendar-data/></D:prop></D:sync-collection>`;
    const text = await report(body);
    const responses = parseMultistatus(text);
    for (const name of ALL) expect(responses.get(CAL + name)?.props.get(GETETAG)?.status, name).toBe(200);
    expect(textContent(findChild(parseXml(text), dav('sync-token'))!)).toMatch(/^https:\/\/orrery\.dev\/ns\/sync\//);
  });

  it('PROPFIND Depth 1 lists every member', async () => {
    const response = await t.request('PROPFIND', CAL, { body: `<D:propfind ${NS}><D:prop><D:getetag/><C:calendar-data/></D:prop></D:propfind>`, headers: { Depth: '1' }, expect: 207 });
    const responses = parseMultistatus(await response.text());
    for (const name of ALL) expect(responses.get(CAL + name)?.props.get(GETETAG)?.status, name).toBe(200);
  });

  it('free-busy-query counts the objects it can read and logs the one it cannot', async () => {
    const body = `<C:free-busy-query ${NS}><C:time-range start="20260301T000000Z" end="20260401T000000Z"/></C:free-busy-query>`;
    const response = await t.request('REPORT', CAL, { body, headers: { Depth: '1' }, expect: 200 });
    const text = await response.text();
    expect(text).toContain('20260310T080000Z/20260310T090000Z');
    expect(text).toContain('20260312T080000Z/20260312T090000Z');
    expect(loggedFor('broken-zone.ics')).toBe(true);
  });
});
