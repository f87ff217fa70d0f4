// RFC 3744 §5 access control properties and §9 reports: supported-privilege-set,
// current-user-privilege-set, acl-restrictions, inherited-acl-set, acl-principal-prop-set,
// principal-property-search, principal-search-property-set and principal-match.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { childElements, findChild, parseMultistatus, parseXml, textContent } from '../../helpers/multistatus.ts';

const HOME = '/dav/calendars/user/alice/';
const CAL = `${HOME}Default/`;
let t: TestApp;

const propfind = (...props: string[]) => `<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>${props.join('')}</D:prop></D:propfind>`;
async function prop(path: string, user: string, name: string, body: string) {
  const response = await t.request('PROPFIND', path, { user, headers: { Depth: '0' }, body, expect: 207 });
  return [...parseMultistatus(await response.text()).values()][0]!.props.get(name)!;
}
const names = (element: { children: unknown[] }) => childElements(element as never).map((e) => e.name);

beforeAll(async () => {
  t = await makeTestApp({ admins: 'root' }, ['alice', 'bob', 'carol', 'root']);
  await t.store.users.update('carol', { displayname: 'Carol Danvers' });
  await t.request('PUT', `${CAL}e.ics`, { user: 'alice', body: event('props-1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
  await t.store.collections.setAcl(CAL, 'alice\tlrwipkxtean9\tbob\tlrw\tcarol\tlr\t', Date.now());
  for (const user of ['bob', 'carol']) await t.request('PROPFIND', `/dav/calendars/user/${user}/`, { user, headers: { Depth: '0' }, expect: 207 });
});
afterAll(() => t.close());

describe('RFC 3744 §5 properties', () => {
  it('§5.3 supported-privilege-set is the tree rooted at DAV:all, abstract privileges marked', async () => {
    const set = (await prop(CAL, 'bob', '{DAV:}supported-privilege-set', propfind('<D:supported-privilege-set/>'))).element;
    const root = findChild(set, '{DAV:}supported-privilege')!;
    expect(childElements(findChild(root, '{DAV:}privilege')!)[0]!.name).toBe('{DAV:}all');
    const children = childElements(root).filter((e) => e.name === '{DAV:}supported-privilege').map((e) => childElements(findChild(e, '{DAV:}privilege')!)[0]!.name);
    expect(children).toEqual(['{DAV:}read', '{DAV:}write', '{http://cyrusimap.org/ns/}admin']);
    const xml = JSON.stringify(set);
    expect(xml).toContain('urn:ietf:params:xml:ns:caldav}read-free-busy');
    const admin = childElements(root).find((e) => JSON.stringify(e).includes('cyrusimap.org/ns/}admin'))!;
    const readAcl = childElements(admin).find((e) => JSON.stringify(e).includes('{DAV:}read-acl'))!;
    expect(findChild(readAcl, '{DAV:}abstract')).toBeDefined();
  });

  it('§5.4 current-user-privilege-set reflects the caller’s rights', async () => {
    const privileges = (await prop(CAL, 'bob', '{DAV:}current-user-privilege-set', propfind('<D:current-user-privilege-set/>'))).element;
    expect(new Set(names(privileges))).toEqual(new Set(['{DAV:}privilege']));
    const held = childElements(privileges).map((p) => childElements(p)[0]!.name);
    expect(held).toContain('{DAV:}read');
    expect(held).toContain('{http://cyrusimap.org/ns/}write-properties-collection');
    expect(held).not.toContain('{DAV:}write-content');
    const alice = (await prop(CAL, 'alice', '{DAV:}current-user-privilege-set', propfind('<D:current-user-privilege-set/>'))).element;
    expect(childElements(alice).map((p) => childElements(p)[0]!.name)).toContain('{DAV:}all');
  });

  it('§5.5 DAV:acl needs DAV:read-acl: 403 in the propstat for a reader, 200 for the owner', async () => {
    expect((await prop(CAL, 'bob', '{DAV:}acl', propfind('<D:acl/>'))).status).toBe(403);
    expect((await prop(CAL, 'alice', '{DAV:}acl', propfind('<D:acl/>'))).status).toBe(200);
  });

  it('§5.5 a calendar object shows its collection’s ACEs as inherited; §5.7 inherited-acl-set names the collection', async () => {
    const acl = (await prop(`${CAL}e.ics`, 'alice', '{DAV:}acl', propfind('<D:acl/>'))).element;
    for (const ace of childElements(acl)) expect(textContent(findChild(findChild(ace, '{DAV:}inherited')!, '{DAV:}href')!)).toBe(CAL);
    const inherited = (await prop(`${CAL}e.ics`, 'alice', '{DAV:}inherited-acl-set', propfind('<D:inherited-acl-set/>'))).element;
    expect(textContent(findChild(inherited, '{DAV:}href')!)).toBe(CAL);
  });

  it('§5.6 acl-restrictions advertises no-invert only (deny ACEs are supported, as in Cyrus)', async () => {
    const restrictions = (await prop(CAL, 'alice', '{DAV:}acl-restrictions', propfind('<D:acl-restrictions/>'))).element;
    expect(names(restrictions)).toEqual(['{DAV:}no-invert']);
  });

  it('§4 principals have empty alternate-URI-set, group-membership and group-member-set', async () => {
    const body = propfind('<D:alternate-URI-set/>', '<D:group-membership/>', '<D:group-member-set/>');
    for (const name of ['{DAV:}alternate-URI-set', '{DAV:}group-membership', '{DAV:}group-member-set']) {
      const p = await prop('/dav/principals/user/bob/', 'bob', name, body);
      expect(p.status).toBe(200);
      expect(childElements(p.element)).toEqual([]);
    }
  });
});

describe('RFC 3744 §9.2 acl-principal-prop-set', () => {
  it('returns the requested properties of every principal the ACL names', async () => {
    const body = '<D:acl-principal-prop-set xmlns:D="DAV:"><D:prop><D:displayname/></D:prop></D:acl-principal-prop-set>';
    const response = await t.request('REPORT', CAL, { user: 'alice', headers: { Depth: '0' }, body, expect: 207 });
    const result = parseMultistatus(await response.text());
    expect([...result.keys()].sort()).toEqual(['/dav/principals/user/alice/', '/dav/principals/user/bob/', '/dav/principals/user/carol/']);
    expect(textContent(result.get('/dav/principals/user/carol/')!.props.get('{DAV:}displayname')!.element)).toBe('Carol Danvers');
  });

  it('needs DAV:read-acl', async () => {
    const body = '<D:acl-principal-prop-set xmlns:D="DAV:"><D:prop><D:displayname/></D:prop></D:acl-principal-prop-set>';
    await t.request('REPORT', CAL, { user: 'bob', headers: { Depth: '0' }, body, expect: 403 });
  });

  it('a body without exactly one DAV:prop is malformed: 400', async () => {
    const noProp = '<D:acl-principal-prop-set xmlns:D="DAV:"><D:all/></D:acl-principal-prop-set>';
    const twoProps = '<D:acl-principal-prop-set xmlns:D="DAV:"><D:prop><D:displayname/></D:prop><D:prop><D:acl/></D:prop></D:acl-principal-prop-set>';
    for (const body of [noProp, twoProps]) await t.request('REPORT', CAL, { user: 'alice', headers: { Depth: '0' }, body, expect: 400 });
  });
});

describe('RFC 3744 §9.4 principal-property-search', () => {
  const search = (prop: string, match: string, extra = '') =>
    `<D:principal-property-search xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:property-search><D:prop>${prop}</D:prop><D:match>${match}</D:match></D:property-search><D:prop><D:displayname/><C:calendar-home-set/></D:prop>${extra}</D:principal-property-search>`;

  it('matches display names as a case-insensitive substring', async () => {
    const response = await t.request('REPORT', '/dav/principals/user/', { user: 'bob', headers: { Depth: '0' }, body: search('<D:displayname/>', 'danV'), expect: 207 });
    const result = parseMultistatus(await response.text());
    expect([...result.keys()]).toEqual(['/dav/principals/user/carol/']);
    expect(textContent(result.get('/dav/principals/user/carol/')!.props.get('{urn:ietf:params:xml:ns:caldav}calendar-home-set')!.element)).toBe('/dav/calendars/user/carol/');
  });

  it('matches calendar-user-address-set, with apply-to-principal-collection-set from the server root', async () => {
    const response = await t.request('REPORT', '/dav/principals/', { user: 'bob', headers: { Depth: '0' }, body: search('<C:calendar-user-address-set/>', 'alice@EXAMPLE', '<D:apply-to-principal-collection-set/>'), expect: 207 });
    expect([...parseMultistatus(await response.text()).keys()]).toEqual(['/dav/principals/user/alice/']);
  });

  it('reaches the principal collections from a calendar with apply-to-principal-collection-set; without it a calendar has no principals to search', async () => {
    const applied = await t.request('REPORT', CAL, { user: 'alice', headers: { Depth: '0' }, body: search('<D:displayname/>', 'danV', '<D:apply-to-principal-collection-set/>'), expect: 207 });
    expect([...parseMultistatus(await applied.text()).keys()]).toEqual(['/dav/principals/user/carol/']);
    const members = await t.request('REPORT', CAL, { user: 'alice', headers: { Depth: '0' }, body: search('<D:displayname/>', 'danV'), expect: 207 });
    expect(parseMultistatus(await members.text()).size).toBe(0);
    const reports = (await prop(CAL, 'alice', '{DAV:}supported-report-set', propfind('<D:supported-report-set/>'))).element;
    const offered = childElements(reports).map((r) => childElements(findChild(r, '{DAV:}report')!)[0]!.name);
    expect(offered).toEqual(expect.arrayContaining(['{DAV:}principal-property-search', '{DAV:}principal-match', '{DAV:}acl-principal-prop-set']));
  });

  it('finds only users visible to the requester: a home without lookup or free-busy for them hides its user', async () => {
    await t.store.collections.setAcl('/dav/calendars/user/carol/', 'carol\tlrwipkxtean9\t', Date.now());
    try {
      const hidden = await t.request('REPORT', '/dav/principals/user/', { user: 'bob', headers: { Depth: '0' }, body: search('<D:displayname/>', 'carol'), expect: 207 });
      expect(parseMultistatus(await hidden.text()).size).toBe(0);
      const admin = await t.request('REPORT', '/dav/principals/user/', { user: 'root', headers: { Depth: '0' }, body: search('<D:displayname/>', 'carol'), expect: 207 });
      expect(parseMultistatus(await admin.text()).size).toBe(1);
    } finally {
      await t.store.collections.setAcl('/dav/calendars/user/carol/', 'carol\tlrwipkxtean9\tanyone\t9\t', Date.now());
    }
  });

  it('refuses an unsearchable property (400) and anonymous callers (401)', async () => {
    await t.request('REPORT', '/dav/principals/user/', { user: 'bob', headers: { Depth: '0' }, body: search('<D:getetag/>', 'x'), expect: 400 });
    await t.request('REPORT', '/dav/principals/user/', { user: null, headers: { Depth: '0' }, body: search('<D:displayname/>', 'a'), expect: 401 });
  });

  it('§9.5 principal-search-property-set lists the searchable properties', async () => {
    const response = await t.request('REPORT', '/dav/principals/user/', { user: 'bob', headers: { Depth: '0' }, body: '<D:principal-search-property-set xmlns:D="DAV:"/>', expect: 200 });
    const root = parseXml(await response.text());
    const props = childElements(root).map((e) => childElements(findChild(e, '{DAV:}prop')!)[0]!.name);
    expect(props).toEqual(['{DAV:}displayname', '{urn:ietf:params:xml:ns:caldav}calendar-user-address-set', '{urn:ietf:params:xml:ns:caldav}calendar-user-type']);
  });
});

describe('RFC 3744 §9.3 principal-match', () => {
  it('DAV:self on the principal collection finds the caller’s principal', async () => {
    const body = '<D:principal-match xmlns:D="DAV:"><D:self/><D:prop><D:displayname/></D:prop></D:principal-match>';
    const response = await t.request('REPORT', '/dav/principals/user/', { user: 'bob', headers: { Depth: '0' }, body, expect: 207 });
    expect([...parseMultistatus(await response.text()).keys()]).toEqual(['/dav/principals/user/bob/']);
  });

  it('a body with two DAV:prop elements is malformed: 400', async () => {
    const body = '<D:principal-match xmlns:D="DAV:"><D:self/><D:prop><D:displayname/></D:prop><D:prop><D:principal-URL/></D:prop></D:principal-match>';
    await t.request('REPORT', '/dav/principals/user/', { user: 'bob', headers: { Depth: '0' }, body, expect: 400 });
  });

  it('DAV:principal-property with DAV:owner finds the caller’s collections in their home', async () => {
    const body = '<D:principal-match xmlns:D="DAV:"><D:principal-property><D:owner/></D:principal-property><D:prop><D:resourcetype/></D:prop></D:principal-match>';
    const response = await t.request('REPORT', '/dav/calendars/user/bob/', { user: 'bob', headers: { Depth: '0' }, body, expect: 207 });
    const hrefs = [...parseMultistatus(await response.text()).keys()];
    expect(hrefs).toContain('/dav/calendars/user/bob/');
    expect(hrefs).toContain('/dav/calendars/user/bob/Default/');
  });

  it('reads principal hrefs absolute or relative, and a malformed one as no principal rather than an error', async () => {
    const manager = (href: string) =>
      `<D:propertyupdate xmlns:D="DAV:" xmlns:X="urn:example:org"><D:set><D:prop><X:manager><D:href>${href}</D:href></X:manager></D:prop></D:set></D:propertyupdate>`;
    await t.request('MKCALENDAR', '/dav/calendars/user/bob/Team/', { user: 'bob', expect: 201 });
    await t.request('PROPPATCH', '/dav/calendars/user/bob/Team/', { user: 'bob', body: manager('http://orrery.test/dav/principals/user/bob/'), expect: 207 });
    await t.request('PROPPATCH', '/dav/calendars/user/bob/Default/', { user: 'bob', body: manager('/dav/principals/user/%E0%A4%A/'), expect: 207 });
    const body = '<D:principal-match xmlns:D="DAV:" xmlns:X="urn:example:org"><D:principal-property><X:manager/></D:principal-property><D:prop><D:resourcetype/></D:prop></D:principal-match>';
    const response = await t.request('REPORT', '/dav/calendars/user/bob/', { user: 'bob', headers: { Depth: '0' }, body, expect: 207 });
    expect([...parseMultistatus(await response.text()).keys()]).toEqual(['/dav/calendars/user/bob/Team/']);
  });
});
