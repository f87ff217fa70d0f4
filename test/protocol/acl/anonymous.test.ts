// Public calendars in the shared hierarchy (the seed: "The public calendar hierarchy will reside
// at the toplevel of the shared mailbox namespace") read without an account once `anyone` has
// `lr`: GET for webcal subscriptions, and PROPFIND and REPORT for CalDAV clients. Every other
// method still needs credentials, and reading without the ACL's consent is challenged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus } from '../../helpers/multistatus.ts';

const PUBLIC = '/dav/calendars/holidays/';
const ICS = { 'Content-Type': 'text/calendar' };
const QUERY = '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>';
let t: TestApp;

beforeAll(async () => {
  t = await makeTestApp({ admins: 'root' }, ['alice', 'root']);
  await t.request('MKCALENDAR', PUBLIC, { user: 'root', expect: 201 });
  await t.request('PUT', `${PUBLIC}newyear.ics`, { user: 'root', body: event('newyear'), headers: ICS, expect: 201 });
});
afterAll(() => t.close());

describe('public calendars and anonymous access', () => {
  it('before anyone is granted anything, anonymous requests are challenged (401) and users see nothing (404)', async () => {
    await t.request('GET', PUBLIC, { user: null, expect: 401 });
    await t.request('PROPFIND', PUBLIC, { user: null, headers: { Depth: '0' }, expect: 401 });
    await t.request('GET', PUBLIC, { user: 'alice', expect: 404 });
  });

  it('with anyone lr, GET (webcal), PROPFIND and REPORT work without an account', async () => {
    const acl = '<D:acl xmlns:D="DAV:"><D:ace><D:principal><D:all/></D:principal><D:grant><D:privilege><D:read/></D:privilege></D:grant></D:ace></D:acl>';
    await t.request('ACL', PUBLIC, { user: 'root', body: acl, expect: 200 });
    expect((await t.store.collections.get(PUBLIC))!.acl).toBe('anyone\tlr9\t');
    expect(await (await t.request('GET', PUBLIC, { user: null, expect: 200 })).text()).toContain('UID:newyear');
    await t.request('GET', `${PUBLIC}newyear.ics`, { user: null, expect: 200 });
    const listing = parseMultistatus(await (await t.request('PROPFIND', PUBLIC, { user: null, headers: { Depth: '1' }, expect: 207 })).text());
    expect([...listing.keys()].sort()).toEqual([PUBLIC, `${PUBLIC}newyear.ics`]);
    const report = parseMultistatus(await (await t.request('REPORT', PUBLIC, { user: null, headers: { Depth: '1' }, body: QUERY, expect: 207 })).text());
    expect([...report.keys()]).toEqual([`${PUBLIC}newyear.ics`]);
    await t.request('GET', PUBLIC, { user: 'alice', expect: 200 });
  });

  it('every other method stays authenticated, even on the public calendar', async () => {
    await t.request('PUT', `${PUBLIC}spam.ics`, { user: null, body: event('spam'), headers: ICS, expect: 401 });
    await t.request('PROPPATCH', PUBLIC, { user: null, body: '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>x</D:displayname></D:prop></D:set></D:propertyupdate>', expect: 401 });
    await t.request('DELETE', `${PUBLIC}newyear.ics`, { user: null, expect: 401 });
    await t.request('ACL', PUBLIC, { user: null, body: '<D:acl xmlns:D="DAV:"/>', expect: 401 });
    await t.request('PUT', `${PUBLIC}spam.ics`, { user: 'alice', body: event('spam'), headers: ICS, expect: 403 });
  });

  it('anonymous PROPFIND and REPORT elsewhere are challenged, so clients learn to log in', async () => {
    await t.request('PROPFIND', '/', { user: null, headers: { Depth: '0' }, expect: 401 });
    await t.request('PROPFIND', '/dav/calendars/user/alice/', { user: null, headers: { Depth: '0' }, expect: 401 });
    await t.request('REPORT', '/dav/calendars/user/alice/Default/', { user: null, headers: { Depth: '1' }, body: QUERY, expect: 401 });
    await t.request('PROPFIND', `${PUBLIC}missing.ics`, { user: null, headers: { Depth: '0' }, expect: 404 });
  });

  it('granting DAV:unauthenticated (anonymous) alone opens the calendar to anonymous requests but not to users', async () => {
    const acl = '<D:acl xmlns:D="DAV:"><D:ace><D:principal><D:unauthenticated/></D:principal><D:grant><D:privilege><D:read/></D:privilege></D:grant></D:ace></D:acl>';
    await t.request('ACL', PUBLIC, { user: 'root', body: acl, expect: 200 });
    await t.request('PROPFIND', PUBLIC, { user: null, headers: { Depth: '0' }, expect: 207 });
    await t.request('GET', PUBLIC, { user: 'alice', expect: 404 });
  });
});

describe('seed: COPY/MOVE of collections (destination needs w and k, MOVE source needs x)', () => {
  it('checks the destination collection for both letters and the source for x', async () => {
    const other = await makeTestApp({}, ['alice', 'bob']);
    try {
      await other.request('MKCOL', '/dav/drive/user/bob/box/', { user: 'bob', expect: 201 });
      await other.request('PROPFIND', '/dav/drive/user/alice/', { user: 'alice', headers: { Depth: '0' }, expect: 207 });
      const target = '/dav/drive/user/alice/';
      const grant = (rights: string) => other.store.collections.setAcl(target, `alice\tlrswipkxtean\tbob\t${rights}\t`, Date.now());
      await grant('lrk');
      await other.request('COPY', '/dav/drive/user/bob/box/', { user: 'bob', headers: { Destination: `${target}box/` }, expect: 403 });
      await grant('lrw');
      await other.request('COPY', '/dav/drive/user/bob/box/', { user: 'bob', headers: { Destination: `${target}box/` }, expect: 403 });
      await grant('lrwk');
      await other.request('COPY', '/dav/drive/user/bob/box/', { user: 'bob', headers: { Destination: `${target}box/` }, expect: 201 });
      await other.request('MKCOL', `${target}own/`, { user: 'alice', expect: 201 });
      await other.store.collections.setAcl(`${target}own/`, 'alice\tlrswipkxtean\tbob\tlr\t', Date.now());
      await other.request('MOVE', `${target}own/`, { user: 'bob', headers: { Destination: '/dav/drive/user/bob/back/' }, expect: 403 });
      await other.store.collections.setAcl(`${target}own/`, 'alice\tlrswipkxtean\tbob\tlrx\t', Date.now());
      await other.request('MOVE', `${target}own/`, { user: 'bob', headers: { Destination: '/dav/drive/user/bob/back/' }, expect: 201 });
    } finally {
      other.close();
    }
  });
});
