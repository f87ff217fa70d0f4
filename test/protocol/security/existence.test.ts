// RFC 9110 §15.5.5 and RFC 4918 §9 as a hostile user meets them: mallory, who may see nothing of
// bob's, gets the same answer (status, headers that describe the resource, body with the URL taken
// out) for bob's resources, for resources bob does not have, and for a user who does not exist,
// whatever method and precondition headers she sends. The owner still gets the precise codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAclString, formatAclString } from '../../../src/acl/rights.ts';
import { SILENT_LOGGER } from '../../../src/dav/context.ts';
import { storeNotification } from '../../../src/notifications/collection.ts';
import { event, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus, propText } from '../../helpers/multistatus.ts';
import { snapshot } from '../acl/fixtures.ts';

const ICS = { 'Content-Type': 'text/calendar' };
const XML = { 'Content-Type': 'application/xml' };
const BOB = '/dav/calendars/user/bob/';
const NOBODY = '/dav/calendars/user/nobody/';
const LOCKINFO = '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>';
const PROPPATCH = '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>pwned</D:displayname></D:prop></D:set></D:propertyupdate>';
const FREE_BUSY = '<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="20260101T000000Z" end="20260201T000000Z"/></C:free-busy-query>';
const BOB_OBJECT_LOCK = 'opaquelocktoken:bob-object-lock';
const BOB_CALENDAR_LOCK = 'opaquelocktoken:bob-calendar-lock';

/** The same kind of target three times: bob's, a name bob does not have, and a user who does not exist. */
interface Family {
  name: string;
  existing: string;
  missing?: string;
  nobody: string;
}

const FAMILIES: Family[] = [
  { name: 'calendar object', existing: `${BOB}Default/e.ics`, missing: `${BOB}Default/missing.ics`, nobody: `${NOBODY}Default/e.ics` },
  { name: 'calendar', existing: `${BOB}Default/`, missing: `${BOB}Missing/`, nobody: `${NOBODY}Default/` },
  { name: 'calendar without its slash', existing: `${BOB}Default`, missing: `${BOB}Missing`, nobody: `${NOBODY}Default` },
  { name: 'object in a collection on the way', existing: `${BOB}Default/e.ics/x`, missing: `${BOB}Missing/e.ics`, nobody: `${NOBODY}Missing/e.ics` },
  { name: 'calendar home', existing: BOB, nobody: NOBODY },
  { name: 'scheduling Inbox', existing: `${BOB}Inbox/`, missing: `${BOB}Inbox2/`, nobody: `${NOBODY}Inbox/` },
  { name: 'file', existing: '/dav/drive/user/bob/f.txt', missing: '/dav/drive/user/bob/missing.txt', nobody: '/dav/drive/user/nobody/f.txt' },
  { name: 'folder', existing: '/dav/drive/user/bob/folder/', missing: '/dav/drive/user/bob/nofolder/', nobody: '/dav/drive/user/nobody/folder/' },
  { name: 'file area home', existing: '/dav/drive/user/bob/', nobody: '/dav/drive/user/nobody/' },
  { name: 'notifications', existing: '/dav/notifications/user/bob/', nobody: '/dav/notifications/user/nobody/' },
  { name: 'notification', existing: '/dav/notifications/user/bob/n.xml', missing: '/dav/notifications/user/bob/m.xml', nobody: '/dav/notifications/user/nobody/n.xml' },
];

interface Probe {
  label: string;
  method: string;
  /** Where the request goes; the target is in a header instead when this returns another path. */
  path?: (target: string) => string;
  headers?: (target: string) => Record<string, string>;
  body?: string | ((target: string) => string);
  user?: string | null;
  /** Answers busy time, which right 9 (granted to anyone by default) lets anyone ask for. */
  freeBusy?: boolean;
}

let t: TestApp;
let objectEtag = '';
let calendarEtag = '';
const absolute = (path: string) => `http://orrery.test${path}`;

