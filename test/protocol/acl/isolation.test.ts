// Another user's resources under the provisioned ACLs (the seed's "Default WebDAV Privileges by
// Collection"): every method against every kind of alice's collections and members is refused
// and leaves every stored byte as it was; what the defaults do grant to anyone works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeNotification } from '../../../src/notifications/collection.ts';
import { event, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { childElements, findChild, parseMultistatus } from '../../helpers/multistatus.ts';
import { snapshot } from './fixtures.ts';

const HOME = '/dav/calendars/user/alice/';
const ICS = { 'Content-Type': 'text/calendar' };
const LOCKINFO = '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>';
let t: TestApp;

/** alice's collections of every kind, each with a member where one can exist. */
const TARGETS = [
  { kind: 'calendar home', path: HOME, member: null },
  { kind: 'calendar', path: `${HOME}Default/`, member: 'e.ics' },
  { kind: 'scheduling Inbox', path: `${HOME}Inbox/`, member: null },
  { kind: 'scheduling Outbox', path: `${HOME}Outbox/`, member: null },
  { kind: 'Attachments', path: `${HOME}Attachments/`, member: null },
  { kind: 'file area', path: '/dav/drive/user/alice/', member: 'notes.txt' },
  { kind: 'notifications', path: '/dav/notifications/user/alice/', member: 'n.xml' },
];

const REQUESTS: { method: string; body?: string; headers?: Record<string, string>; member?: boolean; suffix?: string }[] = [
  { method: 'GET' },
  { method: 'HEAD' },
  { method: 'PROPFIND', headers: { Depth: '1' } },
  { method: 'PROPPATCH', body: '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>pwned</D:displayname></D:prop></D:set></D:propertyupdate>' },
  { method: 'REPORT', headers: { Depth: '1' }, body: '<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>' },
  { method: 'REPORT', headers: { Depth: '1' }, body: '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>' },
  { method: 'REPORT', headers: { Depth: '0' }, body: '<D:expand-property xmlns:D="DAV:"><D:property name="displayname"/></D:expand-property>' },
  { method: 'REPORT', headers: { Depth: '0' }, body: '<D:acl-principal-prop-set xmlns:D="DAV:"><D:prop><D:displayname/></D:prop></D:acl-principal-prop-set>' },
  { method: 'PUT', suffix: 'new.ics', body: event('intruder'), headers: ICS },
  { method: 'PUT', member: true, body: event('intruder'), headers: ICS },
  { method: 'DELETE' },
  { method: 'DELETE', member: true },
  { method: 'MKCOL', suffix: 'sub/' },
  { method: 'MKCALENDAR', suffix: 'sub/' },
  { method: 'COPY', member: true, headers: { Destination: '/dav/drive/user/bob/stolen' } },
  { method: 'MOVE', member: true, headers: { Destination: '/dav/drive/user/bob/stolen' } },
  { method: 'MOVE', headers: { Destination: '/dav/drive/user/bob/stolen/' } },
  { method: 'COPY', suffix: 'planted.ics', headers: {} },
  { method: 'LOCK', body: LOCKINFO },
  { method: 'LOCK', member: true, body: LOCKINFO },
  { method: 'UNLOCK', headers: { 'Lock-Token': '<opaquelocktoken:alice-lock>' } },
  { method: 'POST', headers: { 'Content-Type': 'application/davsharing+xml' }, body: '<D:share-resource xmlns:D="DAV:"><D:sharee><D:href>mailto:bob@example.com</D:href><D:share-access><D:read-write/></D:share-access></D:sharee></D:share-resource>' },
  { method: 'POST', suffix: '?action=add-member', body: event('intruder-post'), headers: ICS },
  { method: 'POST', member: true, headers: { 'Content-Type': 'application/davsharing+xml' }, body: '<D:invite-reply xmlns:D="DAV:"><D:invite-accepted/></D:invite-reply>' },
  { method: 'ACL', body: '<D:acl xmlns:D="DAV:"><D:ace><D:principal><D:href>/dav/principals/user/bob/</D:href></D:principal><D:grant><D:privilege><D:all/></D:privilege></D:grant></D:ace></D:acl>' },
];

beforeAll(async () => {
  t = await makeTestApp({}, ['alice', 'bob']);
  await t.request('PUT', `${HOME}Default/e.ics`, { user: 'alice', body: event('private-1'), headers: ICS, expect: 201 });
  await t.request('PUT', '/dav/drive/user/alice/notes.txt', { user: 'alice', body: 'secret\n', headers: { 'Content-Type': 'text/plain' }, expect: 201 });
  await storeNotification({ store: t.store, config: t.config, now: Date.now, logger: { info() {}, error() {} } }, 'alice', 'n.xml', '<D:notification xmlns:D="DAV:"><D:dtstamp>2026-01-01T00:00:00Z</D:dtstamp><D:systemstatus/></D:notification>');
  await t.store.locks.create({ token: 'opaquelocktoken:alice-lock', path: `${HOME}Default/e.ics`, depthInfinity: false, exclusive: true, ownerXml: null, principal: 'alice', timeoutSeconds: 600, expiresAt: Date.now() + 3_600_000 }, Date.now());
  await t.request('PROPFIND', '/dav/drive/user/bob/', { user: 'bob', headers: { Depth: '0' }, expect: 207 });
});
afterAll(() => t.close());

describe('isolation between users under the default ACLs', () => {
  it.each(TARGETS)('every method on alice’s $kind is refused and changes nothing', async (target) => {
    for (const request of REQUESTS) {
      if (request.member && !target.member) continue;
      const path = request.member ? target.path + target.member : target.path + (request.suffix ?? '');
      const headers = { ...request.headers };
      if (request.method === 'COPY' && request.suffix) {
        headers.Destination = path;
      }
      const source = request.method === 'COPY' && request.suffix ? '/dav/drive/user/bob/mine.txt' : path;
      if (source !== path) await t.request('PUT', source, { user: 'bob', body: 'mine\n', headers: { 'Content-Type': 'text/plain' } });
      const before = await snapshot(t);
      const response = await t.request(request.method, source, { user: 'bob', headers, ...(request.body === undefined ? {} : { body: request.body }) });
      const label = `${request.method} ${source}${headers.Destination ? ` → ${headers.Destination}` : ''}`;
      // Attachments grant anyone read (the seed's defaults); everything else of alice's is hidden.
      const readable = target.kind === 'Attachments' && ['GET', 'HEAD', 'PROPFIND', 'REPORT'].includes(request.method) && !request.body?.includes('acl-principal');
      if (!readable) expect([401, 403, 404, 405, 409, 415], label).toContain(response.status);
      expect(await snapshot(t), label).toBe(before);
    }
  });
});

describe('seed: Default WebDAV Privileges by Collection', () => {
  async function aclOf(path: string) {
    const response = await t.request('PROPFIND', path, { user: 'alice', headers: { Depth: '0' }, body: '<D:propfind xmlns:D="DAV:"><D:prop><D:acl/></D:prop></D:propfind>', expect: 207 });
    const acl = [...parseMultistatus(await response.text()).values()][0]!.props.get('{DAV:}acl')!.element;
    const grants = (who: string) => {
      const ace = childElements(acl).find((a) => findChild(findChild(a, '{DAV:}principal')!, who) && !findChild(a, '{DAV:}protected'));
      return ace ? childElements(findChild(ace, '{DAV:}grant')!).map((p) => childElements(p)[0]!.name) : [];
    };
    return { owner: grants('{DAV:}self'), anyone: grants('{DAV:}all'), stored: (await t.store.collections.get(path))!.acl };
  }

  it('regular calendar: owner DAV:all (+ read-free-busy), anyone CALDAV:read-free-busy', async () => {
    const acl = await aclOf(`${HOME}Default/`);
    expect(acl.stored).toBe('alice\tlrwipkxtean9\tanyone\t9\t');
    expect(acl.owner).toEqual(['{DAV:}all']);
    expect(acl.anyone).toEqual(['{urn:ietf:params:xml:ns:caldav}read-free-busy']);
    const freebusy = '<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="20260101T000000Z" end="20260201T000000Z"/></C:free-busy-query>';
    await t.request('REPORT', `${HOME}Default/`, { user: 'bob', headers: { Depth: '1' }, body: freebusy, expect: 200 });
  });

  it('managed attachments: owner DAV:all, anyone DAV:read', async () => {
    const acl = await aclOf(`${HOME}Attachments/`);
    expect(acl.stored).toBe('alice\tlrwipkxtean\tanyone\tlr\t');
    expect(acl.anyone).toEqual(['{DAV:}read']);
    await t.request('PROPFIND', `${HOME}Attachments/`, { user: 'bob', headers: { Depth: '0' }, expect: 207 });
  });

  it('scheduling Inbox: owner DAV:all + schedule-deliver, anyone CALDAV:schedule-deliver', async () => {
    const acl = await aclOf(`${HOME}Inbox/`);
    expect(acl.stored).toBe('alice\tlrwipkxtean987\tanyone\t987\t');
    expect(acl.anyone).toEqual(['{urn:ietf:params:xml:ns:caldav}schedule-deliver']);
  });

  it('scheduling Outbox: owner DAV:all + schedule-send, nobody else anything', async () => {
    const acl = await aclOf(`${HOME}Outbox/`);
    expect(acl.stored).toBe('alice\tlrwipkxtean987\t');
    expect(acl.owner).toEqual(['{DAV:}all']);
    expect(acl.anyone).toEqual([]);
  });
});
