// What a request may learn about the resource at a URL. A principal sees the namespace as if
// everything they may not see were absent, and every answer (status, precondition, If header,
// Destination, allowed methods) is computed from that view, so that it is the same whether what
// they may not see exists or not (RFC 9110 §15.5.5 lets a server hide a forbidden target behind a
// 404; RFC 4918 §9 and RFC 3744 §7.1.1 then apply to the view as they would to the real state).
import type { DavContext } from '../dav/context.ts';
import { decodePath, joinPath } from '../dav/path.ts';
import { missingAt, virtualCollectionAt } from '../dav/resolve.ts';
import type { DavResource, ResourceView } from '../dav/resource.ts';
import type { CollectionRecord } from '../storage/index.ts';
import { collectionRights, hasAccess } from './check.ts';
import { hasAllRights, hasAnyRight } from './rights.ts';

/**
 * Rights that make a collection known: lookup (Cyrus ACL_LOOKUP), or any right to act on it or in
 * it, whose answers tell its holder that it is there anyway. Read without lookup, and the
 * free-busy and scheduling-delivery rights (9, 8, 7) on their own, do not.
 */
const KNOWS_COLLECTION = 'lwipkxtena';
/**
 * Rights that make the members of a collection known: reading it (`lr`, which lists them), or a
 * right to act on members by name, whose holder RFC 4918 answers 201 or 204, 404 or 204 anyway.
 */
const KNOWS_MEMBERS = 'iktena';

/**
 * The principal's view of `resource`, which was resolved from `pathname`.
 *
 * Knowing that nothing is at a URL takes knowing the collection that would hold it, the way one
 * learns of a missing entry from the directory that would list it. Directly below a collection the
 * principal may know of (or a fixed one such as /dav/calendars/user/), the view is a plain missing
 * resource, answered as it would be for the owner (404, 403 need-privileges, 409). Deeper down only
 * the owner can tell a missing collection from one they may not see (knownContainer), so for
 * everyone else the target is hidden; the home of a user who does not exist thus looks like the
 * home of one who granted nothing.
 */
export async function visibleResource(ctx: DavContext, resource: DavResource, pathname: string): Promise<ResourceView> {
  const seen = (shown: DavResource): ResourceView => ({ resource: shown, hidden: false, freeBusyTarget: null });
  if (ctx.principal?.isAdmin) return seen(resource);
  switch (resource.kind) {
    case 'virtual':
    case 'principal':
      return seen(resource);
    case 'collection':
      if (knowsCollection(ctx, resource.collection)) return seen(resource);
      break;
    case 'resource':
      if (knowsMembers(ctx, resource.collection)) return seen(resource);
      break;
    case 'missing':
      if (resource.parent && knowsCollection(ctx, resource.parent)) return seen(resource);
      break;
  }
  const container = await knownContainer(ctx, resource, pathname);
  const parent = container === 'hidden' || container === 'missing' ? null : container;
  const freeBusyTarget = readsFreeBusyOnly(ctx, resource) ? resource : null;
  return { resource: missingAt(ctx.deps.config, pathname, parent), hidden: container === 'hidden', freeBusyTarget };
}

// --- Internal helpers ---

function knowsCollection(ctx: DavContext, collection: CollectionRecord): boolean {
  return hasAnyRight(collectionRights(ctx, collection), KNOWS_COLLECTION);
}

function knowsMembers(ctx: DavContext, collection: CollectionRecord): boolean {
  const rights = collectionRights(ctx, collection);
  return hasAllRights(rights, 'lr') || hasAnyRight(rights, KNOWS_MEMBERS);
}

type Container = CollectionRecord | null | 'missing' | 'hidden';

/**
 * What the principal may know of the collection that would hold `pathname`: that collection when
 * they may know it (null for a fixed, storage-less one), 'missing' when it is missing below a
 * collection they may know, or 'hidden'. Below a known collection, a collection that is not there
 * and one the principal may not see can be told apart only by its owner, who holds lookup on every
 * collection of theirs (the owner always keeps `a`, evaluate.ts), and by administrators; for anyone
 * else both are hidden, and so is everything below them. The stored collections on the way are
 * read in one query.
 */
async function knownContainer(ctx: DavContext, resource: DavResource, pathname: string): Promise<Container> {
  const { segments } = decodePath(pathname);
  const ancestors = segments.map((_, i) => segments.slice(0, i));
  const paths = ancestors.map((parts) => joinPath(parts, true));
  const records = await ctx.deps.store.collections.getMany(paths);
  // Resolution may have found the holder under another path (an accepted share's alias).
  const holder = resource.kind === 'resource' ? resource.collection : resource.kind === 'missing' ? resource.parent : null;
  if (holder && paths.length > 0) records.set(paths.at(-1)!, holder);
  let state: Container = 'hidden';
  for (const [i, parts] of ancestors.entries()) {
    const record = records.get(paths[i]!);
    if (virtualCollectionAt(ctx.deps.config, parts)) state = null;
    else if (record && knowsCollection(ctx, record)) state = record;
    else state = state === 'missing' || ownsEveryChild(ctx, state) ? 'missing' : 'hidden';
  }
  return state;
}

function ownsEveryChild(ctx: DavContext, state: Container): boolean {
  return typeof state === 'object' && state !== null && state.owner !== null && state.owner === ctx.principal?.name;
}

/** Right 9 lets its holder ask a calendar or home for busy time even where they may see nothing else. */
function readsFreeBusyOnly(ctx: DavContext, resource: DavResource): boolean {
  if (resource.kind !== 'collection') return false;
  const kind = resource.collection.kind;
  return (kind === 'calendar' || kind === 'calendar-home') && hasAccess(ctx, resource, 'read-free-busy');
}
