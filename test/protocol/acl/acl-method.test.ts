// RFC 3744 §8.1 the ACL method: whole-ACL replacement mapped onto Cyrus rights, its
// preconditions, deny ACEs, the pseudo-principals, administrators and owners.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { childElements, findChild, parseMultistatus, textContent } from '../../helpers/multistatus.ts';

const HOME = '/dav/calendars/user/alice/';
const CAL = `${HOME}work/`;
const ICS = { 'Content-Type': 'text/calendar' };
let t: TestApp;

const principal = (inner: string) => `<D:principal>${inner}</D:principal>`;
const user = (name: string) => principal(`<D:href>/dav/principals/user/${name}/</D:href>`);
const ace = (who: string, privileges: string[], deny = false) =>
  `<D:ace>${who}<D:${deny ? 'deny' : 'grant'}>${privileges.map((p) => `<D:privilege>${p}</D:privilege>`).join('')}</D:${deny ? 'deny' : 'grant'}></D:ace>`;
const aclBody = (...aces: string[]) => `<D:acl xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">${aces.join('')}</D:acl>`;
const OWNER_ALL = ace(principal('<D:property><D:owner/></D:property>'), ['<D:all/>']);
const storedAcl = async (path = CAL) => (await t.store.collections.get(path))!.acl;

async function setAcl(...aces: string[]): Promise<void> {
  await t.request('ACL', CAL, { user: 'alice', body: aclBody(OWNER_ALL, ...aces), expect: 200 });
}

beforeAll(async () => {
  t = await makeTestApp({ admins: 'root' }, ['alice', 'bob', 'carol', 'root']);
  await t.request('MKCALENDAR', CAL, { user: 'alice', expect: 201 });
  await t.request('PUT', `${CAL}e.ics`, { user: 'alice', body: event('acl-1'), headers: ICS, expect: 201 });
});
afterAll(() => t.close());

describe('RFC 3744 §8.1 ACL method', () => {
  it('replaces the whole ACL: granting DAV:read to bob lets him read, and stores Cyrus rights lr9', async () => {
    await setAcl(ace(user('bob'), ['<D:read/>']));
    expect(await storedAcl()).toBe('alice\tlrwipkxtean9\tbob\tlr9\t');
    await t.request('GET', `${CAL}e.ics`, { user: 'bob', expect: 200 });
    await setAcl();
    expect(await storedAcl()).toBe('alice\tlrwipkxtean9\t');
    await t.request('GET', `${CAL}e.ics`, { user: 'bob', expect: 404 });
  });

  it('is refused on a calendar object: 405 (members inherit their collection’s ACL)', async () => {
    await t.request('ACL', `${CAL}e.ics`, { user: 'alice', body: aclBody(OWNER_ALL), expect: 405 });
  });

  it('needs DAV:write-acl (CY:admin): 403 need-privileges when the caller can see the calendar, 404 when not', async () => {
    await setAcl(ace(user('bob'), ['<D:read/>']));
    const response = await t.request('ACL', CAL, { user: 'bob', body: aclBody(ace(user('bob'), ['<D:all/>'])), expect: 403 });
    expect(await response.text()).toContain('need-privileges');
    await t.request('ACL', CAL, { user: 'carol', body: aclBody(ace(user('carol'), ['<D:all/>'])), expect: 404 });
    expect(await storedAcl()).toBe('alice\tlrwipkxtean9\tbob\tlr9\t');
  });

  it('§8.1.1 DAV:no-invert', async () => {
    const body = aclBody(`<D:ace><D:invert>${user('bob')}</D:invert><D:grant><D:privilege><D:read/></D:privilege></D:grant></D:ace>`);
    expect(await (await t.request('ACL', CAL, { user: 'alice', body, expect: 403 })).text()).toContain('no-invert');
  });

  it('§8.1.1 DAV:no-abstract for DAV:read-acl, DAV:unlock and the other abstract privileges', async () => {
    for (const privilege of ['<D:read-acl/>', '<D:write-acl/>', '<D:unlock/>', '<D:share/>', '<D:read-current-user-privilege-set/>']) {
      const response = await t.request('ACL', CAL, { user: 'alice', body: aclBody(OWNER_ALL, ace(user('bob'), [privilege])), expect: 403 });
      expect(await response.text()).toContain('no-abstract');
    }
  });

  it('§8.1.1 DAV:not-supported-privilege for unknown privileges and ones of another collection kind', async () => {
    for (const privilege of ['<X:fly xmlns:X="urn:x-test"/>', '<C:schedule-deliver/>']) {
      const response = await t.request('ACL', CAL, { user: 'alice', body: aclBody(OWNER_ALL, ace(user('bob'), [privilege])), expect: 403 });
      expect(await response.text()).toContain('not-supported-privilege');
    }
  });

  it('§8.1.1 DAV:recognized-principal for an unknown user, a foreign href and an unsupported property', async () => {
    const bodies = [
      aclBody(ace(user('nobody'), ['<D:read/>'])),
      aclBody(ace(principal('<D:href>http://elsewhere.example/principals/x/</D:href>'), ['<D:read/>'])),
      aclBody(ace(principal('<D:property><D:displayname/></D:property>'), ['<D:read/>'])),
    ];
    for (const body of bodies) expect(await (await t.request('ACL', CAL, { user: 'alice', body, expect: 403 })).text()).toContain('recognized-principal');
  });

  it('§8.1.1 DAV:grant-only: DAV:authenticated can be granted but not denied', async () => {
    const response = await t.request('ACL', CAL, { user: 'alice', body: aclBody(OWNER_ALL, ace(principal('<D:authenticated/>'), ['<D:read/>'], true)), expect: 403 });
    expect(await response.text()).toContain('grant-only');
  });

  it('a malformed body is 400, never a 500', async () => {
    await t.request('ACL', CAL, { user: 'alice', body: '<D:acl xmlns:D="DAV:"><D:ace><D:grant/></D:ace></D:acl>', expect: 400 });
    await t.request('ACL', CAL, { user: 'alice', body: '<D:propfind xmlns:D="DAV:"/>', expect: 400 });
    await t.request('ACL', CAL, { user: 'alice', body: '', expect: 400 });
  });

  it('group hrefs become group: identifiers', async () => {
    await setAcl(ace(principal('<D:href>/dav/principals/group/staff/</D:href>'), ['<D:read/>']));
    expect(await storedAcl()).toContain('group:staff\tlr9\t');
  });
});

