// Answering an invitation (draft-pot-webdav-resource-sharing §5.4 DAV:invite-reply POSTed to
// the notification; CalendarServer CS:invite-reply POSTed to the calendar home, naming the
// notification in CS:in-reply-to). Accepting makes the calendar appear in the sharee's home.
import { requireAccess, rightsOfUser } from '../acl/check.ts';
import { hasAllRights } from '../acl/rights.ts';
import type { AppConfig } from '../config.ts';
import type { DavContext } from '../dav/context.ts';
import { badRequest, conflict, DavError, notFound } from '../dav/errors.ts';
import { encodePath, hrefToPath } from '../dav/path.ts';
import { serializeDeadProperty } from '../dav/properties/registry.ts';
import { href } from '../dav/properties/webdav.ts';
import { requestXml } from '../dav/request-xml.ts';
import { resolveResource } from '../dav/resolve.ts';
import { childElements, el, findChild, textContent, type XmlElement } from '../dav/xml/element.ts';
import { caldav, calserver, dav } from '../dav/xml/names.ts';
import { toXml } from '../dav/xml/serialize.ts';
import { deleteNotification, storeNotification } from '../notifications/collection.ts';
import { collectionIdOfInvite, inviteName, replyName, replyNotification } from '../notifications/documents.ts';
import { AlreadyExistsError, type CollectionRecord, type InviteStatus } from '../storage/index.ts';
import { aliasPathFor } from './alias.ts';

interface InviteReply {
  accepted: boolean;
  legacy: boolean;
  /** The notification answered (CS:in-reply-to), when the reply names it. */
  inReplyTo: string | null;
  /** The shared collection (CS:hosturl or DAV:href), when the reply names it. */
  sharedHref: string | null;
  comment: string | null;
}

/** A reply POSTed to the invitation itself, in its owner's notification collection. */
export async function replyToNotification(ctx: DavContext, resource: Extract<DavContext['resource'], { kind: 'resource' }>): Promise<Response> {
  requireAccess(ctx, resource, 'admin');
  const reply = parseInviteReply(await requestXml(ctx));
  const collectionId = collectionIdOfInvite(resource.name);
  if (collectionId === null) throw new DavError(405, undefined, 'Only share invitations can be answered', { Allow: 'GET, HEAD, PROPFIND, DELETE' });
  return answer(ctx, resource.collection.owner!, collectionId, reply);
}

/** A reply POSTed to the sharee's calendar home (the CalendarServer way). */
export async function replyToHome(ctx: DavContext, resource: Extract<DavContext['resource'], { kind: 'collection' }>): Promise<Response> {
  requireAccess(ctx, resource, 'admin');
  const reply = parseInviteReply(await requestXml(ctx));
  const sharee = resource.collection.owner;
  if (!sharee) throw notFound();
  let collectionId = reply.inReplyTo === null ? null : collectionIdOfInvite(reply.inReplyTo);
  if (collectionId === null && reply.sharedHref !== null) {
    const path = hrefToPath(reply.sharedHref, ctx.url);
    const shared = path === null ? null : await resolveResource(ctx.deps.store, ctx.deps.config, encodePath(path));
    // A calendar that is not there answers as one that was never shared with this user, so that
    // replies cannot be used to find out which calendars exist.
    if (shared?.kind !== 'collection') throw notFound('There is no such invitation');
    collectionId = shared.collection.id;
  }
  if (collectionId === null) throw badRequest('The reply must name the invitation (in-reply-to) or the shared calendar (hosturl)');
  return answer(ctx, sharee, collectionId, reply);
}

export function isInviteReplyRoot(root: XmlElement): boolean {
  return root.name === dav('invite-reply') || root.name === calserver('invite-reply');
}

// --- Internal helpers ---

async function answer(ctx: DavContext, sharee: string, collectionId: number, reply: InviteReply): Promise<Response> {
  const share = await ctx.deps.store.shares.get(collectionId, sharee);
  const collection = await ctx.deps.store.collections.getById(collectionId);
  if (!share || !collection) throw notFound('There is no such invitation');
  const now = ctx.deps.now();
  let status: InviteStatus = 'invite-declined';
  let aliasPath: string | null = null;
  if (reply.accepted) {
    if (!stillShared(collection, sharee, ctx.deps.config)) throw new DavError(403, undefined, 'The invitation was withdrawn');
    aliasPath = aliasPathFor(sharee, collection);
    // A sharee's copy starts transparent, so shared events do not make them busy (Cyrus does the same).
    const transparent = serializeDeadProperty(el(caldav('schedule-calendar-transp'), el(caldav('transparent'))));
    try {
      await ctx.deps.store.shares.accept(collectionId, sharee, aliasPath, collection.path, new Map([[caldav('schedule-calendar-transp'), transparent]]), now);
    } catch (error) {
      if (error instanceof AlreadyExistsError) throw conflict(`${aliasPath} is already taken by another shared calendar`);
      throw error;
    }
    status = 'invite-accepted';
  } else {
    await ctx.deps.store.shares.decline(collectionId, sharee, now);
  }
  await deleteNotification(ctx.deps, sharee, inviteName(collectionId));
  if (collection.owner) {
    const document = replyNotification(now, { sharee, status, sharedPath: collection.path, comment: reply.comment });
    await storeNotification(ctx.deps, collection.owner, replyName(collectionId, sharee), toXml(document));
  }
  if (aliasPath === null) return new Response(null, { status: 204 });
  if (reply.legacy) {
    const body = el(calserver('shared-as'), href(aliasPath));
    return new Response(toXml(body), { status: 200, headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
  }
  return new Response(null, { status: 201, headers: { Location: encodePath(aliasPath) } });
}

/** The sharee can still read the calendar: a share revoked through the ACL cannot be accepted. */
function stillShared(collection: CollectionRecord, sharee: string, config: AppConfig): boolean {
  return hasAllRights(rightsOfUser(collection, { name: sharee, isAdmin: false }, config), 'lr');
}

function parseInviteReply(root: XmlElement | null): InviteReply {
  if (!root) throw badRequest('An invite-reply body is needed');
  if (!isInviteReplyRoot(root)) throw badRequest('The body must be a DAV:invite-reply or CS:invite-reply element');
  const ns = root.name === dav('invite-reply') ? dav : calserver;
  const children = childElements(root);
  const accepted = children.some((e) => e.name === ns('invite-accepted'));
  if (!accepted && !children.some((e) => e.name === ns('invite-declined'))) throw badRequest('The reply must hold invite-accepted or invite-declined');
  const hosturl = findChild(root, calserver('hosturl')) ?? findChild(root, dav('sharer-resource-uri'));
  const hrefElement = hosturl ? findChild(hosturl, dav('href')) : root.name === dav('invite-reply') ? findChild(root, dav('href')) : undefined;
  const inReplyTo = findChild(root, ns('in-reply-to'));
  const comment = findChild(root, ns === dav ? dav('comment') : calserver('summary'));
  return {
    accepted,
    legacy: ns === calserver,
    inReplyTo: inReplyTo ? textContent(inReplyTo).trim() : null,
    sharedHref: hrefElement ? textContent(hrefElement).trim() : null,
    comment: comment && textContent(comment).trim() !== '' ? textContent(comment).trim() : null,
  };
}

