// Password hashing with PBKDF2-SHA-256 through WebCrypto, available on every runtime we target.
// 100,000 iterations is the most Cloudflare Workers allow; the salt is per user.
import { fromBase64, toBase64 } from '../bytes/base64.ts';

const ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;
const SCHEME = 'pbkdf2-sha256';

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, ITERATIONS);
  return `${SCHEME}$${ITERATIONS}$${toBase64(salt)}$${toBase64(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterations, salt, hash] = stored.split('$');
  if (scheme !== SCHEME || !iterations || !salt || !hash) return false;
  const expected = fromBase64(hash);
  const saltBytes = fromBase64(salt);
  if (!expected || !saltBytes) return false;
  const actual = await derive(password, saltBytes, Number(iterations));
  return constantTimeEqual(actual, expected);
}

/**
 * A stored hash of the current kind that no password matches: checking a password against it costs
 * what checking a real user's costs, so that unknown user names take as long to refuse.
 */
export const UNMATCHABLE_HASH = `${SCHEME}$${ITERATIONS}$${'A'.repeat(22)}==$${'A'.repeat(43)}=`;

export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

// --- Internal helpers ---

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

