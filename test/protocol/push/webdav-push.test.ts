// WebDAV-Push (draft bitfireAT/webdav-push) as DAVx5 speaks it: discovery (DAV header, transports,
// topic, supported-triggers), push-register on a collection (new, renewed, expiry, rights, bad
// bodies), DELETE of the registration URL, and the messages a change queues: encrypted to the
// subscription (RFC 8291), signed (RFC 8292), removed on 410, retried on 5xx.
import { createECDH } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processPushDeliveries } from '../../../src/push/delivery.ts';
import { SILENT_LOGGER } from '../../../src/dav/context.ts';
import { event, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { findChild, parseMultistatus, parseXml, propText } from '../../helpers/multistatus.ts';
import { checkVapid, decryptPushMessage, pushRegisterBody, userAgentKeys, type UserAgentKeys } from '../../helpers/web-push-client.ts';

const P = 'https://bitfire.at/webdav-push';
const CAL = '/dav/calendars/user/alice/Default/';
const HOME = '/dav/calendars/user/alice/';
const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);
const DAY = 86_400_000;
const PUSH_RESOURCE = 'https://push.example.net/up/abc123';

interface Sent {
  url: string;
  headers: Headers;
  body: Buffer;
}

let t: TestApp;
let keys: UserAgentKeys;
let sent: Sent[];
let answer: number;

const pushFetch = (async (input: string | URL | Request, init?: RequestInit) => {
  sent.push({ url: String(input), headers: new Headers(init?.headers), body: Buffer.from(init?.body as Uint8Array) });
  return new Response(null, { status: answer });
}) as typeof fetch;

beforeEach(async () => {
  sent = [];
  answer = 201;
  keys = userAgentKeys();
  // The dispatcher's own runs wait an hour (the delay) on the fixed clock, so the tests run deliveries themselves.
  t = await makeTestApp({ webdav_push_delay: '1h' }, ['alice', 'bob', 'carol'], { now: () => NOW, pushFetch });
});
afterEach(() => t.close());

function register(options: { path?: string; user?: string | null; body?: string; expires?: string; pushResource?: string; expect?: number; type?: string } = {}) {
  const body = options.body ?? pushRegisterBody({ pushResource: options.pushResource ?? PUSH_RESOURCE, keys, ...(options.expires ? { expires: options.expires } : {}) });
  return t.request('POST', options.path ?? CAL, {
    body,
    headers: { 'Content-Type': options.type ?? 'application/xml; charset=utf-8' },
    user: options.user === undefined ? 'alice' : options.user,
    ...(options.expect === undefined ? {} : { expect: options.expect }),
  });
}

async function condition(response: Response): Promise<{ name: string | undefined; message: string }> {
  const root = parseXml(await response.text());
  const name = root.children.find((c) => typeof c !== 'string' && !c.name.startsWith('{https://orrery.dev/'));
  const message = root.children.find((c) => typeof c !== 'string' && c.name === '{https://orrery.dev/ns/}message');
  return { name: (name as { name: string } | undefined)?.name, message: message ? JSON.stringify(message) : '' };
}

async function propfind(path: string, props: string) {
  const response = await t.request('PROPFIND', path, {
    body: `<D:propfind xmlns:D="DAV:" xmlns:P="${P}"><D:prop>${props}</D:prop></D:propfind>`,
    headers: { Depth: '0', 'Content-Type': 'application/xml' },
    expect: 207,
  });
  return parseMultistatus(await response.text()).get(path);
}