/** Every method, with the precondition headers that depend on the target's state. */
function probes(): Probe[] {
  const states: [string, (target: string) => Record<string, string>][] = [
    ['', () => ({})],
    ['If right ETag', () => ({ If: `([${objectEtag}])` })],
    ['If right collection ETag', () => ({ If: `([${calendarEtag}])` })],
    ['If wrong ETag', () => ({ If: '(["wrong"])' })],
    ['If Not right ETag', () => ({ If: `(Not [${objectEtag}])` })],
    ['If tagged right ETag', (target) => ({ If: `<${absolute(target)}> ([${objectEtag}])` })],
    ['If lock token', () => ({ If: `(<${BOB_OBJECT_LOCK}>)` })],
    ['If collection lock token', () => ({ If: `(<${BOB_CALENDAR_LOCK}>)` })],
    ['If Not lock token', () => ({ If: `(Not <${BOB_CALENDAR_LOCK}>)` })],
    ['If-Match right', () => ({ 'If-Match': objectEtag })],
    ['If-Match wrong', () => ({ 'If-Match': '"wrong"' })],
    ['If-None-Match *', () => ({ 'If-None-Match': '*' })],
    ['If-None-Match right', () => ({ 'If-None-Match': objectEtag })],
    ['If-Schedule-Tag-Match', () => ({ 'If-Schedule-Tag-Match': '""' })],
    ['If-Unmodified-Since', () => ({ 'If-Unmodified-Since': 'Thu, 01 Jan 2015 00:00:00 GMT' })],
  ];
  const list: Probe[] = [];
  for (const [label, headers] of states) {
    const withState = (extra: Record<string, string> = {}) => (target: string) => ({ ...headers(target), ...extra });
    list.push(
      { label: `OPTIONS ${label}`, method: 'OPTIONS', headers: withState() },
      { label: `GET ${label}`, method: 'GET', headers: withState() },
      { label: `HEAD ${label}`, method: 'HEAD', headers: withState() },
      { label: `PROPFIND ${label}`, method: 'PROPFIND', headers: withState({ Depth: '0' }) },
      { label: `PROPPATCH ${label}`, method: 'PROPPATCH', headers: withState(XML), body: PROPPATCH },
      { label: `PUT ${label}`, method: 'PUT', headers: withState(ICS), body: event('intruder') },
      { label: `DELETE ${label}`, method: 'DELETE', headers: withState() },
      { label: `MKCOL ${label}`, method: 'MKCOL', headers: withState() },
      { label: `MKCALENDAR ${label}`, method: 'MKCALENDAR', headers: withState() },
      { label: `MKCALENDAR below ${label}`, method: 'MKCALENDAR', path: (target) => `${target.replace(/\/?$/, '/')}sub/`, headers: withState() },
      { label: `LOCK ${label}`, method: 'LOCK', headers: withState(XML), body: LOCKINFO },
      { label: `LOCK refresh ${label}`, method: 'LOCK', headers: withState() },
      { label: `UNLOCK its lock ${label}`, method: 'UNLOCK', headers: withState({ 'Lock-Token': `<${BOB_OBJECT_LOCK}>` }) },
      { label: `UNLOCK guessed token ${label}`, method: 'UNLOCK', headers: withState({ 'Lock-Token': '<opaquelocktoken:guess>' }) },
      { label: `COPY source ${label}`, method: 'COPY', headers: withState({ Destination: '/dav/drive/user/mallory/stolen' }) },
      { label: `MOVE source ${label}`, method: 'MOVE', headers: withState({ Destination: '/dav/drive/user/mallory/stolen', Overwrite: 'F' }) },
      ...['T', 'F'].flatMap((overwrite) => [
        {
          label: `COPY file to it, Overwrite ${overwrite} ${label}`, method: 'COPY', path: () => '/dav/drive/user/mallory/own.txt',
          headers: (target: string) => ({ ...headers(target), Destination: absolute(target), Overwrite: overwrite }),
        },
        {
          label: `MOVE event to it, Overwrite ${overwrite} ${label}`, method: 'MOVE', path: () => '/dav/calendars/user/mallory/Default/own.ics',
          headers: (target: string) => ({ ...headers(target), Destination: target, Overwrite: overwrite }),
        },
        {
          label: `COPY folder to it, Overwrite ${overwrite} ${label}`, method: 'COPY', path: () => '/dav/drive/user/mallory/box/',
          headers: (target: string) => ({ ...headers(target), Destination: target, Overwrite: overwrite }),
        },
      ]),
      { label: `REPORT calendar-query ${label}`, method: 'REPORT', headers: withState({ ...XML, Depth: '1' }), body: '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>' },
      { label: `REPORT sync-collection ${label}`, method: 'REPORT', headers: withState({ ...XML, Depth: '1' }), body: '<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>' },
      { label: `REPORT free-busy-query ${label}`, method: 'REPORT', headers: withState({ ...XML, Depth: '1' }), body: FREE_BUSY, freeBusy: true },
      { label: `REPORT unknown ${label}`, method: 'REPORT', headers: withState(XML), body: '<X:nothing xmlns:X="urn:x-test"/>' },
      { label: `POST add-member ${label}`, method: 'POST', path: (target) => `${target}?action=add-member`, headers: withState(ICS), body: event('planted') },
      { label: `POST share ${label}`, method: 'POST', headers: withState({ 'Content-Type': 'application/davsharing+xml' }), body: '<D:share-resource xmlns:D="DAV:"><D:sharee><D:href>mailto:mallory@example.com</D:href><D:share-access><D:read-write/></D:share-access></D:sharee></D:share-resource>' },
      { label: `POST MKCALENDAR override ${label}`, method: 'POST', headers: withState({ 'X-HTTP-Method-Override': 'MKCALENDAR' }) },
      { label: `ACL ${label}`, method: 'ACL', headers: withState(XML), body: '<D:acl xmlns:D="DAV:"><D:ace><D:principal><D:href>/dav/principals/user/mallory/</D:href></D:principal><D:grant><D:privilege><D:all/></D:privilege></D:grant></D:ace></D:acl>' },
      { label: `PROPFIND of her own home, If tagged with it ${label}`, method: 'PROPFIND', path: () => '/dav/calendars/user/mallory/', headers: (target) => ({ Depth: '0', If: `<${absolute(target)}> ([${objectEtag}]) <${absolute(target)}> (<${BOB_OBJECT_LOCK}>)` }) },
      {
        label: `POST invite-reply naming it ${label}`, method: 'POST', path: () => '/dav/calendars/user/mallory/', headers: () => ({ 'Content-Type': 'application/davsharing+xml' }),
        body: (target) => `<D:invite-reply xmlns:D="DAV:"><D:href>mailto:mallory@example.com</D:href><D:invite-accepted/><D:hosturl><D:href>${target}</D:href></D:hosturl></D:invite-reply>`,
      },
    );
    for (const method of ['GET', 'HEAD', 'PROPFIND', 'REPORT']) {
      list.push({ label: `anonymous ${method} ${label}`, method, user: null, headers: withState({ Depth: '0', ...XML }), ...(method === 'REPORT' ? { body: FREE_BUSY } : {}) });
    }
  }
  return list;
}

