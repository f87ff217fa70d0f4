// A real `orrery serve` killed (SIGKILL) while it delivers invitations (RFC 6638 §3.2): restarted on
// the same database, it delivers every committed invitation exactly once to each attendee, once
// deterministically (the test hook kills it between the organizer's write and the deliveries) and
// under concurrent writers killed at random moments.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, migrate } from '../../src/storage/index.ts';
import { addUser } from '../../src/users.ts';
import { freePort, ROOT, startProcess, type ServerProcess } from '../support/processes.ts';

const PASSWORD = 'crash-secret';
const ATTENDEES = ['bob', 'carol', 'dave'];
const dir = mkdtempSync(join(tmpdir(), 'orrery-crash-'));
const DB = `file:${join(dir, 'crash.db')}`;
const started: ServerProcess[] = [];
/** When each round's kill comes: varied, but the same on every run (a seeded linear congruential sequence). */
const killDelays = (() => {
  let state = Number(process.env.CRASH_SEED ?? 20261207) >>> 0;
  return { next: () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32) };
})();

async function startNode(env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const server = await startProcess({
    command: process.execPath,
    args: [join(ROOT, 'bin/orrery.js'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--db', DB],
    cwd: ROOT,
    env,
    baseUrl: `http://127.0.0.1:${port}/`,
  });
  started.push(server);
  return server;
}

function invitation(uid: string): string {
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery tests//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20300101T000000Z',
    'DTSTART:20300110T100000Z', 'DTEND:20300110T110000Z', 'SUMMARY:Crash test', 'ORGANIZER:mailto:alice@example.com',
    'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com', ...ATTENDEES.map((user) => `ATTENDEE;RSVP=TRUE:mailto:${user}@example.com`),
    'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

async function invite(server: ServerProcess, uid: string): Promise<number> {
  const response = await fetch(new URL(`/dav/calendars/user/alice/Default/${uid}.ics`, server.baseUrl), {
    method: 'PUT',
    headers: { Authorization: `Basic ${btoa(`alice:${PASSWORD}`)}`, 'Content-Type': 'text/calendar', 'If-None-Match': '*' },
    body: invitation(uid),
  });
  await response.arrayBuffer();
  return response.status;
}

interface Deliveries {
  /** UIDs in the organizer's calendar: every write that was committed. */
  organized: Set<string>;
  /** user → UID → number of copies in their calendar / of REQUESTs in their Inbox. */
  copies: Map<string, Map<string, number>>;
  requests: Map<string, Map<string, number>>;
  /** UIDs whose organizer copy carries SCHEDULE-STATUS=1.2 for every attendee. */
  statused: Set<string>;
}

/** What the database holds, read directly (the server may be running or dead). */
async function deliveries(): Promise<Deliveries> {
  const client = createClient({ url: DB });
  const store = createStore(client);
  const result: Deliveries = { organized: new Set(), copies: new Map(), requests: new Map(), statused: new Set() };
  try {
    const organizer = await store.collections.get('/dav/calendars/user/alice/Default/');
    for await (const record of organizer ? store.resources.iterate(organizer.id) : []) {
      result.organized.add(record.uid!);
      if ((String(record.data).match(/SCHEDULE-STATUS=1\.2/g) ?? []).length === ATTENDEES.length) result.statused.add(record.uid!);
    }
    for (const user of ATTENDEES) {
      const copies = new Map<string, number>();
      const requests = new Map<string, number>();
      const calendar = await store.collections.get(`/dav/calendars/user/${user}/Default/`);
      for await (const record of calendar ? store.resources.iterate(calendar.id) : []) copies.set(record.uid!, (copies.get(record.uid!) ?? 0) + 1);
      const inbox = await store.collections.get(`/dav/calendars/user/${user}/Inbox/`);
      for await (const record of inbox ? store.resources.iterate(inbox.id) : []) {
        const text = String(record.data);
        const uid = /^UID:(.+)$/m.exec(text)?.[1]?.trim();
        if (uid && /^METHOD:REQUEST$/m.test(text)) requests.set(uid, (requests.get(uid) ?? 0) + 1);
      }
      result.copies.set(user, copies);
      result.requests.set(user, requests);
    }
  } finally {
    client.close();
  }
  return result;
}

function settled(state: Deliveries, uids: Iterable<string>): boolean {
  for (const uid of uids) {
    if (!state.statused.has(uid)) return false;
    for (const user of ATTENDEES) if (!state.copies.get(user)!.has(uid) || !state.requests.get(user)!.has(uid)) return false;
  }
  return true;
}

/** Polls until every committed invitation reached every attendee and its statuses are recorded. */
async function waitUntilSettled(timeoutMs: number): Promise<Deliveries> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await deliveries();
    if (settled(state, state.organized) || Date.now() > deadline) return state;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function expectExactlyOnce(state: Deliveries, uids: Iterable<string>): void {
  for (const uid of uids) {
    for (const user of ATTENDEES) {
      expect(state.copies.get(user)!.get(uid), `${user}'s copies of ${uid}`).toBe(1);
      expect(state.requests.get(user)!.get(uid), `${user}'s Inbox REQUESTs for ${uid}`).toBe(1);
    }
    expect(state.statused.has(uid), `SCHEDULE-STATUS on the organizer's copy of ${uid}`).toBe(true);
  }
}

beforeAll(async () => {
  const client = createClient({ url: DB });
  await migrate(client);
  const store = createStore(client);
  for (const user of ['alice', ...ATTENDEES]) await addUser(store, user, PASSWORD, `${user}@example.com`, Date.now());
  client.close();
});

afterAll(async () => {
  await Promise.all(started.map((server) => server.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('RFC 6638 §3.2 scheduling survives a killed server', () => {
  it('a server killed between the organizer\'s write and the deliveries delivers after restart, once', async () => {
    const doomed = await startNode({ ORRERY_TEST_KILL_BEFORE_SCHEDULING_DELIVERY: '1' });
    await expect(invite(doomed, 'killed-before-delivery')).rejects.toThrow();
    await doomed.exited;
    const before = await deliveries();
    expect(before.organized.has('killed-before-delivery')).toBe(true);
    expect(before.copies.get('bob')!.has('killed-before-delivery')).toBe(false);

    const restarted = await startNode();
    const after = await waitUntilSettled(60_000);
    expectExactlyOnce(after, ['killed-before-delivery']);
    await restarted.stop();
  }, 90_000);

  it('concurrent organizers\' invitations survive SIGKILLs at random moments, each delivered exactly once', async () => {
    const acknowledged = new Set<string>();
    for (let round = 0; round < 4; round++) {
      const server = await startNode();
      let writing = true;
      const writers = [0, 1, 2].map(async (writer) => {
        for (let n = 0; writing; n++) {
          const uid = `round${round}-writer${writer}-${n}`;
          try {
            if ((await invite(server, uid)) === 201) acknowledged.add(uid);
          } catch {
            // The server died under this request: the write may or may not have been committed.
          }
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 400 + killDelays.next() * 1200));
      writing = false;
      await server.kill();
      await Promise.all(writers);
    }
    expect(acknowledged.size).toBeGreaterThan(0);
    const left = await deliveries();
    const interrupted = [...left.organized].filter((uid) => !settled(left, [uid])).length;
    const final = await startNode();
    const state = await waitUntilSettled(60_000);
    await final.stop();
    for (const uid of acknowledged) expect(state.organized.has(uid), `acknowledged ${uid} is stored`).toBe(true);
    // Every committed invitation counts, acknowledged or not: none may be lost or doubled.
    expectExactlyOnce(state, state.organized);
    const check = createClient({ url: DB });
    try {
      expect((await check.execute('PRAGMA integrity_check')).rows[0]![0]).toBe('ok');
    } finally {
      check.close();
    }
    console.info(`${acknowledged.size} acknowledged, ${state.organized.size} committed invitations, ${interrupted} left unfinished by the kills, each delivered once to ${ATTENDEES.length} attendees`);
  }, 150_000);
});
