// iSchedule between runtimes: a.example on Node (`orrery serve`), b.example on Deno
// (adapters/deno/main.ts), both reading their signing key from ischedule_dkim_key_file. The same
// invite, accept (with tsdav), update and cancel round trip as between two Node processes, and the
// free-busy lookup both ways through the Outbox.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dav, event, instance, startInstance, type Instance } from '../support/ischedule-instances.ts';
import type { ServerProcess } from '../support/processes.ts';
import { inviteAcceptCancel } from './ischedule-flow.ts';

const dir = mkdtempSync(join(tmpdir(), 'orrery-ischedule-deno-'));
let a: ServerProcess;
let b: ServerProcess;
let alice: Instance;
let bob: Instance;

beforeAll(async () => {
  [alice, bob] = await Promise.all([instance('node', 'a.example', 'alice'), instance('deno', 'b.example', 'bob')]);
  [a, b] = await Promise.all([startInstance(alice, bob, dir, { keyFile: true }), startInstance(bob, alice, dir, { keyFile: true })]);
}, 90_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('iSchedule between a Node and a Deno instance', () => {
  it('invites from Node to Deno, gets the acceptance (sent with tsdav) back, updates and cancels', async () => {
    await inviteAcceptCancel(a, b, alice, bob, 'node-deno-1');
  }, 60_000);

  it('invites from Deno to Node the same way', async () => {
    await inviteAcceptCancel(b, a, bob, alice, 'deno-node-1');
  }, 60_000);

  it('answers Outbox free-busy requests in both directions', async () => {
    const busy = (uid: string, hour: string) => event(['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20300101T000000Z', `DTSTART:20300120T${hour}0000Z`, `DTEND:20300120T${hour}3000Z`, 'END:VEVENT']);
    expect((await dav(a, 'alice', 'PUT', '/dav/calendars/user/alice/Default/busy-a.ics', busy('busy-a', '08'))).status).toBe(201);
    expect((await dav(b, 'bob', 'PUT', '/dav/calendars/user/bob/Default/busy-b.ics', busy('busy-b', '09'))).status).toBe(201);
    const ask = (server: ServerProcess, from: Instance, to: Instance) => dav(server, from.user, 'POST', `/dav/calendars/user/${from.user}/Outbox/`, event([
      'METHOD:REQUEST', 'BEGIN:VFREEBUSY', `UID:fb-${from.user}`, 'DTSTAMP:20300101T000000Z', 'DTSTART:20300120T000000Z', 'DTEND:20300121T000000Z',
      `ORGANIZER:mailto:${from.user}@${from.domain}`, `ATTENDEE:mailto:${to.user}@${to.domain}`, 'END:VFREEBUSY',
    ]));
    expect(await (await ask(a, alice, bob)).text()).toContain('FREEBUSY;FBTYPE=BUSY:20300120T090000Z/20300120T093000Z');
    expect(await (await ask(b, bob, alice)).text()).toContain('FREEBUSY;FBTYPE=BUSY:20300120T080000Z/20300120T083000Z');
  });
});
