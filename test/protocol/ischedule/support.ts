// Two Orrery instances in one process, a.example (alice) and b.example (bob), each with its own
// database and signing key, knowing each other from the peer table; iSchedule POSTs between them
// go straight to the other app's fetch.
import { makeTestApp, type TestApp } from '../../helpers/app.ts';
import { toBase64 } from '../../../src/bytes/base64.ts';
import { importPrivateKey, signRequest } from '../../../src/ischedule/dkim.ts';

export const ALICE_A = 'mailto:alice@a.example';
export const BOB_B = 'mailto:bob@b.example';

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

export async function generateKeyPair(): Promise<KeyPair> {
  const pair = await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
  return {
    privateKey: toBase64(new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey))),
    publicKey: toBase64(new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey))),
  };
}

export interface Pair {
  a: TestApp;
  b: TestApp;
  keyA: KeyPair;
  keyB: KeyPair;
  close(): void;
}

export async function makePair(extra: Record<string, string> = {}, users: { a?: string[]; b?: string[] } = {}): Promise<Pair> {
  const [keyA, keyB] = await Promise.all([generateKeyPair(), generateKeyPair()]);
  const apps: { a?: TestApp; b?: TestApp } = {};
  const via = (target: 'a' | 'b'): typeof fetch => async (input, init) => apps[target]!.app.fetch(new Request(input as string, init));
  const common = { httpmodules: 'caldav freebusy ischedule', ...extra };
  apps.a = await makeTestApp(
    {
      ...common, defaultdomain: 'a.example', ischedule_dkim_key: keyA.privateKey,
      ischedule_peers: 'b.example=http://b.test', ischedule_peer_keys: `orrery._domainkey.b.example=${keyB.publicKey}`,
    },
    users.a ?? ['alice'],
    { ischeduleFetch: via('b') },
  );
  apps.b = await makeTestApp(
    {
      ...common, defaultdomain: 'b.example', ischedule_dkim_key: keyB.privateKey,
      ischedule_peers: 'a.example=http://a.test', ischedule_peer_keys: `orrery._domainkey.a.example=${keyA.publicKey}`,
    },
    users.b ?? ['bob'],
    { ischeduleFetch: via('a') },
  );
  return { a: apps.a, b: apps.b, keyA, keyB, close: () => { apps.a!.close(); apps.b!.close(); } };
}

export interface SignedOptions {
  originator?: string;
  recipients?: string[];
  key?: string;
  domain?: string;
  messageId?: string;
  nowMs?: number;
  headers?: Record<string, string>;
  /** Changes the body after signing. */
  tamper?: (body: string) => string;
}

/** A signed iSchedule POST as a peer would send it. */
export async function signedPost(t: TestApp, body: string, key: string, options: SignedOptions = {}): Promise<Response> {
  const headers = new Headers({
    'Content-Type': 'text/calendar; charset=utf-8',
    'iSchedule-Version': '1.0',
    'iSchedule-Message-ID': options.messageId ?? `<${crypto.randomUUID()}@a.example>`,
    Originator: options.originator ?? ALICE_A,
    Recipient: (options.recipients ?? [BOB_B]).join(', '),
    ...options.headers,
  });
  const signingKey = { domain: options.domain ?? 'a.example', selector: 'orrery', key: await importPrivateKey(options.key ?? key) };
  headers.set('DKIM-Signature', await signRequest(headers, body, signingKey, options.nowMs ?? Date.now(), 3600));
  const sent = options.tamper ? options.tamper(body) : body;
  return t.app.fetch(new Request('http://b.test/.well-known/ischedule', { method: 'POST', headers, body: sent }));
}
