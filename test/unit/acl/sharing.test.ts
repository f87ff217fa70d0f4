// Sharing as ACL arithmetic (Cyrus `set_share_access`, draft-pot-webdav-resource-sharing §4.1),
// the two request forms, who counts as a sharee, and the CalendarServer form of notifications.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.ts';
import { DavError } from '../../../src/dav/errors.ts';
import { el } from '../../../src/dav/xml/element.ts';
import { childElements, findChild, textContent } from '../../../src/dav/xml/element.ts';
import { inviteNotification, legacyNotification, replyNotification } from '../../../src/notifications/documents.ts';
import { formatAclString, parseAclString } from '../../../src/acl/rights.ts';
import { sharees } from '../../../src/sharing/properties.ts';
import { applyShareAccess } from '../../../src/sharing/share.ts';
import { parseShareRequest } from '../../../src/sharing/share-request.ts';
import { parseXml } from '../../../src/dav/xml/parse.ts';
import type { Sharee } from '../../../src/sharing/sharee.ts';
import type { CollectionRecord, UserRecord } from '../../../src/storage/index.ts';

const bob: Sharee = { type: 'user', user: { name: 'bob' } as UserRecord };
const acl = (text: string) => parseAclString(text);
const share = (text: string, sharee: Sharee, access: 'read' | 'read-write' | 'no-access') => formatAclString(applyShareAccess(acl(text), sharee, access));

describe('draft-pot-webdav-resource-sharing §4.1 share access as rights', () => {
  it('read gives lrw9, read-write lrwiten9, no-access removes them (Cyrus DACL_SHARE / DACL_SHARERW)', () => {
    expect(share('alice\tlrwipkxtean9\t', bob, 'read')).toBe('alice\tlrwipkxtean9\tbob\tlrw9\t');
    expect(share('bob\tlrw9\t', bob, 'read-write')).toBe('bob\tlrwiten9\t');
    expect(share('bob\tlrwiten9\t', bob, 'read')).toBe('bob\tlrw9\t');
    expect(share('bob\tlrw9\t', bob, 'no-access')).toBe('');
  });

  it('keeps rights that sharing does not manage', () => {
    expect(share('bob\tlrwitenk9\t', bob, 'read')).toBe('bob\tlrwk9\t');
    expect(share('bob\tlrwitenk9\t', bob, 'no-access')).toBe('bob\tk\t');
  });

  it('everyone shares leave out w, and unsharing keeps the provisioned free-busy right', () => {
    expect(share('anyone\t9\t', { type: 'all' }, 'read')).toBe('anyone\tlr9\t');
    expect(share('anyone\tlr9\t', { type: 'all' }, 'no-access')).toBe('anyone\t9\t');
    expect(share('', { type: 'unauthenticated' }, 'read')).toBe('anonymous\tlr9\t');
  });

  it('DAV:authenticated is anyone with the same rights denied to anonymous', () => {
    expect(share('', { type: 'authenticated' }, 'read')).toBe('anyone\tlr9\t-anonymous\tlr9\t');
  });
});

describe('sharing request bodies', () => {
  it('reads DAV:share-resource, with read as the default access', () => {
    const request = parseShareRequest(parseXml(`<D:share-resource xmlns:D="DAV:">
      <D:sharee><D:href>mailto:bob@example.com</D:href><D:comment>hi</D:comment><D:share-access><D:read-write/></D:share-access></D:sharee>
      <D:sharee><D:href>/dav/principals/user/carol/</D:href></D:sharee></D:share-resource>`));
    expect(request).toEqual({
      legacy: false,
      sharees: [
        { href: 'mailto:bob@example.com', access: 'read-write', comment: 'hi' },
        { href: '/dav/principals/user/carol/', access: 'read', comment: null },
      ],
    });
  });

  it('reads CalendarServer CS:share with set and remove', () => {
    const request = parseShareRequest(parseXml(`<CS:share xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/">
      <CS:set><D:href>mailto:bob@example.com</D:href><CS:summary>Team</CS:summary><CS:read-write/></CS:set>
      <CS:remove><D:href>mailto:carol@example.com</D:href></CS:remove></CS:share>`));
    expect(request.legacy).toBe(true);
    expect(request.sharees).toEqual([
      { href: 'mailto:bob@example.com', access: 'read-write', comment: 'Team' },
      { href: 'mailto:carol@example.com', access: 'no-access', comment: null },
    ]);
  });

  it('refuses other bodies, sharees without an href and an empty body with 400', () => {
    for (const body of ['<D:propfind xmlns:D="DAV:"/>', '<D:share-resource xmlns:D="DAV:"><D:sharee/></D:share-resource>']) {
      expect(() => parseShareRequest(parseXml(body))).toThrow(DavError);
    }
    expect(() => parseShareRequest(null)).toThrow(DavError);
  });
});

describe('who a calendar is shared with (Cyrus xml_add_sharee)', () => {
  it('users with read access, not the owner, administrators, everyone or denied users', () => {
    const collection = { owner: 'alice', acl: 'alice\tlrwipkxtean9\tbob\tlrw9\tcarol\tlrwiten9\tanyone\tlr9\troot\tlr\tdave\tlr\t-dave\tr\tgroup:x\tlr\terin\tl\t' } as CollectionRecord;
    expect(sharees(collection, parseConfig({ admins: 'root' }))).toEqual([
      { user: 'bob', access: 'read' },
      { user: 'carol', access: 'read-write' },
    ]);
  });
});

describe('caldav-sharing §4.3 CalendarServer notifications', () => {
  it('an invitation becomes a CS:invite-notification naming the notification as its uid', () => {
    const document = inviteNotification(Date.UTC(2026, 0, 2, 3, 4, 5), {
      sharer: 'alice', sharerName: 'Alice', sharedPath: '/dav/calendars/user/alice/Default/', status: 'invite-noresponse',
      access: 'read-write', comment: 'Plans', collectionProps: [el('{DAV:}displayname', 'personal')],
    });
    const legacy = legacyNotification(document, 'share-invite-7.xml', 'bob')!;
    expect(textContent(findChild(legacy, '{http://calendarserver.org/ns/}dtstamp')!)).toBe('20260102T030405Z');
    const invite = findChild(legacy, '{http://calendarserver.org/ns/}invite-notification')!;
    expect(textContent(findChild(invite, '{http://calendarserver.org/ns/}uid')!)).toBe('share-invite-7.xml');
    expect(childElements(findChild(invite, '{http://calendarserver.org/ns/}access')!)[0]!.name).toBe('{http://calendarserver.org/ns/}read-write');
    expect(textContent(findChild(invite, '{http://calendarserver.org/ns/}hosturl')!)).toBe('/dav/calendars/user/alice/Default/');
    expect(textContent(findChild(findChild(invite, '{http://calendarserver.org/ns/}organizer')!, '{http://calendarserver.org/ns/}common-name')!)).toBe('Alice');
    expect(textContent(findChild(invite, '{http://calendarserver.org/ns/}summary')!)).toBe('Plans');
  });

  it('a reply becomes a CS:invite-reply', () => {
    const document = replyNotification(0, { sharee: 'bob', status: 'invite-accepted', sharedPath: '/dav/calendars/user/alice/Default/', comment: null });
    const reply = findChild(legacyNotification(document, 'r.xml', 'alice')!, '{http://calendarserver.org/ns/}invite-reply')!;
    expect(findChild(reply, '{http://calendarserver.org/ns/}invite-accepted')).toBeDefined();
    expect(textContent(findChild(reply, '{DAV:}href')!)).toBe('/dav/principals/user/bob/');
  });
});
