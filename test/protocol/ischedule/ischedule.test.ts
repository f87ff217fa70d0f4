// draft-desruisseaux-ischedule between two instances: capabilities, delivery of REQUEST, REPLY and
// CANCEL with DKIM signatures, free-busy, and the refusals that must leave calendars untouched.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ics, makeTestApp } from '../../helpers/app.ts';
import { SILENT_LOGGER } from '../../../src/dav/context.ts';
import { ischeduleTransport } from '../../../src/ischedule/send.ts';
import { processOutbox } from '../../../src/scheduling/imip/queue.ts';
import { calendarPath, copyOf, master, partstatOf, scheduleStatusOf, withPartstat } from '../scheduling/support.ts';
import { ALICE_A, BOB_B, generateKeyPair, makePair, signedPost, type Pair } from './support.ts';

function invitation(options: { uid?: string; organizer?: string; summary?: string; sequence?: number; method?: string } = {}): string {
  const lines = [
    'BEGIN:VEVENT', `UID:${options.uid ?? 'remote-1'}`, 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T100000Z', 'DTEND:20300110T110000Z',
    `SUMMARY:${options.summary ?? 'Across servers'}`, `SEQUENCE:${options.sequence ?? 0}`, `ORGANIZER:${options.organizer ?? ALICE_A}`,
    `ATTENDEE;PARTSTAT=ACCEPTED:${options.organizer ?? ALICE_A}`, `ATTENDEE;RSVP=TRUE:${BOB_B}`, 'END:VEVENT',
  ];
  return options.method === undefined ? ics(lines) : ics([`METHOD:${options.method}`, ...lines]);
}

let pair: Pair;
beforeEach(async () => {
  pair = await makePair();
});
afterEach(() => pair.close());

describe('draft-desruisseaux-ischedule §6.1 capabilities', () => {
  it('answers GET ?action=capabilities at both paths with the capabilities document', async () => {
    for (const path of ['/.well-known/ischedule?action=capabilities', '/ischedule?action=capabilities']) {
      const response = await pair.b.request('GET', path, { user: null, expect: 200 });
      expect(response.headers.get('ischedule-capabilities')).toBe('2');
      const text = await response.text();
      for (const part of ['query-result', 'serial-number', '<I:version>1.0</I:version>', 'name="VFREEBUSY"', 'content-type="text/calendar"', 'max-content-length', 'min-date-time', 'max-date-time']) {
        expect(text).toContain(part);
      }
    }
  });

  it('refuses another query with invalid-query, not a 500', async () => {
    const response = await pair.b.request('GET', '/.well-known/ischedule?action=nothing', { user: null, expect: 400 });
    expect(await response.text()).toContain('invalid-query');
  });
});

