// Bulk import (Cyrus's caldav_import): POST of a text/calendar file to a calendar collection stores
// one calendar object per UID, each as a PUT of it would be stored, and answers a 207 with one
// DAV:response per UID: href, DAV:getetag and CS:uid, or the status with DAV:error naming the
// precondition and CS:uid.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { childElements, findChild, parseXml, textContent } from '../../helpers/multistatus.ts';
import { findChildren, type XmlElement } from '../../../src/dav/xml/element.ts';
import { calserver, dav, orrery } from '../../../src/dav/xml/names.ts';
import { BOB, inboxPath, members } from '../scheduling/support.ts';

const CAL = '/dav/calendars/user/alice/Default/';
let t: TestApp;

beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

interface ImportResult {
  uid: string;
  href: string;
  status: number;
  etag?: string;
  condition?: string;
  message?: string;
}

async function importFile(body: string, options: { user?: string; contentType?: string; expect?: number } = {}): Promise<ImportResult[]> {
  const response = await t.request('POST', CAL, {
    body,
    user: options.user ?? 'alice',
    headers: { 'Content-Type': options.contentType ?? 'text/calendar; charset=utf-8' },
    expect: options.expect ?? 207,
  });
  return parseImport(await response.text());
}

function parseImport(xml: string): ImportResult[] {
  const root = parseXml(xml, { maxElements: Infinity });
  expect(root.name).toBe(dav('multistatus'));
  return findChildren(root, dav('response')).map((response) => {
    const href = textContent(findChild(response, dav('href'))!);
    const propstat = findChild(response, dav('propstat'));
    if (propstat) {
      const prop = findChild(propstat, dav('prop'))!;
      return { href, status: statusOf(findChild(propstat, dav('status'))!), etag: textContent(findChild(prop, dav('getetag'))!), uid: textContent(findChild(prop, calserver('uid'))!) };
    }
    const error = findChild(response, dav('error'))!;
    const condition = childElements(error).find((e) => e.name !== orrery('message') && e.name !== calserver('uid'))?.name;
    const uid = findChild(error, calserver('uid'));
    return {
      href,
      status: statusOf(findChild(response, dav('status'))!),
      uid: uid ? textContent(uid) : '',
      ...(condition ? { condition } : {}),
      message: textContent(findChild(error, orrery('message'))!),
    };
  });
}

function statusOf(element: XmlElement): number {
  return Number(/HTTP\/1\.1 (\d{3})/.exec(textContent(element))?.[1]);
}

const BERLIN = [
  'BEGIN:VTIMEZONE', 'TZID:Custom/Berlin', 'BEGIN:STANDARD', 'DTSTART:19701025T030000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD', 'BEGIN:DAYLIGHT', 'DTSTART:19700329T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'END:DAYLIGHT', 'END:VTIMEZONE',
];

function vevent(uid: string, lines: string[]): string[] {
  return ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT'];
}

