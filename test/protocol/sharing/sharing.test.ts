// Calendar sharing end to end between two users (draft-pot-webdav-resource-sharing §5, the
// CalendarServer caldav-sharing extension): invite, notification, accept, access according to
// the share, revoke and unsubscribe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { childElements, findChild, parseMultistatus, parseXml, propText, textContent } from '../../helpers/multistatus.ts';

const ALICE_CAL = '/dav/calendars/user/alice/Default/';
const BOB_HOME = '/dav/calendars/user/bob/';
const BOB_ALIAS = `${BOB_HOME}alice.Default/`;
const BOB_NOTES = '/dav/notifications/user/bob/';
const ICS = { 'Content-Type': 'text/calendar' };
const SHARING = { 'Content-Type': 'application/davsharing+xml' };
let t: TestApp;

const shareBody = (href: string, access: 'read' | 'read-write' | 'no-access', comment = '') =>
  `<D:share-resource xmlns:D="DAV:"><D:sharee><D:href>${href}</D:href><D:comment>${comment}</D:comment><D:share-access><D:${access}/></D:share-access></D:sharee></D:share-resource>`;
const reply = (accepted: boolean) => `<D:invite-reply xmlns:D="DAV:"><D:${accepted ? 'invite-accepted' : 'invite-declined'}/></D:invite-reply>`;
const propfind = (...props: string[]) => `<D:propfind xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><D:prop>${props.join('')}</D:prop></D:propfind>`;

async function props(path: string, user: string, ...names: string[]) {
  const response = await t.request('PROPFIND', path, { user, headers: { Depth: '0' }, body: propfind(...names), expect: 207 });
  return [...parseMultistatus(await response.text()).values()][0]!;
}

async function notificationNames(user: string): Promise<string[]> {
  const response = await t.request('PROPFIND', `/dav/notifications/user/${user}/`, { user, headers: { Depth: '1' }, body: propfind('<D:resourcetype/>') });
  if (response.status === 404) return [];
  return [...parseMultistatus(await response.text()).keys()].filter((href) => !href.endsWith('/')).map((href) => href.slice(href.lastIndexOf('/') + 1));
}

beforeAll(async () => {
  t = await makeTestApp({}, ['alice', 'bob', 'carol']);
  await t.request('PUT', `${ALICE_CAL}one.ics`, { user: 'alice', body: event('shared-1'), headers: ICS, expect: 201 });
  await t.request('PROPFIND', BOB_HOME, { user: 'bob', headers: { Depth: '0' }, expect: 207 });
});
afterAll(() => t.close());