describe('iSchedule delivery between two servers', () => {
  it('delivers an invitation, the reply, an update and a cancel (SCHEDULE-STATUS 1.2)', async () => {
    await pair.a.request('PUT', `${calendarPath('alice')}remote-1.ics`, { body: invitation(), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const organizerCopy = await copyOf(pair.a, 'alice', 'remote-1');
    expect(scheduleStatusOf(master(organizerCopy!.calendar), 'attendee', BOB_B)).toBe('1.2');
    const bobCopy = await copyOf(pair.b, 'bob', 'remote-1');
    expect(bobCopy).toBeDefined();

    await pair.b.request('PUT', `${calendarPath('bob')}${bobCopy!.name}`, {
      user: 'bob', body: withPartstat(bobCopy!.text, BOB_B, 'ACCEPTED'), headers: { 'Content-Type': 'text/calendar' }, expect: 204,
    });
    const answered = await copyOf(pair.a, 'alice', 'remote-1');
    expect(partstatOf(master(answered!.calendar), BOB_B)).toBe('ACCEPTED');

    await pair.a.request('PUT', `${calendarPath('alice')}remote-1.ics`, {
      body: withPartstat(invitation({ summary: 'Moved', sequence: 1 }), BOB_B, 'ACCEPTED'), headers: { 'Content-Type': 'text/calendar' }, expect: 204,
    });
    expect(String(master((await copyOf(pair.b, 'bob', 'remote-1'))!.calendar).getFirstPropertyValue('summary'))).toBe('Moved');

    await pair.a.request('DELETE', `${calendarPath('alice')}remote-1.ics`, { expect: 204 });
    expect(String(master((await copyOf(pair.b, 'bob', 'remote-1'))!.calendar).getFirstPropertyValue('status'))).toBe('CANCELLED');
  });

  it('answers a VFREEBUSY REQUEST with the recipient\'s busy time (anyone holds 9 on the Inbox)', async () => {
    await pair.b.request('PUT', `${calendarPath('bob')}busy.ics`, {
      user: 'bob', body: ics(['BEGIN:VEVENT', 'UID:busy', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T090000Z', 'DTEND:20300110T093000Z', 'END:VEVENT']),
      headers: { 'Content-Type': 'text/calendar' }, expect: 201,
    });
    const request = ics(['METHOD:REQUEST', 'BEGIN:VFREEBUSY', 'UID:fb-1', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T000000Z', 'DTEND:20300111T000000Z', `ORGANIZER:${ALICE_A}`, `ATTENDEE:${BOB_B}`, 'END:VFREEBUSY']);
    const response = await signedPost(pair.b, request, pair.keyA.privateKey);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('2.0;Success');
    expect(text).toContain('FREEBUSY;FBTYPE=BUSY:20300110T090000Z/20300110T093000Z');
  });
});

describe('iSchedule through the persisted outbound queue', () => {
  it('keeps 1.0 while the peer is unreachable and records 1.2 once a retry delivers', async () => {
    let reachable = false;
    const a = await makeTestApp(
      { httpmodules: 'caldav ischedule', defaultdomain: 'a.example', ischedule_dkim_key: pair.keyA.privateKey, ischedule_peers: 'b.example=http://b.test' },
      ['alice'],
      { ischeduleFetch: async (input, init) => {
        if (!reachable) throw new TypeError('connect ECONNREFUSED');
        return pair.b.app.fetch(new Request(input as string, init));
      } },
    );
    try {
      await a.request('PUT', `${calendarPath('alice')}remote-1.ics`, { body: invitation(), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
      expect(scheduleStatusOf(master((await copyOf(a, 'alice', 'remote-1'))!.calendar), 'attendee', BOB_B)).toBe('1.0');
      reachable = true;
      const counts = await processOutbox({ store: a.store, config: a.config, logger: SILENT_LOGGER, transport: ischeduleTransport(a.config, null, { fetch: async (input, init) => pair.b.app.fetch(new Request(input as string, init)) }) }, Date.now() + 120_000);
      expect(counts).toEqual({ sent: 1, retried: 0, failed: 0 });
      expect(scheduleStatusOf(master((await copyOf(a, 'alice', 'remote-1'))!.calendar), 'attendee', BOB_B)).toBe('1.2');
      expect(await copyOf(pair.b, 'bob', 'remote-1')).toBeDefined();
    } finally {
      a.close();
    }
  });
  it('posts the signed message again to where a peer redirects it on its own origin, and nowhere else', async () => {
    const seen: string[] = [];
    const redirecting = (location: string): typeof fetch => async (input, init) => {
      const url = String(input);
      seen.push(`${init?.method} ${url}`);
      // As Cyrus answers its well-known URL.
      if (url.endsWith('/.well-known/ischedule')) return new Response(null, { status: 301, headers: { Location: location } });
      return pair.b.app.fetch(new Request(url, init));
    };
    for (const [location, status] of [['/ischedule', '1.2'], ['http://elsewhere.test/ischedule', '5.2']] as const) {
      seen.length = 0;
      const a = await makeTestApp(
        { httpmodules: 'caldav ischedule', defaultdomain: 'a.example', ischedule_dkim_key: pair.keyA.privateKey, ischedule_peers: 'b.example=http://b.test/.well-known/ischedule' },
        ['alice'],
        { ischeduleFetch: redirecting(location) },
      );
      try {
        const uid = `redirected-${status}`;
        await a.request('PUT', `${calendarPath('alice')}${uid}.ics`, { body: invitation({ uid }), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
        expect(scheduleStatusOf(master((await copyOf(a, 'alice', uid))!.calendar), 'attendee', BOB_B)).toBe(status);
        expect(seen).toEqual(status === '1.2'
          ? ['POST http://b.test/.well-known/ischedule', 'POST http://b.test/ischedule']
          : ['POST http://b.test/.well-known/ischedule']);
      } finally {
        a.close();
      }
    }
  });
});

describe('iSchedule messages shaped as Cyrus IMAP sends them', () => {
  it('takes a Recipient written without mailto: (Cyrus strips the scheme) and names it back as written', async () => {
    const response = await signedPost(pair.b, invitation({ method: 'REQUEST' }), pair.keyA.privateKey, {
      recipients: ['bob@b.example'],
      messageId: '<cmu-ischedule-4242-1796627361-0@a.example>',
      headers: { 'Content-Type': 'text/calendar; charset=utf-8; method=REQUEST; component=VEVENT' },
    });
    const text = await response.text();
    expect(text).toMatch(/recipient>bob@b\.example<\//);
    expect(text).toContain('2.0;Success');
    expect(await copyOf(pair.b, 'bob', 'remote-1')).toBeDefined();
  });
});

describe('iSchedule refusals leave calendars untouched', () => {
  const body = invitation({ method: 'REQUEST' });
  const refused = async (response: Response, status: number, condition: string) => {
    expect(response.status).toBe(status);
    expect(await response.text()).toContain(condition);
    expect(await copyOf(pair.b, 'bob', 'remote-1')).toBeUndefined();
  };

  it('accepts the properly signed message these refusals are variants of', async () => {
    const response = await signedPost(pair.b, body, pair.keyA.privateKey);
    expect(await response.text()).toContain('2.0;Success');
    expect(await copyOf(pair.b, 'bob', 'remote-1')).toBeDefined();
  });

  it('refuses an unsigned message: 403 verification-failed', async () => {
    const response = await pair.b.app.fetch(new Request('http://b.test/.well-known/ischedule', {
      method: 'POST', body, headers: { 'Content-Type': 'text/calendar', 'iSchedule-Version': '1.0', Originator: ALICE_A, Recipient: BOB_B, 'iSchedule-Message-ID': '<x@a.example>' },
    }));
    await refused(response, 403, 'verification-failed');
  });

  it('refuses a tampered body', async () => {
    await refused(await signedPost(pair.b, body, pair.keyA.privateKey, { tamper: (text) => text.replace('Across servers', 'Changed') }), 403, 'verification-failed');
  });

  it('refuses a message signed with another key', async () => {
    const wrong = await generateKeyPair();
    await refused(await signedPost(pair.b, body, wrong.privateKey), 403, 'verification-failed');
  });

  it('refuses a replayed message ID', async () => {
    const messageId = '<replay-1@a.example>';
    expect((await signedPost(pair.b, invitation({ method: 'REQUEST', uid: 'other' }), pair.keyA.privateKey, { messageId })).status).toBe(200);
    await refused(await signedPost(pair.b, body, pair.keyA.privateKey, { messageId }), 403, 'verification-failed');
  });

  it('refuses an expired signature', async () => {
    await refused(await signedPost(pair.b, body, pair.keyA.privateKey, { nowMs: Date.now() - 3 * 3600_000 }), 403, 'verification-failed');
  });

  it('refuses an Originator outside the signing domain: originator-denied', async () => {
    await refused(await signedPost(pair.b, invitation({ method: 'REQUEST', organizer: 'mailto:eve@c.example' }), pair.keyA.privateKey, { originator: 'mailto:eve@c.example' }), 403, 'originator-denied');
  });

  it('refuses an ORGANIZER outside the Originator\'s domain with request-status 3.8', async () => {
    const response = await signedPost(pair.b, invitation({ method: 'REQUEST', organizer: 'mailto:eve@c.example' }), pair.keyA.privateKey);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('3.8');
    expect(await copyOf(pair.b, 'bob', 'remote-1')).toBeUndefined();
  });

  it('refuses a REPLY from someone who is not an attendee of the local organizer\'s event', async () => {
    await pair.a.request('PUT', `${calendarPath('alice')}remote-1.ics`, { body: invitation(), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const reply = ics(['METHOD:REPLY', 'BEGIN:VEVENT', 'UID:remote-1', 'DTSTAMP:20300101T000000Z', `ORGANIZER:${ALICE_A}`, 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:mallory@b.example', 'END:VEVENT']);
    const response = await signedPost(pair.a, reply, pair.keyB.privateKey, { domain: 'b.example', originator: 'mailto:mallory@b.example', recipients: [ALICE_A] });
    expect(await response.text()).toContain('3.8');
    expect(partstatOf(master((await copyOf(pair.a, 'alice', 'remote-1'))!.calendar), 'mailto:mallory@b.example')).toBeUndefined();
  });

  it.each([
    [{ 'iSchedule-Version': '2.0' }, 'version-not-supported'],
    [{ 'Content-Type': 'application/json' }, 'invalid-calendar-data-type'],
    [{ Originator: '' }, 'originator-missing'],
    [{ Recipient: '' }, 'recipient-missing'],
  ])('answers malformed headers %j with %s, never a 500', async (headers, condition) => {
    await refused(await signedPost(pair.b, body, pair.keyA.privateKey, { headers }), 400, condition);
  });

  it('answers unparseable iCalendar with invalid-calendar-data', async () => {
    await refused(await signedPost(pair.b, 'BEGIN:VCALENDAR\r\nnot ical\r\n', pair.keyA.privateKey), 400, 'invalid-calendar-data');
  });

  it('answers a message without ORGANIZER with invalid-scheduling-message', async () => {
    const noOrganizer = ics(['METHOD:REQUEST', 'BEGIN:VEVENT', 'UID:x', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T100000Z', 'END:VEVENT']);
    await refused(await signedPost(pair.b, noOrganizer, pair.keyA.privateKey), 400, 'invalid-scheduling-message');
  });
});
