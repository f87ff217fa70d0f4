// What the calendar management page shows about each calendar of a home (the columns of Cyrus's
// calendar admin page), read through the same listing, properties and rights checks as PROPFIND.
import { hasAccess, rightsOfUser } from '../acl/check.ts';
import { shareAccessFromRights } from '../acl/privileges.ts';
import { hasAllRights } from '../acl/rights.ts';
import { componentsFromElement } from '../caldav/components.ts';
import { listChildCollections } from '../dav/children.ts';
import type { DavContext } from '../dav/context.ts';
import { encodePath, hrefToPath, lastSegment } from '../dav/path.ts';
import { loadDeadProperties } from '../dav/properties/compute.ts';
import { deserializeDeadProperty } from '../dav/properties/registry.ts';
import type { DavResource } from '../dav/resource.ts';
import { childElements, textContent, type XmlElement } from '../dav/xml/element.ts';
import { appleIcal, caldav, dav } from '../dav/xml/names.ts';
import { isSharedAlias } from '../sharing/alias.ts';
import { sharees } from '../sharing/properties.ts';
import type { CollectionRecord, InviteStatus } from '../storage/index.ts';

export type CollectionResource = Extract<DavResource, { kind: 'collection' }>;

export interface Sharee {
  user: string;
  access: 'read' | 'read-write';
  /** The invitation's state when the sharing extension recorded one. */
  status: InviteStatus | null;
}

export interface CalendarSummary {
  /** Decoded path, and its encoded form for links and requests. */
  path: string;
  href: string;
  segment: string;
  displayName: string;
  description: string;
  /** A colour already checked to be safe inside a style sheet, else null. */
  color: string | null;
  order: number | null;
  components: string[];
  timezone: string | null;
  transparent: boolean;
  isDefault: boolean;
  isPublic: boolean;
  /** The sharer, when this is someone else's calendar shared into this home. */
  sharedBy: string | null;
  count: number;
  bytes: number;
  sharees: Sharee[];
  freeBusyPath: string | null;
  can: { edit: boolean; share: boolean; import: boolean; remove: boolean };
}

/** A share offered to the viewer and not answered yet (draft-pot-webdav-resource-sharing §4.4). */
export interface Invitation {
  /** The sharer's calendar, which an invite-reply names. */
  href: string;
  sharer: string;
  name: string;
  access: 'read' | 'read-write';
}

/** The readable calendars of a home, sorted by calendar-order then name (as Cyrus sorts them). */
export async function loadCalendars(ctx: DavContext, home: CollectionResource): Promise<CalendarSummary[]> {
  const children = await listChildCollections(ctx, home);
  const calendars = children.filter(
    (child): child is CollectionResource => child.kind === 'collection' && child.collection.kind === 'calendar' && hasAccess(ctx, child, 'read'),
  );
  // The Inbox names the default calendar; its properties come in the same query (only paths matter there).
  const inboxPath = `${home.path}Inbox/`;
  const dead = await loadDeadProperties(ctx, [...calendars, { kind: 'collection', path: inboxPath, collection: home.collection }]);
  const defaultPath = defaultCalendarPath(ctx, home.path, dead.get(inboxPath)?.get(caldav('schedule-default-calendar-URL')));
  const summaries = await Promise.all(
    calendars.map((calendar) => summarize(ctx, calendar, dead.get(calendar.path) ?? new Map(), calendar.path === defaultPath)),
  );
  return summaries.sort(compareCalendars);
}

/** Invitations waiting for the user's answer whose calendar still exists and is still shared. */
export async function loadInvitations(ctx: DavContext, user: string): Promise<Invitation[]> {
  const pending = (await ctx.deps.store.shares.listForSharee(user)).filter((share) => share.status === 'invite-noresponse');
  const invitations: Invitation[] = [];
  for (const share of pending) {
    const collection = await ctx.deps.store.collections.getById(share.collectionId);
    const access = collection ? shareAccessFromRights(rightsOfUser(collection, { name: user, isAdmin: false }, ctx.deps.config)) : 'no-access';
    if (!collection || access === 'no-access') continue;
    const stored = (await ctx.deps.store.properties.get(collection.path)).get(dav('displayname'));
    const name = stored ? textContent(deserializeDeadProperty(stored)).trim() : '';
    invitations.push({ href: encodePath(collection.path), sharer: collection.owner ?? '', name: name || lastSegment(collection.path), access });
  }
  return invitations;
}