describe('RFC 3744 §6 ACL evaluation', () => {
  it('a deny ACE overrides a grant to DAV:all (Cyrus negative rights)', async () => {
    await setAcl(ace(principal('<D:all/>'), ['<D:read/>']), ace(user('bob'), ['<D:read/>'], true));
    expect(await storedAcl()).toContain('-bob\tlr9\t');
    await t.request('GET', `${CAL}e.ics`, { user: 'carol', expect: 200 });
    await t.request('GET', `${CAL}e.ics`, { user: 'bob', expect: 404 });
  });

  it('DAV:all (anyone) includes anonymous users; DAV:unauthenticated (anonymous) only them', async () => {
    await setAcl(ace(principal('<D:all/>'), ['<D:read/>']));
    await t.request('GET', `${CAL}e.ics`, { user: null, expect: 200 });
    await t.request('GET', `${CAL}e.ics`, { user: 'bob', expect: 200 });
    await setAcl(ace(principal('<D:unauthenticated/>'), ['<D:read/>']));
    expect(await storedAcl()).toContain('anonymous\tlr9\t');
    await t.request('GET', `${CAL}e.ics`, { user: null, expect: 200 });
    await t.request('GET', `${CAL}e.ics`, { user: 'bob', expect: 404 });
  });

  it('DAV:authenticated is anyone minus anonymous: users read, anonymous requests are challenged', async () => {
    await setAcl(ace(principal('<D:authenticated/>'), ['<D:read/>']));
    expect(await storedAcl()).toBe('alice\tlrwipkxtean9\tanyone\tlr9\t-anonymous\tlr9\t');
    await t.request('GET', `${CAL}e.ics`, { user: 'carol', expect: 200 });
    await t.request('GET', `${CAL}e.ics`, { user: null, expect: 401 });
  });

  it('DAV:self names the requester', async () => {
    await t.request('ACL', CAL, { user: 'alice', body: aclBody(ace(principal('<D:self/>'), ['<D:all/>']), ace(user('bob'), ['<D:read/>'])), expect: 200 });
    expect(await storedAcl()).toBe('alice\tlrwipkxtean9\tbob\tlr9\t');
  });

  it('the owner keeps the implicit owner rights (admin) after giving up every ACE, and can restore them', async () => {
    await t.request('ACL', CAL, { user: 'alice', body: aclBody(ace(user('bob'), ['<D:read/>'])), expect: 200 });
    expect(await storedAcl()).toBe('bob\tlr9\t');
    await t.request('GET', `${CAL}e.ics`, { user: 'alice', expect: 403 });
    await setAcl();
    await t.request('GET', `${CAL}e.ics`, { user: 'alice', expect: 200 });
  });

  it('server administrators hold every right everywhere without any ACE', async () => {
    await setAcl();
    await t.request('GET', `${CAL}e.ics`, { user: 'root', expect: 200 });
    await t.request('ACL', CAL, { user: 'root', body: aclBody(OWNER_ALL, ace(user('carol'), ['<D:read/>'])), expect: 200 });
    await t.request('GET', `${CAL}e.ics`, { user: 'carol', expect: 200 });
    await setAcl();
  });

  it('name hiding: without lookup a calendar is 404, with lookup alone 403', async () => {
    await setAcl();
    await t.request('PROPFIND', CAL, { user: 'bob', headers: { Depth: '0' }, expect: 404 });
    await t.request('ACL', CAL, { user: 'alice', body: aclBody(OWNER_ALL), expect: 200 });
    await t.store.collections.setAcl(CAL, 'alice\tlrwipkxtean9\tbob\tl\t', Date.now());
    const response = await t.request('PROPFIND', CAL, { user: 'bob', headers: { Depth: '0' }, expect: 403 });
    expect(await response.text()).toContain('need-privileges');
    await t.store.collections.setAcl(CAL, 'alice\tlrwipkxtean9\tbob\tr\t', Date.now());
    await t.request('PROPFIND', CAL, { user: 'bob', headers: { Depth: '0' }, expect: 404 });
    await setAcl();
  });

  it('anyoneuseracl off: only administrators may grant to DAV:all (DAV:allowed-principal)', async () => {
    const strict = await makeTestApp({ admins: 'root', anyoneuseracl: 'off' }, ['alice', 'root']);
    try {
      const body = aclBody(OWNER_ALL, ace(principal('<D:all/>'), ['<D:read/>']));
      const response = await strict.request('ACL', '/dav/calendars/user/alice/Default/', { user: 'alice', body, expect: 403 });
      expect(await response.text()).toContain('allowed-principal');
      await strict.request('ACL', '/dav/calendars/user/alice/Default/', { user: 'root', body, expect: 200 });
    } finally {
      strict.close();
    }
  });
});

