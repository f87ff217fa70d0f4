// Two Orrery processes scheduling with each other over iSchedule, for the runtime tests and the
// bench: each instance started on Node (`orrery serve`) or Deno (adapters/deno/main.ts) with its own
// database, signing key and the other as its only peer, plus the calendar steps both sides take.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { DAVClient } from 'tsdav';
import { generateKeyPair, type KeyPair } from '../protocol/ischedule/support.ts';
import { freePort, ROOT, startProcess, type ServerProcess } from './processes.ts';

export interface Instance {
  runtime: 'node' | 'deno';
  domain: string;
  user: string;
  port: number;
  key: KeyPair;
}

export const PASSWORD = 'two-servers-secret';
const DENO = join(ROOT, 'node_modules/.bin/deno');
const DENO_PERMISSIONS = ['--allow-net', '--allow-env', '--allow-read', '--allow-write', '--allow-ffi', '--allow-sys'];

/** An instance description with a free port and a fresh key. */
export async function instance(runtime: Instance['runtime'], domain: string, user: string): Promise<Instance> {
  return { runtime, domain, user, port: await freePort(), key: await generateKeyPair() };
}

/**
 * Starts `self` with `peer` in its peer table. `keyFile` hands the signing key over as
 * ischedule_dkim_key_file (a PEM written into `dir`) instead of ischedule_dkim_key.
 */
export function startInstance(self: Instance, peer: Instance, dir: string, options: { keyFile?: boolean; env?: Record<string, string> } = {}): Promise<ServerProcess> {
  const db = `file:${join(dir, `${self.domain}.db`)}`;
  const env: Record<string, string> = {
    ORRERY_HTTPMODULES: 'caldav freebusy ischedule',
    ORRERY_DEFAULTDOMAIN: self.domain,
    ORRERY_BOOTSTRAP_USER: self.user,
    ORRERY_BOOTSTRAP_PASSWORD: PASSWORD,
    ORRERY_ISCHEDULE_PEERS: `${peer.domain}=http://127.0.0.1:${peer.port}`,
    ORRERY_ISCHEDULE_PEER_KEYS: `orrery._domainkey.${peer.domain}=${peer.key.publicKey}`,
    ...options.env,
  };
  if (options.keyFile) {
    const file = join(dir, `${self.domain}.pem`);
    writeFileSync(file, `-----BEGIN PRIVATE KEY-----\n${self.key.privateKey.replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`, { mode: 0o600 });
    env.ORRERY_ISCHEDULE_DKIM_KEY_FILE = file;
  } else {
    env.ORRERY_ISCHEDULE_DKIM_KEY = self.key.privateKey;
  }
  const baseUrl = `http://127.0.0.1:${self.port}/`;
  if (self.runtime === 'deno') {
    return startProcess({
      command: DENO,
      args: ['run', ...DENO_PERMISSIONS, 'adapters/deno/main.ts'],
      cwd: ROOT,
      env: { DENO_NO_UPDATE_CHECK: '1', ORRERY_HOST: '127.0.0.1', ORRERY_PORT: String(self.port), ORRERY_DB: db, ...env },
      baseUrl,
    });
  }
  return startProcess({
    command: process.execPath,
    args: [join(ROOT, 'bin/orrery.js'), 'serve', '--host', '127.0.0.1', '--port', String(self.port), '--db', db],
    cwd: ROOT,
    env,
    baseUrl,
  });
}

export function event(lines: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery tests//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
}

/** A meeting of the organizer's with one attendee. */
export function meeting(options: { uid: string; organizer: string; attendee: string; summary: string; sequence: number; attendeePartstat?: string }): string {
  return event([
    'BEGIN:VEVENT', `UID:${options.uid}`, 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T100000Z', 'DTEND:20300110T110000Z',
    `SUMMARY:${options.summary}`, `SEQUENCE:${options.sequence}`, `ORGANIZER:${options.organizer}`, `ATTENDEE;PARTSTAT=ACCEPTED:${options.organizer}`,
    `ATTENDEE;PARTSTAT=${options.attendeePartstat ?? 'NEEDS-ACTION'};RSVP=TRUE:${options.attendee}`, 'END:VEVENT',
  ]);
}

export async function dav(server: ServerProcess, user: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(new URL(path, server.baseUrl), {
    method,
    headers: { Authorization: `Basic ${btoa(`${user}:${PASSWORD}`)}`, 'Content-Type': 'text/calendar', ...headers },
    ...(body === undefined ? {} : { body }),
  });
}

export interface Copy {
  href: string;
  text: string;
  vevent: ICAL.Component;
}

/** The user's copy of an event in their Default calendar: its href and parsed VEVENT. */
export async function copyOf(server: ServerProcess, user: string, uid: string): Promise<Copy | undefined> {
  const listing = await (await dav(server, user, 'PROPFIND', `/dav/calendars/user/${user}/Default/`, undefined, { Depth: '1' })).text();
  for (const href of [...listing.matchAll(/<D:href>([^<]+\.ics)<\/D:href>/g)].map((m) => m[1]!)) {
    const text = await (await dav(server, user, 'GET', href)).text();
    const vevent = new ICAL.Component(ICAL.parse(text) as unknown[]).getFirstSubcomponent('vevent')!;
    if (vevent.getFirstPropertyValue('uid') === uid) return { href, text, vevent };
  }
  return undefined;
}

export function partstat(vevent: ICAL.Component, address: string): string | undefined {
  const property = vevent.getAllProperties('attendee').find((p) => String(p.getFirstValue()).toLowerCase() === address);
  return property ? String(property.getParameter('partstat')) : undefined;
}

/**
 * The attendee accepts with tsdav, a CalDAV client written elsewhere: discovery from the server
 * root, the calendar list, a calendar-query for the events, and a PUT with If-Match of the
 * invitation with the attendee's PARTSTAT changed. Returns the PUT's status.
 */
export async function acceptWithTsdav(server: ServerProcess, user: string, address: string, uid: string): Promise<number> {
  const client = new DAVClient({ serverUrl: server.baseUrl, credentials: { username: user, password: PASSWORD }, authMethod: 'Basic', defaultAccountType: 'caldav' });
  await client.login();
  const calendar = (await client.fetchCalendars()).find((c) => c.url.endsWith('/Default/'));
  if (!calendar) throw new Error(`tsdav found no Default calendar for ${user}`);
  const invitation = (await client.fetchCalendarObjects({ calendar })).find((o) => typeof o.data === 'string' && o.data.includes(`UID:${uid}`));
  if (!invitation) throw new Error(`tsdav found no copy of ${uid} for ${user}`);
  const parsed = new ICAL.Component(ICAL.parse(invitation.data as string) as unknown[]);
  for (const vevent of parsed.getAllSubcomponents('vevent')) {
    for (const attendee of vevent.getAllProperties('attendee')) {
      if (String(attendee.getFirstValue()).toLowerCase() !== address) continue;
      attendee.setParameter('partstat', 'ACCEPTED');
      attendee.removeParameter('rsvp');
    }
  }
  const response = await client.updateCalendarObject({ calendarObject: { ...invitation, data: parsed.toString() } });
  return response.status;
}