/** What mallory sees of an answer, with the target's URL (and that of its collection) taken out. */
async function seen(probe: Probe, target: string): Promise<string> {
  const path = probe.path ? probe.path(target) : target;
  const body = typeof probe.body === 'function' ? probe.body(target) : probe.body;
  const response = await t.request(probe.method, path, { user: probe.user === undefined ? 'mallory' : probe.user, headers: probe.headers?.(target) ?? {}, ...(body === undefined ? {} : { body }) });
  const parent = target.replace(/[^/]+\/?$/, '');
  const text = (await response.text()).split(target).join('{target}').split(target.replace(/\/$/, '')).join('{target}').split(parent).join('{parent}');
  const headers = ['Allow', 'Content-Type', 'WWW-Authenticate', 'DAV', 'Location'].map((name) => `${name}: ${response.headers.get(name)}`);
  return [response.status, ...headers, text].join('\n');
}

async function compare(family: Family, options: { skipFreeBusy: boolean }): Promise<string[]> {
  const differences: string[] = [];
  for (const probe of probes()) {
    if (probe.freeBusy && options.skipFreeBusy) continue;
    const existing = await seen(probe, family.existing);
    for (const other of [family.missing, family.nobody]) {
      if (other === undefined) continue;
      const answer = await seen(probe, other);
      if (answer !== existing) differences.push(`${probe.label} on ${family.existing} vs ${other}:\n${existing}\n--- vs ---\n${answer}`);
    }
  }
  return differences;
}

async function dropAnyone(path: string): Promise<void> {
  const collection = (await t.store.collections.get(path))!;
  const acl = parseAclString(collection.acl).filter((entry) => entry.identifier !== 'anyone');
  await t.store.collections.setAcl(path, formatAclString(acl), Date.now());
}

