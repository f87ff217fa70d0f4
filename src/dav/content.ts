// How each kind of collection treats member content: what a PUT may store there, what COPY/MOVE
// may bring in, and whether sub-collections may be created. Areas supply the policies; app.ts
// maps collection kinds to them.
import { sha256, toHex } from '../http/digest.ts';
import type { CalendarObjectIndex, CollectionKind, CollectionRecord, ResourceMeta, ResourceRecord, ResourceWrite, SchedulingEffects } from '../storage/index.ts';
import type { DavContext } from './context.ts';

export interface ContentPolicy {
  /** Turns a request body into what the store keeps, or throws a DavError. */
  prepare(ctx: DavContext, collection: CollectionRecord, name: string, body: Uint8Array, contentType: string | null): Promise<ResourceWrite>;
  /** Checks a resource arriving by COPY/MOVE and returns its index for the target, or throws. */
  acceptTransfer(ctx: DavContext, source: ResourceMeta, target: CollectionRecord, targetName: string): Promise<CalendarObjectIndex | null>;
  /** Largest body accepted, in bytes. */
  maxBytes(ctx: DavContext): number;
  /** Whether MKCOL may create collections inside. */
  allowsSubcollections: boolean;
  /**
   * Runs after a PUT stored a member (implicit scheduling delivers invitations here). `previous`
   * is what was stored before, if anything. May return extra response headers (Schedule-Tag).
   */
  afterWrite?(ctx: DavContext, event: WriteEvent): Promise<Record<string, string> | void>;
  /**
   * Runs before a DELETE removes a member; what it returns is committed in the removal's own batch
   * (implicit scheduling stores the cancellations or declines to send, so none is lost).
   */
  prepareDelete?(ctx: DavContext, event: DeleteEvent): Promise<SchedulingEffects | undefined>;
  /** Runs after a DELETE removed a member (implicit scheduling sends cancellations or declines). */
  afterDelete?(ctx: DavContext, event: DeleteEvent): Promise<void>;
}

export interface WriteEvent {
  collection: CollectionRecord;
  name: string;
  stored: ResourceMeta;
  data: string | Uint8Array;
  previous: ResourceRecord | null;
}

export interface DeleteEvent {
  collection: CollectionRecord;
  name: string;
  previous: ResourceRecord;
}

export type ContentPolicies = (kind: CollectionKind) => ContentPolicy;

export async function strongEtag(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return `"${toHex(await sha256(bytes), 20)}"`;
}

/** Plain WebDAV content (the file area): any bytes, any type, folders allowed. */
export const FILE_CONTENT: ContentPolicy = {
  async prepare(_ctx, _collection, _name, body, contentType) {
    return { contentType: contentType ?? 'application/octet-stream', data: body, etag: await strongEtag(body), size: body.byteLength, index: null };
  },
  async acceptTransfer() {
    return null;
  },
  maxBytes: (ctx) => ctx.deps.config.webdav_max_size,
  allowsSubcollections: true,
};
