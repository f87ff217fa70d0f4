// The push topic of a collection (draft §2.1): server-wide unique and stable for the collection's
// life. It also goes into the Topic header the push service reads (RFC 8030 §5.4: at most 32
// base64url characters), so it is a hash of the collection's sync id, which reveals nothing.
import { toBase64Url } from '../bytes/base64.ts';

const encoder = new TextEncoder();

export async function pushTopic(collection: { syncId: string }): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(`webdav-push topic ${collection.syncId}`)));
  return toBase64Url(digest.slice(0, 16));
}
