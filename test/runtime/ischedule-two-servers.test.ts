// Two real `orrery serve` processes on loopback, a.example and b.example, each with its own
// database and signing key, scheduling with each other over iSchedule (draft-desruisseaux-ischedule):
// invitation, acceptance, update, cancel, free-busy, and the forged messages the receiver refuses.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPrivateKey, signRequest } from '../../src/ischedule/dkim.ts';
import { generateKeyPair, type KeyPair } from '../protocol/ischedule/support.ts';
import { freePort, ROOT, startProcess, type ServerProcess } from '../support/processes.ts';

const PASSWORD = 'two-servers-secret';
const ALICE = 'mailto:alice@a.example';
const BOB = 'mailto:bob@b.example';
const dir = mkdtempSync(join(tmpdir(), 'orrery-ischedule-'));
let a: ServerProcess;
let b: ServerProcess;
let keyA: KeyPair;

beforeAll(async () => {
  const [portA, portB] = [await freePort(), await freePort()];
  const [ka, kb] = [await generateKeyPair(), await generateKeyPair()];
  keyA = ka;
  const start = (port: number, domain: string, user: string, key: KeyPair, peer: { domain: string; port: number; key: KeyPair }) =>
    startProcess({
      command: process.execPath,
      args: [join(ROOT, 'bin/orrery.js'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--db', `file:${join(dir, `${domain}.db`)}`],
      cwd: ROOT,
      env: {
        ORRERY_HTTPMODULES: 'caldav freebusy ischedule',
        ORRERY_DEFAULTDOMAIN: domain,
        ORRERY_BOOTSTRAP_USER: user,
        ORRERY_BOOTSTRAP_PASSWORD: PASSWORD,
        ORRERY_ISCHEDULE_DKIM_KEY: key.privateKey,
        ORRERY_ISCHEDULE_PEERS: `${peer.domain}=http://127.0.0.1:${peer.port}`,
        ORRERY_ISCHEDULE_PEER_KEYS: `orrery._domainkey.${peer.domain}=${peer.key.publicKey}`,
      },
      baseUrl: `http://127.0.0.1:${port}/`,
    });
  [a, b] = await Promise.all([
    start(portA, 'a.example', 'alice', ka, { domain: 'b.example', port: portB, key: kb }),
    start(portB, 'b.example', 'bob', kb, { domain: 'a.example', port: portA, key: ka }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

function event(lines: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery tests//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
}

function meeting(summary: string, sequence: number, bobPartstat = 'NEEDS-ACTION'): string {
  return event([
    'BEGIN:VEVENT', 'UID:two-servers-1', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T100000Z', 'DTEND:20300110T110000Z',
    `SUMMARY:${summary}`, `SEQUENCE:${sequence}`, `ORGANIZER:${ALICE}`, `ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;PARTSTAT=${bobPartstat}:${BOB}`, 'END:VEVENT',
  ]);
}

async function dav(server: ServerProcess, user: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(new URL(path, server.baseUrl), {
    method,
    headers: { Authorization: `Basic ${btoa(`${user}:${PASSWORD}`)}`, 'Content-Type': 'text/calendar', ...headers },
    ...(body === undefined ? {} : { body }),
  });
}

/** The user's copy of the meeting: its href and parsed VEVENT. */
async function copy(server: ServerProcess, user: string): Promise<{ href: string; text: string; vevent: ICAL.Component } | undefined> {
  const listing = await (await dav(server, user, 'PROPFIND', `/dav/calendars/user/${user}/Default/`, undefined, { Depth: '1' })).text();
  for (const href of [...listing.matchAll(/<D:href>([^<]+\.ics)<\/D:href>/g)].map((m) => m[1]!)) {
    const text = await (await dav(server, user, 'GET', href)).text();
    const vevent = new ICAL.Component(ICAL.parse(text) as unknown[]).getFirstSubcomponent('vevent')!;
    if (vevent.getFirstPropertyValue('uid') === 'two-servers-1') return { href, text, vevent };
  }
  return undefined;
}

function partstat(vevent: ICAL.Component, address: string): string | undefined {
  const property = vevent.getAllProperties('attendee').find((p) => String(p.getFirstValue()).toLowerCase() === address);
  return property ? String(property.getParameter('partstat')) : undefined;
}

async function post(server: ServerProcess, body: string, options: { key?: string; originator?: string; messageId?: string; tamper?: boolean } = {}): Promise<Response> {
  const headers = new Headers({
    'Content-Type': 'text/calendar; charset=utf-8', 'iSchedule-Version': '1.0', 'iSchedule-Message-ID': options.messageId ?? `<${crypto.randomUUID()}@a.example>`,
    Originator: options.originator ?? ALICE, Recipient: BOB,
  });
  const key = { domain: 'a.example', selector: 'orrery', key: await importPrivateKey(options.key ?? keyA.privateKey) };
  headers.set('DKIM-Signature', await signRequest(headers, body, key, Date.now(), 3600));
  return fetch(new URL('/.well-known/ischedule', server.baseUrl), { method: 'POST', headers, body: options.tamper ? body.replace('Forged', 'Altered') : body });
}

describe('iSchedule between two orrery serve processes', () => {
  it('answers capabilities', async () => {
    const response = await fetch(new URL('/.well-known/ischedule?action=capabilities', b.baseUrl));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('capabilities');
  });

  it('invites across servers, gets the acceptance back, updates and cancels', async () => {
    expect((await dav(a, 'alice', 'PUT', '/dav/calendars/user/alice/Default/two-servers-1.ics', meeting('Planning', 0))).status).toBe(201);
    const invited = await copy(b, 'bob');
    expect(invited?.vevent.getFirstPropertyValue('summary')).toBe('Planning');
    expect((await copy(a, 'alice'))!.text).toMatch(/SCHEDULE-STATUS=1\.2/);

    const accepted = invited!.text.replace(/PARTSTAT=NEEDS-ACTION(;RSVP=TRUE)?:mailto:bob@b\.example/i, 'PARTSTAT=ACCEPTED:mailto:bob@b.example');
    expect((await dav(b, 'bob', 'PUT', invited!.href, accepted)).status).toBe(204);
    expect(partstat((await copy(a, 'alice'))!.vevent, BOB)).toBe('ACCEPTED');

    expect((await dav(a, 'alice', 'PUT', '/dav/calendars/user/alice/Default/two-servers-1.ics', meeting('Moved', 1, 'ACCEPTED'))).status).toBe(204);
    expect((await copy(b, 'bob'))!.vevent.getFirstPropertyValue('summary')).toBe('Moved');

    expect((await dav(a, 'alice', 'DELETE', '/dav/calendars/user/alice/Default/two-servers-1.ics')).status).toBe(204);
    expect((await copy(b, 'bob'))!.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
  }, 60_000);

  it('answers a free-busy request across servers', async () => {
    const request = event(['METHOD:REQUEST', 'BEGIN:VFREEBUSY', 'UID:fb-2', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300101T000000Z', 'DTEND:20300201T000000Z', `ORGANIZER:${ALICE}`, `ATTENDEE:${BOB}`, 'END:VFREEBUSY']);
    const text = await (await post(b, request)).text();
    expect(text).toContain('2.0;Success');
    expect(text).toContain('FREEBUSY');
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
