// Two Node server processes on one libSQL database file, as behind a load balancer: a client
// writing through one and syncing through the other sees one consistent collection (RFC 6578),
// and racing PUTs of one UID under different names yield one object and one
// CALDAV:no-uid-conflict (RFC 4791 §5.3.2.1).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, migrate } from '../../src/storage/index.ts';
import { ensureBootstrapUser } from '../../src/users.ts';
import { childElements, findChild, parseMultistatus, parseXml, propText, textContent } from '../helpers/multistatus.ts';
import { freePort, ROOT, startProcess, type ServerProcess } from '../support/processes.ts';
import { smokeEvent, syncCollection } from './smoke.ts';

const USER = 'carol';
const PASSWORD = 'scale-secret';
const CALENDAR = `/dav/calendars/user/${USER}/Default/`;
const dir = mkdtempSync(join(tmpdir(), 'orrery-scale-'));
const DB = `file:${join(dir, 'shared.db')}`;
const started: ServerProcess[] = [];
let a: ServerProcess;
let b: ServerProcess;

async function startNode(): Promise<ServerProcess> {
  const port = await freePort();
  const server = await startProcess({
    command: process.execPath,
    args: [join(ROOT, 'bin/orrery.js'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--db', DB],
    cwd: ROOT,
    env: { ORRERY_BOOTSTRAP_USER: USER, ORRERY_BOOTSTRAP_PASSWORD: PASSWORD },
    baseUrl: `http://127.0.0.1:${port}/`,
  });
  console.info(`Node instance ready in ${server.startupMs.toFixed(0)} ms`);
  started.push(server);
  return server;
}

function send(server: ServerProcess, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  return fetch(new URL(path, server.baseUrl), {
    method,
    headers: { Authorization: `Basic ${btoa(`${USER}:${PASSWORD}`)}`, ...headers },
    body: body ?? null,
  });
}

async function sync(server: ServerProcess, token: string) {
  const response = await send(server, 'REPORT', CALENDAR, { 'Content-Type': 'application/xml' }, syncCollection(token));
  expect(response.status).toBe(207);
  const text = await response.text();
  return { token: textContent(findChild(parseXml(text), '{DAV:}sync-token')!).trim(), members: parseMultistatus(text) };
}

beforeAll(async () => {
  // One after the other: started together, the second may die creating the bootstrap user the
  // first just created (see the known-defect case below).
  a = await startNode();
  b = await startNode();
});

afterAll(async () => {
  await Promise.all(started.map((server) => server.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('Scale-out: two Node instances on one database', () => {
  it('RFC 6578 §3.2, RFC 7232: writes through A are seen through B with the same ETags and sync tokens', async () => {
    const href = `${CALENDAR}shared.ics`;
    const created = await send(a, 'PUT', href, { 'Content-Type': 'text/calendar', 'If-None-Match': '*' }, smokeEvent('One', 'scale-shared'));
    expect(created.status).toBe(201);
    const etag1 = created.headers.get('etag');
    expect((await send(b, 'GET', href)).headers.get('etag')).toBe(etag1);

    const first = await sync(b, '');
    expect(propText(first.members.get(href), '{DAV:}getetag')).toBe(etag1);

    const updated = await send(a, 'PUT', href, { 'Content-Type': 'text/calendar', 'If-Match': etag1! }, smokeEvent('Two', 'scale-shared'));
    expect(updated.status).toBe(204);
    const etag2 = updated.headers.get('etag');
    const second = await sync(b, first.token);
    expect(second.token).not.toBe(first.token);
    expect([...second.members.keys()]).toEqual([href]);
    expect(propText(second.members.get(href), '{DAV:}getetag')).toBe(etag2);

    // B deletes with A's ETag; A's sync from B's token reports the removal.
    expect((await send(b, 'DELETE', href, { 'If-Match': etag1! })).status).toBe(412);
    expect((await send(b, 'DELETE', href, { 'If-Match': etag2! })).status).toBe(204);
    const third = await sync(a, second.token);
    expect(third.members.get(href)?.status).toBe(404);
    expect((await sync(b, second.token)).token).toBe(third.token);
  });

  it('RFC 4791 §5.3.2.1: concurrent PUTs of one UID under two names through A and B give one object and one 409 no-uid-conflict', async () => {
    for (let round = 0; round < 5; round++) {
      const uid = `race-${round}`;
      const [fromA, fromB] = await Promise.all([
        send(a, 'PUT', `${CALENDAR}${uid}-a.ics`, { 'Content-Type': 'text/calendar', 'If-None-Match': '*' }, smokeEvent('A', uid)),
        send(b, 'PUT', `${CALENDAR}${uid}-b.ics`, { 'Content-Type': 'text/calendar', 'If-None-Match': '*' }, smokeEvent('B', uid)),
      ]);
      const statuses = [fromA.status, fromB.status].sort();
      expect(statuses, `round ${round}`).toEqual([201, 409]);
      const loser = fromA.status === 409 ? fromA : fromB;
      const error = parseXml(await loser.text());
      expect(error.name).toBe('{DAV:}error');
      expect(childElements(error).map((child) => child.name)).toContain('{urn:ietf:params:xml:ns:caldav}no-uid-conflict');
      const listing = await send(a, 'PROPFIND', CALENDAR, { Depth: '1' }, '<propfind xmlns="DAV:"><prop><getetag/></prop></propfind>');
      const names = [...parseMultistatus(await listing.text()).keys()].filter((href) => href.includes(`${uid}-`));
      expect(names).toHaveLength(1);
    }
  });

  // Regression: ensureBootstrapUser() used to read, then create, so the slower of two instances
  // starting on a fresh database failed with AlreadyExistsError and exited.
  it('two instances starting together both survive creating the same bootstrap user', async () => {
    const client = createClient({ url: `file:${join(dir, 'bootstrap-race.db')}` });
    try {
      await migrate(client);
      const store = createStore(client);
      const results = await Promise.all([1, 2].map(() => ensureBootstrapUser(store, 'dave', 'pw', Date.now())));
      expect(results.sort()).toEqual([false, true]);
    } finally {
      client.close();
    }
  });
});
