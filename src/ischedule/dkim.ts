// DKIM for HTTP as iSchedule uses it (draft-desruisseaux-ischedule §7, RFC 6376): rsa-sha256 over
// the iSchedule headers in "ischedule-relaxed" form and the body in "simple" form, through
// WebCrypto so that signing and verifying run on every runtime. Key lookup is the caller's.
import { fromBase64, toBase64 } from '../bytes/base64.ts';

/** Headers every iSchedule signature must cover (the draft's §7.2, as Cyrus and CalendarServer sign). */
export const REQUIRED_SIGNED_HEADERS = ['originator', 'recipient', 'content-type', 'ischedule-version', 'ischedule-message-id'] as const;
const SIGNED_HEADERS = ['Originator', 'Recipient', 'Content-Type', 'iSchedule-Version', 'iSchedule-Message-ID'];
const CANONICALIZATION = 'ischedule-relaxed/simple';
const ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

export interface SigningKey {
  domain: string;
  selector: string;
  key: CryptoKey;
}

export interface DkimTags {
  domain: string;
  selector: string;
  signedHeaders: string[];
  bodyHash: string;
  signature: string;
  /** Seconds since the epoch, when present. */
  timestamp: number | null;
  expires: number | null;
  queryMethods: string[];
  raw: Map<string, string>;
}

export class DkimError extends Error {
  override name = 'DkimError';
}

/** The DKIM-Signature header value for a request about to be sent (its other headers final). */
export async function signRequest(headers: Headers, body: string, key: SigningKey, nowMs: number, lifetimeSeconds: number): Promise<string> {
  const t = Math.floor(nowMs / 1000);
  const tags: [string, string][] = [
    ['v', '1'], ['d', key.domain], ['s', key.selector], ['t', String(t)], ['x', String(t + lifetimeSeconds)], ['a', 'rsa-sha256'],
    ['q', 'dns/txt:http/well-known:private-exchange'], ['c', CANONICALIZATION], ['h', SIGNED_HEADERS.join(':')], ['bh', await bodyHash(body)], ['b', ''],
  ];
  const unsigned = tags.map(([name, value]) => `${name}=${value}`).join('; ');
  const data = signedData(headers, SIGNED_HEADERS, unsigned);
  const signature = await crypto.subtle.sign(ALGORITHM, key.key, new TextEncoder().encode(data));
  return unsigned + toBase64(new Uint8Array(signature));
}

/** Reads the tags of a DKIM-Signature header; DkimError when a required one is missing or malformed. */
export function parseSignature(value: string): DkimTags {
  const raw = new Map<string, string>();
  for (const part of value.split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    raw.set(part.slice(0, at).trim(), part.slice(at + 1).replace(/\s+/g, ''));
  }
  const need = (name: string) => {
    const tag = raw.get(name);
    if (tag === undefined) throw new DkimError(`The DKIM-Signature has no ${name}= tag`);
    return tag;
  };
  if (need('v') !== '1') throw new DkimError('Only DKIM-Signature v=1 is understood');
  if (need('a').toLowerCase() !== 'rsa-sha256') throw new DkimError('Only a=rsa-sha256 signatures are accepted');
  const canonicalization = (raw.get('c') ?? 'simple/simple').toLowerCase();
  if (canonicalization !== CANONICALIZATION) throw new DkimError(`Canonicalization ${canonicalization} is not ${CANONICALIZATION}`);
  const number = (name: string) => {
    const tag = raw.get(name);
    if (tag === undefined) return null;
    if (!/^\d{1,12}$/.test(tag)) throw new DkimError(`The DKIM-Signature ${name}= tag is not a number`);
    return Number(tag);
  };
  return {
    domain: need('d').toLowerCase(),
    selector: need('s'),
    signedHeaders: need('h').split(':').map((h) => h.trim().toLowerCase()).filter((h) => h !== ''),
    bodyHash: need('bh'),
    signature: need('b'),
    timestamp: number('t'),
    expires: number('x'),
    queryMethods: (raw.get('q') ?? 'dns/txt').split(':').map((q) => q.trim().toLowerCase()),
    raw,
  };
}

