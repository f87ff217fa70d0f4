// Client mistakes are never answered with a 500: every method, on every kind of resource, with
// bodies that are malformed, of the wrong type, or well-formed but meaningless.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, makeTestApp, type TestApp } from '../../helpers/app.ts';

let t: TestApp;

const PATHS = [
  '/', '/dav/', '/dav/principals/user/alice/', '/dav/calendars/', '/dav/calendars/user/alice/', '/dav/calendars/user/alice/Default/',
  '/dav/calendars/user/alice/Default/e.ics', '/dav/calendars/user/alice/Inbox/', '/dav/calendars/user/alice/Outbox/',
  '/dav/calendars/user/alice/nowhere/x.ics', '/dav/drive/user/alice/', '/freebusy/user/alice', '/tzdist/zones/Europe/London',
];
const METHODS = ['GET', 'PUT', 'DELETE', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'MKCALENDAR', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'REPORT', 'POST', 'ACL', 'OPTIONS'];
const BODIES: [string, string][] = [
  ['application/xml', '<?xml version="1.0"?><D:nothing xmlns:D="DAV:"/>'],
  ['application/xml', '<a><b></a>'],
  ['application/xml', '<C:calendar-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="garbage"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>'],
  ['application/xml', '<D:acl xmlns:D="DAV:"><D:ace><D:principal><D:href>http://elsewhere/</D:href></D:principal><D:grant><D:privilege><D:nope/></D:privilege></D:grant></D:ace></D:acl>'],
  ['application/davsharing+xml', '<D:share-resource xmlns:D="DAV:"><D:sharee/></D:share-resource>'],
  ['text/calendar', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:not-a-date\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'],
  ['text/calendar', 'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VFREEBUSY\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n'],
  ['application/json', '{"x": ['],
  ['application/octet-stream', '\u0000\u0001\u0002'],
];

beforeAll(async () => {
  t = await makeTestApp({ caldav_allowcalendaradmin: 'on' });
  await t.request('PUT', '/dav/calendars/user/alice/Default/e.ics', { body: event('e'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
});
afterAll(() => t.close());

describe('bad input never produces a 500', () => {
  it('every method × path × malformed body answers below 500', async () => {
    const failures: string[] = [];
    for (const path of PATHS) {
      for (const method of METHODS) {
        for (const [type, body] of BODIES) {
          const headers: Record<string, string> = { 'Content-Type': type, Depth: '1', Destination: '/dav/calendars/user/alice/Default/copy.ics', 'Lock-Token': '<nope>', If: '(<nope>)' };
          const withBody = method !== 'GET' && method !== 'OPTIONS' && method !== 'DELETE';
          const response = await t.request(method, path, { headers, ...(withBody ? { body } : {}) });
          if (response.status >= 500) failures.push(`${method} ${path} (${type}) → ${response.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('malformed query parameters and headers are client errors', async () => {
    for (const [path, headers] of [
      ['/freebusy/user/alice?start=yesterday', {}],
      ['/freebusy/user/alice?period=P1X', {}],
      ['/tzdist/zones/Europe/London?start=never', {}],
      ['/dav/calendars/user/alice/Default/e.ics', { 'If-Modified-Since': 'not a date', 'If-Match': 'garbage' }],
      ['/dav/calendars/user/alice/Default/', { Accept: 'text/html', 'If-None-Match': '"x", W/' }],
    ] as [string, Record<string, string>][]) {
      const response = await t.request('GET', path, { headers });
      expect(response.status, path).toBeLessThan(500);
    }
  });
});
