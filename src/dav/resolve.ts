// Path → DavResource in at most two point queries. 404/409 decisions that depend only on the
// path are made by the handlers from what this returns.
import type { AppConfig } from '../config.ts';
import type { CollectionRecord, Store } from '../storage/index.ts';
import { decodePath, joinPath } from './path.ts';
import type { Area, DavResource, VirtualCollection } from './resource.ts';

const VIRTUAL: Record<string, VirtualCollection> = {
  '': 'root',
  dav: 'dav-root',
  'dav/principals': 'principals',
  'dav/principals/user': 'principal-users',
  'dav/calendars': 'calendars-root',
  'dav/calendars/user': 'calendar-users',
  'dav/drive': 'drive-root',
  'dav/drive/user': 'drive-users',
};

export async function resolveResource(store: Store, config: AppConfig, pathname: string): Promise<DavResource> {
  const { segments, trailingSlash } = decodePath(pathname);
  // A trailing slash on a non-collection still names that resource (MKCOL over it must fail).
  const virtual = virtualCollectionAt(config, segments);
  if (virtual) return { kind: 'virtual', path: joinPath(segments, true), name: virtual };
  const area = areaOf(segments, config);
  if (area === 'principals') {
    const user = segments.length === 4 ? await store.users.get(segments[3]!) : undefined;
    if (user) return { kind: 'principal', path: joinPath(segments, true), user };
    return { kind: 'missing', path: joinPath(segments, trailingSlash), parent: null, name: segments.at(-1) ?? '', area };
  }
  if (area === 'other' && !(segments[0] === 'dav' && segments[1] === 'notifications' && segments[2] === 'user')) {
    return { kind: 'missing', path: joinPath(segments, trailingSlash), parent: null, name: segments.at(-1) ?? '', area };
  }
  // A share its user accepted appears in the home as "<owner>.<calendar>" (Cyrus's shared-collection
  // delimiter). Calendar names cannot contain a dot, so only such names cost the extra lookup.
  if (area === 'calendars' && segments[2] === 'user' && segments.length >= 5 && segments[4]!.includes('.')) {
    const alias = await store.shares.findByAlias(joinPath(segments.slice(0, 5), true));
    if (alias) return memberOfAlias(store, alias, segments, trailingSlash);
  }
  const collectionPath = joinPath(segments, true);
  const parentPath = joinPath(segments.slice(0, -1), true);
  const name = segments.at(-1)!;
  const { collection, parent, member } = await store.collections.findPathTarget(collectionPath, parentPath, name);
  if (collection) return { kind: 'collection', path: collectionPath, collection };
  if (parent && member) return { kind: 'resource', path: parent.path + name, collection: parent, name, meta: member };
  return { kind: 'missing', path: joinPath(segments, trailingSlash), parent: parent ?? null, name, area };
}

/** The storage-less collection named by decoded path segments, if there is one. */
export function virtualCollectionAt(config: AppConfig, segments: readonly string[]): VirtualCollection | undefined {
  const virtual = VIRTUAL[segments.join('/')];
  return virtual && (virtual.startsWith('drive') ? config.httpmodules.has('webdav') : true) ? virtual : undefined;
}

/** What resolveResource answers for `pathname` when nothing is there: the same path form, name and area. */
export function missingAt(config: AppConfig, pathname: string, parent: CollectionRecord | null): Extract<DavResource, { kind: 'missing' }> {
  const { segments, trailingSlash } = decodePath(pathname);
  return { kind: 'missing', path: joinPath(segments, trailingSlash), parent, name: segments.at(-1) ?? '', area: areaOf(segments, config) };
}

async function memberOfAlias(store: Store, alias: CollectionRecord, segments: readonly string[], trailingSlash: boolean): Promise<DavResource> {
  if (segments.length === 5) return { kind: 'collection', path: alias.path, collection: alias };
  const name = segments[5]!;
  const record = segments.length === 6 ? await store.resources.get(alias.id, name) : undefined;
  if (record) return { kind: 'resource', path: alias.path + name, collection: alias, name, meta: record };
  return { kind: 'missing', path: joinPath(segments, trailingSlash), parent: segments.length === 6 ? alias : null, name: segments.at(-1)!, area: 'calendars' };
}

function areaOf(segments: readonly string[], config: AppConfig): Area {
  if (segments[0] !== 'dav') return 'other';
  if (segments[1] === 'principals' && segments[2] === 'user') return 'principals';
  if (segments[1] === 'calendars' && config.httpmodules.has('caldav')) return 'calendars';
  if (segments[1] === 'drive' && segments[2] === 'user' && segments.length >= 4 && config.httpmodules.has('webdav')) return 'drive';
  return 'other';
}
