// Sharing notification documents (draft-pot-webdav-resource-sharing §5.2: DAV:notification with
// a share-invite-notification or share-reply-notification), and their CalendarServer form
// (caldav-sharing §4.3: CS:notification with invite-notification / invite-reply) for clients
// that ask for plain XML, as Cyrus `notify_get` translates them.
import { href } from '../dav/properties/webdav.ts';
import { principalPath } from '../dav/urls.ts';
import { childElements, el, findChild, textContent, type XmlElement } from '../dav/xml/element.ts';
import { calserver, dav } from '../dav/xml/names.ts';
import type { InviteStatus } from '../storage/index.ts';

export type NotifiedAccess = 'read' | 'read-write' | 'no-access';

export interface InviteDetails {
  sharer: string;
  sharerName: string;
  sharedPath: string;
  status: InviteStatus;
  access: NotifiedAccess;
  comment: string | null;
  /** displayname, resourcetype and supported-calendar-component-set of the shared collection. */
  collectionProps: XmlElement[];
}

export interface ReplyDetails {
  sharee: string;
  status: InviteStatus;
  sharedPath: string;
  comment: string | null;
}

/** Names are fixed per share so that a new invitation replaces the previous one (as Cyrus coalesces). */
export const inviteName = (collectionId: number): string => `share-invite-${collectionId}.xml`;
export const replyName = (collectionId: number, sharee: string): string => `share-reply-${collectionId}-${sharee}.xml`;

export function collectionIdOfInvite(name: string): number | null {
  const match = /^share-invite-(\d+)\.xml$/.exec(name);
  return match ? Number(match[1]) : null;
}

export function inviteNotification(nowMs: number, invite: InviteDetails): XmlElement {
  return el(dav('notification'), [
    el(dav('dtstamp'), rfc3339(nowMs)),
    el(dav('share-invite-notification'), [
      el(dav('principal'), [href(principalPath(invite.sharer)), el(dav('prop'), el(dav('displayname'), invite.sharerName))]),
      el(dav(invite.status)),
      el(dav('sharer-resource-uri'), href(invite.sharedPath)),
      el(dav('share-access'), el(dav(invite.access))),
      el(dav('prop'), invite.collectionProps),
      invite.comment === null ? null : el(dav('comment'), invite.comment),
    ]),
  ]);
}

export function replyNotification(nowMs: number, reply: ReplyDetails): XmlElement {
  return el(dav('notification'), [
    el(dav('dtstamp'), rfc3339(nowMs)),
    el(dav('share-reply-notification'), [
      el(dav('sharee'), [href(principalPath(reply.sharee)), el(dav(reply.status))]),
      href(reply.sharedPath),
      reply.comment === null ? null : el(dav('comment'), reply.comment),
    ]),
  ]);
}

/**
 * The element naming a stored notification's type (DAV:notificationtype), from its name: only
 * the server writes notifications, each under the name of its kind (inviteName, replyName), so a
 * listing needs no document read.
 */
export function notificationTypeOf(name: string): XmlElement | undefined {
  if (name.startsWith('share-invite-')) return el(dav('share-invite-notification'));
  if (name.startsWith('share-reply-')) return el(dav('share-reply-notification'));
  return undefined;
}

/**
 * The CalendarServer form of a stored notification. `uid` is the notification's resource name,
 * which CalendarServer clients send back in CS:in-reply-to.
 */
export function legacyNotification(document: XmlElement, uid: string, recipient: string): XmlElement | null {
  const [stamp, type] = childElements(document);
  if (!stamp || !type) return null;
  const dtstamp = el(calserver('dtstamp'), textContent(stamp).replace(/[-:]/g, ''));
  if (type.name === dav('share-invite-notification')) {
    const principal = findChild(type, dav('principal'));
    const sharerName = principal ? textContent(findChild(findChild(principal, dav('prop')) ?? principal, dav('displayname')) ?? el(dav('displayname'))) : '';
    const access = childElements(findChild(type, dav('share-access')) ?? el(dav('share-access')))[0];
    const comment = findChild(type, dav('comment'));
    const componentSet = childElements(findChild(type, dav('prop')) ?? el(dav('prop'))).find((e) => e.name.endsWith('}supported-calendar-component-set'));
    return el(calserver('notification'), [
      dtstamp,
      el(calserver('invite-notification'), [
        el(calserver('uid'), uid),
        href(principalPath(recipient)),
        // Apple clients only act on invitations that have not been answered (so does Cyrus).
        el(calserver('invite-noresponse')),
        el(calserver('access'), el(calserver(access ? localName(access.name) : 'read'))),
        el(calserver('hosturl'), findChild(findChild(type, dav('sharer-resource-uri')) ?? type, dav('href')) ?? null),
        el(calserver('organizer'), [principal ? findChild(principal, dav('href')) ?? null : null, el(calserver('common-name'), sharerName)]),
        comment ? el(calserver('summary'), textContent(comment)) : null,
        componentSet ?? null,
      ]),
    ]);
  }
  if (type.name === dav('share-reply-notification')) {
    const sharee = findChild(type, dav('sharee'));
    const status = sharee ? childElements(sharee).find((e) => e.name.startsWith('{DAV:}invite-')) : undefined;
    const comment = findChild(type, dav('comment'));
    return el(calserver('notification'), [
      dtstamp,
      el(calserver('invite-reply'), [
        sharee ? findChild(sharee, dav('href')) ?? null : null,
        el(calserver(status ? localName(status.name) : 'invite-noresponse')),
        el(calserver('hosturl'), findChild(type, dav('href')) ?? null),
        el(calserver('in-reply-to'), uid),
        comment ? el(calserver('summary'), textContent(comment)) : null,
      ]),
    ]);
  }
  return null;
}

// --- Internal helpers ---

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function localName(name: string): string {
  return name.slice(name.indexOf('}') + 1);
}
