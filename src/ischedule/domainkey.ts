// The draft's HTTP key retrieval (draft-desruisseaux-ischedule §7.4.2, q=http/well-known): a server
// publishes the DKIM key record of its signing key at /.well-known/domainkey/DOMAIN/SELECTOR, and a
// receiver fetches it from the signer's server. It lets peers that know each other's iSchedule URL
// skip exchanging keys, and works where no DNS resolver is available (Workers). Cyrus serves the
// same path from files under its configdir.
import { Hono } from 'hono';
import type { AppConfig } from '../config.ts';
import { toBase64 } from '../bytes/base64.ts';
import { base64Value, keyFromRecord, pemBody } from './dkim.ts';
import { signingDomain } from './peers.ts';

/** A key record is a few hundred bytes; anything much larger is not one. */
const MAX_RECORD_BYTES = 16 * 1024;
const FETCH_TIMEOUT_MS = 5_000;
const MAX_REDIRECTS = 3;

/** Serves this server's own key record; every other domain and selector is 404. */
export function createDomainKeyApp(config: AppConfig): Hono {
  const app = new Hono();
  const record = config.ischedule_dkim_key ? keyRecord(config.ischedule_dkim_key) : null;
  // A bad key is reported when a message is signed; here it only means there is nothing to serve.
  record?.catch(() => undefined);
  const domain = signingDomain(config);
  const selector = config.ischedule_dkim_selector.toLowerCase();
  app.get('/:domain/:selector', async (c) => {
    const text = record && c.req.param('domain').toLowerCase() === domain && c.req.param('selector').toLowerCase() === selector
      ? await record.catch(() => null)
      : null;
    if (text === null) return c.text('No such key\n', 404);
    return c.text(`${text}\n`, 200, { 'Cache-Control': 'max-age=3600' });
  });
  app.all('/:domain/:selector', () => new Response('Method not allowed\n', { status: 405, headers: { Allow: 'GET, HEAD' } }));
  return app;
}

/** The URL a signer's key is published at, on the given origin. */
export function domainKeyUrl(origin: string, domain: string, selector: string): string {
  return `${origin}/.well-known/domainkey/${encodeURIComponent(domain)}/${encodeURIComponent(selector)}`;
}

/** The base64 public key published at `url`, or null when there is none (any failure: the caller tries its other sources). */
export async function fetchDomainKey(fetcher: typeof fetch, url: string): Promise<string | null> {
  try {
    const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    let target = url;
    let response = await fetcher(target, { method: 'GET', redirect: 'manual', signal, headers: { Accept: 'text/plain' } });
    // Cyrus answers its well-known URLs with a redirect to the service's own prefix (/domainkeys/);
    // such a redirect is followed on the same origin only, so a key comes from the server asked.
    for (let hop = 0; hop < MAX_REDIRECTS && [301, 302, 303, 307, 308].includes(response.status); hop++) {
      const location = response.headers.get('location');
      const next = location ? new URL(location, target) : null;
      await response.body?.cancel();
      if (!next || next.origin !== new URL(target).origin) return null;
      target = next.href;
      response = await fetcher(target, { method: 'GET', redirect: 'manual', signal, headers: { Accept: 'text/plain' } });
    }
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > MAX_RECORD_BYTES) {
      await response.body?.cancel();
      return null;
    }
    const text = await response.text();
    if (text.length > MAX_RECORD_BYTES) return null;
    return keyFromRecord(text.trim());
  } catch {
    return null;
  }
}

// --- Internal helpers ---

/** "v=DKIM1; k=rsa; p=…" for a private key, the record `orrery ischedule keygen` prints for DNS. */
async function keyRecord(privateKeyText: string): Promise<string> {
  const bytes = base64Value(pemBody(privateKeyText));
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
  // WebCrypto derives no public key from a private one, but the private JWK holds n and e.
  const privateKey = await crypto.subtle.importKey('pkcs8', bytes, algorithm, true, ['sign']);
  const jwk = await crypto.subtle.exportKey('jwk', privateKey);
  const publicKey = await crypto.subtle.importKey('jwk', { kty: 'RSA', n: jwk.n!, e: jwk.e!, alg: 'RS256', ext: true }, algorithm, true, ['verify']);
  return `v=DKIM1; k=rsa; p=${toBase64(new Uint8Array(await crypto.subtle.exportKey('spki', publicKey)))}`;
}
