// WebDAV-Push end to end: a real `orrery serve` process, a client registering a Web Push
// subscription as DAVx5 does, and a push service stand-in (an HTTP server here) that checks each
// message as a push service and the user agent would: the VAPID JWT (signature, aud, exp, sub)
// and the RFC 8291 encryption, decrypted with the subscription's private key. A PUT in the
// subscribed calendar brings one message with the new sync token; answering 410 makes the server
// drop the subscription.
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChild, parseMultistatus, parseXml, propText } from '../helpers/multistatus.ts';
import { checkVapid, decryptPushMessage, pushRegisterBody, userAgentKeys } from '../helpers/web-push-client.ts';
import { startOrreryServe, type OrreryServe } from '../support/orrery-serve.ts';
import { startPushService, type PushServiceStandIn } from '../support/push-service.ts';

const P = 'https://bitfire.at/webdav-push';
const PASSWORD = 'alice-secret';
const CAL = '/dav/calendars/user/alice/Default/';

let server: OrreryServe;
let pushService: PushServiceStandIn;

beforeAll(async () => {
  pushService = await startPushService();

  // The stand-in speaks plain HTTP on loopback; real push services are https only.
  server = await startOrreryServe({ alice: PASSWORD }, { ORRERY_WEBDAV_PUSH_ALLOW_HTTP: 'on', ORRERY_WEBDAV_PUSH_DELAY: '1s', ORRERY_WEBDAV_PUSH_VAPID_SUBJECT: 'mailto:admin@example.com' });
});

afterAll(async () => {
  await server?.stop();
  await pushService?.close();
});

function send(method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}) {
  return fetch(new URL(path, server.baseUrl), {
    method,
    headers: { Authorization: `Basic ${btoa(`alice:${PASSWORD}`)}`, ...options.headers },
    body: options.body ?? null,
  });
}

async function properties(): Promise<{ vapidKey: string; topic: string; syncToken: string }> {
  const response = await send('PROPFIND', CAL, {
    body: `<D:propfind xmlns:D="DAV:" xmlns:P="${P}"><D:prop><P:transports/><P:topic/><D:sync-token/></D:prop></D:propfind>`,
    headers: { Depth: '0', 'Content-Type': 'application/xml' },
  });
  expect(response.status).toBe(207);
  const calendar = parseMultistatus(await response.text()).get(CAL)!;
  const webPush = findChild(calendar.props.get(`{${P}}transports`)!.element, `{${P}}web-push`)!;
  return {
    vapidKey: (findChild(webPush, `{${P}}vapid-public-key`)!.children[0] as string).trim(),
    topic: propText(calendar, `{${P}}topic`)!,
    syncToken: propText(calendar, '{DAV:}sync-token')!,
  };
}

const event = (uid: string) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery tests//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T100000Z', 'DURATION:PT1H', 'SUMMARY:Push me', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

describe('WebDAV-Push against a real server and a push service stand-in', () => {
  it('delivers a decryptable, VAPID-signed message after a PUT, and drops the subscription on 410', async () => {
    const options = await send('OPTIONS', CAL);
    expect(options.headers.get('DAV')).toMatch(/webdav-push/);
    const { vapidKey } = await properties();
    expect(Buffer.from(vapidKey, 'base64url')).toHaveLength(65);

    const keys = userAgentKeys();
    const pushResource = `${pushService.origin}/wpush/subscription-1`;
    const registered = await send('POST', CAL, {
      body: pushRegisterBody({ pushResource, keys, expires: new Date(Date.now() + 3 * 86_400_000).toUTCString() }),
      headers: { 'Content-Type': 'application/xml; charset=utf-8' },
    });
    expect(registered.status).toBe(201);
    const location = registered.headers.get('Location')!;
    expect(new Date(registered.headers.get('Expires')!).getTime()).toBeGreaterThan(Date.now());

    expect((await send('PUT', `${CAL}push-1.ics`, { body: event('push-1'), headers: { 'Content-Type': 'text/calendar' } })).status).toBe(201);
    // The server sends it about a second after the write.
    const first = await pushService.nextMessage(1);
    const after = await properties();
    expect(first.path).toBe('/wpush/subscription-1');
    expect(first.headers['content-encoding']).toBe('aes128gcm');
    expect(first.headers.topic).toBe(after.topic);
    const claims = checkVapid(String(first.headers.authorization), vapidKey);
    expect(claims.aud).toBe(pushService.origin);
    expect(claims.sub).toBe('mailto:admin@example.com');
    expect(claims.exp * 1000).toBeGreaterThan(Date.now());
    expect(claims.exp * 1000).toBeLessThanOrEqual(Date.now() + 86_400_000);
    const message = parseXml(decryptPushMessage(first.body, keys));
    expect(message.name).toBe(`{${P}}push-message`);
    expect(findChild(message, `{${P}}topic`)!.children).toEqual([after.topic]);
    expect(findChild(findChild(message, `{${P}}content-update`)!, '{DAV:}sync-token')!.children).toEqual([after.syncToken]);

    // The push service now says the subscription is gone: the server forgets it.
    pushService.answerWith(410);
    expect((await send('PUT', `${CAL}push-2.ics`, { body: event('push-2'), headers: { 'Content-Type': 'text/calendar' } })).status).toBe(201);
    const second = await pushService.nextMessage(2);
    expect(second.answered).toBe(410);
    expect(decryptPushMessage(second.body, keys)).toContain('push-message');
    // Removal follows the 410 answer; wait for it in the database, then the registration URL is gone.
    const db = createClient({ url: server.db });
    try {
      while (Number((await db.execute('SELECT count(*) AS n FROM push_subscriptions')).rows[0]!.n) > 0) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      db.close();
    }
    expect((await send('DELETE', new URL(location).pathname)).status).toBe(404);
    expect(pushService.received).toHaveLength(2);
  });
});