describe('draft-pot-webdav-resource-sharing §5.3 share-resource', () => {
  it('refuses a sharer without DAV:share (CY:admin): 403 need-privileges', async () => {
    const response = await t.request('POST', ALICE_CAL, { user: 'bob', headers: SHARING, body: shareBody('mailto:carol@example.com', 'read') });
    expect([403, 404]).toContain(response.status);
  });

  it('refuses an unknown sharee with DAV:recognized-principal and changes nothing', async () => {
    const before = (await t.store.collections.get(ALICE_CAL))!.acl;
    const response = await t.request('POST', ALICE_CAL, { user: 'alice', headers: SHARING, body: shareBody('mailto:nobody@elsewhere.example', 'read'), expect: 403 });
    expect(await response.text()).toContain('recognized-principal');
    // An address whose percent-encoding does not decode names nobody either.
    const garbled = await t.request('POST', ALICE_CAL, { user: 'alice', headers: SHARING, body: shareBody('mailto:%zz@example.com', 'read'), expect: 403 });
    expect(await garbled.text()).toContain('recognized-principal');
    expect((await t.store.collections.get(ALICE_CAL))!.acl).toBe(before);
  });

  it('a read share gives the sharee lrw9, an invitation in their notification collection, and marks the calendar shared-owner', async () => {
    await t.request('POST', ALICE_CAL, { user: 'alice', headers: SHARING, body: shareBody('mailto:bob@example.com', 'read', 'Our plans'), expect: 204 });
    expect((await t.store.collections.get(ALICE_CAL))!.acl).toContain('bob\tlrw9\t');
    const names = await notificationNames('bob');
    expect(names).toHaveLength(1);
    const stored = await t.request('GET', `${BOB_NOTES}${names[0]}`, { user: 'bob', headers: { Accept: 'application/davsharing+xml' }, expect: 200 });
    const doc = parseXml(await stored.text());
    const invite = findChild(doc, '{DAV:}share-invite-notification')!;
    expect(textContent(findChild(findChild(invite, '{DAV:}sharer-resource-uri')!, '{DAV:}href')!)).toBe(ALICE_CAL);
    expect(childElements(findChild(invite, '{DAV:}share-access')!)[0]!.name).toBe('{DAV:}read');
    expect(textContent(findChild(invite, '{DAV:}comment')!)).toBe('Our plans');
    const owner = await props(ALICE_CAL, 'alice', '<D:resourcetype/>', '<D:share-access/>', '<D:invite/>');
    expect(owner.props.get('{DAV:}resourcetype')!.element.children.map((c) => (typeof c === 'string' ? '' : c.name))).toContain('{http://calendarserver.org/ns/}shared-owner');
    expect(childElements(owner.props.get('{DAV:}share-access')!.element)[0]!.name).toBe('{DAV:}shared-owner');
    const sharee = findChild(owner.props.get('{DAV:}invite')!.element, '{DAV:}sharee')!;
    expect(textContent(findChild(sharee, '{DAV:}href')!)).toBe('mailto:bob@example.com');
    expect(findChild(sharee, '{DAV:}invite-noresponse')).toBeDefined();
  });

  it('the invitation is served in the CalendarServer form to clients that do not ask for davsharing+xml', async () => {
    const [name] = await notificationNames('bob');
    const legacy = parseXml(await (await t.request('GET', `${BOB_NOTES}${name}`, { user: 'bob', expect: 200 })).text());
    expect(legacy.name).toBe('{http://calendarserver.org/ns/}notification');
    const invite = findChild(legacy, '{http://calendarserver.org/ns/}invite-notification')!;
    expect(textContent(findChild(invite, '{http://calendarserver.org/ns/}uid')!)).toBe(name);
    const type = await props(`${BOB_NOTES}${name}`, 'bob', '<CS:notificationtype/>', '<D:notificationtype/>');
    expect(childElements(type.props.get('{http://calendarserver.org/ns/}notificationtype')!.element)[0]!.name).toBe('{http://calendarserver.org/ns/}invite-notification');
    expect(childElements(type.props.get('{DAV:}notificationtype')!.element)[0]!.name).toBe('{DAV:}share-invite-notification');
  });

  it('another user cannot read or answer bob’s invitation', async () => {
    const [name] = await notificationNames('bob');
    await t.request('GET', `${BOB_NOTES}${name}`, { user: 'carol', expect: 404 });
    await t.request('POST', `${BOB_NOTES}${name}`, { user: 'carol', headers: SHARING, body: reply(true), expect: 404 });
  });
});

