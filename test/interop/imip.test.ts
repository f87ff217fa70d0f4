// iMIP (RFC 6047) through a real SMTP server on loopback (aiosmtpd): invitations, cancellations and
// replies to people outside the server, the MIME structure they arrive in, and the retry from the
// outbound queue after the mail server refused the connection.
import ICAL from 'ical.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../adapters/node/database.ts';
import { startServer, type RunningServer } from '../../adapters/node/server.ts';
import { parseConfig } from '../../src/config.ts';
import { addUser } from '../../src/users.ts';
import { freePort, startSmtpSink, type ReceivedMail, type SmtpSink } from '../support/smtp-sink.ts';

const DANA = 'mailto:dana@elsewhere.example';

async function startWithUsers(dir: string, smtpPort: number, extra: Record<string, string> = {}): Promise<RunningServer> {
  const url = `file:${join(dir, 'imip.db')}`;
  const { client, store } = await openDatabase({ url });
  for (const user of ['alice', 'bob']) await addUser(store, user, 'pw', `${user}@example.com`, Date.now());
  client.close();
  const config = parseConfig({ defaultdomain: 'example.com', servername: 'cal.example.com', smtp_host: '127.0.0.1', smtp_port: String(smtpPort), ...extra });
  return startServer({ host: '127.0.0.1', port: 0, database: { url }, config }, { quiet: true });
}

