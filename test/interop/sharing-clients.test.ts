// Calendar sharing seen by CalDAV clients nobody here wrote, against a real Node server: after
// alice shares her calendar read-only and bob accepts, tsdav and the caldav Python library
// (python3-caldav) logged in as bob list it among his calendars, read its events, and are
// refused when they write to it.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DAVClient } from 'tsdav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../adapters/node/database.ts';
import { startServer, type RunningServer } from '../../adapters/node/server.ts';
import { parseConfig } from '../../src/config.ts';
import { addUser } from '../../src/users.ts';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const ICS = (uid: string, summary: string) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//sharing interop//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z',
    'DTSTART:20260305T100000Z', 'DTEND:20260305T110000Z', `SUMMARY:${summary}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

let server: RunningServer;
let dir: string;
let base: string;

async function as(user: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${path}`, { method, body: body ?? null, headers: { Authorization: `Basic ${btoa(`${user}:${user}-pw`)}`, ...headers } });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orrery-sharing-'));
  const url = `file:${join(dir, 'sharing.db')}`;
  const setup = await openDatabase({ url });
  for (const user of ['alice', 'bob']) await addUser(setup.store, user, `${user}-pw`, `${user}@example.com`, Date.now());
  setup.client.close();
  server = await startServer({ host: '127.0.0.1', port: 0, database: { url }, config: parseConfig({}) }, { quiet: true });
  base = `http://127.0.0.1:${server.port}`;
  await as('bob', 'PROPFIND', '/dav/calendars/user/bob/', undefined, { Depth: '0' });
  expect((await as('alice', 'PUT', '/dav/calendars/user/alice/Default/plan.ics', ICS('plan-1', 'Planning'), { 'Content-Type': 'text/calendar' })).status).toBe(201);
  const share = '<D:share-resource xmlns:D="DAV:"><D:sharee><D:href>mailto:bob@example.com</D:href><D:share-access><D:read/></D:share-access></D:sharee></D:share-resource>';
  expect((await as('alice', 'POST', '/dav/calendars/user/alice/Default/', share, { 'Content-Type': 'application/davsharing+xml' })).status).toBe(204);
  const listing = await (await as('bob', 'PROPFIND', '/dav/notifications/user/bob/', undefined, { Depth: '1' })).text();
  const invite = /<D:href>([^<]*share-invite-[^<]*)<\/D:href>/.exec(listing)![1]!;
  const reply = '<D:invite-reply xmlns:D="DAV:"><D:invite-accepted/></D:invite-reply>';
  expect((await as('bob', 'POST', invite, reply, { 'Content-Type': 'application/davsharing+xml' })).status).toBe(201);
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tsdav as the sharee', () => {
  it('lists the shared calendar, reads its event, and gets 403 on a write', async () => {
    const client = new DAVClient({ serverUrl: `${base}/`, credentials: { username: 'bob', password: 'bob-pw' }, authMethod: 'Basic', defaultAccountType: 'caldav' });
    await client.login();
    const calendars = await client.fetchCalendars();
    const shared = calendars.find((c) => c.url.endsWith('/dav/calendars/user/bob/alice.Default/'));
    expect(shared?.displayName).toBe('personal');
    const objects = await client.fetchCalendarObjects({ calendar: shared! });
    expect(objects.map((o) => o.data)).toEqual([expect.stringContaining('SUMMARY:Planning')]);
    const created = await client.createCalendarObject({ calendar: shared!, filename: 'bob.ics', iCalString: ICS('bob-1', 'Bob was here') });
    expect(created.status).toBe(403);
    const updated = await client.updateCalendarObject({ calendarObject: { ...objects[0]!, data: ICS('plan-1', 'Changed') } });
    expect(updated.status).toBe(403);
    expect(await (await as('alice', 'GET', '/dav/calendars/user/alice/Default/plan.ics')).text()).toContain('SUMMARY:Planning');
  });
});

const PYTHON_SCRIPT = `
import json, sys, caldav
url, user, password = sys.argv[1:4]
client = caldav.DAVClient(url=url, username=user, password=password)
calendars = client.principal().calendars()
shared = [c for c in calendars if str(c.url).endswith('/alice.Default/')][0]
result = {'calendars': [str(c.url) for c in calendars], 'name': shared.name,
          'events': sorted(str(e.vobject_instance.vevent.summary.value) for e in shared.events())}
try:
    shared.save_event(sys.stdin.read())
    result['write'] = 'accepted'
except caldav.lib.error.DAVError as error:
    result['write'] = type(error).__name__
json.dump(result, sys.stdout)
`;

describe('python caldav as the sharee', () => {
  it('lists the shared calendar, reads its event, and is refused a write', async () => {
    const child = run(PYTHON, ['-c', PYTHON_SCRIPT, `${base}/`, 'bob', 'bob-pw'], { timeout: 60_000 });
    child.child.stdin!.end(ICS('py-1', 'From Python'));
    const result = JSON.parse((await child).stdout) as { calendars: string[]; name: string; events: string[]; write: string };
    expect(result.calendars).toEqual(expect.arrayContaining([expect.stringMatching(/\/bob\/Default\/$/), expect.stringMatching(/\/bob\/alice\.Default\/$/)]));
    expect(result.name).toBe('personal');
    expect(result.events).toEqual(['Planning']);
    // python-caldav 0.11 turns a 403 answer into AuthorizationError.
    expect(result.write).toBe('AuthorizationError');
    expect((await as('alice', 'GET', '/dav/calendars/user/alice/Default/')).status).toBe(200);
    expect(await (await as('alice', 'GET', '/dav/calendars/user/alice/Default/')).text()).not.toContain('From Python');
  }, 90_000);
});
