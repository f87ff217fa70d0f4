// RFC 6638 §5 Outbox free-busy with recipients on an iSchedule peer (draft-desruisseaux-ischedule
// §6.2): their busy time is asked from the peer while the POST waits, and the peer's per-recipient
// answer is what the schedule-response carries; a silent or refusing peer costs only its recipients.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseXml } from '../../helpers/multistatus.ts';
import { childElements, findChild, textContent } from '../../../src/dav/xml/element.ts';
import { caldav, dav } from '../../../src/dav/xml/names.ts';
import { calendarPath } from '../scheduling/support.ts';
import { ALICE_A, BOB_B, makePair, type Pair } from './support.ts';

const NOBODY_B = 'mailto:nobody@b.example';
const SOMEONE_C = 'mailto:someone@c.example';
const outbox = '/dav/calendars/user/alice/Outbox/';

function freeBusyRequest(attendees: string[]): string {
  return ics([
    'METHOD:REQUEST', 'BEGIN:VFREEBUSY', 'UID:fb-outbox-1', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T000000Z', 'DTEND:20300111T000000Z',
    `ORGANIZER:${ALICE_A}`, ...attendees.map((a) => `ATTENDEE:${a}`), 'END:VFREEBUSY',
  ]);
}

/** recipient → { status, data } from a CALDAV:schedule-response. */
async function answers(response: Response): Promise<Map<string, { status: string; data: string | undefined }>> {
  const root = parseXml(await response.text());
  expect(root.name).toBe(caldav('schedule-response'));
  return new Map(childElements(root).map((r) => {
    const data = findChild(r, caldav('calendar-data'));
    return [
      textContent(findChild(findChild(r, caldav('recipient'))!, dav('href'))!),
      { status: textContent(findChild(r, caldav('request-status'))!), data: data ? textContent(data) : undefined },
    ];
  }));
}

const busyEvent = (uid: string, start: string, end: string) =>
  ics(['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20300101T000000Z', `DTSTART:${start}`, `DTEND:${end}`, 'END:VEVENT']);