describe('RFC 3744 §5.5 DAV:acl round trip', () => {
  it('shows the owner’s protected ACE and the stored entries; a client echoing it back changes nothing', async () => {
    await setAcl(ace(user('bob'), ['<D:read/>']), ace(user('carol'), ['<D:write-content/>'], true));
    const before = await storedAcl();
    const response = await t.request('PROPFIND', CAL, { user: 'alice', headers: { Depth: '0' }, body: '<D:propfind xmlns:D="DAV:"><D:prop><D:acl/></D:prop></D:propfind>', expect: 207 });
    const acl = [...parseMultistatus(await response.text()).values()][0]!.props.get('{DAV:}acl')!.element;
    const aces = childElements(acl);
    expect(findChild(aces[0]!, '{DAV:}protected')).toBeDefined();
    const bobAce = aces.find((a) => textContent(findChild(a, '{DAV:}principal')!) === '/dav/principals/user/bob/')!;
    expect(childElements(findChild(findChild(bobAce, '{DAV:}grant')!, '{DAV:}privilege')!)[0]!.name).toBe('{DAV:}read');
    const carolAce = aces.find((a) => textContent(findChild(a, '{DAV:}principal')!) === '/dav/principals/user/carol/')!;
    expect(findChild(carolAce, '{DAV:}deny')).toBeDefined();
    const echoed = `<D:acl xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CY="http://cyrusimap.org/ns/">${aces.map(serialize).join('')}</D:acl>`;
    await t.request('ACL', CAL, { user: 'alice', body: echoed, expect: 200 });
    expect(await storedAcl()).toBe(before);
  });
});

/** A tiny serializer for the parsed ACEs (names are Clark; the namespaces used are declared above). */
function serialize(node: ReturnType<typeof childElements>[number] | string): string {
  if (typeof node === 'string') return node;
  const match = /^\{([^}]*)\}(.*)$/.exec(node.name)!;
  const prefix = ({ 'DAV:': 'D', 'urn:ietf:params:xml:ns:caldav': 'C', 'http://cyrusimap.org/ns/': 'CY' } as Record<string, string>)[match[1]!]!;
  return `<${prefix}:${match[2]}>${node.children.map(serialize).join('')}</${prefix}:${match[2]}>`;
}
