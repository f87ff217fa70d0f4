// Where an accepted share lives: "<owner>.<calendar>" in the sharee's calendar home (Cyrus
// SHARED_COLLECTION_DELIM), resolved to the sharer's collection with the sharee's rights.
import type { DavContext } from '../dav/context.ts';
import { notFound } from '../dav/errors.ts';
import { lastSegment } from '../dav/path.ts';
import type { DavResource } from '../dav/resource.ts';
import { calendarHomePath } from '../dav/urls.ts';
import type { CollectionRecord } from '../storage/index.ts';

/** The path a share of `collection` takes in `sharee`'s home. */
export function aliasPathFor(sharee: string, collection: CollectionRecord): string {
  return `${calendarHomePath(sharee)}${collection.owner}.${lastSegment(collection.path)}/`;
}

/**
 * Whether a collection record is a share seen at its alias path: stored collections always live
 * under their owner's home, so a record owned by someone else than the home it appears in is one.
 */
export function isSharedAlias(collection: CollectionRecord): boolean {
  if (collection.owner === null) return false;
  const match = /^\/dav\/calendars\/user\/([^/]+)\//.exec(collection.path);
  return match !== null && match[1] !== collection.owner;
}

export function isAliasResource(resource: DavResource): resource is Extract<DavResource, { kind: 'collection' }> {
  return resource.kind === 'collection' && isSharedAlias(resource.collection);
}

/** The stored collection behind a record, which is the record itself unless it is an alias. */
export async function storedCollection(ctx: DavContext, collection: CollectionRecord): Promise<CollectionRecord> {
  if (!isSharedAlias(collection)) return collection;
  const stored = await ctx.deps.store.collections.getById(collection.id);
  if (!stored) throw notFound();
  return stored;
}
