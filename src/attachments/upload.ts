// The body of an attachment-add or attachment-update (RFC 8607 §3.3, §3.4), streamed into the
// owner's attachment store as it arrives, hashed on the way and written a few chunks (2 MiB) per
// transaction, so that a large file never sits whole in memory; refused past CALDAV:max-attachment-size (413) or the owner's storage quota
// (507, DAV:quota-not-exceeded, RFC 4331 §6).
import { sha256 } from '@noble/hashes/sha2.js';
import { badRequest, conditionError, DavError } from '../dav/errors.ts';
import type { DavContext } from '../dav/context.ts';
import { toHex } from '../http/digest.ts';
import type { BlobUpload } from '../storage/index.ts';

/** Rows of the chunk table: small enough for every backend (D1 caps a row near 2 MB), large enough to keep the row count low. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Chunks written per transaction: 2 MiB held per upload at most, and a commit per 2 MiB rather than
 * per chunk (commits dominate the cost of writing), without holding the database's single writer
 * for the whole of a slow upload.
 */
const CHUNKS_PER_WRITE = 8;

/** What a stopped server or abandoned request may leave behind is swept after this long. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

export interface StoredBody {
  blobId: number;
  hash: string;
  size: number;
}

export async function storeAttachmentBody(ctx: DavContext, owner: string): Promise<StoredBody> {
  const { store, config } = ctx.deps;
  const maxBytes = config.caldav_attach_maxsize;
  const declared = ctx.request.headers.get('content-length');
  if (declared !== null && maxBytes > 0 && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  await store.attachments.sweep(owner, ctx.deps.now() - ABANDONED_AFTER_MS);
  const quota = config.caldav_attach_quota;
  const usedBefore = quota > 0 ? await store.attachments.usedBytes(owner) : 0;
  if (declared !== null && quota > 0 && usedBefore + Number(declared) > quota) throw overQuota(quota, usedBefore);
  if (!ctx.request.body) throw badRequest('An attachment needs a request body');

  const upload = await store.attachments.beginBlob(owner, ctx.deps.now());
  const reader = ctx.request.body.getReader();
  const hash = sha256.create();
  let buffer = new Uint8Array(CHUNK_BYTES);
  let filled = 0;
  let size = 0;
  let seq = 0;
  let pending: Uint8Array[] = [];
  const flush = async () => {
    await store.attachments.appendChunks(upload, seq, pending);
    seq += pending.length;
    pending = [];
  };
  try {
    for (;;) {
      let read: ReadableStreamReadResult<Uint8Array>;
      try {
        read = await reader.read();
      } catch (error) {
        throw badRequest(`The attachment could not be read in full: ${(error as Error).message}`);
      }
      if (read.done) break;
      const piece = read.value;
      size += piece.byteLength;
      if (maxBytes > 0 && size > maxBytes) throw tooLarge(maxBytes);
      if (quota > 0 && usedBefore + size > quota) throw overQuota(quota, usedBefore);
      hash.update(piece);
      let offset = 0;
      while (offset < piece.byteLength) {
        const take = Math.min(CHUNK_BYTES - filled, piece.byteLength - offset);
        buffer.set(piece.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === CHUNK_BYTES) {
          pending.push(buffer);
          buffer = new Uint8Array(CHUNK_BYTES);
          filled = 0;
          if (pending.length === CHUNKS_PER_WRITE) await flush();
        }
      }
    }
    if (size === 0) throw badRequest('An attachment needs a request body (RFC 8607 §3.3)');
    if (filled > 0) pending.push(buffer.subarray(0, filled));
    await flush();
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    await discard(ctx, upload);
    throw error;
  }
  const digest = toHex(hash.digest());
  const blobId = await store.attachments.finishBlob(upload, digest);
  return { blobId, hash: digest, size };
}

// --- Internal helpers ---

async function discard(ctx: DavContext, upload: BlobUpload): Promise<void> {
  try {
    await ctx.deps.store.attachments.discardBlob(upload);
  } catch (error) {
    // The sweep removes it later; the client's error is the one to report.
    ctx.deps.logger.error('Could not discard an attachment upload', { error: String(error) });
  }
}

function tooLarge(maxBytes: number): DavError {
  return conditionError({ name: '{urn:ietf:params:xml:ns:caldav}max-attachment-size' }, `Attachments may be at most ${maxBytes} bytes (CALDAV:max-attachment-size)`);
}

function overQuota(quota: number, used: number): DavError {
  return conditionError({ name: '{DAV:}quota-not-exceeded' }, `This upload would exceed the owner's attachment storage of ${quota} bytes (${used} in use)`);
}