describe('draft-pot-webdav-resource-sharing §5.4 invite-reply', () => {
  it('accepting makes the calendar appear in the sharee’s home as owner.calendar (201 + Location)', async () => {
    const [name] = await notificationNames('bob');
    const response = await t.request('POST', `${BOB_NOTES}${name}`, { user: 'bob', headers: SHARING, body: reply(true), expect: 201 });
    expect(response.headers.get('location')).toBe(BOB_ALIAS);
    const listing = parseMultistatus(await (await t.request('PROPFIND', BOB_HOME, { user: 'bob', headers: { Depth: '1' }, body: propfind('<D:resourcetype/>'), expect: 207 })).text());
    expect(listing.has(BOB_ALIAS)).toBe(true);
    // The answered invitation is gone; alice is told about the answer.
    expect(await notificationNames('bob')).toEqual([]);
    const aliceNotes = await notificationNames('alice');
    expect(aliceNotes).toHaveLength(1);
    const doc = parseXml(await (await t.request('GET', `/dav/notifications/user/alice/${aliceNotes[0]}`, { user: 'alice', headers: { Accept: 'application/davsharing+xml' }, expect: 200 })).text());
    expect(findChild(findChild(findChild(doc, '{DAV:}share-reply-notification')!, '{DAV:}sharee')!, '{DAV:}invite-accepted')).toBeDefined();
    const invite = (await props(ALICE_CAL, 'alice', '<D:invite/>')).props.get('{DAV:}invite')!.element;
    expect(findChild(findChild(invite, '{DAV:}sharee')!, '{DAV:}invite-accepted')).toBeDefined();
  });

  it('RFC 4791 §7.8: a calendar-query on the sharee’s home (Depth 1) includes the accepted share, under the alias', async () => {
    const query =
      '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>' +
      '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter></C:filter></C:calendar-query>';
    const response = await t.request('REPORT', BOB_HOME, { user: 'bob', headers: { Depth: '1' }, body: query, expect: 207 });
    expect([...parseMultistatus(await response.text()).keys()]).toContain(`${BOB_ALIAS}one.ics`);
  });

  it('the sharee reads the calendar through the alias, with hrefs under the alias', async () => {
    const listing = parseMultistatus(await (await t.request('PROPFIND', BOB_ALIAS, { user: 'bob', headers: { Depth: '1' }, body: propfind('<D:getetag/>'), expect: 207 })).text());
    expect([...listing.keys()].sort()).toEqual([BOB_ALIAS, `${BOB_ALIAS}one.ics`]);
    expect(await (await t.request('GET', `${BOB_ALIAS}one.ics`, { user: 'bob', expect: 200 })).text()).toContain('UID:shared-1');
    const view = await props(BOB_ALIAS, 'bob', '<D:resourcetype/>', '<D:share-access/>', '<D:sharer-resource-uri/>', '<D:owner/>');
    expect(view.props.get('{DAV:}resourcetype')!.element.children.map((c) => (typeof c === 'string' ? '' : c.name))).toContain('{http://calendarserver.org/ns/}shared');
    expect(childElements(view.props.get('{DAV:}share-access')!.element)[0]!.name).toBe('{DAV:}read');
    expect(propText(view, '{DAV:}sharer-resource-uri')).toBe(ALICE_CAL);
    expect(propText(view, '{DAV:}owner')).toBe('/dav/principals/user/alice/');
  });

  it('a read share refuses writes through the alias and the owner URL, leaving the data unchanged', async () => {
    await t.request('PUT', `${BOB_ALIAS}one.ics`, { user: 'bob', body: event('shared-1', '20260111T100000Z', '20260111T110000Z'), headers: ICS, expect: 403 });
    await t.request('PUT', `${BOB_ALIAS}new.ics`, { user: 'bob', body: event('shared-2'), headers: ICS, expect: 403 });
    await t.request('DELETE', `${ALICE_CAL}one.ics`, { user: 'bob', expect: 403 });
    expect(await (await t.request('GET', `${ALICE_CAL}one.ics`, { user: 'alice', expect: 200 })).text()).toContain('DTSTART:20260110T100000Z');
  });

  it('changing the share to read-write lets the sharee write through the alias', async () => {
    await t.request('POST', ALICE_CAL, { user: 'alice', headers: SHARING, body: shareBody('/dav/principals/user/bob/', 'read-write'), expect: 204 });
    expect((await t.store.collections.get(ALICE_CAL))!.acl).toContain('bob\tlrwiten9\t');
    // A new invitation does not undo the acceptance.
    expect(await (await t.request('PROPFIND', BOB_ALIAS, { user: 'bob', headers: { Depth: '0' } })).status).toBe(207);
    await t.request('PUT', `${BOB_ALIAS}two.ics`, { user: 'bob', body: event('shared-2'), headers: ICS, expect: 201 });
    expect(await (await t.request('GET', `${ALICE_CAL}two.ics`, { user: 'alice', expect: 200 })).text()).toContain('UID:shared-2');
    await t.request('DELETE', `${BOB_ALIAS}two.ics`, { user: 'bob', expect: 204 });
    await t.request('GET', `${ALICE_CAL}two.ics`, { user: 'alice', expect: 404 });
  });

  it('the sharee’s property changes stay on their copy', async () => {
    const body = '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>Alice at work</D:displayname></D:prop></D:set></D:propertyupdate>';
    await t.request('PROPPATCH', BOB_ALIAS, { user: 'bob', body, expect: 207 });
    expect(propText(await props(BOB_ALIAS, 'bob', '<D:displayname/>'), '{DAV:}displayname')).toBe('Alice at work');
    expect(propText(await props(ALICE_CAL, 'alice', '<D:displayname/>'), '{DAV:}displayname')).toBe('personal');
  });

  it('a third user cannot see bob’s subscription', async () => {
    await t.request('PROPFIND', BOB_ALIAS, { user: 'carol', headers: { Depth: '0' }, expect: 404 });
    await t.request('DELETE', BOB_ALIAS, { user: 'carol', expect: 404 });
  });
});