describe('RFC 6638 §5 Outbox free-busy for recipients on an iSchedule peer', () => {
  let pair: Pair;
  beforeEach(async () => {
    pair = await makePair();
  });
  afterEach(() => pair.close());

  it('returns the peer\'s busy time and request-status per recipient beside the local ones', async () => {
    await pair.a.request('PUT', `${calendarPath('alice')}mine.ics`, { body: busyEvent('mine', '20300110T070000Z', '20300110T080000Z'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    await pair.b.request('PUT', `${calendarPath('bob')}busy.ics`, { user: 'bob', body: busyEvent('busy', '20300110T090000Z', '20300110T093000Z'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const response = await pair.a.request('POST', outbox, { body: freeBusyRequest([ALICE_A, BOB_B, NOBODY_B, SOMEONE_C]), headers: { 'Content-Type': 'text/calendar' }, expect: 200 });
    const got = await answers(response);
    expect([...got.keys()]).toEqual([ALICE_A, BOB_B, NOBODY_B, SOMEONE_C]);
    expect(got.get(ALICE_A)!.data).toContain('FREEBUSY;FBTYPE=BUSY:20300110T070000Z/20300110T080000Z');
    expect(got.get(BOB_B)!.status).toMatch(/^2\.0/);
    expect(got.get(BOB_B)!.data).toContain('FREEBUSY;FBTYPE=BUSY:20300110T090000Z/20300110T093000Z');
    expect(got.get(BOB_B)!.data).toContain('METHOD:REPLY');
    // The peer's own answer for an address it does not know; no peer at all for c.example.
    expect(got.get(NOBODY_B)).toEqual({ status: '3.7;Invalid calendar user', data: undefined });
    expect(got.get(SOMEONE_C)!.status).toMatch(/^3\.7/);
  });
});

describe('Outbox free-busy when the peer is slow, refuses, or should not see the other attendees', () => {
  let b: TestApp;
  let keys: Pair;
  const opened: TestApp[] = [];
  beforeEach(async () => {
    keys = await makePair();
    b = keys.b;
  });
  afterEach(() => {
    for (const t of opened.splice(0)) t.close();
    keys.close();
  });

  const alice = async (peerFetch: typeof fetch, extra: Record<string, string> = {}) => {
    const a = await makeTestApp(
      { httpmodules: 'caldav ischedule', defaultdomain: 'a.example', ischedule_dkim_key: keys.keyA.privateKey, ischedule_peers: 'b.example=http://b.test', ...extra },
      ['alice'],
      { ischeduleFetch: peerFetch },
    );
    opened.push(a);
    return a;
  };

  it('sends the peer only its own attendees, in one signed POST', async () => {
    const seen: { recipient: string | null; body: string }[] = [];
    const a = await alice(async (input, init) => {
      const request = new Request(input as string, init);
      seen.push({ recipient: request.headers.get('recipient'), body: await request.clone().text() });
      return b.app.fetch(request);
    });
    await b.request('PUT', `${calendarPath('bob')}busy.ics`, { user: 'bob', body: busyEvent('busy', '20300110T090000Z', '20300110T093000Z'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const got = await answers(await a.request('POST', outbox, { body: freeBusyRequest([BOB_B, NOBODY_B, SOMEONE_C, ALICE_A]), headers: { 'Content-Type': 'text/calendar' }, expect: 200 }));
    expect(got.get(BOB_B)!.status).toMatch(/^2\.0/);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.recipient).toBe(`${BOB_B}, ${NOBODY_B}`);
    expect(seen[0]!.body).not.toContain(SOMEONE_C);
    expect(seen[0]!.body).not.toContain(`ATTENDEE:${ALICE_A}`);
  });

  it('answers 5.1 for the peer\'s recipients when it does not answer within ischedule_freebusy_timeout', async () => {
    const a = await alice((_input, init) => new Promise<Response>((_resolve, reject) => {
      init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason));
    }), { ischedule_freebusy_timeout: '1s' });
    const started = Date.now();
    const got = await answers(await a.request('POST', outbox, { body: freeBusyRequest([ALICE_A, BOB_B]), headers: { 'Content-Type': 'text/calendar' }, expect: 200 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(got.get(BOB_B)).toEqual({ status: '5.1;Service unavailable', data: undefined });
    expect(got.get(ALICE_A)!.status).toMatch(/^2\.0/);
  });

  it('answers 5.1 when the peer cannot be reached, 5.2 when it refuses the request itself', async () => {
    const unreachable = await alice(async () => {
      throw new TypeError('connect ECONNREFUSED');
    });
    expect((await answers(await unreachable.request('POST', outbox, { body: freeBusyRequest([BOB_B]), headers: { 'Content-Type': 'text/calendar' }, expect: 200 }))).get(BOB_B)!.status).toBe('5.1;Service unavailable');
    // Signed with a key b.example does not know: 403 verification-failed for the whole message.
    const stranger = await alice(async (input, init) => b.app.fetch(new Request(input as string, init)), { ischedule_dkim_key: keys.keyB.privateKey });
    expect((await answers(await stranger.request('POST', outbox, { body: freeBusyRequest([BOB_B]), headers: { 'Content-Type': 'text/calendar' }, expect: 200 }))).get(BOB_B)!.status).toBe('5.2;Invalid calendar service');
  });

  it('does not pass on calendar-data from a peer that is not a VFREEBUSY', async () => {
    const a = await alice(async () => new Response(
      '<I:schedule-response xmlns:I="urn:ietf:params:xml:ns:ischedule"><I:response><I:recipient>mailto:bob@b.example</I:recipient>'
      + '<I:request-status>2.0;Success</I:request-status><I:calendar-data>&lt;script&gt;</I:calendar-data></I:response></I:schedule-response>',
      { status: 200, headers: { 'Content-Type': 'application/xml' } },
    ));
    const got = await answers(await a.request('POST', outbox, { body: freeBusyRequest([BOB_B]), headers: { 'Content-Type': 'text/calendar' }, expect: 200 }));
    expect(got.get(BOB_B)).toEqual({ status: '2.0;Success', data: undefined });
  });
});
