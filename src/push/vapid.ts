// VAPID (RFC 8292): the key pair that identifies this server to push services, and the ES256
// JWT each push message carries. The pair comes from the configuration or, without one, is
// generated once and kept in the database, so that every instance and restart signs with the same
// key (subscriptions are bound to it by the push service).
import type { AppDeps } from '../dav/context.ts';
import { publicOrigin } from '../http/public-url.ts';
import type { Store } from '../storage/index.ts';
import { fromBase64Url, toBase64Url } from '../bytes/base64.ts';

/** RFC 8292 §2: exp no more than 24 hours ahead; 12 leaves room for clocks that differ. */
const TOKEN_LIFETIME_S = 12 * 3600;
const encoder = new TextEncoder();

export interface VapidKeys {
  /** The uncompressed public point, base64url: what vapid-public-key advertises and `k=` carries. */
  publicKey: string;
  signingKey: CryptoKey;
}

// One key pair per store: read (or generated) once, then reused by every request and delivery.
const loaded = new WeakMap<Store, Promise<VapidKeys>>();

export function vapidKeys(deps: Pick<AppDeps, 'store' | 'config' | 'now'>): Promise<VapidKeys> {
  let keys = loaded.get(deps.store);
  if (!keys) {
    keys = loadKeys(deps).catch((error: unknown) => {
      loaded.delete(deps.store); // a failed read is tried again next time
      throw error;
    });
    loaded.set(deps.store, keys);
  }
  return keys;
}

/** The Authorization header value of a push message to `pushResource` (RFC 8292 §3). */
export async function vapidAuthorization(keys: VapidKeys, pushResource: string, subject: string, nowMs: number): Promise<string> {
  const header = { typ: 'JWT', alg: 'ES256' };
  const claims = { aud: new URL(pushResource).origin, exp: Math.floor(nowMs / 1000) + TOKEN_LIFETIME_S, sub: subject };
  const signingInput = `${toBase64Url(encoder.encode(JSON.stringify(header)))}.${toBase64Url(encoder.encode(JSON.stringify(claims)))}`;
  // WebCrypto's ECDSA signature is r || s, which is the JWS encoding of ES256 (RFC 7518 §3.4).
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.signingKey, encoder.encode(signingInput)));
  return `vapid t=${signingInput}.${toBase64Url(signature)}, k=${keys.publicKey}`;
}

/** The sub claim: the configured contact, else the server's public URL, else its postmaster. */
export function vapidSubject(config: AppDeps['config']): string {
  if (config.webdav_push_vapid_subject !== '') return config.webdav_push_vapid_subject;
  return publicOrigin(config) ?? `mailto:postmaster@${config.defaultdomain}`;
}

/** A new key pair in the encoding the options take (what web-push tools print). */
export async function generateVapidKeyPair(): Promise<{ publicKey: string; privateKey: string }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { publicKey: toBase64Url(publicKey), privateKey: jwk.d! };
}

// --- Internal helpers ---

async function loadKeys(deps: Pick<AppDeps, 'store' | 'config' | 'now'>): Promise<VapidKeys> {
  const { config, store } = deps;
  if (config.webdav_push_vapid_private_key !== '') {
    return importKeys(config.webdav_push_vapid_public_key, config.webdav_push_vapid_private_key, 'the configured VAPID key pair');
  }
  const stored = (await store.push.vapidKey()) ?? (await store.push.keepVapidKey(await generateVapidKeyPair(), deps.now()));
  return importKeys(stored.publicKey, stored.privateKey, 'the stored VAPID key pair');
}

/** WebCrypto imports an EC private key only with its public point (JWK d, x, y). */
async function importKeys(publicKey: string, privateKey: string, what: string): Promise<VapidKeys> {
  const point = fromBase64Url(publicKey);
  const scalar = fromBase64Url(privateKey);
  if (!point || point.length !== 65 || point[0] !== 4 || !scalar || scalar.length !== 32) throw new Error(`${what} is not a P-256 key pair`);
  const jwk: JsonWebKey = {
    kty: 'EC', crv: 'P-256', d: toBase64Url(scalar), x: toBase64Url(point.slice(1, 33)), y: toBase64Url(point.slice(33, 65)), ext: false,
  };
  const signingKey = await crypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  // A public key that does not belong to the private one would make every message fail at the
  // push service; find out here, once, with a signature checked against the advertised key.
  const verifyKey = await crypto.subtle.importKey('raw', point, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  const probe = encoder.encode('orrery vapid key check');
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, signingKey, probe);
  if (!(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, verifyKey, signature, probe))) {
    throw new Error(`${what}: the public key does not belong to the private key`);
  }
  return { publicKey: toBase64Url(point), signingKey };
}
