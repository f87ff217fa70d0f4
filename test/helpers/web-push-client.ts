// The user agent's side of Web Push, written independently of src/push with node:crypto: a
// subscription key pair and auth secret, RFC 8291/8188 decryption of a received message, and
// the checks a push service makes of the VAPID Authorization header (RFC 8292).
import { createECDH, createPublicKey, hkdfSync, createDecipheriv, randomBytes, verify, type ECDH } from 'node:crypto';

export interface UserAgentKeys {
  ecdh: ECDH;
  /** Uncompressed public point, base64url, as put into subscription-public-key. */
  publicKey: string;
  authSecret: string;
}

export function userAgentKeys(): UserAgentKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { ecdh, publicKey: ecdh.getPublicKey().toString('base64url'), authSecret: randomBytes(16).toString('base64url') };
}

/** Decrypts an aes128gcm body addressed to `keys`; throws when anything does not check out. */
export function decryptPushMessage(body: Buffer, keys: UserAgentKeys): string {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20]!;
  const serverPublic = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  if (idLength !== 65) throw new Error(`keyid is ${idLength} bytes, expected the 65-byte application server key`);
  if (ciphertext.length > recordSize) throw new Error('more than one record');
  const ecdhSecret = keys.ecdh.computeSecret(serverPublic);
  const uaPublic = keys.ecdh.getPublicKey();
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, serverPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, Buffer.from(keys.authSecret, 'base64url'), keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record's padding: its content, then 0x02, then zeros (RFC 8188 §2).
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('the record does not end with the last-record delimiter 0x02');
  return padded.subarray(0, end).toString('utf8');
}

export interface VapidClaims {
  aud: string;
  exp: number;
  sub: string;
}

/** Checks `vapid t=<jwt>, k=<key>` (RFC 8292 §3): k is the expected key and signs the JWT (ES256). */
export function checkVapid(authorization: string | null, expectedKey: string): VapidClaims {
  const match = /^vapid t=([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+), k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  if (!match) throw new Error(`Authorization is not a VAPID header: ${authorization}`);
  const [, header, payload, signature, key] = match as unknown as [string, string, string, string, string];
  if (key !== expectedKey) throw new Error('k= is not the advertised VAPID public key');
  if (JSON.parse(Buffer.from(header, 'base64url').toString()).alg !== 'ES256') throw new Error('JWT alg is not ES256');
  const point = Buffer.from(key, 'base64url');
  const publicKey = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') },
    format: 'jwk',
  });
  const ok = verify('sha256', Buffer.from(`${header}.${payload}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  if (!ok) throw new Error('the VAPID JWT signature does not verify with k=');
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as VapidClaims;
}

export function pushRegisterBody(options: { pushResource: string; keys: UserAgentKeys; expires?: string; trigger?: string | null }): string {
  const trigger =
    options.trigger === null
      ? ''
      : (options.trigger ?? '<P:trigger><P:content-update><D:depth>1</D:depth></P:content-update><P:property-update><D:depth>0</D:depth></P:property-update></P:trigger>');
  return `<?xml version="1.0" encoding="utf-8"?>
<P:push-register xmlns:P="https://bitfire.at/webdav-push" xmlns:D="DAV:">
  <P:subscription>
    <P:web-push-subscription>
      <P:push-resource>${options.pushResource}</P:push-resource>
      <P:content-encoding>aes128gcm</P:content-encoding>
      <P:subscription-public-key type="p256dh">${options.keys.publicKey}</P:subscription-public-key>
      <P:auth-secret>${options.keys.authSecret}</P:auth-secret>
    </P:web-push-subscription>
  </P:subscription>
  ${trigger}
  ${options.expires ? `<P:expires>${options.expires}</P:expires>` : ''}
</P:push-register>`;
}
