// iSchedule from Orrery to a real Cyrus IMAP 3.6 (Debian's cyrus-imapd and cyrus-caldav): an
// `orrery serve` process whose peer table sends cyrus.test's addresses to a private Cyrus instance.
// alice on Orrery invites bob on Cyrus; Cyrus files the invitation in bob's calendar, takes the
// update and the cancel, and answers alice's free-busy question about bob. Cyrus is given the
// well-known URL, which it redirects to /ischedule, as a peer found by DNS SRV would be.
//
// Only this direction can be shown with a real Cyrus: Cyrus 3.6 sends iSchedule only to the
// backends of its own Murder, and external addresses go out by iMIP mail.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../protocol/ischedule/support.ts';
import { cyrusAvailable, startCyrus, type CyrusServer } from '../support/cyrus.ts';
import { dav, event, meeting, PASSWORD } from '../support/ischedule-instances.ts';
import { freePort, ROOT, startProcess, type ServerProcess } from '../support/processes.ts';

const ALICE = 'mailto:alice@orrery.test';
const BOB = 'mailto:bob@cyrus.test';
const unavailable = cyrusAvailable();
const dir = mkdtempSync(join(tmpdir(), 'orrery-cyrus-'));
let cyrus: CyrusServer;
let orrery: ServerProcess;

beforeAll(async () => {
  if (unavailable) throw new Error(`Cyrus cannot run here: ${unavailable} (scripts/install-test-deps.sh installs it)`);
  cyrus = await startCyrus('cyrus.test');
  await cyrus.addUser('bob');
  const port = await freePort();
  orrery = await startProcess({
    command: process.execPath,
    args: [join(ROOT, 'bin/orrery.js'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--db', `file:${join(dir, 'orrery.db')}`],
    cwd: ROOT,
    env: {
      ORRERY_HTTPMODULES: 'caldav freebusy ischedule',
      ORRERY_DEFAULTDOMAIN: 'orrery.test',
      ORRERY_BOOTSTRAP_USER: 'alice',
      ORRERY_BOOTSTRAP_PASSWORD: PASSWORD,
      ORRERY_ISCHEDULE_PEERS: `cyrus.test=${cyrus.httpUrl}/.well-known/ischedule`,
      ORRERY_ISCHEDULE_DKIM_KEY: (await generateKeyPair()).privateKey,
    },
    baseUrl: `http://127.0.0.1:${port}/`,
  });
}, 90_000);

afterAll(async () => {
  await Promise.all([orrery?.stop(), cyrus?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('iSchedule from orrery serve to Cyrus IMAP 3.6', () => {
  const uid = 'orrery-to-cyrus-1';
  const path = `/dav/calendars/user/alice/Default/${uid}.ics`;
  const version = (summary: string, sequence: number) => meeting({ uid, organizer: ALICE, attendee: BOB, summary, sequence });

  it('delivers an invitation into bob\'s Cyrus calendar, and the organizer copy records the delivery', async () => {
    expect((await dav(orrery, 'alice', 'PUT', path, version('Planning', 0))).status).toBe(201);
    const copy = await eventually(() => cyrusCopy('bob', uid), (found) => found !== undefined);
    expect(copy!.getFirstPropertyValue('summary')).toBe('Planning');
    expect(String(copy!.getFirstPropertyValue('organizer')).toLowerCase()).toBe(ALICE);
    const organizerCopy = await (await dav(orrery, 'alice', 'GET', path)).text();
    expect(organizerCopy.replace(/\r\n /g, '')).toMatch(/ATTENDEE;[^\r\n]*SCHEDULE-STATUS=1\.2[^\r\n]*:mailto:bob@cyrus\.test/);
  }, 30_000);

  it('asks Cyrus for bob\'s free-busy time when alice POSTs a free-busy request to her Outbox', async () => {
    const request = event([
      'METHOD:REQUEST', 'BEGIN:VFREEBUSY', 'UID:fb-cyrus', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T000000Z', 'DTEND:20300111T000000Z',
      `ORGANIZER:${ALICE}`, `ATTENDEE:${BOB}`, 'END:VFREEBUSY',
    ]);
    const response = await dav(orrery, 'alice', 'POST', '/dav/calendars/user/alice/Outbox/', request);
    expect(response.status).toBe(200);
    const text = await response.text();
    // Cyrus's answer, passed on: its status, and a VFREEBUSY reply for bob. Cyrus 3.6 leaves the
    // busy periods out of answers to iSchedule peers (its own free-busy-query lists them), so the
    // periods themselves are shown in the Orrery-to-Orrery tests.
    expect(text).toMatch(/recipient>\s*(<[^>]+>)?mailto:bob@cyrus\.test/);
    expect(text).toContain('2.0;Success');
    expect(text).toMatch(/METHOD:REPLY[\s\S]*BEGIN:VFREEBUSY[\s\S]*ATTENDEE:mailto:bob@cyrus\.test/);
  }, 30_000);

  it('carries the update to Cyrus, and Cyrus takes the cancel', async () => {
    expect((await dav(orrery, 'alice', 'PUT', path, version('Moved', 1))).status).toBe(204);
    const moved = await eventually(() => cyrusCopy('bob', uid), (found) => found?.getFirstPropertyValue('summary') === 'Moved');
    expect(moved!.getFirstPropertyValue('summary')).toBe('Moved');
    expect((await dav(orrery, 'alice', 'DELETE', path)).status).toBe(204);
    // Cyrus 3.6 answers the CANCEL with 2.0 but leaves bob's copy as it was: its iSchedule receiver
    // compares the Recipient URI with attendee addresses stripped of "mailto:" (Cyrus's own sender
    // writes bare addresses, which the draft does not allow). Orrery's log shows Cyrus's answer.
    const sent = await eventually(async () => orrery.output(), (log) => /CANCEL[^\n]*bob@cyrus\.test[^\n]*1\.2|bob@cyrus\.test[^\n]*CANCEL[^\n]*1\.2/.test(log));
    expect(sent).toMatch(/CANCEL[^\n]*bob@cyrus\.test[^\n]*1\.2|bob@cyrus\.test[^\n]*CANCEL[^\n]*1\.2/);
  }, 30_000);
});

/** bob's copy of `uid` in his Cyrus calendars, found with a CalDAV calendar-query as any client would. */
async function cyrusCopy(user: string, uid: string): Promise<ICAL.Component | undefined> {
  const query = `<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><C:calendar-data/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:prop-filter name="UID"><C:text-match collation="i;octet">${uid}</C:text-match></C:prop-filter>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>`;
  const response = await cyrus.dav(user, 'REPORT', `/dav/calendars/user/${user}/Default/`, query, { Depth: '1', 'Content-Type': 'application/xml' });
  if (response.status !== 207) throw new Error(`Cyrus answered the calendar-query with ${response.status}: ${await response.text()}`);
  const data = /<[A-Za-z]*:?calendar-data[^>]*>(?:<!\[CDATA\[)?([\s\S]*?)(?:\]\]>)?<\/[A-Za-z]*:?calendar-data>/.exec(await response.text())?.[1];
  if (!data) return undefined;
  const text = data.replace(/&#13;/g, '\r').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return new ICAL.Component(ICAL.parse(text) as unknown[]).getFirstSubcomponent('vevent') ?? undefined;
}

/** Polls `read` until `done` holds (delivery goes through Orrery's outbound queue), for at most 10 s. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
