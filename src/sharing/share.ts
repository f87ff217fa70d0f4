// Sharing a calendar (draft-pot-webdav-resource-sharing §5.3, CalendarServer caldav-sharing
// §5.2): POST of DAV:share-resource or CS:share to the calendar. Access goes into the ACL, as
// Cyrus `set_share_access` puts it there; each invited user gets a share-invite-notification.
import { requireAccess } from '../acl/check.ts';
import { SHARE_RIGHTS, shareAccessRights } from '../acl/privileges.ts';
import { formatAclString, parseAclString, setAclEntry, subtractRights, unionRights, type AclEntry } from '../acl/rights.ts';
import type { DavContext } from '../dav/context.ts';
import { conditionError, DavError } from '../dav/errors.ts';
import { deserializeDeadProperty } from '../dav/properties/registry.ts';
import { requestXml } from '../dav/request-xml.ts';
import { el, type XmlElement } from '../dav/xml/element.ts';
import { caldav, dav } from '../dav/xml/names.ts';
import { toXml } from '../dav/xml/serialize.ts';
import { deleteNotification, storeNotification } from '../notifications/collection.ts';
import { inviteName, inviteNotification } from '../notifications/documents.ts';
import type { CollectionRecord } from '../storage/index.ts';
import { isSharedAlias } from './alias.ts';
import { parseShareRequest, type ShareAccessRequest, type ShareInstruction } from './share-request.ts';
import { resolveSharee, type Sharee } from './sharee.ts';

export async function handleShare(ctx: DavContext, resource: Extract<DavContext['resource'], { kind: 'collection' }>): Promise<Response> {
  const collection = resource.collection;
  if (isSharedAlias(collection)) throw new DavError(403, undefined, 'A calendar shared with you cannot be shared again');
  // Sharing is DAV:share, part of CY:admin (`a`), as in Cyrus.
  requireAccess(ctx, resource, 'admin');
  const request = parseShareRequest(await requestXml(ctx));
  const resolved: { instruction: ShareInstruction; sharee: Sharee }[] = [];
  for (const instruction of request.sharees) {
    const sharee = await resolveSharee(ctx.deps.store, ctx.deps.config, instruction.href, ctx.url);
    if (!sharee) throw conditionError({ name: '{DAV:}recognized-principal' }, `${instruction.href} is not a user of this server`);
    // Sharing with the owner would only take the owner's own rights away.
    if (sharee.type === 'user' && sharee.user.name === collection.owner) continue;
    resolved.push({ instruction, sharee });
  }
  let acl = parseAclString(collection.acl);
  for (const { instruction, sharee } of resolved) acl = applyShareAccess(acl, sharee, instruction.access);
  if (!ctx.deps.config.anyoneuseracl && !ctx.principal?.isAdmin && resolved.some((r) => r.sharee.type !== 'user' && r.instruction.access !== 'no-access')) {
    throw conditionError({ name: '{DAV:}allowed-principal' }, 'Only administrators may share with everyone here (anyoneuseracl is off)');
  }
  const now = ctx.deps.now();
  await ctx.deps.store.collections.setAcl(collection.path, formatAclString(acl), now);
  // What every invitation says about the calendar and its sharer, read once.
  const sharerName = collection.owner === null ? null : (await ctx.deps.store.users.get(collection.owner))?.displayname ?? collection.owner;
  const collectionProps = await invitedCollectionProps(ctx, collection);
  for (const { instruction, sharee } of resolved) {
    // Invitations are for users; a public calendar has no owner to name its "<owner>.<calendar>"
    // alias after, so its users just get the rights and read it at its own URL.
    if (sharee.type !== 'user' || collection.owner === null) continue;
    const name = sharee.user.name;
    if (instruction.access === 'no-access') {
      await ctx.deps.store.shares.remove(collection.id, name);
      await deleteNotification(ctx.deps, name, inviteName(collection.id));
      continue;
    }
    await ctx.deps.store.shares.invite(collection.id, name, instruction.comment, now);
    const share = await ctx.deps.store.shares.get(collection.id, name);
    const document = inviteNotification(now, {
      sharer: collection.owner,
      sharerName: sharerName ?? collection.owner,
      sharedPath: collection.path,
      status: share?.status ?? 'invite-noresponse',
      access: instruction.access,
      comment: instruction.comment,
      collectionProps,
    });
    await storeNotification(ctx.deps, name, inviteName(collection.id), toXml(document));
  }
  return new Response(null, { status: 204 });
}

/**
 * The ACL after giving a sharee an access level. Only the letters sharing manages change; other
 * rights granted through the ACL method stay. Shares with everyone differ from Cyrus in two
 * ways: they leave out `w`, which Cyrus adds for JMAP clients (every user could otherwise rename
 * a public calendar), and unsharing keeps `9`, so that free-busy stays as provisioned.
 */
export function applyShareAccess(acl: readonly AclEntry[], sharee: Sharee, access: ShareAccessRequest): AclEntry[] {
  const set = (entries: readonly AclEntry[], identifier: string, everyone: boolean): AclEntry[] => {
    const key = identifier.startsWith('-') ? identifier.slice(1) : identifier;
    const negative = identifier.startsWith('-');
    const current = entries.find((e) => e.identifier === key && e.negative === negative)?.rights ?? '';
    const base = subtractRights(current, everyone ? subtractRights(SHARE_RIGHTS, '9') : SHARE_RIGHTS);
    const granted = access === 'no-access' ? '' : everyone ? subtractRights(shareAccessRights(access), 'w') : shareAccessRights(access);
    return setAclEntry(entries, identifier, unionRights(base, granted));
  };
  switch (sharee.type) {
    case 'user':
      return set(acl, sharee.user.name, false);
    case 'all':
      return set(acl, 'anyone', true);
    case 'unauthenticated':
      return set(acl, 'anonymous', true);
    case 'authenticated':
      // Cyrus has no identifier for "every logged-in user": anyone, minus the same for anonymous.
      return set(set(acl, 'anyone', true), '-anonymous', true);
  }
}

// --- Internal helpers ---

async function invitedCollectionProps(ctx: DavContext, collection: CollectionRecord): Promise<XmlElement[]> {
  const stored = await ctx.deps.store.properties.get(collection.path);
  const props: XmlElement[] = [];
  const displayname = stored.get(dav('displayname'));
  if (displayname) props.push(deserializeDeadProperty(displayname));
  props.push(el(dav('resourcetype'), [el(dav('collection')), el(caldav('calendar'))]));
  const components = stored.get(caldav('supported-calendar-component-set'));
  if (components) props.push(deserializeDeadProperty(components));
  return props;
}