/** A colour value that cannot break out of a CSS declaration: hex digits or a colour keyword. */
export function safeColor(value: string): string | null {
  const trimmed = value.trim();
  return /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(trimmed) || /^[a-z]{3,20}$/i.test(trimmed) ? trimmed : null;
}

// --- Internal helpers ---

async function summarize(ctx: DavContext, calendar: CollectionResource, props: Map<string, XmlElement>, isDefault: boolean): Promise<CalendarSummary> {
  const record = calendar.collection;
  const text = (name: string): string => {
    const element = props.get(name);
    return element ? textContent(element).trim() : '';
  };
  const sharedBy = isSharedAlias(record) ? record.owner : null;
  const canShare = sharedBy === null && hasAccess(ctx, calendar, 'admin');
  const [usage, sharees] = await Promise.all([ctx.deps.store.resources.countAndSize(record.id), canShare ? shareesOf(ctx, record) : []]);
  const componentSet = props.get(caldav('supported-calendar-component-set'));
  const order = Number.parseInt(text(appleIcal('calendar-order')), 10);
  const owner = record.owner;
  const transp = props.get(caldav('schedule-calendar-transp'));
  return {
    path: calendar.path,
    href: encodePath(calendar.path),
    segment: lastSegment(calendar.path),
    displayName: text(dav('displayname')),
    description: text(caldav('calendar-description')),
    color: safeColor(text(appleIcal('calendar-color'))),
    order: Number.isFinite(order) ? order : null,
    components: componentSet ? componentsFromElement(componentSet) : [...ctx.deps.config.calendar_component_set],
    timezone: text(caldav('calendar-timezone-id')) || null,
    transparent: transp !== undefined && childElements(transp).some((c) => c.name === caldav('transparent')),
    isDefault,
    // What an anonymous request may do, negative entries included (sharing with DAV:authenticated is `anyone` less `anonymous`).
    isPublic: hasAllRights(rightsOfUser(record, null, ctx.deps.config), 'lr'),
    sharedBy,
    count: usage.count,
    bytes: usage.bytes,
    sharees,
    freeBusyPath: owner && ctx.deps.config.httpmodules.has('freebusy') ? encodePath(`/freebusy/user/${owner}/${lastSegment(storedPath(record))}`) : null,
    can: {
      edit: hasAccess(ctx, calendar, 'write-properties'),
      share: canShare,
      import: hasAccess(ctx, { kind: 'missing', path: `${calendar.path}new.ics`, parent: record, name: 'new.ics', area: 'calendars' }, 'write-content'),
      remove: !isDefault && (sharedBy !== null || hasAccess(ctx, calendar, 'remove-collection')),
    },
  };
}

/** The users the calendar is shared with (as DAV:invite lists them), with the invitation state if any. */
async function shareesOf(ctx: DavContext, record: CollectionRecord): Promise<Sharee[]> {
  const invitations = new Map((await ctx.deps.store.shares.listForCollection(record.id)).map((share) => [share.sharee, share.status]));
  return sharees(record, ctx.deps.config).map((sharee) => ({ ...sharee, status: invitations.get(sharee.user) ?? null }));
}

/** The calendar DELETE refuses to remove (caldav/rules.ts): the Inbox's default, else Default/. */
function defaultCalendarPath(ctx: DavContext, homePath: string, stored: XmlElement | undefined): string {
  const fromInbox = stored ? hrefToPath(textContent(stored).trim(), ctx.url) : null;
  return fromInbox ?? `${homePath}Default/`;
}

/** A shared alias carries the sharer's record with the alias path; the stored name is the part after the dot. */
function storedPath(record: CollectionRecord): string {
  if (!isSharedAlias(record)) return record.path;
  const segment = lastSegment(record.path);
  return `/${segment.slice(segment.indexOf('.') + 1)}/`;
}

function compareCalendars(a: CalendarSummary, b: CalendarSummary): number {
  const orderA = a.order ?? Number.POSITIVE_INFINITY;
  const orderB = b.order ?? Number.POSITIVE_INFINITY;
  if (orderA !== orderB) return orderA < orderB ? -1 : 1;
  return (a.displayName || a.segment).localeCompare(b.displayName || b.segment);
}