beforeAll(async () => {
  t = await makeTestApp({}, ['alice', 'bob', 'mallory']);
  await t.request('PUT', `${BOB}Default/e.ics`, { user: 'bob', body: event('private'), headers: ICS, expect: 201 });
  await t.request('PUT', '/dav/drive/user/bob/f.txt', { user: 'bob', body: 'secret\n', headers: { 'Content-Type': 'text/plain' }, expect: 201 });
  await t.request('MKCOL', '/dav/drive/user/bob/folder/', { user: 'bob', expect: 201 });
  await storeNotification({ store: t.store, config: t.config, now: Date.now, logger: SILENT_LOGGER }, 'bob', 'n.xml', '<D:notification xmlns:D="DAV:"><D:dtstamp>2026-01-01T00:00:00Z</D:dtstamp><D:systemstatus/></D:notification>');
  const props = parseMultistatus(await (await t.request('PROPFIND', `${BOB}Default/`, { user: 'bob', headers: { Depth: '1' }, expect: 207 })).text());
  objectEtag = propText(props.get(`${BOB}Default/e.ics`), '{DAV:}getetag')!;
  calendarEtag = propText(props.get(`${BOB}Default/`), '{DAV:}getetag')!;
  const lock = (token: string, path: string, depthInfinity: boolean) =>
    t.store.locks.create({ token, path, depthInfinity, exclusive: true, ownerXml: null, principal: 'bob', timeoutSeconds: 3600, expiresAt: Date.now() + 3_600_000 }, Date.now());
  await lock(BOB_OBJECT_LOCK, `${BOB}Default/e.ics`, false);
  await lock(BOB_CALENDAR_LOCK, `${BOB}Default/`, true);
  await t.request('PUT', '/dav/calendars/user/mallory/Default/own.ics', { user: 'mallory', body: event('mallory-own'), headers: ICS, expect: 201 });
  await t.request('PUT', '/dav/drive/user/mallory/own.txt', { user: 'mallory', body: 'mine\n', headers: { 'Content-Type': 'text/plain' }, expect: 201 });
  await t.request('MKCOL', '/dav/drive/user/mallory/box/', { user: 'mallory', expect: 201 });
});
afterAll(() => t.close());

describe('RFC 9110 §15.5.5: mallory cannot tell bob’s resources from missing ones', () => {
  it.each(FAMILIES)('default ACLs: every method and precondition on a $name answers alike', async (family) => {
    const before = await snapshot(t);
    // Right 9 is everyone's on calendars and homes by default: busy time is meant to be asked for.
    expect(await compare(family, { skipFreeBusy: true })).toEqual([]);
    expect(await snapshot(t)).toBe(before);
  });

  describe('bob granted nothing to anyone', () => {
    beforeAll(async () => {
      for (const path of [BOB, `${BOB}Default/`, `${BOB}Inbox/`, `${BOB}Outbox/`, `${BOB}Attachments/`]) await dropAnyone(path);
    });

    it.each(FAMILIES)('every method and precondition on a $name answers alike, free-busy included', async (family) => {
      const before = await snapshot(t);
      expect(await compare(family, { skipFreeBusy: false })).toEqual([]);
      expect(await snapshot(t)).toBe(before);
    });

    it('the Freebusy URL of bob answers as that of a user who does not exist', async () => {
      for (const user of ['mallory', null]) {
        for (const suffix of ['', '/Default', '/Missing']) {
          const bob = await t.request('GET', `/freebusy/user/bob${suffix}`, { user });
          const nobody = await t.request('GET', `/freebusy/user/nobody${suffix}`, { user });
          expect([bob.status, await bob.text()]).toEqual([nobody.status, await nobody.text()]);
          expect(bob.status).toBe(user ? 404 : 401);
        }
      }
    });
  });
});

