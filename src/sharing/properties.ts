// Sharing properties: DAV:share-access, DAV:invite, DAV:sharer-resource-uri (draft-pot-webdav-
// resource-sharing §4), their CalendarServer forms CS:invite, CS:shared-url and
// CS:allowed-sharing-modes (caldav-sharing §5), the CS:shared-owner / CS:shared resource types,
// and DAV:notification-URL / CS:notification-URL on principals.
import { collectionRights } from '../acl/check.ts';
import { shareAccessFromRights } from '../acl/privileges.ts';
import { hasAllRights, parseAclString, subtractRights } from '../acl/rights.ts';
import type { AppConfig } from '../config.ts';
import type { DavContext } from '../dav/context.ts';
import type { PropertyDef } from '../dav/properties/registry.ts';
import { href } from '../dav/properties/webdav.ts';
import type { ListedResource } from '../dav/resource.ts';
import { principalPath } from '../dav/urls.ts';
import { el, type XmlElement } from '../dav/xml/element.ts';
import { caldav, calserver, dav } from '../dav/xml/names.ts';
import { notificationsPath } from '../notifications/collection.ts';
import type { CollectionRecord } from '../storage/index.ts';
import { isSharedAlias, storedCollection } from './alias.ts';
import { shareeAddress } from './sharee.ts';

type CalendarResource = Extract<ListedResource, { kind: 'collection' }>;

const isCalendar = (r: ListedResource): r is CalendarResource => r.kind === 'collection' && r.collection.kind === 'calendar';
const isUserCalendar = (r: ListedResource): r is CalendarResource => isCalendar(r) && r.collection.owner !== null;

export function sharingProperties(config: AppConfig): PropertyDef[] {
  return [
    {
      // Listed before the core resourcetype so that it answers for calendars.
      name: dav('resourcetype'),
      appliesTo: isCalendar,
      inAllprop: true,
      write: 'protected',
      get: ({ ctx, resource }) => {
        if (!isCalendar(resource)) return undefined;
        const marker = sharingMarker(ctx, resource, config);
        return [el(dav('collection')), el(caldav('calendar')), marker ? el(calserver(marker)) : null].filter((e): e is XmlElement => e !== null);
      },
    },
    {
      name: dav('share-access'),
      appliesTo: isUserCalendar,
      write: 'protected',
      get: ({ ctx, resource }) => {
        if (!isCalendar(resource)) return undefined;
        const rights = collectionRights(ctx, resource.collection);
        if (hasAllRights(rights, 'a') && !isSharedAlias(resource.collection)) {
          return el(dav(sharees(resource.collection, config).length > 0 ? 'shared-owner' : 'not-shared'));
        }
        const access = shareAccessFromRights(rights);
        return access === 'no-access' ? undefined : el(dav(access));
      },
    },
    { name: dav('invite'), appliesTo: isUserCalendar, write: 'protected', get: ({ ctx, resource }) => invite(ctx, resource, config, false) },
    { name: calserver('invite'), appliesTo: isUserCalendar, write: 'protected', get: ({ ctx, resource }) => invite(ctx, resource, config, true) },
    { name: dav('sharer-resource-uri'), appliesTo: isCalendar, write: 'protected', get: ({ ctx, resource }) => sharerUri(ctx, resource) },
    { name: calserver('shared-url'), appliesTo: isCalendar, write: 'protected', get: ({ ctx, resource }) => sharerUri(ctx, resource) },
    {
      name: calserver('allowed-sharing-modes'),
      appliesTo: (r) => isUserCalendar(r) && !isSharedAlias(r.collection),
      write: 'protected',
      get: () => [el(calserver('can-be-shared')), el(calserver('can-be-published'))],
    },
    { name: dav('notification-URL'), appliesTo: (r) => r.kind === 'principal', write: 'protected', get: ({ resource }) => notificationUrl(resource) },
    { name: calserver('notification-URL'), appliesTo: (r) => r.kind === 'principal', write: 'protected', get: ({ resource }) => notificationUrl(resource) },
  ];
}

/**
 * The users a collection is shared with: every user other than the owner and the server
 * administrators whose own ACL entry (negative entry subtracted) amounts to read access, as
 * Cyrus `xml_add_sharee` walks the ACL. Rights given to everyone make a calendar public, not shared.
 */
export function sharees(collection: CollectionRecord, config: AppConfig): { user: string; access: 'read' | 'read-write' }[] {
  const entries = parseAclString(collection.acl);
  const result: { user: string; access: 'read' | 'read-write' }[] = [];
  for (const entry of entries) {
    const id = entry.identifier;
    if (entry.negative || id === collection.owner || id === 'anyone' || id === 'anonymous' || id.includes(':') || config.admins.includes(id)) continue;
    const denied = entries.find((e) => e.negative && e.identifier === id)?.rights ?? '';
    const access = shareAccessFromRights(subtractRights(entry.rights, denied));
    if (access !== 'no-access') result.push({ user: id, access });
  }
  return result;
}

// --- Internal helpers ---

function sharingMarker(ctx: DavContext, resource: CalendarResource, config: AppConfig): 'shared' | 'shared-owner' | null {
  const collection = resource.collection;
  if (collection.owner === null) return null;
  if (isSharedAlias(collection)) return 'shared';
  if (hasAllRights(collectionRights(ctx, collection), 'a')) return sharees(collection, config).length > 0 ? 'shared-owner' : null;
  return ctx.principal && ctx.principal.name !== collection.owner ? 'shared' : null;
}

async function invite(ctx: DavContext, resource: ListedResource, config: AppConfig, legacy: boolean): Promise<XmlElement[] | undefined> {
  if (!isCalendar(resource)) return undefined;
  const collection = await storedCollection(ctx, resource.collection);
  const owner = collection.owner!;
  const ownerUser = await ctx.deps.store.users.get(owner);
  const organizer = el(calserver('organizer'), [href(principalPath(owner)), el(calserver('common-name'), ownerUser?.displayname ?? owner)]);
  // Only those who may administer the calendar see who else it is shared with (Cyrus answers 403).
  if (!hasAllRights(collectionRights(ctx, resource.collection), 'a') || isSharedAlias(resource.collection)) {
    return legacy ? [organizer] : undefined;
  }
  const statuses = new Map((await ctx.deps.store.shares.listForCollection(collection.id)).map((s) => [s.sharee, s.status]));
  const elements: XmlElement[] = [];
  for (const { user, access } of sharees(collection, config)) {
    const record = await ctx.deps.store.users.get(user);
    if (!record) continue;
    const address = href(shareeAddress(record, config));
    const status = statuses.get(user) ?? 'invite-noresponse';
    const name = record.displayname ?? record.name;
    elements.push(
      legacy
        ? el(calserver('user'), [address, el(calserver('common-name'), name), el(calserver(status)), el(calserver('access'), el(calserver(access)))])
        : el(dav('sharee'), [address, el(dav('prop'), el(dav('displayname'), name)), el(dav(status)), el(dav('share-access'), el(dav(access)))]),
    );
  }
  return elements;
}

async function sharerUri(ctx: DavContext, resource: ListedResource): Promise<XmlElement | undefined> {
  if (!isCalendar(resource) || !isSharedAlias(resource.collection)) return undefined;
  return href((await storedCollection(ctx, resource.collection)).path);
}

function notificationUrl(resource: ListedResource): XmlElement | undefined {
  return resource.kind === 'principal' ? href(notificationsPath(resource.user.name)) : undefined;
}
