// The management page offers only what the viewer's rights allow (the seed's rights table via
// hasAccess), and each withheld control matches a refusal of the same DAV request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../helpers/app.ts';
import { card, cardHrefs, getPage, mkcalendarBody, SHARE, SHARING_TYPE } from './page-helpers.ts';

const ALICE = '/dav/calendars/user/alice/';
const BOB = '/dav/calendars/user/bob/';
const XML = { 'Content-Type': 'application/xml' };
let t: TestApp;

async function acceptInvitation(user: string, calendarHref: string): Promise<void> {
  const reply = `<D:invite-reply xmlns:D="DAV:"><D:href>${calendarHref}</D:href><D:invite-accepted/></D:invite-reply>`;
  await t.request('POST', `/dav/calendars/user/${user}/`, { user, headers: SHARING_TYPE, body: reply, expect: 201 });
}

beforeAll(async () => {
  t = await makeTestApp({ caldav_allowcalendaradmin: 'on' });
  await t.request('PROPFIND', BOB, { user: 'bob', headers: { Depth: '0' }, expect: 207 });
  for (const name of ['viewable', 'editable']) {
    await t.request('MKCOL', `${ALICE}${name}/`, { headers: XML, body: mkcalendarBody(`<D:displayname>${name}</D:displayname>`), expect: 201 });
  }
  await t.request('POST', `${ALICE}viewable/`, { headers: SHARING_TYPE, body: SHARE('/dav/principals/user/bob/', 'read'), expect: 204 });
  await t.request('POST', `${ALICE}editable/`, { headers: SHARING_TYPE, body: SHARE('/dav/principals/user/bob/', 'read-write'), expect: 204 });
});
afterAll(() => t.close());

describe('the owner\'s view', () => {
  it('offers settings, sharing, public, import and delete on an own calendar, with its sharees listed', async () => {
    const own = card((await getPage(t)).html, `${ALICE}editable/`);
    for (const control of ['data-action="settings"', 'data-action="share"', 'data-action="public"', 'data-action="transparent"', 'data-action="import"', 'data-action="delete"']) {
      expect(own, control).toContain(control);
    }
    expect(own).toMatch(/<span class="who">bob<\/span>\s*<span class="muted">Can edit · invited<\/span>/);
  });
});

describe('the public marker', () => {
  it('follows what an anonymous request may do, negative entries included', async () => {
    for (const [name, sharee] of [['everyone', 'DAV:all'], ['members', 'DAV:authenticated']]) {
      await t.request('MKCOL', `${ALICE}${name}/`, { headers: XML, body: mkcalendarBody(''), expect: 201 });
      await t.request('POST', `${ALICE}${name}/`, { headers: SHARING_TYPE, body: SHARE(sharee!, 'read'), expect: 204 });
    }
    const html = (await getPage(t)).html;
    expect(card(html, `${ALICE}everyone/`)).toContain('class="badge public"');
    await t.request('PROPFIND', `${ALICE}everyone/`, { user: null, headers: { Depth: '0' }, expect: 207 });
    // Shared with DAV:authenticated: `anyone` less `anonymous`, which an anonymous request cannot read.
    expect(card(html, `${ALICE}members/`)).not.toContain('class="badge public"');
    await t.request('PROPFIND', `${ALICE}members/`, { user: null, headers: { Depth: '0' }, expect: 401 });
  });
});

describe('a sharee\'s view (draft-pot-webdav-resource-sharing)', () => {
  it('lists unanswered invitations, and the shared calendars once accepted, marked as shared', async () => {
    const before = await getPage(t, 'bob');
    expect(before.html).toContain(`data-href="${ALICE}viewable/"`);
    expect(cardHrefs(before.html)).toEqual([`${BOB}Default/`]);
    await acceptInvitation('bob', `${ALICE}viewable/`);
    await acceptInvitation('bob', `${ALICE}editable/`);
    const after = (await getPage(t, 'bob')).html;
    expect(after).not.toContain('Invitations');
    expect(cardHrefs(after)).toEqual(expect.arrayContaining([`${BOB}alice.viewable/`, `${BOB}alice.editable/`]));
    expect(card(after, `${BOB}alice.viewable/`)).toContain('Shared by alice');
  });

  it('offers no sharing or public switch on a calendar shared in, as the sharing POST refuses it', async () => {
    const shared = card((await getPage(t, 'bob')).html, `${BOB}alice.editable/`);
    expect(shared).not.toContain('data-action="share"');
    expect(shared).not.toContain('data-action="public"');
    await t.request('POST', `${BOB}alice.editable/`, { user: 'bob', headers: SHARING_TYPE, body: SHARE('DAV:all', 'read'), expect: 403 });
  });

  it('offers import only with write-content: a read share has none and its PUT is refused', async () => {
    const html = (await getPage(t, 'bob')).html;
    expect(card(html, `${BOB}alice.editable/`)).toContain('data-action="import"');
    expect(card(html, `${BOB}alice.viewable/`)).not.toContain('data-action="import"');
    const event = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:r1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    const response = await t.request('PUT', `${BOB}alice.viewable/r1.ics`, { user: 'bob', headers: { 'Content-Type': 'text/calendar' }, body: event });
    expect(response.status).toBe(403);
  });

  it('offers "Remove from my calendars" (unsubscribe) rather than Delete on a shared calendar', async () => {
    const shared = card((await getPage(t, 'bob')).html, `${BOB}alice.viewable/`);
    expect(shared).toContain('Remove from my calendars');
  });
});

describe('rights withheld by the ACL', () => {
  it('hides the New calendar form without the make-collection right (k), and MKCOL is refused too', async () => {
    const limited = await makeTestApp({ caldav_allowcalendaradmin: 'on', implicit_owner_rights: 'la' });
    try {
      await limited.request('PROPFIND', ALICE, { headers: { Depth: '0' }, expect: 207 });
      await limited.store.collections.setAcl(ALICE, 'alice\tlrwipxtean9\t', Date.now());
      expect((await getPage(limited)).html).not.toContain('id="create-form"');
      const response = await limited.request('MKCOL', `${ALICE}more/`, { headers: XML, body: mkcalendarBody('') });
      expect(response.status).toBe(403);
    } finally {
      limited.close();
    }
  });

  it('hides Delete without the remove-collection right (x) and settings without write-properties (w)', async () => {
    const limited = await makeTestApp({ caldav_allowcalendaradmin: 'on', implicit_owner_rights: 'la' });
    try {
      await limited.request('MKCOL', `${ALICE}kept/`, { headers: XML, body: mkcalendarBody('<D:displayname>Kept</D:displayname>'), expect: 201 });
      await limited.store.collections.setAcl(`${ALICE}kept/`, 'alice\tlripktean9\t', Date.now());
      const kept = card((await getPage(limited)).html, `${ALICE}kept/`);
      expect(kept).not.toContain('data-action="delete"');
      expect(kept).not.toContain('data-action="settings"');
      expect(kept).not.toContain('data-action="transparent"');
      expect((await limited.request('DELETE', `${ALICE}kept/`)).status).toBe(403);
      const patch = '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>x</D:displayname></D:prop></D:set></D:propertyupdate>';
      expect((await limited.request('PROPPATCH', `${ALICE}kept/`, { headers: XML, body: patch })).status).toBe(403);
    } finally {
      limited.close();
    }
  });
});
