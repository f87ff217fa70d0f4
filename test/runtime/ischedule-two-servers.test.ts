// Two real `orrery serve` processes on loopback, a.example and b.example, each with its own
// database and signing key, scheduling with each other over iSchedule (draft-desruisseaux-ischedule):
// invitation, acceptance (by tsdav, a client written elsewhere), update, cancel, free-busy, and the
// forged messages the receiver refuses.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPrivateKey, signRequest } from '../../src/ischedule/dkim.ts';
import { generateKeyPair } from '../protocol/ischedule/support.ts';
import { dav, event, instance, startInstance, type Instance } from '../support/ischedule-instances.ts';
import type { ServerProcess } from '../support/processes.ts';
import { inviteAcceptCancel } from './ischedule-flow.ts';

const ALICE = 'mailto:alice@a.example';
const BOB = 'mailto:bob@b.example';
const dir = mkdtempSync(join(tmpdir(), 'orrery-ischedule-'));
let a: ServerProcess;
let b: ServerProcess;
let alice: Instance;
let bob: Instance;

beforeAll(async () => {
  [alice, bob] = await Promise.all([instance('node', 'a.example', 'alice'), instance('node', 'b.example', 'bob')]);
  [a, b] = await Promise.all([startInstance(alice, bob, dir), startInstance(bob, alice, dir)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

async function post(server: ServerProcess, body: string, options: { key?: string; originator?: string; messageId?: string; tamper?: boolean } = {}): Promise<Response> {
  const headers = new Headers({
    'Content-Type': 'text/calendar; charset=utf-8', 'iSchedule-Version': '1.0', 'iSchedule-Message-ID': options.messageId ?? `<${crypto.randomUUID()}@a.example>`,
    Originator: options.originator ?? ALICE, Recipient: BOB,
  });
  const key = { domain: 'a.example', selector: 'orrery', key: await importPrivateKey(options.key ?? alice.key.privateKey) };
  headers.set('DKIM-Signature', await signRequest(headers, body, key, Date.now(), 3600));
  return fetch(new URL('/.well-known/ischedule', server.baseUrl), { method: 'POST', headers, body: options.tamper ? body.replace('Forged', 'Altered') : body });
}

describe('iSchedule between two orrery serve processes', () => {
  it('answers capabilities', async () => {
    const response = await fetch(new URL('/.well-known/ischedule?action=capabilities', b.baseUrl));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('capabilities');
  });

  it('invites across servers, gets the acceptance (sent with tsdav) back, updates and cancels', async () => {
    await inviteAcceptCancel(a, b, alice, bob, 'two-servers-1');
  }, 60_000);

  it('answers a free-busy request across servers', async () => {
    const request = event(['METHOD:REQUEST', 'BEGIN:VFREEBUSY', 'UID:fb-2', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300101T000000Z', 'DTEND:20300201T000000Z', `ORGANIZER:${ALICE}`, `ATTENDEE:${BOB}`, 'END:VFREEBUSY']);
    const text = await (await post(b, request)).text();
    expect(text).toContain('2.0;Success');
    expect(text).toContain('FREEBUSY');
  });

  it('answers alice\'s Outbox free-busy request with bob\'s busy time from b.example', async () => {
    const busy = event(['BEGIN:VEVENT', 'UID:busy-on-b', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300120T090000Z', 'DTEND:20300120T100000Z', 'END:VEVENT']);
    expect((await dav(b, 'bob', 'PUT', '/dav/calendars/user/bob/Default/busy-on-b.ics', busy)).status).toBe(201);
    const request = event(['METHOD:REQUEST', 'BEGIN:VFREEBUSY', 'UID:fb-outbox', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300120T000000Z', 'DTEND:20300121T000000Z', `ORGANIZER:${ALICE}`, `ATTENDEE:${BOB}`, 'END:VFREEBUSY']);
    const response = await dav(a, 'alice', 'POST', '/dav/calendars/user/alice/Outbox/', request);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('2.0;Success');
    expect(text).toContain('FREEBUSY;FBTYPE=BUSY:20300120T090000Z/20300120T100000Z');
  });

  it('refuses a tampered body, a wrong key, a replay and an ORGANIZER outside the Originator\'s domain', async () => {
    const forged = (organizer = ALICE) => event(['METHOD:REQUEST', 'BEGIN:VEVENT', 'UID:forged-1', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T100000Z', 'SUMMARY:Forged', `ORGANIZER:${organizer}`, `ATTENDEE:${BOB}`, 'END:VEVENT']);
    const tampered = await post(b, forged(), { tamper: true });
    expect([tampered.status, await tampered.text()]).toEqual([403, expect.stringContaining('verification-failed')]);
    const wrongKey = await post(b, forged(), { key: (await generateKeyPair()).privateKey });
    expect([wrongKey.status, await wrongKey.text()]).toEqual([403, expect.stringContaining('verification-failed')]);
    const outside = await post(b, forged('mailto:eve@c.example'), { messageId: '<replayed@a.example>' });
    expect(await outside.text()).toContain('3.8');
    const replay = await post(b, forged(), { messageId: '<replayed@a.example>' });
    expect([replay.status, await replay.text()]).toEqual([403, expect.stringContaining('verification-failed')]);
    const listing = await (await dav(b, 'bob', 'PROPFIND', '/dav/calendars/user/bob/Default/', undefined, { Depth: '1' })).text();
    for (const href of [...listing.matchAll(/<D:href>([^<]+\.ics)<\/D:href>/g)].map((m) => m[1]!)) {
      expect(await (await dav(b, 'bob', 'GET', href)).text()).not.toContain('forged-1');
    }
  });
});
