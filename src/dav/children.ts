// Members of a collection as DavResources, for PROPFIND Depth 1 and reports. A stored collection
// lists its sub-collections in one query and its resources a page at a time, so that a listing of
// any size holds one page in memory; callers that want collections only never read resources.
import { hasAccess } from '../acl/check.ts';
import type { DavContext } from './context.ts';
import type { DavResource, ListedResource, VirtualCollection } from './resource.ts';
import type { CollectionRecord } from '../storage/index.ts';
import { calendarHomePath, driveHomePath, principalPath } from './urls.ts';

/** The collections among the members the request may see (all members, for virtual collections). */
export async function listChildCollections(ctx: DavContext, resource: DavResource): Promise<DavResource[]> {
  if (resource.kind !== 'collection') return (await virtualChildren(ctx, resource)).filter((child) => visible(ctx, child));
  const store = ctx.deps.store;
  const collection = resource.collection;
  const [subcollections, subscriptions] = await Promise.all([
    store.collections.listChildren(collection.path),
    // Shares the home's user accepted are members of the home too, at their alias paths.
    collection.kind === 'calendar-home' && collection.owner ? store.shares.listSubscriptions(collection.owner) : [],
  ]);
  return visibleCollections(ctx, [...subcollections, ...subscriptions]);
}

/** Stored collections as members, those the request may see. */
export function visibleCollections(ctx: DavContext, collections: readonly CollectionRecord[]): DavResource[] {
  return collections.map((c): DavResource => ({ kind: 'collection', path: c.path, collection: c })).filter((child) => visible(ctx, child));
}

/** The members the request may see, page by page: collections first, then resources in name order. */
export async function* childPages(ctx: DavContext, resource: DavResource): AsyncGenerator<ListedResource[]> {
  const collections = await listChildCollections(ctx, resource);
  if (collections.length > 0) yield collections;
  if (resource.kind !== 'collection') return;
  const collection = resource.collection;
  for await (const metas of ctx.deps.store.resources.iterateMeta(collection.id)) {
    yield metas.map((meta): ListedResource => ({ kind: 'resource', path: collection.path + meta.name, collection, name: meta.name, meta }));
  }
}

// --- Internal helpers ---

/** Resources are listed to whoever may read their collection; sub-collections need their own right. */
function visible(ctx: DavContext, child: DavResource): boolean {
  return child.kind === 'resource' || hasAccess(ctx, child, 'read') || lookupOnly(ctx, child);
}

async function virtualChildren(ctx: DavContext, resource: DavResource): Promise<DavResource[]> {
  const store = ctx.deps.store;
  const config = ctx.deps.config;
  if (resource.kind !== 'virtual') return [];
  const virtual = (path: string, name: VirtualCollection): DavResource => ({ kind: 'virtual', path, name });
  const me = ctx.principal;
  switch (resource.name) {
    case 'root':
      return [virtual('/dav/', 'dav-root')];
    case 'dav-root': {
      const list = [virtual('/dav/principals/', 'principals'), virtual('/dav/calendars/', 'calendars-root')];
      if (config.httpmodules.has('webdav')) list.push(virtual('/dav/drive/', 'drive-root'));
      return list;
    }
    case 'principals':
      return [virtual('/dav/principals/user/', 'principal-users')];
    case 'principal-users': {
      const users = me?.isAdmin ? await store.users.list() : me ? [me.user] : [];
      return users.map((user): DavResource => ({ kind: 'principal', path: principalPath(user.name), user }));
    }
    case 'calendars-root': {
      const publics = await store.collections.listChildren('/dav/calendars/');
      return [virtual('/dav/calendars/user/', 'calendar-users'), ...publics.map((c): DavResource => ({ kind: 'collection', path: c.path, collection: c }))];
    }
    case 'calendar-users':
      return homes(ctx, calendarHomePath);
    case 'drive-root':
      return [virtual('/dav/drive/user/', 'drive-users')];
    case 'drive-users':
      return homes(ctx, driveHomePath);
  }
}

async function homes(ctx: DavContext, pathOf: (user: string) => string): Promise<DavResource[]> {
  const me = ctx.principal;
  if (!me) return [];
  const names = me.isAdmin ? (await ctx.deps.store.users.list()).map((u) => u.name) : [me.name];
  const result: DavResource[] = [];
  for (const name of names) {
    const collection = await ctx.deps.store.collections.get(pathOf(name));
    if (collection) result.push({ kind: 'collection', path: collection.path, collection });
  }
  return result;
}

function lookupOnly(ctx: DavContext, resource: DavResource): boolean {
  return resource.kind === 'collection' && hasAccess(ctx, resource, 'read-free-busy');
}
