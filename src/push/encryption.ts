// Message encryption for Web Push (RFC 8291) in the aes128gcm content coding (RFC 8188), through
// WebCrypto alone so that it runs on every runtime: an ephemeral ECDH key pair per message, the
// shared secret mixed with the user agent's auth secret, one record holding the whole message.
import { fromBase64Url } from '../bytes/base64.ts';
import { concatBytes } from '../bytes/concat.ts';

/** The record size announced in the header; push messages are far smaller (RFC 8030 allows 4096 bytes). */
const RECORD_SIZE = 4096;
const encoder = new TextEncoder();

export interface SubscriptionKeys {
  /** The user agent's uncompressed P-256 public key (65 bytes). */
  publicKey: Uint8Array<ArrayBuffer>;
  /** Its 16-byte authentication secret. */
  authSecret: Uint8Array<ArrayBuffer>;
}

/** Decodes stored or registered keys; null when they are not a P-256 point and a 16-byte secret. */
export function subscriptionKeys(publicKey: string, authSecret: string): SubscriptionKeys | null {
  const point = fromBase64Url(publicKey);
  const secret = fromBase64Url(authSecret);
  if (!point || point.length !== 65 || point[0] !== 4 || !secret || secret.length !== 16) return null;
  return { publicKey: point, authSecret: secret };
}

/** Checks that the point lies on P-256 (WebCrypto refuses to import one that does not). */
export async function isValidPublicKey(publicKey: Uint8Array<ArrayBuffer>): Promise<boolean> {
  try {
    await crypto.subtle.importKey('raw', publicKey, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
    return true;
  } catch {
    return false;
  }
}

/** The request body of one push message: the RFC 8188 header (salt, rs, keyid = our public key) and the record. */
export async function encryptPushMessage(plaintext: Uint8Array, keys: SubscriptionKeys): Promise<Uint8Array<ArrayBuffer>> {
  if (plaintext.length + 1 + 16 > RECORD_SIZE) throw new Error('push message too long for one record');
  const uaPublic = await crypto.subtle.importKey('raw', keys.publicKey, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const ephemeral = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair;
  const asPublic = new Uint8Array(await crypto.subtle.exportKey('raw', ephemeral.publicKey));
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: uaPublic }, ephemeral.privateKey, 256));

  // RFC 8291 §3.4: IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" || 0x00 || ua_public || as_public, 32).
  const keyInfo = concatBytes(encoder.encode('WebPush: info\0'), keys.publicKey, asPublic);
  const ikm = await hkdf(keys.authSecret, ecdhSecret, keyInfo, 32);
  // RFC 8188 §2.2, §2.3: content-encryption key and nonce from a random salt.
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const cek = await hkdf(salt, ikm, encoder.encode('Content-Encoding: aes128gcm\0'), 16);
  const nonce = await hkdf(salt, ikm, encoder.encode('Content-Encoding: nonce\0'), 12);

  // The single (so last) record ends with the padding delimiter 0x02 (RFC 8188 §2).
  const padded = concatBytes(plaintext, new Uint8Array([2]));
  const aesKey = await crypto.subtle.importKey('raw', cek, { name: 'AES-GCM' }, false, ['encrypt']);
  const record = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce }, aesKey, padded));

  const header = new Uint8Array(16 + 4 + 1 + asPublic.length);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, RECORD_SIZE);
  header[20] = asPublic.length;
  header.set(asPublic, 21);
  return concatBytes(header, record);
}

// --- Internal helpers ---

async function hkdf(salt: Uint8Array<ArrayBuffer>, ikm: Uint8Array<ArrayBuffer>, info: Uint8Array<ArrayBuffer>, length: number): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, length * 8));
}
