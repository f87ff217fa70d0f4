// COPY, MOVE, LOCK, POST add-member, OPTIONS and public calendars on the calendar area.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus, propText } from '../../helpers/multistatus.ts';

const HOME = '/dav/calendars/user/alice/';
const CAL = `${HOME}Default/`;
const ICS = { 'Content-Type': 'text/calendar' };
let t: TestApp;

beforeAll(async () => {
  t = await makeTestApp({ admins: 'root' }, ['alice', 'bob', 'root']);
  await t.request('MKCALENDAR', `${HOME}second/`, { expect: 201 });
});
afterAll(() => t.close());

describe('RFC 4918 §10.1 OPTIONS', () => {
  it('advertises the compliance classes and calendar-access', async () => {
    const response = await t.request('OPTIONS', CAL, { expect: 200 });
    const dav = response.headers.get('dav')!;
    for (const token of ['1', '2', '3', 'access-control', 'extended-mkcol', 'calendar-access', 'calendar-auto-schedule']) expect(dav).toContain(token);
    expect(response.headers.get('allow')).toContain('PROPFIND');
  });

  it('does not advertise calendar-auto-schedule with caldav_allowscheduling off', async () => {
    const other = await makeTestApp({ caldav_allowscheduling: 'off' });
    try {
      const dav = (await other.request('OPTIONS', CAL, { expect: 200 })).headers.get('dav')!;
      expect(dav).not.toContain('calendar-auto-schedule');
    } finally {
      other.close();
    }
  });
});

describe('RFC 4918 §9.8–9.9 COPY and MOVE of calendar objects', () => {
  it('COPY into another calendar keeps the data (201), Overwrite: F on an existing target is 412', async () => {
    await t.request('PUT', `${CAL}c1.ics`, { body: event('copy-1'), headers: ICS, expect: 201 });
    await t.request('COPY', `${CAL}c1.ics`, { headers: { Destination: `http://orrery.test${HOME}second/c1.ics` }, expect: 201 });
    expect(await (await t.request('GET', `${HOME}second/c1.ics`, { expect: 200 })).text()).toContain('UID:copy-1');
    await t.request('COPY', `${CAL}c1.ics`, { headers: { Destination: `${HOME}second/c1.ics`, Overwrite: 'F' }, expect: 412 });
  });

  it('COPY within the same calendar conflicts on the UID (no-uid-conflict)', async () => {
    const response = await t.request('COPY', `${CAL}c1.ics`, { headers: { Destination: `${CAL}c1-copy.ics` }, expect: 409 });
    expect(await response.text()).toContain('no-uid-conflict');
  });

  it('MOVE renames, leaving a tombstone for sync', async () => {
    await t.request('MOVE', `${CAL}c1.ics`, { headers: { Destination: `${CAL}c1-moved.ics` }, expect: 201 });
    await t.request('GET', `${CAL}c1.ics`, { expect: 404 });
    await t.request('GET', `${CAL}c1-moved.ics`, { expect: 200 });
  });

  it('MOVE of a calendar collection within the home', async () => {
    await t.request('MKCALENDAR', `${HOME}old/`, { expect: 201 });
    await t.request('PUT', `${HOME}old/x.ics`, { body: event('mv-coll'), headers: ICS, expect: 201 });
    await t.request('MOVE', `${HOME}old/`, { headers: { Destination: `${HOME}new/` }, expect: 201 });
    await t.request('GET', `${HOME}new/x.ics`, { expect: 200 });
    await t.request('PROPFIND', `${HOME}old/`, { headers: { Depth: '0' }, expect: 404 });
  });

  it('COPY of a calendar collection is refused (405), as Cyrus does', async () => {
    await t.request('COPY', `${HOME}new/`, { headers: { Destination: `${HOME}newer/` }, expect: 405 });
  });

  it('COPY and MOVE evaluate If-Match and If-Schedule-Tag-Match against the source (RFC 9110 §13.1, RFC 6638 §8.3)', async () => {
    const put = await t.request('PUT', `${CAL}cond.ics`, { body: event('cond-1'), headers: ICS, expect: 201 });
    const etag = put.headers.get('etag')!;
    await t.request('MOVE', `${CAL}cond.ics`, { headers: { Destination: `${CAL}cond-moved.ics`, 'If-Match': '"bogus"' }, expect: 412 });
    await t.request('COPY', `${CAL}cond.ics`, { headers: { Destination: `${HOME}second/cond.ics`, 'If-Match': '"bogus"' }, expect: 412 });
    await t.request('MOVE', `${CAL}cond.ics`, { headers: { Destination: `${CAL}cond-moved.ics`, 'If-Schedule-Tag-Match': '"bogus"' }, expect: 412 });
    await t.request('GET', `${CAL}cond.ics`, { expect: 200 });
    await t.request('MOVE', `${CAL}cond.ics`, { headers: { Destination: `${CAL}cond-moved.ics`, 'If-Match': etag }, expect: 201 });
  });

  it('refuses to move an object into a non-calendar collection', async () => {
    const response = await t.request('MOVE', `${CAL}c1-moved.ics`, { headers: { Destination: `${HOME}Inbox/c1.ics` }, expect: 403 });
    expect(await response.text()).toContain('calendar-collection-location-ok');
  });
});