describe('Cyrus bulk import: POST text/calendar to a calendar collection', () => {
  it('stores one object per UID and answers each with its href, ETag and CS:uid', async () => {
    const file = ics([
      'METHOD:PUBLISH',
      'X-WR-CALNAME:Exported',
      ...BERLIN,
      ...vevent('series', ['DTSTART;TZID=Custom/Berlin:20260302T090000', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;COUNT=5', 'SUMMARY:Daily']),
      ...vevent('single', ['DTSTART:20260305T120000Z', 'DTEND:20260305T130000Z', 'SUMMARY:Lunch']),
      // The override comes after another UID: it is kept with its master all the same.
      ...vevent('series', ['RECURRENCE-ID;TZID=Custom/Berlin:20260303T090000', 'DTSTART;TZID=Custom/Berlin:20260303T110000', 'DURATION:PT1H', 'SUMMARY:Moved']),
      'BEGIN:VTODO', 'UID:task', 'DTSTAMP:20260101T000000Z', 'SUMMARY:A task', 'END:VTODO',
    ]);
    const results = await importFile(file);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(results.map((r) => r.uid))).toEqual(new Set(['series', 'single', 'task']));
    for (const result of results) {
      expect(result.href.startsWith(CAL)).toBe(true);
      const get = await t.request('GET', result.href, { expect: 200 });
      expect(get.headers.get('etag')).toBe(result.etag);
      const text = await get.text();
      expect(text).toContain(`UID:${result.uid}`);
      // File-level properties describe the file, not the objects.
      expect(text).not.toContain('METHOD:');
      expect(text).not.toContain('X-WR-CALNAME');
    }
    const series = await (await t.request('GET', results.find((r) => r.uid === 'series')!.href)).text();
    expect(series.match(/BEGIN:VEVENT/g)).toHaveLength(2);
    expect(series).toContain('SUMMARY:Moved');
    expect(series).toContain('TZID:Custom/Berlin');
    const single = await (await t.request('GET', results.find((r) => r.uid === 'single')!.href)).text();
    expect(single).not.toContain('BEGIN:VTIMEZONE');
  });

  it('indexes what it stores: a time-range query finds the moved instance', async () => {
    await importFile(ics([
      ...vevent('daily', ['DTSTART:20260302T090000Z', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;COUNT=3']),
      ...vevent('daily', ['RECURRENCE-ID:20260303T090000Z', 'DTSTART:20260310T150000Z', 'DURATION:PT1H']),
    ]));
    const query = `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>
      <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260310T000000Z" end="20260311T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
    const report = await t.request('REPORT', CAL, { body: query, headers: { Depth: '1' }, expect: 207 });
    expect(findChildren(parseXml(await report.text()), dav('response'))).toHaveLength(1);
  });

  it('refuses a bad item with its precondition and stores the others', async () => {
    const results = await importFile(ics([
      ...vevent('good-1', ['DTSTART:20260305T120000Z']),
      ...vevent('bad-date', ['DTSTART:20260230T120000Z']),
      'BEGIN:VEVENT', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260305T120000Z', 'SUMMARY:No UID', 'END:VEVENT',
      ...vevent('good-2', ['DTSTART:20260306T120000Z']),
    ]));
    const byUid = new Map(results.map((r) => [r.uid, r]));
    expect(byUid.get('good-1')?.status).toBe(200);
    expect(byUid.get('good-2')?.status).toBe(200);
    const bad = byUid.get('bad-date')!;
    expect(bad.status).toBe(403);
    expect(bad.condition).toBe('{urn:ietf:params:xml:ns:caldav}valid-calendar-data');
    expect(bad.message).toContain('DTSTART');
    const noUid = byUid.get('')!;
    expect(noUid.status).toBe(403);
    expect(noUid.condition).toBe('{urn:ietf:params:xml:ns:caldav}valid-calendar-data');
    expect(noUid.message).toContain('UID');
    expect(results).toHaveLength(4);
    const listing = await t.request('PROPFIND', CAL, { headers: { Depth: '1' }, body: '<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>', expect: 207 });
    expect(findChildren(parseXml(await listing.text()), dav('response'))).toHaveLength(3);
  });

  it('answers a UID already stored in the calendar with 409 no-uid-conflict naming it', async () => {
    await t.request('PUT', `${CAL}existing.ics`, { body: ics(vevent('taken', ['DTSTART:20260305T120000Z'])), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const results = await importFile(ics([...vevent('taken', ['DTSTART:20260307T120000Z']), ...vevent('free', ['DTSTART:20260307T120000Z'])]));
    const taken = results.find((r) => r.uid === 'taken')!;
    expect(taken.status).toBe(409);
    expect(taken.condition).toBe('{urn:ietf:params:xml:ns:caldav}no-uid-conflict');
    expect(results.find((r) => r.uid === 'free')?.status).toBe(200);
  });

  it('refuses a body that is not iCalendar as a whole (403 valid-calendar-data), and other media types (415)', async () => {
    const whole = await t.request('POST', CAL, { body: 'hello world', headers: { 'Content-Type': 'text/calendar' }, expect: 403 });
    expect(await whole.text()).toContain('valid-calendar-data');
    const typed = await t.request('POST', CAL, { body: 'x', headers: { 'Content-Type': 'application/octet-stream' }, expect: 415 });
    expect(await typed.text()).toContain('supported-calendar-data');
  });

  it('accepts jCal (application/calendar+json) as PUT does', async () => {
    const jcal = JSON.stringify(['vcalendar', [['version', {}, 'text', '2.0'], ['prodid', {}, 'text', '-//Tests//EN']], [
      ['vevent', [['uid', {}, 'text', 'json-1'], ['dtstamp', {}, 'date-time', '2026-01-01T00:00:00Z'], ['dtstart', {}, 'date-time', '2026-03-05T12:00:00Z']], []],
      ['vevent', [['uid', {}, 'text', 'json-2'], ['dtstamp', {}, 'date-time', '2026-01-01T00:00:00Z'], ['dtstart', {}, 'date-time', '2026-03-06T12:00:00Z']], []],
    ]]);
    const results = await importFile(jcal, { contentType: 'application/calendar+json' });
    expect(results.map((r) => r.status)).toEqual([200, 200]);
  });

  it('needs p (DAV:bind, CY:add-resource) for the POST and i (DAV:write-content) for the objects it writes', async () => {
    const file = ics(vevent('from-bob', ['DTSTART:20260305T120000Z']));
    await t.request('PROPFIND', CAL, { headers: { Depth: '0' }, expect: 207 }); // alice's first login creates the calendar
    await t.store.collections.setAcl(CAL, 'alice\tlrwipkxtean9\tbob\tlrwi\t', Date.now());
    const withoutBind = await t.request('POST', CAL, { body: file, user: 'bob', headers: { 'Content-Type': 'text/calendar' }, expect: 403 });
    expect(await withoutBind.text()).toContain('add-resource');
    await t.store.collections.setAcl(CAL, 'alice\tlrwipkxtean9\tbob\tlrp\t', Date.now());
    const withoutWrite = await t.request('POST', CAL, { body: file, user: 'bob', headers: { 'Content-Type': 'text/calendar' }, expect: 403 });
    expect(await withoutWrite.text()).toContain('write-content');
    await t.store.collections.setAcl(CAL, 'alice\tlrwipkxtean9\tbob\tlrip\t', Date.now());
    const results = await importFile(file, { user: 'bob' });
    expect(results[0]?.status).toBe(200);
  });

  it('schedules an item with ATTENDEEs as a PUT of it would: the attendee gets the invitation', async () => {
    const results = await importFile(ics([
      ...vevent('meeting', ['DTSTART:20300110T100000Z', 'DTEND:20300110T110000Z', 'SUMMARY:Planning', 'ORGANIZER:mailto:alice@example.com', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com', `ATTENDEE;RSVP=TRUE:${BOB}`]),
      ...vevent('plain', ['DTSTART:20300111T100000Z']),
    ]));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const inbox = await members(t, 'bob', inboxPath('bob'));
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.text).toContain('METHOD:REQUEST');
    expect(inbox[0]!.text).toContain('UID:meeting');
    // The organizer's copy carries the attendee's delivery status, as after a PUT.
    const stored = await (await t.request('GET', results.find((r) => r.uid === 'meeting')!.href)).text();
    expect(stored.replace(/\r\n /g, '')).toContain('SCHEDULE-STATUS=1.2');
  });
});
