// RFC 3253 §3.1.5 DAV:supported-report-set: each collection lists exactly the reports it answers,
// as each report declares where it is offered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../helpers/app.ts';
import { childElements, findChild, parseMultistatus } from '../../helpers/multistatus.ts';

const C = (name: string) => `{urn:ietf:params:xml:ns:caldav}${name}`;
const D = (name: string) => `{DAV:}${name}`;
const EVERY_COLLECTION = [D('expand-property'), D('sync-collection'), D('acl-principal-prop-set'), D('principal-match'), D('principal-property-search')];
const PRINCIPALS = [D('expand-property'), D('principal-match'), D('principal-property-search'), D('principal-search-property-set')];

const EXPECTED: Record<string, string[] | null> = {
  '/': PRINCIPALS,
  '/dav/principals/user/alice/': PRINCIPALS,
  '/dav/calendars/user/alice/': [...EVERY_COLLECTION, C('calendar-query'), C('calendar-multiget'), C('free-busy-query')],
  '/dav/calendars/user/alice/Default/': [...EVERY_COLLECTION, C('calendar-query'), C('calendar-multiget'), C('free-busy-query')],
  '/dav/calendars/user/alice/Inbox/': [...EVERY_COLLECTION, C('calendar-query'), C('calendar-multiget')],
  '/dav/calendars/user/alice/Outbox/': EVERY_COLLECTION,
  // A calendar object is no collection: the property is not there (404).
  '/dav/calendars/user/alice/Default/a.ics': null,
};

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
  const body = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
  await t.request('PUT', '/dav/calendars/user/alice/Default/a.ics', { body, headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
});
afterAll(() => t.close());

describe('DAV:supported-report-set', () => {
  for (const [path, expected] of Object.entries(EXPECTED)) {
    it(`${path} lists ${expected ? expected.length : 'no'} reports`, async () => {
      const response = await t.request('PROPFIND', path, { headers: { Depth: '0' }, body: '<D:propfind xmlns:D="DAV:"><D:prop><D:supported-report-set/></D:prop></D:propfind>', expect: 207 });
      const property = [...parseMultistatus(await response.text()).values()][0]!.props.get(D('supported-report-set'))!;
      if (expected === null) return void expect(property.status).toBe(404);
      expect(property.status).toBe(200);
      const offered = childElements(property.element).map((supported) => childElements(findChild(supported, D('report'))!)[0]!.name);
      expect(offered.sort()).toEqual([...expected].sort());
    });
  }
});