const deps = () => ({ store: t.store, config: t.config, now: () => NOW, logger: SILENT_LOGGER });
const deliver = (at = NOW + 2 * 3600_000) => processPushDeliveries(deps(), at, { fetch: pushFetch });
const count = async (table: string) => Number((await t.client.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

describe('discovery', () => {
  it('names webdav-push in the DAV header of collections only', async () => {
    expect((await t.request('OPTIONS', CAL, { expect: 200 })).headers.get('DAV')).toMatch(/(^|, )webdav-push(,|$)/);
    await t.request('PUT', `${CAL}e1.ics`, { body: event('e1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    expect((await t.request('OPTIONS', `${CAL}e1.ics`, { expect: 200 })).headers.get('DAV')).not.toMatch(/webdav-push/);
  });

  it('offers Web Push with a VAPID key, a stable topic per collection and the supported triggers', async () => {
    const props = `<P:transports/><P:push-transports/><P:topic/><P:supported-triggers/>`;
    const calendar = await propfind(CAL, props);
    const transports = calendar!.props.get(`{${P}}transports`)!;
    expect(transports.status).toBe(200);
    const vapid = findChild(findChild(transports.element, `{${P}}web-push`)!, `{${P}}vapid-public-key`)!;
    expect(vapid.attributes.type).toBe('p256ecdsa');
    const publicKey = (vapid.children[0] as string).trim();
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
    expect(calendar!.props.get(`{${P}}push-transports`)!.status).toBe(200);
    const topic = propText(calendar, `{${P}}topic`)!;
    expect(topic).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const triggers = calendar!.props.get(`{${P}}supported-triggers`)!.element;
    expect(findChild(findChild(triggers, `{${P}}content-update`)!, '{DAV:}depth')!.children).toEqual(['1']);
    expect(findChild(findChild(triggers, `{${P}}property-update`)!, '{DAV:}depth')!.children).toEqual(['0']);

    // The same key pair and topic on the next request; another collection has another topic.
    const again = await propfind(CAL, props);
    expect(propText(again, `{${P}}topic`)).toBe(topic);
    expect(JSON.stringify(again!.props.get(`{${P}}transports`)!.element)).toBe(JSON.stringify(transports.element));
    expect(propText(await propfind(HOME, '<P:topic/>'), `{${P}}topic`)).not.toBe(topic);

    await t.request('PUT', `${CAL}e1.ics`, { body: event('e1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    expect((await propfind(`${CAL}e1.ics`, '<P:topic/>'))!.props.get(`{${P}}topic`)!.status).toBe(404);
  });

  it('advertises a configured VAPID key pair', async () => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const configured = await makeTestApp({
      webdav_push_vapid_public_key: ecdh.getPublicKey().toString('base64url'),
      webdav_push_vapid_private_key: ecdh.getPrivateKey().toString('base64url'),
    });
    try {
      const response = await configured.request('PROPFIND', CAL, { body: `<D:propfind xmlns:D="DAV:" xmlns:P="${P}"><D:prop><P:transports/></D:prop></D:propfind>`, headers: { Depth: '0' }, expect: 207 });
      expect(await response.text()).toContain(ecdh.getPublicKey().toString('base64url'));
    } finally {
      configured.close();
    }
  });

  it('has no push properties or DAV token when webdav_push is off', async () => {
    const off = await makeTestApp({ webdav_push: 'off' });
    try {
      expect((await off.request('OPTIONS', CAL, { expect: 200 })).headers.get('DAV')).not.toMatch(/webdav-push/);
      const response = await off.request('PROPFIND', CAL, { body: `<D:propfind xmlns:D="DAV:" xmlns:P="${P}"><D:prop><P:topic/></D:prop></D:propfind>`, headers: { Depth: '0' }, expect: 207 });
      expect(parseMultistatus(await response.text()).get(CAL)!.props.get(`{${P}}topic`)!.status).toBe(404);
    } finally {
      off.close();
    }
  });
});

describe('push-register', () => {
  it('registers a subscription: 201 with the registration URL and the expiry granted', async () => {
    const response = await register({ expect: 201 });
    const location = response.headers.get('Location')!;
    expect(location).toMatch(/^http:\/\/orrery\.test\/push\/registrations\/[A-Za-z0-9_-]+$/);
    expect(response.headers.get('Expires')).toBe(new Date(NOW + 7 * DAY).toUTCString());
    const row = (await t.client.execute('SELECT * FROM push_subscriptions')).rows;
    expect(row).toHaveLength(1);
    expect(row[0]!.push_resource).toBe(PUSH_RESOURCE);
    expect(row[0]!.owner).toBe('alice');
  });

  it('renews a subscription registered again with the same push resource: same URL, new details', async () => {
    const first = await register({ expires: new Date(NOW + DAY).toUTCString(), expect: 201 });
    keys = userAgentKeys();
    const second = await register({ expires: new Date(NOW + 2 * DAY).toUTCString(), expect: 204 });
    expect(second.headers.get('Location')).toBe(first.headers.get('Location'));
    expect(second.headers.get('Expires')).toBe(new Date(NOW + 2 * DAY).toUTCString());
    const rows = (await t.client.execute('SELECT public_key, expires_at FROM push_subscriptions')).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.public_key).toBe(keys.publicKey);
    // Another push resource is another subscription.
    const other = await register({ pushResource: 'https://push.example.net/up/other', expect: 201 });
    expect(other.headers.get('Location')).not.toBe(first.headers.get('Location'));
    expect(await count('push_subscriptions')).toBe(2);
  });

  it('grants the requested expiry up to webdav_push_max_expiry, and the longest one for none or an unreadable one', async () => {
    expect((await register({ expires: 'Sun, 11 Jan 2026 00:00:00 GMT', expect: 201 })).headers.get('Expires')).toBe('Sun, 11 Jan 2026 00:00:00 GMT');
    expect((await register({ expires: new Date(NOW + 90 * DAY).toUTCString(), expect: 204 })).headers.get('Expires')).toBe(new Date(NOW + 7 * DAY).toUTCString());
    expect((await register({ expires: 'tomorrow', expect: 204 })).headers.get('Expires')).toBe(new Date(NOW + 7 * DAY).toUTCString());
    const past = await register({ expires: 'Thu, 01 Jan 2026 00:00:00 GMT', expect: 403 });
    expect((await condition(past)).name).toBe(`{${P}}invalid-subscription`);
  });

  it('forgets expired subscriptions: no message, and the registration URL is gone', async () => {
    const location = (await register({ expires: new Date(NOW + 3600_000).toUTCString(), expect: 201 })).headers.get('Location')!;
    await t.request('PUT', `${CAL}e1.ics`, { body: event('e1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    expect(await deliver(NOW + 2 * 3600_000)).toEqual({ sent: 0, retried: 0, dropped: 0 });
    expect(sent).toHaveLength(0);
    expect(await count('push_subscriptions')).toBe(0);
    await t.request('DELETE', new URL(location).pathname, { expect: 404 });
  });

  it('needs read access to the collection', async () => {
    await t.request('PROPFIND', CAL, { headers: { Depth: '0' }, expect: 207 }); // alice's first login creates the calendar
    // bob cannot see alice's calendar at all: as for anything hidden, 404.
    await register({ user: 'bob', expect: 404 });
    const calendar = (await t.store.collections.get(CAL))!;
    await t.store.collections.setAcl(CAL, `${calendar.acl}bob\tl\t`, NOW);
    const refused = await register({ user: 'bob', expect: 403 });
    expect((await condition(refused)).name).toBe('{DAV:}need-privileges');
    await t.store.collections.setAcl(CAL, `${calendar.acl}bob\tlr\t`, NOW);
    await register({ user: 'bob', expect: 201 });
    await register({ user: null, expect: 401 });
  });

  it('is refused on a calendar object (push-not-available)', async () => {
    await t.request('PUT', `${CAL}e1.ics`, { body: event('e1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const response = await register({ path: `${CAL}e1.ics`, expect: 403 });
    expect((await condition(response)).name).toBe(`{${P}}push-not-available`);
  });

  it('registers on the calendar home and the scheduling Inbox too', async () => {
    await register({ path: HOME, expect: 201 });
    await register({ path: `${HOME}Inbox/`, expect: 201 });
  });

  // What DAVx5 sends: its XML serializer's generated prefixes, no trigger and no content-encoding
  // in released versions, content-encoding and a depth-1 content-update in newer ones; 3 days asked.
  it.each([
    ['released DAVx5 (no trigger)', ''],
    ['newer DAVx5 (content-encoding, trigger)', 'newer'],
  ])('accepts the push-register of %s and notifies it of content changes', async (_what, variant) => {
    const expires = new Date(NOW + 3 * DAY).toUTCString();
    const body =
      `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><n0:push-register xmlns:n0="${P}"><n0:subscription><n0:web-push-subscription>` +
      `<n0:push-resource>${PUSH_RESOURCE}</n0:push-resource>` +
      (variant ? '<n0:content-encoding>aes128gcm</n0:content-encoding>' : '') +
      `<n0:subscription-public-key type="p256dh">${keys.publicKey}</n0:subscription-public-key><n0:auth-secret>${keys.authSecret}</n0:auth-secret>` +
      `</n0:web-push-subscription></n0:subscription>` +
      (variant ? '<n0:trigger><n0:content-update><n1:depth xmlns:n1="DAV:">1</n1:depth></n0:content-update></n0:trigger>' : '') +
      `<n0:expires>${expires}</n0:expires></n0:push-register>`;
    const response = await register({ body, type: 'application/xml; charset=utf-8', expect: 201 });
    expect(new URL(response.headers.get('Location')!).protocol).toBe('http:');
    expect(response.headers.get('Expires')).toBe(expires);
    await t.request('PUT', `${CAL}e1.ics`, { body: event('e1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    expect((await deliver()).sent).toBe(1);
    expect(decryptPushMessage(sent[0]!.body, keys)).toContain('content-update');
  });

  const subscription = (inner: string) =>
    `<P:push-register xmlns:P="${P}" xmlns:D="DAV:"><P:subscription><P:web-push-subscription>${inner}</P:web-push-subscription></P:subscription>` +
    `<P:trigger><P:content-update><D:depth>1</D:depth></P:content-update></P:trigger></P:push-register>`;
  const good = () => ({
    resource: `<P:push-resource>${PUSH_RESOURCE}</P:push-resource>`,
    key: `<P:subscription-public-key type="p256dh">${keys.publicKey}</P:subscription-public-key>`,
    auth: `<P:auth-secret>${keys.authSecret}</P:auth-secret>`,
  });

  it.each([
    ['no subscription', () => `<P:push-register xmlns:P="${P}"/>`, 'invalid-subscription', /exactly one subscription/],
    ['no push resource', () => subscription(good().key + good().auth), 'invalid-subscription', /push-resource/],
    ['a relative push resource', () => subscription(`<P:push-resource>/up/x</P:push-resource>${good().key}${good().auth}`), 'invalid-subscription', /absolute URL/],
    ['an http push resource', () => subscription(`<P:push-resource>http://push.example.net/x</P:push-resource>${good().key}${good().auth}`), 'invalid-subscription', /https/],
    ['a push resource on a loopback address', () => subscription(`<P:push-resource>https://127.0.0.1:8443/x</P:push-resource>${good().key}${good().auth}`), 'invalid-subscription', /loopback, private or link-local/],
    ['a push resource on a private IPv6 address', () => subscription(`<P:push-resource>https://[fd00::1]/x</P:push-resource>${good().key}${good().auth}`), 'invalid-subscription', /loopback, private or link-local/],
    ['a push resource on localhost', () => subscription(`<P:push-resource>https://localhost/x</P:push-resource>${good().key}${good().auth}`), 'invalid-subscription', /loopback, private or link-local/],
    ['no public key', () => subscription(good().resource + good().auth), 'invalid-subscription', /subscription-public-key/],
    ['a key of another type', () => subscription(`${good().resource}<P:subscription-public-key type="x25519">${keys.publicKey}</P:subscription-public-key>${good().auth}`), 'invalid-subscription', /p256dh/],
    ['a key that is no P-256 point', () => subscription(`${good().resource}<P:subscription-public-key>B${'A'.repeat(86)}</P:subscription-public-key>${good().auth}`), 'invalid-subscription', /P-256/],
    ['a short auth secret', () => subscription(`${good().resource}${good().key}<P:auth-secret>AAAA</P:auth-secret>`), 'invalid-subscription', /16 bytes/],
    ['another content coding', () => subscription(`${good().resource}<P:content-encoding>aesgcm</P:content-encoding>${good().key}${good().auth}`), 'invalid-subscription', /aes128gcm/],
    [
      'a trigger naming nothing supported',
      () => pushRegisterBody({ pushResource: PUSH_RESOURCE, keys, trigger: '<P:trigger><P:something-else/></P:trigger>' }),
      'no-supported-trigger',
      /content-update/,
    ],
  ])('refuses %s with 403 and a message', async (_what, body, name, message) => {
    const response = await register({ body: body(), expect: 403 });
    const text = await response.clone().text();
    expect((await condition(response)).name).toBe(`{${P}}${name}`);
    expect(text).toMatch(message);
    expect(await count('push_subscriptions')).toBe(0);
  });

  it('refuses a depth that is not one (400) and accepts deeper ones at the supported depth', async () => {
    const bad = await register({ body: pushRegisterBody({ pushResource: PUSH_RESOURCE, keys, trigger: '<P:trigger><P:content-update><D:depth>2</D:depth></P:content-update></P:trigger>' }), expect: 400 });
    expect(await bad.text()).toMatch(/depth/);
    await register({ body: pushRegisterBody({ pushResource: PUSH_RESOURCE, keys, trigger: '<P:trigger><P:content-update><D:depth>infinity</D:depth></P:content-update></P:trigger>' }), expect: 201 });
  });

  it('takes a push-register without trigger as content updates (clients of earlier drafts)', async () => {
    await register({ body: pushRegisterBody({ pushResource: PUSH_RESOURCE, keys, trigger: null }), expect: 201 });
    const row = (await t.client.execute('SELECT content_update, property_update FROM push_subscriptions')).rows[0]!;
    expect([Number(row.content_update), Number(row.property_update)]).toEqual([1, 0]);
  });

  it('answers malformed XML with 400, never 500, and stores nothing', async () => {
    const response = await register({ body: '<P:push-register xmlns:P="https://bitfire.at/webdav-push"><P:subscription>', expect: 400 });
    expect(await response.text()).toMatch(/XML/);
    expect(await count('push_subscriptions')).toBe(0);
  });

  it('leaves other XML POSTs (sharing) to their handlers', async () => {
    const response = await t.request('POST', CAL, {
      body: '<D:share-resource xmlns:D="DAV:"><D:sharee><D:href>mailto:bob@example.com</D:href><D:share-access><D:read/></D:share-access></D:sharee></D:share-resource>',
      headers: { 'Content-Type': 'application/xml' },
    });
    expect(response.status).toBeLessThan(300);
  });
});

describe('DELETE of the registration URL', () => {
  it('removes the subscription (204), then knows it no more (404)', async () => {
    const path = new URL((await register({ expect: 201 })).headers.get('Location')!).pathname;
    await t.request('DELETE', path, { user: 'bob', expect: 404 });
    await t.request('DELETE', path, { user: null, expect: 401 });
    await t.request('GET', path, { expect: 405 });
    await t.request('DELETE', path, { expect: 204 });
    expect(await count('push_subscriptions')).toBe(0);
    await t.request('DELETE', path, { expect: 404 });
    await t.request('DELETE', '/push/registrations/unknown', { expect: 404 });
  });
});

describe('push messages', () => {
  async function subscribe(trigger?: string) {
    await register({ body: pushRegisterBody({ pushResource: PUSH_RESOURCE, keys, ...(trigger ? { trigger } : {}) }), expect: 201 });
  }

  async function syncTokenOf(path: string) {
    return propText(await propfind(path, '<D:sync-token/>'), '{DAV:}sync-token');
  }

  it('sends one encrypted, VAPID-signed message for a burst of changes, with the new sync token', async () => {
    await subscribe();
    await t.request('PUT', `${CAL}e1.ics`, { body: event('e1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    await t.request('PUT', `${CAL}e2.ics`, { body: event('e2'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    await t.request('DELETE', `${CAL}e1.ics`, { expect: 204 });
    // Nothing goes out before the delay has passed.
    expect(await deliver(NOW + 60_000)).toEqual({ sent: 0, retried: 0, dropped: 0 });
    expect(await deliver()).toEqual({ sent: 1, retried: 0, dropped: 0 });
    expect(sent).toHaveLength(1);
    const message = sent[0]!;
    expect(message.url).toBe(PUSH_RESOURCE);
    expect(message.headers.get('content-encoding')).toBe('aes128gcm');
    expect(Number(message.headers.get('ttl'))).toBeGreaterThan(0);
    const topic = propText(await propfind(CAL, '<P:topic/>'), `{${P}}topic`)!;
    expect(message.headers.get('topic')).toBe(topic);

    const xml = parseXml(decryptPushMessage(message.body, keys));
    expect(xml.name).toBe(`{${P}}push-message`);
    expect(findChild(xml, `{${P}}topic`)!.children).toEqual([topic]);
    const content = findChild(xml, `{${P}}content-update`)!;
    expect(findChild(content, '{DAV:}sync-token')!.children).toEqual([await syncTokenOf(CAL)]);

    const transports = await propfind(CAL, '<P:transports/>');
    const vapidKey = JSON.stringify(transports!.props.get(`{${P}}transports`)!.element).match(/"(B[A-Za-z0-9_-]{86})"/)![1]!;
    const claims = checkVapid(message.headers.get('authorization'), vapidKey);
    expect(claims.aud).toBe('https://push.example.net');
    expect(claims.exp * 1000).toBeGreaterThan(NOW + 2 * 3600_000);
    expect(claims.exp * 1000).toBeLessThanOrEqual(NOW + 2 * 3600_000 + DAY);
    expect(claims.sub).toBe('mailto:postmaster@localhost');

    // Sent is settled: another run sends nothing.
    expect(await deliver()).toEqual({ sent: 0, retried: 0, dropped: 0 });
  });

  it('sends a property-update when the collection’s properties change', async () => {
    await subscribe();
    await t.request('PROPPATCH', CAL, {
      body: '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>Work</D:displayname></D:prop></D:set></D:propertyupdate>',
      headers: { 'Content-Type': 'application/xml' },
      expect: 207,
    });
    expect((await deliver()).sent).toBe(1);
    const xml = parseXml(decryptPushMessage(sent[0]!.body, keys));
    expect(findChild(xml, `{${P}}property-update`)).toBeDefined();
  });

  it('sends nothing for a property change to a subscription of content updates only', async () => {
    await subscribe('<P:trigger><P:property-update><D:depth>0</D:depth></P:property-update></P:trigger>');
    await t.request('PUT', `${CAL}e1.ics`, { body: event('e1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    expect((await deliver()).sent).toBe(0);
  });

  it('does not notify subscriptions of other collections', async () => {
    await register({ path: '/dav/calendars/user/bob/', user: 'bob', expect: 201 });
    await t.request('PUT', `${CAL}e1.ics`, { body: event('e1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    expect((await deliver()).sent).toBe(0);
  });

  it('removes the subscription when the push service answers 410 or 404', async () => {
    for (const status of [410, 404]) {
      await subscribe();
      answer = status;
      await t.request('PUT', `${CAL}e-${status}.ics`, { body: event(`e-${status}`), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
      expect(await deliver()).toEqual({ sent: 0, retried: 0, dropped: 1 });
      expect(await count('push_subscriptions')).toBe(0);
      expect(await count('push_deliveries')).toBe(0);
    }
  });

  it('retries after a 5xx, later, and then delivers', async () => {
    await subscribe();
    answer = 503;
    await t.request('PUT', `${CAL}e1.ics`, { body: event('e1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const at = NOW + 2 * 3600_000;
    expect(await deliver(at)).toEqual({ sent: 0, retried: 1, dropped: 0 });
    expect(await deliver(at + 1000)).toEqual({ sent: 0, retried: 0, dropped: 0 });
    answer = 201;
    expect(await deliver(at + 20_000)).toEqual({ sent: 1, retried: 0, dropped: 0 });
    expect(sent).toHaveLength(2);
    expect(await count('push_subscriptions')).toBe(1);
  });

  it('leaves out the registrations a write names in Push-Dont-Notify, and everyone for "*"', async () => {
    const own = (await register({ expect: 201 })).headers.get('Location')!;
    const otherKeys = userAgentKeys();
    await register({ body: pushRegisterBody({ pushResource: 'https://push.example.net/up/other', keys: otherKeys }), expect: 201 });
    await t.request('PUT', `${CAL}e1.ics`, { body: event('e1'), headers: { 'Content-Type': 'text/calendar', 'Push-Dont-Notify': `"${own}"` }, expect: 201 });
    expect((await deliver()).sent).toBe(1);
    expect(sent.map((m) => m.url)).toEqual(['https://push.example.net/up/other']);
    expect(decryptPushMessage(sent[0]!.body, otherKeys)).toContain('push-message');

    await t.request('PUT', `${CAL}e2.ics`, { body: event('e2'), headers: { 'Content-Type': 'text/calendar', 'Push-Dont-Notify': '*' }, expect: 201 });
    expect((await deliver()).sent).toBe(0);
    await t.request('DELETE', `${CAL}e2.ics`, { headers: { 'Push-Dont-Notify': '"not a url", "https://elsewhere.example/x"' }, expect: 204 });
    expect((await deliver()).sent).toBe(2);
  });

  it('notifies another user with read access, and drops the subscription once that access is withdrawn', async () => {
    await t.request('PROPFIND', CAL, { headers: { Depth: '0' }, expect: 207 });
    const calendar = (await t.store.collections.get(CAL))!;
    await t.store.collections.setAcl(CAL, `${calendar.acl}bob\tlr\t`, NOW);
    await register({ user: 'bob', expect: 201 });
    await t.request('PUT', `${CAL}e1.ics`, { body: event('e1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    expect(await deliver()).toEqual({ sent: 1, retried: 0, dropped: 0 });
    await t.store.collections.setAcl(CAL, calendar.acl, NOW);
    await t.request('PUT', `${CAL}e2.ics`, { body: event('e2'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    expect(await deliver()).toEqual({ sent: 0, retried: 0, dropped: 1 });
    expect(sent).toHaveLength(1);
    expect(await count('push_subscriptions')).toBe(0);
  });

  it('tells subscribers of the calendar home about a new calendar', async () => {
    await register({ path: HOME, expect: 201 });
    await t.request('MKCALENDAR', `${HOME}work/`, { expect: 201 });
    expect((await deliver()).sent).toBe(1);
    const content = findChild(parseXml(decryptPushMessage(sent[0]!.body, keys)), `{${P}}content-update`)!;
    expect(findChild(content, '{DAV:}sync-token')!.children).toEqual([await syncTokenOf(HOME)]);
  });

  it('tells an attendee subscribed to their scheduling Inbox about an invitation', async () => {
    await t.request('PROPFIND', '/dav/calendars/user/bob/', { user: 'bob', headers: { Depth: '0' }, expect: 207 });
    await register({ path: '/dav/calendars/user/bob/Inbox/', user: 'bob', expect: 201 });
    const invitation = event('meet', '20260110T100000Z', '20260110T110000Z', [
      'ORGANIZER:mailto:alice@example.com', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com', 'ATTENDEE;RSVP=TRUE:mailto:bob@example.com',
    ]);
    await t.request('PUT', `${CAL}meet.ics`, { body: invitation, headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    expect((await deliver()).sent).toBe(1);
    expect(decryptPushMessage(sent[0]!.body, keys)).toContain('content-update');
  });

  it('sends a last content-update when the subscribed collection is removed, then forgets the subscription', async () => {
    await t.request('MKCALENDAR', `${HOME}work/`, { expect: 201 });
    const topic = propText(await propfind(`${HOME}work/`, '<P:topic/>'), `{${P}}topic`)!;
    await register({ path: `${HOME}work/`, expect: 201 });
    // A subscription to property updates only is not told (removal is a content update).
    await register({ path: `${HOME}work/`, body: pushRegisterBody({ pushResource: 'https://push.example.net/up/props', keys, trigger: '<P:trigger><P:property-update/></P:trigger>' }), expect: 201 });
    await t.request('DELETE', `${HOME}work/`, { expect: 204 });
    expect(await count('push_subscriptions')).toBe(1);
    expect(await deliver()).toEqual({ sent: 1, retried: 0, dropped: 0 });
    const xml = parseXml(decryptPushMessage(sent[0]!.body, keys));
    expect(findChild(xml, `{${P}}topic`)!.children).toEqual([topic]);
    expect(findChild(xml, `{${P}}content-update`)!.children.filter((c) => typeof c !== 'string')).toEqual([]);
    expect(sent[0]!.headers.get('topic')).toBe(topic);
    expect(await count('push_subscriptions')).toBe(0);
    // A new collection that gets the old id starts with no subscribers.
    await t.request('MKCALENDAR', `${HOME}work/`, { expect: 201 });
    await t.request('PUT', `${HOME}work/e1.ics`, { body: event('e1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    expect((await deliver()).sent).toBe(0);
  });
});
