// WebDAV-Push on the other runtimes: on Workers (`wrangler dev --local`, D1) the message a PUT
// causes is sent from the request's waitUntil, on Deno from the server's timer; either way it is
// encrypted and signed with the runtime's WebCrypto and decrypts at a push service stand-in on
// loopback. (Node: test/e2e/webdav-push.test.ts.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChild, parseMultistatus, parseXml } from '../helpers/multistatus.ts';
import { checkVapid, decryptPushMessage, pushRegisterBody, userAgentKeys } from '../helpers/web-push-client.ts';
import { freePort, ROOT, startProcess, type ServerProcess } from '../support/processes.ts';
import { startPushService, type PushServiceStandIn } from '../support/push-service.ts';
import { startWranglerDev } from '../support/wrangler.ts';

const P = 'https://bitfire.at/webdav-push';
const USER = 'alice';
const PASSWORD = 'alice-runtime-secret';
const CAL = `/dav/calendars/user/${USER}/Default/`;

const PUSH_VARS = { ORRERY_BOOTSTRAP_USER: USER, ORRERY_BOOTSTRAP_PASSWORD: PASSWORD, ORRERY_WEBDAV_PUSH_ALLOW_HTTP: 'on', ORRERY_WEBDAV_PUSH_DELAY: '1s' };

async function startDeno(): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-deno-push-'));
  const port = await freePort();
  const server = await startProcess({
    command: join(ROOT, 'node_modules/.bin/deno'),
    args: ['run', '--allow-net', '--allow-env', '--allow-read', '--allow-write', '--allow-ffi', '--allow-sys', 'adapters/deno/main.ts'],
    cwd: ROOT,
    env: { DENO_NO_UPDATE_CHECK: '1', ORRERY_HOST: '127.0.0.1', ORRERY_PORT: String(port), ORRERY_DB: `file:${join(dir, 'orrery.db')}`, ...PUSH_VARS },
    baseUrl: `http://127.0.0.1:${port}/`,
  });
  return {
    ...server,
    stop: async () => {
      const code = await server.stop();
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

let pushService: PushServiceStandIn;

beforeAll(async () => {
  pushService = await startPushService();
});

afterAll(async () => {
  await pushService?.close();
});

describe.each([
  ['Workers', () => startWranglerDev(PUSH_VARS)],
  ['Deno', startDeno],
])('WebDAV-Push on %s', (runtime, start) => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await start();
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
  });

  const send = (method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}) =>
    fetch(new URL(path, server.baseUrl), {
      method,
      headers: { Authorization: `Basic ${btoa(`${USER}:${PASSWORD}`)}`, ...options.headers },
      body: options.body ?? null,
    });

  it('sends an encrypted, VAPID-signed push message after a PUT', async () => {
    const found = await send('PROPFIND', CAL, {
      body: `<D:propfind xmlns:D="DAV:" xmlns:P="${P}"><D:prop><P:transports/></D:prop></D:propfind>`,
      headers: { Depth: '0', 'Content-Type': 'application/xml' },
    });
    expect(found.status).toBe(207);
    const transports = parseMultistatus(await found.text()).get(CAL)!.props.get(`{${P}}transports`)!.element;
    const vapidKey = (findChild(findChild(transports, `{${P}}web-push`)!, `{${P}}vapid-public-key`)!.children[0] as string).trim();

    const keys = userAgentKeys();
    const registered = await send('POST', CAL, {
      body: pushRegisterBody({ pushResource: `${pushService.origin}/wpush/${runtime}`, keys }),
      headers: { 'Content-Type': 'application/xml' },
    });
    expect(registered.status).toBe(201);

    const arrived = pushService.nextMessage(pushService.received.length + 1);
    const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery tests//EN', 'BEGIN:VEVENT', 'UID:w1', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T100000Z', 'DURATION:PT1H', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    expect((await send('PUT', `${CAL}w1.ics`, { body: ics, headers: { 'Content-Type': 'text/calendar' } })).status).toBe(201);
    const message = await arrived;
    checkVapid(String(message.headers.authorization), vapidKey);
    const xml = parseXml(decryptPushMessage(message.body, keys));
    expect(xml.name).toBe(`{${P}}push-message`);
    expect(findChild(xml, `{${P}}content-update`)).toBeDefined();
  }, 60_000);
});
