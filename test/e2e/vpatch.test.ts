// PATCH with VPATCH documents (RFC 5789, draft-daboo-icalendar-vpatch) sent with plain fetch to a
// real `orrery serve` process: OPTIONS advertises it, a patch applies, a stale If-Match is refused,
// and a patched meeting reaches the attendee as a PUT would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrreryServe, type OrreryServe } from '../support/orrery-serve.ts';

const PASSWORDS: Record<string, string> = { alice: 'alice-secret', bob: 'bob-secret' };
const OBJECT = '/dav/calendars/user/alice/Default/meet.ics';
let server: OrreryServe;

beforeAll(async () => {
  server = await startOrreryServe(PASSWORDS);
});

afterAll(async () => {
  await server?.stop();
});

function send(user: string, method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}) {
  return fetch(new URL(path, server.baseUrl), {
    method,
    headers: { Authorization: `Basic ${btoa(`${user}:${PASSWORDS[user]}`)}`, ...options.headers },
    body: options.body ?? null,
  });
}

const calendar = (lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery tests//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
const vpatch = (...lines: string[]) => calendar(['BEGIN:VPATCH', 'UID:p', 'DTSTAMP:20300101T000000Z', 'BEGIN:PATCH', 'PATCH-TARGET:/VCALENDAR/VEVENT[UID=meet@x][RID=M]', ...lines, 'END:PATCH', 'END:VPATCH']);

describe('PATCH of a calendar object on a real server', () => {
  it('is advertised, applies a VPATCH atomically and schedules the change', async () => {
    const meeting = calendar([
      'BEGIN:VEVENT', 'UID:meet@x', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T100000Z', 'DURATION:PT1H', 'SUMMARY:Planning',
      'ORGANIZER:mailto:alice@example.com', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com', 'ATTENDEE;RSVP=TRUE:mailto:bob@example.com', 'END:VEVENT',
    ]);
    expect((await send('alice', 'PUT', OBJECT, { body: meeting, headers: { 'Content-Type': 'text/calendar' } })).status).toBe(201);

    const options = await send('alice', 'OPTIONS', OBJECT);
    expect(options.headers.get('Allow')).toMatch(/(^|, )PATCH(,|$)/);
    expect(options.headers.get('Accept-Patch')).toContain('component=VPATCH');

    const current = await send('alice', 'GET', OBJECT);
    const etag = current.headers.get('ETag')!;
    await current.text();
    const stale = await send('alice', 'PATCH', OBJECT, { body: vpatch('SUMMARY:Stale'), headers: { 'Content-Type': 'text/calendar; component=VPATCH', 'If-Match': '"stale"' } });
    expect(stale.status).toBe(412);

    const patched = await send('alice', 'PATCH', OBJECT, {
      body: vpatch('DTSTART:20300110T150000Z', 'SUMMARY:Planning (afternoon)'),
      headers: { 'Content-Type': 'text/calendar; component=VPATCH', 'If-Match': etag },
    });
    expect(patched.status).toBe(204);
    const after = await (await send('alice', 'GET', OBJECT)).text();
    expect(after).toContain('SUMMARY:Planning (afternoon)');
    expect(after).not.toContain('Stale');

    const inbox = await send('bob', 'PROPFIND', '/dav/calendars/user/bob/Inbox/', { headers: { Depth: '1' } });
    expect((await inbox.text()).match(/\.ics<\/[^>]*href>/g)).toHaveLength(2);
    const bobCalendar = await send('bob', 'REPORT', '/dav/calendars/user/bob/Default/', {
      headers: { Depth: '1', 'Content-Type': 'application/xml' },
      body: '<C:calendar-query xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:D="DAV:"><D:prop><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>',
    });
    expect(await bobCalendar.text()).toContain('DTSTART:20300110T150000Z');
  });
});