describe('RFC 4918 §9.10 LOCK on calendar objects', () => {
  it('a locked object refuses PUT without the token (423) and accepts it with the token', async () => {
    await t.request('PUT', `${CAL}l1.ics`, { body: event('lock-1'), headers: ICS, expect: 201 });
    const lockBody = '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>alice</D:owner></D:lockinfo>';
    const locked = await t.request('LOCK', `${CAL}l1.ics`, { body: lockBody, headers: { Timeout: 'Second-600' }, expect: 200 });
    const token = locked.headers.get('lock-token')!;
    expect(token).toMatch(/^<opaquelocktoken:/);
    await t.request('PUT', `${CAL}l1.ics`, { body: event('lock-1', '20260112T100000Z', '20260112T110000Z'), headers: ICS, expect: 423 });
    await t.request('PUT', `${CAL}l1.ics`, { body: event('lock-1', '20260112T100000Z', '20260112T110000Z'), headers: { ...ICS, If: `(${token})` }, expect: 204 });
    await t.request('UNLOCK', `${CAL}l1.ics`, { headers: { 'Lock-Token': token }, expect: 204 });
    await t.request('DELETE', `${CAL}l1.ics`, { expect: 204 });
  });

  it('another user cannot take a lock on alice\'s calendar', async () => {
    const lockBody = '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>';
    const response = await t.request('LOCK', `${CAL}c1-moved.ics`, { user: 'bob', body: lockBody });
    expect([403, 404]).toContain(response.status);
  });
});

describe('RFC 5995 POST add-member', () => {
  it('creates the member under a server-chosen name', async () => {
    const response = await t.request('POST', `${CAL}?action=add-member`, { body: event('post-1'), headers: ICS, expect: 201 });
    const location = response.headers.get('location')!;
    expect(location).toMatch(/^\/dav\/calendars\/user\/alice\/Default\/[0-9a-f-]+\.ics$/);
    await t.request('GET', location, { expect: 200 });
  });
});

describe('public calendars in the shared hierarchy', () => {
  it('only an admin can create one, and it is owned by no user', async () => {
    await t.request('MKCALENDAR', '/dav/calendars/holidays/', { user: 'alice', expect: 403 });
    await t.request('MKCALENDAR', '/dav/calendars/holidays/', { user: 'root', expect: 201 });
    await t.request('PUT', '/dav/calendars/holidays/newyear.ics', { user: 'root', body: event('ny'), headers: ICS, expect: 201 });
    const response = await t.request('PROPFIND', '/dav/calendars/holidays/', { user: 'root', headers: { Depth: '0' }, body: '<propfind xmlns="DAV:"><prop><owner/></prop></propfind>', expect: 207 });
    expect(propText(parseMultistatus(await response.text()).get('/dav/calendars/holidays/'), '{DAV:}owner')).toBe('');
  });
});

describe('sync-collection (RFC 6578)', () => {
  it('initial sync lists members; incremental sync lists changes and tombstones', async () => {
    await t.request('MKCALENDAR', `${HOME}sync/`, { expect: 201 });
    await t.request('PUT', `${HOME}sync/a.ics`, { body: event('sync-a'), headers: ICS, expect: 201 });
    await t.request('PUT', `${HOME}sync/b.ics`, { body: event('sync-b'), headers: ICS, expect: 201 });
    const query = (token: string) => `<D:sync-collection xmlns:D="DAV:"><D:sync-token>${token}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`;
    const initial = await (await t.request('REPORT', `${HOME}sync/`, { body: query(''), headers: { Depth: '1' }, expect: 207 })).text();
    expect([...parseMultistatus(initial).keys()].sort()).toEqual([`${HOME}sync/a.ics`, `${HOME}sync/b.ics`]);
    const token = /<D:sync-token>([^<]+)<\/D:sync-token>/.exec(initial)![1]!;
    await t.request('DELETE', `${HOME}sync/a.ics`, { expect: 204 });
    await t.request('PUT', `${HOME}sync/c.ics`, { body: event('sync-c'), headers: ICS, expect: 201 });
    const delta = parseMultistatus(await (await t.request('REPORT', `${HOME}sync/`, { body: query(token), headers: { Depth: '1' }, expect: 207 })).text());
    expect(delta.get(`${HOME}sync/a.ics`)?.status).toBe(404);
    expect(delta.get(`${HOME}sync/c.ics`)?.props.get('{DAV:}getetag')?.status).toBe(200);
    expect(delta.has(`${HOME}sync/b.ics`)).toBe(false);
  });

  it('RFC 6578 §3.4: an initial sync never lists removed members', async () => {
    const body = '<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>';
    const initial = parseMultistatus(await (await t.request('REPORT', `${HOME}sync/`, { body, headers: { Depth: '1' }, expect: 207 })).text());
    expect([...initial.keys()].sort()).toEqual([`${HOME}sync/b.ics`, `${HOME}sync/c.ics`]);
  });

  it('a foreign or future token is refused with valid-sync-token', async () => {
    const body = '<D:sync-collection xmlns:D="DAV:"><D:sync-token>https://orrery.dev/ns/sync/nope_1</D:sync-token><D:sync-level>1</D:sync-level><D:prop/></D:sync-collection>';
    const response = await t.request('REPORT', `${HOME}sync/`, { body, headers: { Depth: '1' }, expect: 403 });
    expect(await response.text()).toContain('valid-sync-token');
  });
});
