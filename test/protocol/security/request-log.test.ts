// Every response carries a request id, and the request log's line for a failed request names the
// user, the precondition or privilege that failed, and the server's message with that id.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { withRequestLog } from '../../../src/http/console-log.ts';
import { failureOf } from '../../../src/http/request-log.ts';
import { ics, makeTestApp, PASSWORD, type TestApp } from '../../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
  // bob lets alice read his Default calendar, nothing more.
  const acl = '<D:acl xmlns:D="DAV:"><D:ace><D:principal><D:href>/dav/principals/user/alice/</D:href></D:principal><D:grant><D:privilege><D:read/></D:privilege></D:grant></D:ace></D:acl>';
  await t.request('ACL', '/dav/calendars/user/bob/Default/', { user: 'bob', body: acl, headers: { 'Content-Type': 'application/xml' }, expect: 200 });
});
afterAll(() => t.close());

const BAD_EVENT = ics(['BEGIN:VEVENT', 'UID:bad', 'DTSTAMP:20260101T000000Z', 'DTSTART:20261399T256199Z', 'END:VEVENT']);
const GOOD_EVENT = ics(['BEGIN:VEVENT', 'UID:good', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260110T100000Z', 'END:VEVENT']);

describe('request ids and failure log lines', () => {
  it('sends a distinct X-Request-ID with every response', async () => {
    const ids = new Set<string>();
    for (const path of ['/', '/dav/calendars/user/alice/', '/nowhere']) {
      const response = await t.request('PROPFIND', path, { headers: { Depth: '0' } });
      ids.add(response.headers.get('x-request-id') ?? '');
    }
    expect(ids.size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps the failed precondition with a 4xx response', async () => {
    const response = await t.request('PUT', '/dav/calendars/user/alice/Default/bad.ics', { body: BAD_EVENT, headers: { 'Content-Type': 'text/calendar' } });
    expect(response.status).toBe(403);
    expect(failureOf(response)).toMatchObject({ user: 'alice', condition: '{urn:ietf:params:xml:ns:caldav}valid-calendar-data', message: expect.stringContaining('DTSTART') });
  });

  it('keeps the privilege that was missing', async () => {
    const response = await t.request('PUT', '/dav/calendars/user/bob/Default/x.ics', { body: GOOD_EVENT, headers: { 'Content-Type': 'text/calendar' } });
    expect(response.status).toBe(403);
    expect(failureOf(response)).toMatchObject({ user: 'alice', condition: '{DAV:}need-privileges', privilege: expect.stringMatching(/bind|write/) });
  });

  it('writes one line per request, with the id, and the reason for a failure', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      const handler = withRequestLog((request: Request) => t.app.fetch(request));
      const auth = { Authorization: `Basic ${btoa(`alice:${PASSWORD}`)}` };
      const ok = await handler(new Request('http://orrery.test/dav/calendars/user/alice/', { method: 'PROPFIND', headers: { ...auth, Depth: '0' } }));
      const bad = await handler(new Request('http://orrery.test/dav/calendars/user/alice/Default/bad.ics', { method: 'PUT', headers: { ...auth, 'Content-Type': 'text/calendar' }, body: BAD_EVENT }));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(new RegExp(`PROPFIND /dav/calendars/user/alice/ 207 \\d+ms id=${ok.headers.get('x-request-id')}$`));
      expect(lines[1]).toContain(`PUT /dav/calendars/user/alice/Default/bad.ics 403`);
      expect(lines[1]).toContain(`id=${bad.headers.get('x-request-id')}`);
      expect(lines[1]).toContain('"user":"alice"');
      expect(lines[1]).toContain('valid-calendar-data');
    } finally {
      spy.mockRestore();
    }
  });
});