function client(server: RunningServer, user: string) {
  return (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${server.port}${path}`, {
      method,
      body: body ?? null,
      headers: { Authorization: `Basic ${btoa(`${user}:pw`)}`, ...(body ? { 'Content-Type': 'text/calendar' } : {}), ...headers },
    });
}

function meeting(uid: string, organizer: string, attendees: string[]): string {
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery tests//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20300101T000000Z',
    'DTSTART:20300110T100000Z', 'DTEND:20300110T110000Z', 'SUMMARY:Planning – Q1', 'LOCATION:Room 4', `ORGANIZER;CN=Alice:${organizer}`,
    ...attendees, 'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

/** Headers (unfolded, lower-case names) and body of an RFC 5322 message or MIME part. */
function splitMessage(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  const headers = new Map<string, string>();
  for (const line of raw.slice(0, at).replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(at + 4) };
}

function parts(mail: ReceivedMail) {
  const message = splitMessage(mail.raw);
  const boundary = /boundary="([^"]+)"/.exec(message.headers.get('content-type') ?? '')![1]!;
  const sections = message.body.split(`--${boundary}`).slice(1, -1).map((s) => splitMessage(s.replace(/^\r\n/, '')));
  const decode = (part: { headers: Map<string, string>; body: string }) =>
    part.headers.get('content-transfer-encoding') === 'base64' ? Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8') : part.body;
  return { message, sections, decode };
}

function calendarOf(mail: ReceivedMail): ICAL.Component {
  const { sections, decode } = parts(mail);
  const part = sections.find((s) => s.headers.get('content-type')?.startsWith('text/calendar'))!;
  return new ICAL.Component(ICAL.parse(decode(part)) as unknown[]);
}

describe('RFC 6047 iMIP over SMTP', () => {
  let dir: string;
  let sink: SmtpSink;
  let server: RunningServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orrery-imip-'));
    sink = await startSmtpSink();
    server = await startWithUsers(dir, sink.port, { imip_sender: 'calendar@cal.example.com' });
  });
  afterAll(async () => {
    await server?.close();
    await sink?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('§2 an invitation to an outside attendee is a multipart/alternative mail with a text/calendar METHOD:REQUEST part', async () => {
    const alice = client(server, 'alice');
    const put = await alice('PUT', '/dav/calendars/user/alice/Default/q1.ics', meeting('q1', 'mailto:alice@example.com', [
      'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com', 'ATTENDEE:mailto:bob@example.com', `ATTENDEE;RSVP=TRUE;CN=Dana:${DANA}`,
    ]));
    expect(put.status).toBe(201);
    const [mail] = await sink.waitFor(1);
    expect(mail!.mailFrom).toBe('calendar@cal.example.com');
    expect(mail!.rcptTos).toEqual(['dana@elsewhere.example']);

    const { message, sections, decode } = parts(mail!);
    expect(message.headers.get('mime-version')).toBe('1.0');
    expect(message.headers.get('content-type')).toMatch(/^multipart\/alternative; boundary=/);
    expect(message.headers.get('to')).toBe('dana@elsewhere.example');
    expect(message.headers.get('from')).toBe('"alice@example.com via cal.example.com" <calendar@cal.example.com>');
    expect(message.headers.get('reply-to')).toBe('<alice@example.com>');
    expect(message.headers.get('message-id')).toMatch(/^<.+@cal\.example\.com>$/);
    expect(message.headers.get('auto-submitted')).toBe('auto-generated');
    expect(Number.isNaN(Date.parse(message.headers.get('date')!))).toBe(false);
    // The subject carries a non-ASCII summary as RFC 2047 encoded words.
    expect(message.headers.get('subject')).toMatch(/^=\?UTF-8\?B\?/);
    expect(sections.map((s) => s.headers.get('content-type'))).toEqual([
      'text/plain; charset=UTF-8',
      'text/calendar; charset=UTF-8; method=REQUEST; component=VEVENT',
    ]);
    expect(decode(sections[0]!)).toContain('Planning – Q1');
    expect(decode(sections[0]!)).toContain('Where: Room 4');

    const itip = calendarOf(mail!);
    expect(itip.getFirstPropertyValue('method')).toBe('REQUEST');
    const event = itip.getFirstSubcomponent('vevent')!;
    expect(event.getFirstPropertyValue('uid')).toBe('q1');
    expect(event.getAllProperties('attendee').map((p) => p.getFirstValue())).toContain(DANA);
    expect(decode(sections[1]!)).not.toContain('SCHEDULE-');

    const stored = await (await alice('GET', '/dav/calendars/user/alice/Default/q1.ics')).text();
    expect(stored.replace(/\r\n /g, '')).toContain(`SCHEDULE-STATUS=1.1:${DANA}`);
    expect(stored.replace(/\r\n /g, '')).toContain('SCHEDULE-STATUS=1.2:mailto:bob@example.com');
  });

  it('§2 deleting the meeting mails a METHOD:CANCEL', async () => {
    const before = sink.messages().length;
    const response = await client(server, 'alice')('DELETE', '/dav/calendars/user/alice/Default/q1.ics');
    expect(response.status).toBe(204);
    const mails = await sink.waitFor(before + 1);
    const mail = mails.find((m) => calendarOf(m).getFirstPropertyValue('method') === 'CANCEL')!;
    expect(calendarOf(mail).getFirstSubcomponent('vevent')!.getFirstPropertyValue('status')).toBe('CANCELLED');
    const { sections, decode } = parts(mail);
    expect(sections[1]!.headers.get('content-type')).toContain('method=CANCEL');
    expect(decode(sections[0]!)).toContain('has cancelled "Planning – Q1"');
  });

  it('§2 an attendee here answering an outside organizer mails a METHOD:REPLY', async () => {
    const before = sink.messages().length;
    const bob = client(server, 'bob');
    const invitation = meeting('ext-1', DANA, [`ATTENDEE:${DANA}`, 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com']);
    expect((await bob('PUT', '/dav/calendars/user/bob/Default/ext-1.ics', invitation)).status).toBe(201);
    const mails = await sink.waitFor(before + 1);
    const reply = calendarOf(mails.find((m) => calendarOf(m).getFirstPropertyValue('method') === 'REPLY')!);
    const attendees = reply.getFirstSubcomponent('vevent')!.getAllProperties('attendee');
    expect(attendees.map((p) => `${p.getFirstValue()} ${p.getParameter('partstat')}`)).toEqual(['mailto:bob@example.com ACCEPTED']);
    const stored = await (await bob('GET', '/dav/calendars/user/bob/Default/ext-1.ics')).text();
    expect(stored.replace(/\r\n /g, '')).toMatch(/ORGANIZER;[^\r\n]*SCHEDULE-STATUS=1\.1/);
  });
});

describe('RFC 6047 iMIP retried from the outbound queue', () => {
  let dir: string;
  let port: number;
  let server: RunningServer;
  let sink: SmtpSink | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orrery-imip-retry-'));
    port = await freePort();
    server = await startWithUsers(dir, port);
  });
  afterAll(async () => {
    await server?.close();
    await sink?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a refused connection keeps the PUT, marks 5.1, and the message goes out on a later run', async () => {
    const alice = client(server, 'alice');
    const put = await alice('PUT', '/dav/calendars/user/alice/Default/later.ics', meeting('later', 'mailto:alice@example.com', [
      'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com', `ATTENDEE:${DANA}`,
    ]));
    expect(put.status).toBe(201);
    const stored = async () => (await (await alice('GET', '/dav/calendars/user/alice/Default/later.ics')).text()).replace(/\r\n /g, '');
    expect(await stored()).toContain(`SCHEDULE-STATUS=5.1:${DANA}`);

    sink = await startSmtpSink(port);
    // Not due yet: the first retry waits a minute.
    expect(await server.processOutbox(Date.now())).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(await server.processOutbox(Date.now() + 2 * 60_000)).toEqual({ sent: 1, retried: 0, failed: 0 });
    const [mail] = await sink.waitFor(1);
    expect(mail!.mailFrom).toBe('alice@example.com');
    expect(splitMessage(mail!.raw).headers.get('from')).toBe('<alice@example.com>');
    expect(calendarOf(mail!).getFirstPropertyValue('method')).toBe('REQUEST');
    expect(await stored()).toContain(`SCHEDULE-STATUS=1.1:${DANA}`);
    // Sent messages are not sent again.
    expect(await server.processOutbox(Date.now() + 3600_000)).toEqual({ sent: 0, retried: 0, failed: 0 });
  });
});
