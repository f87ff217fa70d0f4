// What a request path resolves to. Handlers switch on `kind`; nothing else re-parses the path.
import type { CollectionRecord, MemberMeta, ResourceMeta, UserRecord } from '../storage/index.ts';

/** Fixed, storage-less collections of the URL namespace (RFC 4918 collections with no state). */
export type VirtualCollection =
  | 'root'
  | 'dav-root'
  | 'principals'
  | 'principal-users'
  | 'calendars-root'
  | 'calendar-users'
  | 'drive-root'
  | 'drive-users';

/**
 * `Meta` is what is known of a member resource: everything, for the resource a request names;
 * `MemberMeta` for a listing's members (`ListedResource`).
 */
export type DavResource<Meta extends MemberMeta = ResourceMeta> =
  | { kind: 'virtual'; path: string; name: VirtualCollection }
  | { kind: 'principal'; path: string; user: UserRecord }
  | { kind: 'collection'; path: string; collection: CollectionRecord }
  | StoredResource<Meta>
  /** Nothing here yet; `parent` is the collection a new member would be created in, if it exists. */
  | { kind: 'missing'; path: string; parent: CollectionRecord | null; name: string; area: Area };

/**
 * A resource of a listing (PROPFIND Depth 1, sync-collection), or the one a request names:
 * property code takes this, and so reads only the metadata a listing reads.
 */
export type ListedResource = DavResource<MemberMeta>;

/** A member resource of a stored collection. */
export interface StoredResource<Meta extends MemberMeta = ResourceMeta> {
  kind: 'resource';
  path: string;
  collection: CollectionRecord;
  name: string;
  meta: Meta;
}

export type Area = 'calendars' | 'drive' | 'principals' | 'other';

/**
 * A resource as one principal may know it. What they may not see is `missing`; `hidden` when they
 * may not even learn whether anything is there, which is answered like a URL that maps to nothing.
 */
export interface ResourceView {
  resource: DavResource;
  hidden: boolean;
  /** A calendar or home behind the view whose busy time the principal may still read (Cyrus right 9). */
  freeBusyTarget: DavResource | null;
}
