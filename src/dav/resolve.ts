// Path → DavResource in at most three point queries. 404/409 decisions that depend only on the
// path are made by the handlers from what this returns.
import type { AppConfig } from '../config.ts';
import type { Store } from '../storage/index.ts';
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
  const joined = segments.join('/');
  const virtual = VIRTUAL[joined];
  if (virtual && (virtual.startsWith('drive') ? config.httpmodules.has('webdav') : true)) {
    return { kind: 'virtual', path: joinPath(segments, true), name: virtual };
  }
  const area = areaOf(segments, config);
  if (area === 'principals') {
    const user = segments.length === 4 ? await store.users.get(segments[3]!) : undefined;
    if (user) return { kind: 'principal', path: joinPath(segments, true), user };
    return { kind: 'missing', path: joinPath(segments, trailingSlash), parent: null, name: segments.at(-1) ?? '', area };
  }
  if (area === 'other') {
    return { kind: 'missing', path: joinPath(segments, trailingSlash), parent: null, name: segments.at(-1) ?? '', area };
  }
  const collectionPath = joinPath(segments, true);
  const parentPath = joinPath(segments.slice(0, -1), true);
  const found = await store.collections.getMany([collectionPath, parentPath]);
  const collection = found.get(collectionPath);
  if (collection) return { kind: 'collection', path: collectionPath, collection };
  const name = segments.at(-1)!;
  const parent = found.get(parentPath);
  if (parent) {
    const record = await store.resources.get(parent.id, name);
    if (record) return { kind: 'resource', path: parent.path + name, collection: parent, name, meta: record };
  }
  return { kind: 'missing', path: joinPath(segments, trailingSlash), parent: parent ?? null, name, area };
}

function areaOf(segments: readonly string[], config: AppConfig): Area {
  if (segments[0] !== 'dav') return 'other';
  if (segments[1] === 'principals' && segments[2] === 'user') return 'principals';
  if (segments[1] === 'calendars' && config.httpmodules.has('caldav')) return 'calendars';
  if (segments[1] === 'drive' && segments[2] === 'user' && segments.length >= 4 && config.httpmodules.has('webdav')) return 'drive';
  return 'other';
}
