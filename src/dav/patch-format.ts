// What an area supplies so that PATCH (RFC 5789) works on the members of a kind of collection: the
// patch document type it understands and how it turns the stored representation into the patched one.
import type { ResourceRecord } from '../storage/index.ts';
import type { DavContext } from './context.ts';

export interface PatchFormat {
  /** The Accept-Patch value (RFC 5789 §3.1), sent in OPTIONS and 415 answers. */
  acceptPatch: string;
  /** Whether a request's Content-Type names this patch document type. */
  accepts(contentType: string | null): boolean;
  /**
   * The patched representation, still to be validated by the collection's content policy; null when
   * the patch changes nothing. Throws a DavError for a patch that is malformed or does not apply.
   */
  apply(ctx: DavContext, current: ResourceRecord, patch: Uint8Array): Promise<Uint8Array | null>;
}
