// The calendar area's structural rules: which collections may live where, their starting ACLs
// (the seed's "Default WebDAV Privileges by Collection"), and which may not be deleted.
import type { DavContext } from '../dav/context.ts';
import { conditionError, DavError } from '../dav/errors.ts';
import type { DavResource } from '../dav/resource.ts';
import type { CollectionKind } from '../storage/index.ts';
import { deserializeDeadProperty } from '../dav/properties/registry.ts';
import { textContent } from '../dav/xml/element.ts';
import { caldav } from '../dav/xml/names.ts';
import { hrefToPath } from '../dav/path.ts';
import { aclKind } from '../acl/check.ts';
import { defaultAcl } from '../acl/privileges.ts';
import { formatAclString } from '../acl/rights.ts';

/** The seed's "Default WebDAV Privileges by Collection", as Cyrus ACL text. */
export function defaultCollectionAcl(kind: CollectionKind, owner: string | null): string {
  return formatAclString(defaultAcl(aclKind(kind), owner));
}

export function canContain(parent: DavResource, child: CollectionKind): boolean {
  if (parent.kind === 'virtual') return parent.name === 'calendars-root' && child === 'calendar';
  if (parent.kind !== 'collection') return false;
  switch (parent.collection.kind) {
    case 'calendar-home':
      return child === 'calendar';
    case 'drive-home':
    case 'folder':
      return child === 'folder';
    default:
      return false;
  }
}

/** WebDAV folders inherit their parent's ACL; calendars start from the seed's defaults. */
export function initialAcl(_ctx: DavContext, kind: CollectionKind, parent: DavResource): string {
  if (parent.kind === 'collection' && (kind === 'folder' || parent.collection.kind === 'folder')) return parent.collection.acl;
  const owner = parent.kind === 'collection' ? parent.collection.owner : null;
  return defaultCollectionAcl(kind, owner);
}

export async function checkDeletable(ctx: DavContext, resource: DavResource): Promise<void> {
  if (resource.kind !== 'collection') return;
  const kind = resource.collection.kind;
  if (kind === 'calendar-home' || kind === 'drive-home') throw new DavError(403, undefined, 'A home collection cannot be deleted; delete the user instead');
  if (kind === 'schedule-inbox' || kind === 'schedule-outbox') throw new DavError(403, undefined, 'The scheduling Inbox and Outbox cannot be deleted');
  if (kind === 'calendar' && resource.collection.owner) {
    const inbox = `${resource.collection.parentPath}Inbox/`;
    const stored = (await ctx.deps.store.properties.get(inbox)).get(caldav('schedule-default-calendar-URL'));
    const defaultPath = stored ? hrefToPath(textContent(deserializeDeadProperty(stored)), ctx.url) : `${resource.collection.parentPath}Default/`;
    if (defaultPath === resource.path) {
      throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}default-calendar-needed' }, 'The default calendar cannot be deleted (RFC 6638 §9.2)');
    }
  }
}
