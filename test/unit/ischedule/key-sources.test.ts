// Where the verifier looks for a signer's public key (draft-desruisseaux-ischedule §7.4): the
// exchanged key first, then the signer's server (http/well-known), then DNS TXT, each only when the
// signature's q= allows it; and which hosts it may fetch a key from.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.ts';
import { ischeduleSetup, publicKeyFor, type DnsResolver } from '../../../src/ischedule/peers.ts';
import { toBase64 } from '../../../src/bytes/base64.ts';
import { fetchDomainKey } from '../../../src/ischedule/domainkey.ts';

async function publicKey(): Promise<string> {
  const pair = await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'],
  );
  return toBase64(new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey)));
}

function harness(options: { peers?: string; peerKeys?: string; txt?: string | null; published?: string | null; dns?: boolean }) {
  const fetched: string[] = [];
  const looked: string[] = [];
  const dns: DnsResolver = {
    txt: async (name) => {
      looked.push(name);
      if (!options.txt) throw new Error('NXDOMAIN');
      return [[`v=DKIM1; k=rsa; p=${options.txt}`]];
    },
    srv: async () => [],
  };
  const fetcher: typeof fetch = async (input) => {
    fetched.push(String(input));
    return options.published ? new Response(`v=DKIM1; k=rsa; p=${options.published}\n`) : new Response('No such key\n', { status: 404 });
  };
  const config = parseConfig({ httpmodules: 'caldav ischedule', ischedule_peers: options.peers ?? '', ischedule_peer_keys: options.peerKeys ?? '' });
  const setup = ischeduleSetup(config, options.dns === false ? null : dns, fetcher);
  return { setup, fetched, looked };
}

const ALL = ['dns/txt', 'http/well-known', 'private-exchange'];

describe('publicKeyFor', () => {
  it('uses an exchanged key without fetching or looking anything up', async () => {
    const key = await publicKey();
    const h = harness({ peerKeys: `s1._domainkey.c.example=${key}`, published: key, txt: key });
    expect(await publicKeyFor(h.setup, 'c.example', 's1', ALL)).not.toBeNull();
    expect([h.fetched, h.looked]).toEqual([[], []]);
  });

  it('fetches from a peer\'s configured origin first, then from https://DOMAIN where DNS finds peers, before DNS TXT', async () => {
    const key = await publicKey();
    const peer = harness({ peers: 'c.example=http://cal.c.example:8008/ischedule', published: key });
    expect(await publicKeyFor(peer.setup, 'c.example', 's1', ALL)).not.toBeNull();
    expect(peer.fetched).toEqual(['http://cal.c.example:8008/.well-known/domainkey/c.example/s1']);
    expect(peer.looked).toEqual([]);

    const open = harness({ txt: key });
    expect(await publicKeyFor(open.setup, 'c.example', 's1', ALL)).not.toBeNull();
    expect(open.fetched).toEqual(['https://c.example/.well-known/domainkey/c.example/s1']);
    expect(open.looked).toEqual(['s1._domainkey.c.example']);
  });

  it('honours q=: no HTTP fetch when only dns/txt is allowed, no DNS when only http/well-known is', async () => {
    const key = await publicKey();
    const dnsOnly = harness({ txt: key, published: key });
    expect(await publicKeyFor(dnsOnly.setup, 'c.example', 's1', ['dns/txt'])).not.toBeNull();
    expect(dnsOnly.fetched).toEqual([]);
    const httpOnly = harness({ txt: key });
    expect(await publicKeyFor(httpOnly.setup, 'c.example', 's1', ['http/well-known'])).toBeNull();
    expect(httpOnly.looked).toEqual([]);
  });

  it.each(['127.0.0.1', 'localhost', 'c.example:8443', 'c.example/x'])('never fetches from %s, which is not a host name of a peer', async (domain) => {
    const key = await publicKey();
    const h = harness({ published: key });
    await publicKeyFor(h.setup, domain, 's1', ['http/well-known']);
    expect(h.fetched).toEqual([]);
  });

  it('fetches nothing for an unlisted domain where the runtime has no DNS (Workers)', async () => {
    const key = await publicKey();
    const h = harness({ published: key, dns: false });
    expect(await publicKeyFor(h.setup, 'c.example', 's1', ALL)).toBeNull();
    expect(h.fetched).toEqual([]);
  });
});

describe('fetchDomainKey', () => {
  const serving = (routes: Record<string, () => Response>, asked: string[]): typeof fetch => async (input) => {
    asked.push(String(input));
    return routes[String(input)]?.() ?? new Response('missing', { status: 404 });
  };

  it('follows a redirect on the same origin (Cyrus sends its well-known URLs to /domainkeys/), and no other', async () => {
    const asked: string[] = [];
    const fetcher = serving({
      'http://c.test/.well-known/domainkey/c.example/s1': () => new Response(null, { status: 301, headers: { Location: '/domainkeys/c.example/s1' } }),
      'http://c.test/domainkeys/c.example/s1': () => new Response('v=DKIM1; k=rsa; p=QUJD\n'),
      'http://c.test/.well-known/domainkey/c.example/s2': () => new Response(null, { status: 302, headers: { Location: 'http://elsewhere.test/key' } }),
      'http://elsewhere.test/key': () => new Response('v=DKIM1; k=rsa; p=WFla\n'),
    }, asked);
    expect(await fetchDomainKey(fetcher, 'http://c.test/.well-known/domainkey/c.example/s1')).toBe('QUJD');
    expect(await fetchDomainKey(fetcher, 'http://c.test/.well-known/domainkey/c.example/s2')).toBeNull();
    expect(asked).not.toContain('http://elsewhere.test/key');
  });

  it('takes nothing from an error answer, a record of another key type, or an oversized body', async () => {
    const fetcher = serving({
      'http://c.test/a': () => new Response('v=DKIM1; k=rsa; p=QUJD', { status: 500 }),
      'http://c.test/b': () => new Response('v=DKIM1; k=ed25519; p=QUJD'),
      'http://c.test/c': () => new Response(`v=DKIM1; k=rsa; p=${'A'.repeat(20_000)}`),
    }, []);
    for (const path of ['a', 'b', 'c']) expect(await fetchDomainKey(fetcher, `http://c.test/${path}`)).toBeNull();
  });
});