describe('RFC 4918: the owner still gets the precise answers', () => {
  const bob = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    t.request(method, path, { user: 'bob', headers, ...(body === undefined ? {} : { body }) });

  it('§10.4 If: 207 for the current ETag, 412 for another', async () => {
    expect((await bob('PROPFIND', `${BOB}Default/e.ics`, { Depth: '0', If: `([${objectEtag}])` })).status).toBe(207);
    expect((await bob('PROPFIND', `${BOB}Default/e.ics`, { Depth: '0', If: '(["wrong"])' })).status).toBe(412);
  });

  it('§9.7.1, §9.3.1, §9.10.4: 409 when a collection on the way is missing', async () => {
    expect((await bob('PUT', `${BOB}Missing/x.ics`, ICS, event('x'))).status).toBe(409);
    expect((await bob('MKCOL', '/dav/drive/user/bob/none/sub/')).status).toBe(409);
    expect((await bob('LOCK', `${BOB}Missing/x.ics`, XML, LOCKINFO)).status).toBe(409);
    expect((await bob('COPY', '/dav/drive/user/bob/f.txt', { Destination: '/dav/drive/user/bob/none/f.txt' })).status).toBe(409);
  });

  it('§9.11.1 UNLOCK: 409 lock-token-matches-request-uri for a token that does not lock it, 404 where nothing is', async () => {
    const wrong = await bob('UNLOCK', `${BOB}Default/e.ics`, { 'Lock-Token': '<opaquelocktoken:guess>' });
    expect(wrong.status).toBe(409);
    expect(await wrong.text()).toContain('lock-token-matches-request-uri');
    expect((await bob('UNLOCK', `${BOB}Default/missing.ics`, { 'Lock-Token': '<opaquelocktoken:guess>' })).status).toBe(404);
  });

  it('§9.4, §9.6, §9.3.1: 404 for what is missing, 405 for MKCOL over what exists', async () => {
    expect((await bob('GET', `${BOB}Default/missing.ics`)).status).toBe(404);
    expect((await bob('DELETE', `${BOB}Default/missing.ics`)).status).toBe(404);
    expect((await bob('PROPFIND', `${BOB}Missing/`, { Depth: '0' })).status).toBe(404);
    expect((await bob('MKCALENDAR', `${BOB}Default/`)).status).toBe(405);
  });

  it('RFC 9110 §13: If-Match and If-None-Match give 412, locks 423 without their token', async () => {
    expect((await bob('PUT', `${BOB}Default/e.ics`, { ...ICS, 'If-Match': '"wrong"' }, event('private'))).status).toBe(412);
    expect((await bob('PUT', `${BOB}Default/e.ics`, { ...ICS, 'If-None-Match': '*' }, event('private'))).status).toBe(412);
    const locked = await bob('PUT', `${BOB}Default/e.ics`, ICS, event('private'));
    expect(locked.status).toBe(423);
    expect(await locked.text()).toContain('lock-token-submitted');
    expect((await bob('COPY', '/dav/drive/user/bob/f.txt', { Destination: '/dav/drive/user/bob/folder/', Overwrite: 'F' })).status).toBe(412);
  });

  it('a user bob lets read gets WebDAV’s answers too (she may know what is there)', async () => {
    await t.store.collections.setAcl('/dav/drive/user/bob/', 'bob\tlrswipkxtean\talice\tlr\t', Date.now());
    const alice = (method: string, path: string, headers: Record<string, string> = {}) => t.request(method, path, { user: 'alice', headers });
    expect((await alice('PROPFIND', '/dav/drive/user/bob/f.txt', { Depth: '0', If: '(["wrong"])' })).status).toBe(412);
    expect((await alice('GET', '/dav/drive/user/bob/missing.txt')).status).toBe(404);
    const refused = await alice('PUT', '/dav/drive/user/bob/new.txt');
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('need-privileges');
    // Folders she may not see, and folders that are not there, still look alike to her.
    await t.store.collections.setAcl('/dav/drive/user/bob/folder/', 'bob\tlrswipkxtean\t', Date.now());
    for (const method of ['PROPFIND', 'MKCOL', 'PUT']) {
      const hidden = await alice(method, '/dav/drive/user/bob/folder/', { Depth: '0' });
      const missing = await alice(method, '/dav/drive/user/bob/nofolder/', { Depth: '0' });
      expect([hidden.status, (await hidden.text()).replace('folder', 'X')]).toEqual([missing.status, (await missing.text()).replace('nofolder', 'X')]);
      expect((await alice(method, '/dav/drive/user/bob/folder/x.txt', { Depth: '0' })).status).toBe((await alice(method, '/dav/drive/user/bob/nofolder/x.txt', { Depth: '0' })).status);
    }
  });
});

describe('anonymous access to public calendars still works', () => {
  it('anyone lr: GET, PROPFIND and REPORT without an account; a private one and a missing user are challenged alike', async () => {
    await t.store.collections.setAcl(`${BOB}Default/`, 'bob\tlrswipkxtean9\tanyone\tlr\t', Date.now());
    await t.request('GET', `${BOB}Default/e.ics`, { user: null, expect: 200 });
    await t.request('PROPFIND', `${BOB}Default/`, { user: null, headers: { Depth: '1' }, expect: 207 });
    await t.request('GET', `${BOB}Default/missing.ics`, { user: null, expect: 404 });
    for (const path of [`${BOB}Inbox/`, `${NOBODY}Default/`, `${NOBODY}Default/e.ics`, '/dav/drive/user/bob/f.txt']) {
      const response = await t.request('GET', path, { user: null });
      expect(response.status, path).toBe(401);
      expect(response.headers.get('WWW-Authenticate')).toMatch(/^Basic realm=/);
    }
  });
});