/**
 * Checks a received request's signature with the signer's public key: the required headers are
 * covered, the body hash matches and the RSA signature is valid. Throws DkimError otherwise.
 */
export async function verifySignature(headers: Headers, body: string, signatureHeader: string, tags: DkimTags, publicKey: CryptoKey): Promise<void> {
  for (const name of REQUIRED_SIGNED_HEADERS) {
    if (!tags.signedHeaders.includes(name)) throw new DkimError(`The signature does not cover the ${name} header`);
  }
  if ((await bodyHash(body)) !== tags.bodyHash) throw new DkimError('The body does not match the signature (bh=)');
  // The signature header takes part with its b= value emptied (RFC 6376 §3.7).
  const unsigned = signatureHeader.replace(/(^|;)(\s*b\s*=)[^;]*/, '$1$2');
  const data = signedData(headers, tags.signedHeaders, unsigned);
  let valid = false;
  try {
    valid = await crypto.subtle.verify(ALGORITHM, publicKey, base64Value(tags.signature), new TextEncoder().encode(data));
  } catch {
    valid = false;
  }
  if (!valid) throw new DkimError('The signature does not verify with the signer\'s public key');
}

/** Imports a PEM or bare base64 PKCS#8 RSA private key for signing. */
export async function importPrivateKey(text: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('pkcs8', base64Value(pemBody(text)), ALGORITHM, false, ['sign']);
}

/** Imports a base64 SubjectPublicKeyInfo RSA key, as the p= tag of a DKIM key record carries it. */
export async function importPublicKey(text: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('spki', base64Value(pemBody(text)), ALGORITHM, false, ['verify']);
}

/** The p= value of a DKIM key record (RFC 6376 §3.6.1), or null when it is not an RSA key record. */
export function keyFromRecord(record: string): string | null {
  const tags = new Map(record.split(';').map((part) => {
    const at = part.indexOf('=');
    return [part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).replace(/\s+/g, '')] as const;
  }));
  if ((tags.get('k') ?? 'rsa').toLowerCase() !== 'rsa') return null;
  const key = tags.get('p');
  return key ? key : null;
}

/** The bytes of a signature or key in base64, white space allowed (DKIM folds long values). */
export function base64Value(text: string): Uint8Array<ArrayBuffer> {
  const bytes = fromBase64(text.replace(/\s+/g, ''));
  if (!bytes) throw new DkimError('A signature or key is not valid base64');
  return bytes;
}

/** The base64 body of a PEM block (or of bare base64), with the escaped newlines of a one-line option value dropped. */
export function pemBody(text: string): string {
  return text.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\\n/g, '').replace(/\s+/g, '');
}

// --- Internal helpers ---

/** The simple body canonicalization: trailing empty lines dropped, one CRLF at the end. */
async function bodyHash(body: string): Promise<string> {
  const canonical = body.replace(/(\r\n)*$/, '') + '\r\n';
  return toBase64(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical))));
}

/**
 * The signed text: each listed header as "name:value" CRLF in ischedule-relaxed form (repeated
 * headers joined by commas, runs of white space collapsed, none around commas), then the
 * DKIM-Signature header the same way but without its CRLF.
 */
function signedData(headers: Headers, names: readonly string[], signatureValue: string): string {
  let data = '';
  // Headers.get() already joins repeated headers with ", ", which the comma rule normalises.
  for (const name of names) data += `${name.toLowerCase()}:${relaxed(headers.get(name) ?? '')}\r\n`;
  return data + `dkim-signature:${relaxed(signatureValue)}`;
}

function relaxed(value: string): string {
  return value.split(/\s+/).filter((w) => w !== '').join(' ').replace(/ ?, ?/g, ',');
}
