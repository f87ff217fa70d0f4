// SHA-256 for the hot paths: the credential-cache key of every request and the ETag of every write.
// WebCrypto's digest() is a job on another thread; for inputs of a few kilobytes its fixed cost
// (about 50 µs in Node) is over ten times that of hashing in JavaScript, so small inputs are hashed
// synchronously with @noble/hashes and only large ones (attachments, files) go to WebCrypto.
import { sha256 as sha256Sync } from '@noble/hashes/sha2.js';

const SYNC_LIMIT_BYTES = 64 * 1024;

export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes.byteLength <= SYNC_LIMIT_BYTES) return sha256Sync(bytes);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

export async function sha256Hex(text: string): Promise<string> {
  return toHex(await sha256(new TextEncoder().encode(text)));
}

export function toHex(bytes: Uint8Array, length = bytes.length): string {
  let hex = '';
  for (let i = 0; i < length; i++) hex += bytes[i]!.toString(16).padStart(2, '0');
  return hex;
}
