// Where iSchedule peers are and which keys they sign with (draft-desruisseaux-ischedule §5, §7.4):
// the configured peer table first (ischedule_peers, and ischedule_peer_keys as the draft's
// private-exchange), then the signer's own server (http/well-known, domainkey.ts), then DNS (SRV
// _ischedules._tcp, TXT SELECTOR._domainkey.DOMAIN) where the adapter hands in a resolver. The
// core never asks the runtime for DNS itself.
import { ConfigError, type AppConfig } from '../config.ts';
import { importPrivateKey, importPublicKey, keyFromRecord, type SigningKey } from './dkim.ts';
import { domainKeyUrl, fetchDomainKey } from './domainkey.ts';

/** DNS as the adapter offers it (Node: node:dns/promises); absent on Workers. */
export interface DnsResolver {
  txt(name: string): Promise<string[][]>;
  srv(name: string): Promise<{ name: string; port: number }[]>;
}

export interface IscheduleSetup {
  /** domain → receiver URL (…/.well-known/ischedule). */
  peers: ReadonlyMap<string, string>;
  /** SELECTOR._domainkey.DOMAIN → base64 public key. */
  peerKeys: ReadonlyMap<string, string>;
  dns: DnsResolver | null;
  /** How keys published over HTTP are fetched (tests route it to another app). */
  fetch: typeof fetch;
  /** Keys fetched over HTTP, by SELECTOR._domainkey.DOMAIN, so that every message does not fetch again. */
  fetchedKeys: Map<string, { key: string; untilMs: number }>;
  /** Our signing key, or null when none is configured (messages then cannot be sent). */
  signingKey: Promise<SigningKey | null>;
}

export class PeerConfigError extends ConfigError {
  override name = 'PeerConfigError';
}

export function ischeduleSetup(config: AppConfig, dns: DnsResolver | null = null, fetcher?: typeof fetch): IscheduleSetup {
  const peers = new Map<string, string>();
  for (const [domain, url] of pairs(config.ischedule_peers, 'ischedule_peers')) peers.set(domain.toLowerCase(), receiverUrl(url));
  const peerKeys = new Map<string, string>();
  for (const [name, key] of pairs(config.ischedule_peer_keys, 'ischedule_peer_keys')) peerKeys.set(name.toLowerCase(), key);
  const keyText = config.ischedule_dkim_key;
  const signingKey = keyText
    ? importPrivateKey(keyText).then((key) => ({ domain: signingDomain(config), selector: config.ischedule_dkim_selector, key }))
    : Promise.resolve(null);
  // A bad key is reported when a message is signed, not as an unhandled rejection now.
  signingKey.catch(() => undefined);
  return { peers, peerKeys, dns, fetch: fetcher ?? ((input, init) => fetch(input, init)), fetchedKeys: new Map(), signingKey };
}

export function signingDomain(config: AppConfig): string {
  return (config.ischedule_dkim_domain || config.defaultdomain).toLowerCase();
}

/** The receiver URL for a calendar user address, from the peer table or DNS SRV; null when there is none. */
export async function peerFor(setup: IscheduleSetup, address: string): Promise<string | null> {
  const domain = domainOf(address);
  if (!domain) return null;
  const configured = setup.peers.get(domain);
  if (configured) return configured;
  if (!setup.dns) return null;
  try {
    const [target] = (await setup.dns.srv(`_ischedules._tcp.${domain}`)).sort((a, b) => a.port - b.port);
    return target ? `https://${target.name}:${target.port}/.well-known/ischedule` : null;
  } catch {
    return null;
  }
}

/** Whether an address is in a domain the peer table names (known without any lookup). */
export function configuredPeer(setup: IscheduleSetup, address: string): boolean {
  const domain = domainOf(address);
  return domain !== null && setup.peers.has(domain);
}

/**
 * The signer's public key: private-exchange (the peer key table) first, then the record its server
 * publishes (http/well-known), then DNS TXT, each only if the signature's q= allows it.
 */
export async function publicKeyFor(setup: IscheduleSetup, domain: string, selector: string, queryMethods: readonly string[]): Promise<CryptoKey | null> {
  const name = `${selector}._domainkey.${domain}`.toLowerCase();
  const exchanged = setup.peerKeys.get(name);
  if (exchanged) return importPublicKey(exchanged);
  if (queryMethods.includes('http/well-known')) {
    const published = await wellKnownKey(setup, domain, selector, name);
    if (published) return importPublicKey(published);
  }
  if (!setup.dns || !queryMethods.includes('dns/txt')) return null;
  let records: string[][];
  try {
    records = await setup.dns.txt(name);
  } catch {
    return null;
  }
  for (const record of records) {
    const key = keyFromRecord(record.join(''));
    if (key) return importPublicKey(key);
  }
  return null;
}

/** The domain of a mailto: address, lower-cased; null for other addresses. */
export function domainOf(address: string): string | null {
  const match = /^mailto:[^@]+@([^@>\s]+)$/i.exec(address.trim());
  return match ? match[1]!.toLowerCase() : null;
}

// --- Internal helpers ---

/** How long a key fetched over HTTP is used before it is fetched again (keys are rotated rarely). */
const FETCHED_KEY_MS = 10 * 60_000;

/**
 * The key a signer publishes on its own server: on a peer's configured origin, or, where the
 * runtime finds unlisted peers through DNS, on https://DOMAIN as the draft describes. Other
 * domains are not fetched from: an unsigned claim must not make this server call arbitrary hosts.
 */
async function wellKnownKey(setup: IscheduleSetup, domain: string, selector: string, name: string): Promise<string | null> {
  const cached = setup.fetchedKeys.get(name);
  if (cached && cached.untilMs > Date.now()) return cached.key;
  const peer = setup.peers.get(domain);
  let origin: string | null = peer ? new URL(peer).origin : null;
  if (!origin && setup.dns && isHostName(domain)) origin = `https://${domain}`;
  if (!origin || !/^[A-Za-z0-9._-]{1,63}$/.test(selector)) return null;
  const key = await fetchDomainKey(setup.fetch, domainKeyUrl(origin, domain, selector));
  if (key) setup.fetchedKeys.set(name, { key, untilMs: Date.now() + FETCHED_KEY_MS });
  return key;
}

function pairs(items: readonly string[], option: string): [string, string][] {
  return items.map((item) => {
    const at = item.indexOf('=');
    if (at <= 0 || at === item.length - 1) throw new PeerConfigError(`${option}: "${item}" is not NAME=VALUE`);
    return [item.slice(0, at), item.slice(at + 1)];
  });
}

/** A DNS name with a top-level label that is not a number: no IP literal, port or path sneaks into the URL. */
function isHostName(domain: string): boolean {
  return domain.length <= 253 && /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(domain);
}

/** A bare origin means the well-known receiver on it; a URL with a path is used as it is. */
function receiverUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PeerConfigError(`ischedule_peers: "${url}" is not a URL`);
  }
  if (parsed.pathname === '/' || parsed.pathname === '') return `${parsed.origin}/.well-known/ischedule`;
  return parsed.href;
}
