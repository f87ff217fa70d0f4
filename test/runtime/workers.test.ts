// The Workers adapter under `wrangler dev --local` with a local D1 database: the smoke sequence,
// and which WebDAV/CalDAV methods the Workers runtime lets through to the Worker.
import { afterAll, describe, expect, it } from 'vitest';
import { childElements, parseMultistatus } from '../helpers/multistatus.ts';
import type { ServerProcess } from '../support/processes.ts';
import { startWranglerDev, waitForOutput } from '../support/wrangler.ts';
import { defineSmokeSuite } from './smoke.ts';

const USER = 'alice';
const PASSWORD = 'workers-secret';
let running: Promise<ServerProcess> | undefined;

// One wrangler dev for the whole file: it is the slowest server to start.
function server(): Promise<ServerProcess> {
  running ??= startWranglerDev({ ORRERY_BOOTSTRAP_USER: USER, ORRERY_BOOTSTRAP_PASSWORD: PASSWORD }).then((s) => {
    console.info(`wrangler dev (D1) ready in ${s.startupMs.toFixed(0)} ms`);
    return s;
  });
  return running;
}

afterAll(async () => {
  await (await running)?.stop();
});

defineSmokeSuite('Workers with D1', async () => ({
  baseUrl: (await server()).baseUrl,
  user: USER,
  password: PASSWORD,
  mkcalendarOverride: true,
  stop: async () => undefined,
}));

describe('Workers runtime: methods that reach the Worker (see adapters/workers/README.md)', () => {
  const send = async (method: string, path: string) =>
    fetch(new URL(path, (await server()).baseUrl), { method, headers: { Authorization: `Basic ${btoa(`${USER}:${PASSWORD}`)}`, Depth: '0' } });

  for (const method of ['PROPFIND', 'PROPPATCH', 'REPORT', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'ACL']) {
    it(`RFC 4918/4791/3744: ${method} is delivered to the Worker`, async () => {
      const path = `/dav/calendars/user/${USER}/method-probe-${method.toLowerCase()}/`;
      const response = await send(method, path);
      await response.arrayBuffer();
      // The adapter logs every request it handles; a method refused by the runtime never gets there.
      expect(await waitForOutput(await server(), new RegExp(`^\\S+ ${method} ${path} ${response.status} `, 'm'))).toBe(true);
    });
  }

  it('platform limit: workerd refuses MKCALENDAR itself (501), so clients need POST + X-HTTP-Method-Override', async () => {
    const path = `/dav/calendars/user/${USER}/method-probe-mkcalendar/`;
    const refused = await send('MKCALENDAR', path);
    expect(refused.status).toBe(501);
    expect(await refused.text()).toMatch(/Unrecognized request method/);
    expect(await waitForOutput(await server(), new RegExp(`^\\S+ MKCALENDAR ${path}`, 'm'), 500)).toBe(false);
  });

  it('RFC 5689 §3: extended MKCOL creates a calendar on Workers, the other way around the MKCALENDAR limit', async () => {
    const path = `/dav/calendars/user/${USER}/extended-mkcol/`;
    const response = await fetch(new URL(path, (await server()).baseUrl), {
      method: 'MKCOL',
      headers: { Authorization: `Basic ${btoa(`${USER}:${PASSWORD}`)}`, 'Content-Type': 'application/xml' },
      body:
        '<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>' +
        '<D:resourcetype><D:collection/><C:calendar/></D:resourcetype></D:prop></D:set></D:mkcol>',
    });
    expect(response.status).toBe(201);
    const check = await send('PROPFIND', path);
    expect(check.status).toBe(207);
    const resourcetype = parseMultistatus(await check.text()).get(path)?.props.get('{DAV:}resourcetype');
    expect(childElements(resourcetype!.element).map((child) => child.name)).toContain('{urn:ietf:params:xml:ns:caldav}calendar');
  });
});