describe('unsubscribing and revoking', () => {
  it('DELETE of the alias unsubscribes and leaves alice’s calendar and its data alone', async () => {
    await t.request('DELETE', BOB_ALIAS, { user: 'bob', expect: 204 });
    await t.request('PROPFIND', BOB_ALIAS, { user: 'bob', headers: { Depth: '0' }, expect: 404 });
    await t.request('GET', `${ALICE_CAL}one.ics`, { user: 'alice', expect: 200 });
    const listing = parseMultistatus(await (await t.request('PROPFIND', BOB_HOME, { user: 'bob', headers: { Depth: '1' }, expect: 207 })).text());
    expect(listing.has(BOB_ALIAS)).toBe(false);
  });

  it('the CalendarServer flow: CS:share, then CS:invite-reply to the home answered with CS:shared-as', async () => {
    const share = `<CS:share xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><CS:set><D:href>mailto:carol@example.com</D:href><CS:summary>Team</CS:summary><CS:read/></CS:set></CS:share>`;
    await t.request('POST', ALICE_CAL, { user: 'alice', headers: { 'Content-Type': 'text/xml' }, body: share, expect: 204 });
    const [name] = await notificationNames('carol');
    const answer = `<CS:invite-reply xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><D:href>mailto:carol@example.com</D:href><CS:invite-accepted/><CS:hosturl><D:href>${ALICE_CAL}</D:href></CS:hosturl><CS:in-reply-to>${name}</CS:in-reply-to></CS:invite-reply>`;
    const response = await t.request('POST', '/dav/calendars/user/carol/', { user: 'carol', headers: { 'Content-Type': 'text/xml' }, body: answer, expect: 200 });
    const sharedAs = parseXml(await response.text());
    expect(sharedAs.name).toBe('{http://calendarserver.org/ns/}shared-as');
    expect(textContent(findChild(sharedAs, '{DAV:}href')!)).toBe('/dav/calendars/user/carol/alice.Default/');
    await t.request('GET', '/dav/calendars/user/carol/alice.Default/one.ics', { user: 'carol', expect: 200 });
    const csInvite = (await props(ALICE_CAL, 'alice', '<CS:invite/>')).props.get('{http://calendarserver.org/ns/}invite')!.element;
    const carol = childElements(csInvite).find((user) => textContent(findChild(user, '{DAV:}href')!) === 'mailto:carol@example.com')!;
    expect(findChild(carol, '{http://calendarserver.org/ns/}invite-accepted')).toBeDefined();
    expect(findChild(findChild(carol, '{http://calendarserver.org/ns/}access')!, '{http://calendarserver.org/ns/}read')).toBeDefined();
  });

  it('revoking (CS:remove) takes the rights and the subscription away', async () => {
    const remove = `<CS:share xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><CS:remove><D:href>mailto:carol@example.com</D:href></CS:remove></CS:share>`;
    await t.request('POST', ALICE_CAL, { user: 'alice', headers: { 'Content-Type': 'text/xml' }, body: remove, expect: 204 });
    expect((await t.store.collections.get(ALICE_CAL))!.acl).not.toContain('carol');
    await t.request('GET', '/dav/calendars/user/carol/alice.Default/one.ics', { user: 'carol', expect: 404 });
    await t.request('GET', `${ALICE_CAL}one.ics`, { user: 'carol', expect: 404 });
  });

  it('declining leaves no subscription; share-access no-access then removes the rights', async () => {
    await t.request('POST', ALICE_CAL, { user: 'alice', headers: SHARING, body: shareBody('mailto:carol@example.com', 'read'), expect: 204 });
    const [name] = await notificationNames('carol');
    await t.request('POST', `/dav/notifications/user/carol/${name}`, { user: 'carol', headers: SHARING, body: reply(false), expect: 204 });
    await t.request('PROPFIND', '/dav/calendars/user/carol/alice.Default/', { user: 'carol', headers: { Depth: '0' }, expect: 404 });
    await t.request('POST', ALICE_CAL, { user: 'alice', headers: SHARING, body: shareBody('mailto:carol@example.com', 'no-access'), expect: 204 });
    expect((await t.store.collections.get(ALICE_CAL))!.acl).not.toContain('carol');
  });

  it('sharing with DAV:all makes the calendar public (anyone lr9), readable without an account; unsharing keeps free-busy', async () => {
    await t.request('POST', ALICE_CAL, { user: 'alice', headers: SHARING, body: shareBody('DAV:all', 'read'), expect: 204 });
    expect((await t.store.collections.get(ALICE_CAL))!.acl).toContain('anyone\tlr9\t');
    await t.request('GET', ALICE_CAL, { user: null, expect: 200 });
    await t.request('POST', ALICE_CAL, { user: 'alice', headers: SHARING, body: shareBody('DAV:all', 'no-access'), expect: 204 });
    expect((await t.store.collections.get(ALICE_CAL))!.acl).toContain('anyone\t9\t');
    await t.request('GET', ALICE_CAL, { user: null, expect: 401 });
  });
});
