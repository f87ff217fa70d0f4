// draft-desruisseaux-ischedule §7.4.2 (q=http/well-known): each server publishes its signing key's
// record at /.well-known/domainkey/DOMAIN/SELECTOR, and a receiver that has no exchanged key for a
// peer fetches it from the peer's own server before it would try DNS.
import { afterEach, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { calendarPath, copyOf, master, scheduleStatusOf } from '../scheduling/support.ts';
import { ALICE_A, BOB_B, generateKeyPair, signedPost, type KeyPair } from './support.ts';

const EVENT = [
  'BEGIN:VEVENT', 'UID:keyed-1', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T100000Z', 'DTEND:20300110T110000Z', 'SUMMARY:Keyed',
  `ORGANIZER:${ALICE_A}`, `ATTENDEE;PARTSTAT=ACCEPTED:${ALICE_A}`, `ATTENDEE;RSVP=TRUE:${BOB_B}`, 'END:VEVENT',
];
const INVITATION = ics(EVENT);
const REQUEST = ics(['METHOD:REQUEST', ...EVENT]);

interface KeylessPair {
  a: TestApp;
  b: TestApp;
  keyA: KeyPair;
  /** Every URL B fetched from A (key lookups and iSchedule POSTs alike). */
  fetchedByB: string[];
}

const opened: TestApp[] = [];
afterEach(() => {
  for (const t of opened.splice(0)) t.close();
});

/** Two servers that know each other's URL, but B has no exchanged key for A: it must fetch it. */
async function keylessPair(options: { bKnowsA?: boolean } = {}): Promise<KeylessPair> {
  const [keyA, keyB] = await Promise.all([generateKeyPair(), generateKeyPair()]);
  const apps: { a?: TestApp; b?: TestApp } = {};
  const fetchedByB: string[] = [];
  const common = { httpmodules: 'caldav freebusy ischedule' };
  apps.a = await makeTestApp(
    { ...common, defaultdomain: 'a.example', ischedule_dkim_key: keyA.privateKey, ischedule_peers: 'b.example=http://b.test', ischedule_peer_keys: `orrery._domainkey.b.example=${keyB.publicKey}` },
    ['alice'],
    { ischeduleFetch: async (input, init) => apps.b!.app.fetch(new Request(input as string, init)) },
  );
  apps.b = await makeTestApp(
    { ...common, defaultdomain: 'b.example', ischedule_dkim_key: keyB.privateKey, ischedule_peers: options.bKnowsA === false ? '' : 'a.example=http://a.test' },
    ['bob'],
    {
      ischeduleFetch: async (input, init) => {
        fetchedByB.push(String(input));
        return apps.a!.app.fetch(new Request(input as string, init));
      },
    },
  );
  opened.push(apps.a, apps.b);
  return { a: apps.a, b: apps.b, keyA, fetchedByB };
}

describe('GET /.well-known/domainkey/DOMAIN/SELECTOR', () => {
  it('serves this server\'s own key record, the public half of the signing key, without authentication', async () => {
    const { a, keyA } = await keylessPair();
    const response = await a.request('GET', '/.well-known/domainkey/a.example/orrery', { user: null, expect: 200 });
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await response.text()).trim()).toBe(`v=DKIM1; k=rsa; p=${keyA.publicKey}`);
    await a.request('HEAD', '/.well-known/domainkey/a.example/orrery', { user: null, expect: 200 });
  });

  it('answers 404 for another domain or selector, 405 for other methods, 404 without a signing key', async () => {
    const { a } = await keylessPair();
    await a.request('GET', '/.well-known/domainkey/b.example/orrery', { user: null, expect: 404 });
    await a.request('GET', '/.well-known/domainkey/a.example/other', { user: null, expect: 404 });
    await a.request('PUT', '/.well-known/domainkey/a.example/orrery', { user: null, body: 'v=DKIM1; p=x', expect: 405 });
    const keyless = await makeTestApp({ httpmodules: 'caldav ischedule', defaultdomain: 'a.example' }, ['alice']);
    opened.push(keyless);
    await keyless.request('GET', '/.well-known/domainkey/a.example/orrery', { user: null, expect: 404 });
  });
});

describe('the verifier fetches a peer\'s key from its server (q=http/well-known)', () => {
  it('delivers an invitation from a peer whose key it only finds at the peer\'s well-known URL, fetching it once', async () => {
    const { a, b, fetchedByB } = await keylessPair();
    await a.request('PUT', `${calendarPath('alice')}keyed-1.ics`, { body: INVITATION, headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    expect(await copyOf(b, 'bob', 'keyed-1')).toBeDefined();
    expect(scheduleStatusOf(master((await copyOf(a, 'alice', 'keyed-1'))!.calendar), 'attendee', BOB_B)).toBe('1.2');
    expect(fetchedByB).toEqual(['http://a.test/.well-known/domainkey/a.example/orrery']);

    await a.request('PUT', `${calendarPath('alice')}keyed-1.ics`, { body: INVITATION.replace('SUMMARY:Keyed', 'SUMMARY:Moved'), headers: { 'Content-Type': 'text/calendar' }, expect: 204 });
    expect(String(master((await copyOf(b, 'bob', 'keyed-1'))!.calendar).getFirstPropertyValue('summary'))).toBe('Moved');
    expect(fetchedByB).toHaveLength(1);
  });

  it('refuses a message signed with another key than the one the peer publishes', async () => {
    const { b, fetchedByB } = await keylessPair();
    const other = await generateKeyPair();
    const response = await signedPost(b, REQUEST, other.privateKey);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('verification-failed');
    expect(fetchedByB).toEqual(['http://a.test/.well-known/domainkey/a.example/orrery']);
    expect(await copyOf(b, 'bob', 'keyed-1')).toBeUndefined();
  });

  it('fetches nothing for a domain that is not a peer when the runtime has no DNS, and refuses the message', async () => {
    const { b, keyA, fetchedByB } = await keylessPair({ bKnowsA: false });
    const response = await signedPost(b, REQUEST, keyA.privateKey);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('No public key is known');
    expect(fetchedByB).toEqual([]);
  });
});
