// The iTIP methods an iSchedule receiver takes beyond REQUEST/REPLY/CANCEL (RFC 5546 §3.2: ADD,
// REFRESH, COUNTER, DECLINECOUNTER; draft-ietf-calext-vpoll: VPOLL with POLLSTATUS), the calendar
// data types it takes (jCal, xCal), and that the capabilities document lists exactly these.
import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ics } from '../../helpers/app.ts';
import { findChildren, type XmlElement } from '../../../src/dav/xml/element.ts';
import { clark, NS } from '../../../src/dav/xml/names.ts';
import { parseXml } from '../../../src/dav/xml/parse.ts';
import { jcalToXcal } from '../../../src/ical/xcal.ts';
import { calendarPath, copyOf, inboxSummary, master, members, override } from '../scheduling/support.ts';
import { ALICE_A, BOB_B, makePair, signedPost, type Pair } from './support.ts';

const EVE_A = 'mailto:eve@a.example';
const MALLORY_B = 'mailto:mallory@b.example';
const ischedule = (local: string) => clark(NS.ISCHEDULE, local);

function vevent(method: string | null, lines: string[], organizer = ALICE_A): string {
  const body = ['BEGIN:VEVENT', 'UID:meet-1', 'DTSTAMP:20300101T000000Z', `ORGANIZER:${organizer}`, ...lines, 'END:VEVENT'];
  return ics(method ? [`METHOD:${method}`, ...body] : body);
}

const INVITATION = ['DTSTART:20300110T100000Z', 'DTEND:20300110T110000Z', 'SUMMARY:Weekly', 'RRULE:FREQ=WEEKLY;COUNT=3', 'SEQUENCE:0', `ATTENDEE;PARTSTAT=ACCEPTED:${ALICE_A}`, `ATTENDEE;RSVP=TRUE:${BOB_B}`];

let pair: Pair;
beforeEach(async () => {
  pair = await makePair({}, { b: ['bob', 'carol', 'mallory'] });
});
afterEach(() => pair.close());

/** alice on A invites bob on B (delivered over iSchedule); returns alice's copy as stored. */
async function aliceInvitesBob() {
  await pair.a.request('PUT', `${calendarPath('alice')}meet-1.ics`, { body: vevent(null, INVITATION), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
  expect(await copyOf(pair.b, 'bob', 'meet-1')).toBeDefined();
  return (await copyOf(pair.a, 'alice', 'meet-1'))!;
}

/** bob's server posting as bob (or another b.example sender) to alice on A. */
function fromB(body: string, originator = BOB_B) {
  return signedPost(pair.a, body, pair.keyB.privateKey, { domain: 'b.example', originator, recipients: [ALICE_A] });
}

async function requestStatus(response: Response): Promise<string> {
  expect(response.status).toBe(200);
  const text = await response.text();
  const match = /request-status>([^<]*)</.exec(text);
  if (!match) throw new Error(`no request-status in ${text}`);
  return match[1]!;
}

describe('capabilities list exactly the methods and data types the receiver takes', () => {
  it('names every component with its methods, and the three calendar data types', async () => {
    const response = await pair.b.request('GET', '/.well-known/ischedule?action=capabilities', { user: null, expect: 200 });
    const root = parseXml(await response.text());
    const capabilities = findChildren(root, ischedule('capabilities'))[0]!;
    const messages = findChildren(findChildren(capabilities, ischedule('scheduling-messages'))[0]!, ischedule('component'));
    const listed = Object.fromEntries(messages.map((component: XmlElement) => [
      component.attributes?.['name'],
      findChildren(component, ischedule('method')).map((method: XmlElement) => method.attributes?.['name']).join(' '),
    ]));
    expect(listed).toEqual({
      VEVENT: 'REQUEST REPLY CANCEL ADD REFRESH COUNTER DECLINECOUNTER',
      VTODO: 'REQUEST REPLY CANCEL ADD REFRESH COUNTER DECLINECOUNTER',
      VPOLL: 'REQUEST REPLY CANCEL POLLSTATUS',
      VFREEBUSY: 'REQUEST',
    });
    const types = findChildren(findChildren(capabilities, ischedule('calendar-data-types'))[0]!, ischedule('calendar-data-type')).map((type: XmlElement) => type.attributes?.['content-type']);
    expect(types).toEqual(['text/calendar', 'application/calendar+json', 'application/calendar+xml']);
  });

  it.each([
    ['PUBLISH', 'VEVENT'],
    ['POLLSTATUS', 'VEVENT'],
    ['REPLY', 'VFREEBUSY'],
  ])('refuses METHOD:%s for %s whole with invalid-scheduling-message', async (method, component) => {
    const body = ics([`METHOD:${method}`, `BEGIN:${component}`, 'UID:meet-1', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T100000Z', 'DTEND:20300110T110000Z', `ORGANIZER:${ALICE_A}`, `ATTENDEE:${BOB_B}`, `END:${component}`]);
    const response = await signedPost(pair.b, body, pair.keyA.privateKey);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('invalid-scheduling-message');
    expect(await copyOf(pair.b, 'bob', 'meet-1')).toBeUndefined();
    expect(await inboxSummary(pair.b, 'bob')).toEqual([]);
  });
});

describe('RFC 5546 §3.2.7 COUNTER and §3.2.8 DECLINECOUNTER reach the Inbox and change no calendar', () => {
  it('delivers an attendee\'s COUNTER to the organizer\'s Inbox, the copy unchanged', async () => {
    const before = await aliceInvitesBob();
    const counter = vevent('COUNTER', ['DTSTART:20300110T140000Z', 'DTEND:20300110T150000Z', 'SUMMARY:Weekly', 'SEQUENCE:0', `ATTENDEE;PARTSTAT=ACCEPTED:${BOB_B}`, 'COMMENT:Afternoon?']);
    expect(await requestStatus(await fromB(counter))).toBe('2.0;Success');
    expect(await inboxSummary(pair.a, 'alice')).toContain('COUNTER meet-1');
    expect((await copyOf(pair.a, 'alice', 'meet-1'))!.text).toBe(before.text);
  });

  it('refuses a COUNTER from someone who is not an attendee (3.8), and one for an event the organizer lacks', async () => {
    await aliceInvitesBob();
    const counter = (who: string) => vevent('COUNTER', ['DTSTART:20300110T140000Z', 'DTEND:20300110T150000Z', `ATTENDEE;PARTSTAT=ACCEPTED:${who}`]);
    expect(await requestStatus(await fromB(counter(MALLORY_B), MALLORY_B))).toMatch(/^3\.8;/);
    expect(await requestStatus(await fromB(counter(BOB_B).replace('UID:meet-1', 'UID:unknown')))).toMatch(/^3\.8;/);
    expect(await inboxSummary(pair.a, 'alice')).not.toContain('COUNTER meet-1');
  });

  it('delivers the organizer\'s DECLINECOUNTER to the attendee\'s Inbox, the copy unchanged; refuses it from another sender', async () => {
    await aliceInvitesBob();
    const before = (await copyOf(pair.b, 'bob', 'meet-1'))!;
    const decline = (organizer: string) => vevent('DECLINECOUNTER', ['SEQUENCE:0', `ATTENDEE:${BOB_B}`, 'COMMENT:Mornings only'], organizer);
    expect(await requestStatus(await signedPost(pair.b, decline(EVE_A), pair.keyA.privateKey, { originator: EVE_A }))).toMatch(/^5\.3;/);
    expect(await inboxSummary(pair.b, 'bob')).not.toContain('DECLINECOUNTER meet-1');
    expect(await requestStatus(await signedPost(pair.b, decline(ALICE_A), pair.keyA.privateKey))).toBe('2.0;Success');
    expect(await inboxSummary(pair.b, 'bob')).toContain('DECLINECOUNTER meet-1');
    expect((await copyOf(pair.b, 'bob', 'meet-1'))!.text).toBe(before.text);
  });
});

describe('RFC 5546 §3.2.6 REFRESH is answered with the organizer\'s current event', () => {
  it('sends the attendee who asked a REQUEST back over iSchedule, and nobody else', async () => {
    await aliceInvitesBob();
    // bob's copy is lost on B; his server asks for the event again.
    await pair.b.request('DELETE', `${calendarPath('bob')}${(await copyOf(pair.b, 'bob', 'meet-1'))!.name}`, { user: 'bob', headers: { 'Schedule-Reply': 'F' }, expect: 204 });
    expect(await copyOf(pair.b, 'bob', 'meet-1')).toBeUndefined();
    const refresh = vevent('REFRESH', [`ATTENDEE:${BOB_B}`]);
    expect(await requestStatus(await fromB(refresh))).toBe('2.0;Success');
    const restored = await copyOf(pair.b, 'bob', 'meet-1');
    expect(String(master(restored!.calendar).getFirstPropertyValue('summary'))).toBe('Weekly');
    expect((await inboxSummary(pair.b, 'bob')).filter((line) => line === 'REQUEST meet-1')).toHaveLength(2);
  });

  it('answers a REFRESH for a to-do the same way', async () => {
    const todo = ics(['BEGIN:VTODO', 'UID:todo-1', 'DTSTAMP:20300101T000000Z', 'DUE:20300110T100000Z', 'SUMMARY:Report', `ORGANIZER:${ALICE_A}`, `ATTENDEE;PARTSTAT=ACCEPTED:${ALICE_A}`, `ATTENDEE:${BOB_B}`, 'END:VTODO']);
    await pair.a.request('PUT', `${calendarPath('alice')}todo-1.ics`, { body: todo, headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const refresh = ics(['METHOD:REFRESH', 'BEGIN:VTODO', 'UID:todo-1', 'DTSTAMP:20300101T000000Z', `ORGANIZER:${ALICE_A}`, `ATTENDEE:${BOB_B}`, 'END:VTODO']);
    expect(await requestStatus(await fromB(refresh))).toBe('2.0;Success');
    expect((await inboxSummary(pair.b, 'bob')).filter((line) => line === 'REQUEST todo-1')).toHaveLength(2);
  });

  it('refuses a REFRESH from someone who is not an attendee (3.8) and sends nothing', async () => {
    await aliceInvitesBob();
    expect(await requestStatus(await fromB(vevent('REFRESH', [`ATTENDEE:${MALLORY_B}`]), MALLORY_B))).toMatch(/^3\.8;/);
    expect(await inboxSummary(pair.b, 'mallory')).toEqual([]);
    expect((await inboxSummary(pair.b, 'bob')).filter((line) => line === 'REQUEST meet-1')).toHaveLength(1);
  });
});

describe('RFC 5546 §3.2.4 ADD puts new instances into the attendee\'s copy', () => {
  const add = (organizer = ALICE_A) => vevent('ADD', ['DTSTART:20300205T100000Z', 'DTEND:20300205T113000Z', 'SUMMARY:Extra session', 'SEQUENCE:1', `ATTENDEE;PARTSTAT=ACCEPTED:${ALICE_A}`, `ATTENDEE;RSVP=TRUE:${BOB_B}`], organizer);

  it('adds the instance as an RDATE and an override, and keeps the message in the Inbox', async () => {
    await aliceInvitesBob();
    expect(await requestStatus(await signedPost(pair.b, add(), pair.keyA.privateKey))).toBe('2.0;Success');
    const copy = (await copyOf(pair.b, 'bob', 'meet-1'))!;
    expect(copy.text).toContain('RDATE:20300205T100000Z');
    expect(String(override(copy.calendar, '20300205T100000Z')?.getFirstPropertyValue('summary'))).toBe('Extra session');
    expect(String(master(copy.calendar).getFirstPropertyValue('summary'))).toBe('Weekly');
    expect(await inboxSummary(pair.b, 'bob')).toContain('ADD meet-1');
  });

  it('refuses an ADD from another organizer than the copy\'s, leaving it unchanged', async () => {
    await aliceInvitesBob();
    const before = (await copyOf(pair.b, 'bob', 'meet-1'))!;
    expect(await requestStatus(await signedPost(pair.b, add(EVE_A), pair.keyA.privateKey, { originator: EVE_A }))).toMatch(/^5\.3;/);
    expect((await copyOf(pair.b, 'bob', 'meet-1'))!.text).toBe(before.text);
  });

  it('answers 3.1 for an instance the copy may not hold (past max-date-time), leaving the copy and Inbox as they were', async () => {
    await aliceInvitesBob();
    const before = (await copyOf(pair.b, 'bob', 'meet-1'))!;
    const late = add().replace('DTSTART:20300205T100000Z', 'DTSTART:22000205T100000Z').replace('DTEND:20300205T113000Z', 'DTEND:22000205T113000Z');
    expect(await requestStatus(await signedPost(pair.b, late, pair.keyA.privateKey))).toMatch(/^3\.1;Invalid property value: DTSTART is later/);
    expect((await copyOf(pair.b, 'bob', 'meet-1'))!.text).toBe(before.text);
    expect(await inboxSummary(pair.b, 'bob')).toEqual(['REQUEST meet-1']);
  });

  it('gives an attendee without the event the ADD in the Inbox only (their client may REFRESH)', async () => {
    expect(await requestStatus(await signedPost(pair.b, add(), pair.keyA.privateKey))).toBe('2.0;Success');
    expect(await copyOf(pair.b, 'bob', 'meet-1')).toBeUndefined();
    expect(await inboxSummary(pair.b, 'bob')).toEqual(['ADD meet-1']);
  });
});

describe('jCal and xCal message bodies (calendar-data-types)', () => {
  const text = vevent('REQUEST', INVITATION);
  const jcal = JSON.stringify(ICAL.parse(text));

  it('delivers a jCal invitation like the iCalendar one', async () => {
    const response = await signedPost(pair.b, jcal, pair.keyA.privateKey, { headers: { 'Content-Type': 'application/calendar+json' } });
    expect(await requestStatus(response)).toBe('2.0;Success');
    expect(String(master((await copyOf(pair.b, 'bob', 'meet-1'))!.calendar).getFirstPropertyValue('summary'))).toBe('Weekly');
  });

  it('delivers an xCal invitation like the iCalendar one', async () => {
    const xcal = jcalToXcal(ICAL.parse(text) as Parameters<typeof jcalToXcal>[0]);
    const response = await signedPost(pair.b, xcal, pair.keyA.privateKey, { headers: { 'Content-Type': 'application/calendar+xml; charset=utf-8' } });
    expect(await requestStatus(response)).toBe('2.0;Success');
    expect(await copyOf(pair.b, 'bob', 'meet-1')).toBeDefined();
  });

  it('checks the signature over the jCal as sent, and refuses malformed jCal with invalid-calendar-data', async () => {
    const tampered = await signedPost(pair.b, jcal, pair.keyA.privateKey, { headers: { 'Content-Type': 'application/calendar+json' }, tamper: (body) => body.replace('Weekly', 'Monthly') });
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('verification-failed');
    const malformed = await signedPost(pair.b, '{"not": "jcal"', pair.keyA.privateKey, { headers: { 'Content-Type': 'application/calendar+json' } });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toContain('invalid-calendar-data');
    expect(await copyOf(pair.b, 'bob', 'meet-1')).toBeUndefined();
  });
});

describe('VPOLL between two servers (draft-ietf-calext-vpoll §8 over iSchedule)', () => {
  const voter = (address: string, votes: [number, number][] = []) => [
    'BEGIN:PARTICIPANT', 'PARTICIPANT-TYPE:VOTER', `CALENDAR-ADDRESS:${address}`,
    ...votes.flatMap(([item, response]) => ['BEGIN:VOTE', `POLL-ITEM-ID:${item}`, `RESPONSE:${response}`, 'END:VOTE']), 'END:PARTICIPANT',
  ];
  const poll = ics([
    'BEGIN:VPOLL', 'UID:poll-1', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300105T000000Z', 'DTEND:20300108T000000Z', 'SUMMARY:When?',
    `ORGANIZER:${ALICE_A}`, 'POLL-MODE:BASIC', 'POLL-PROPERTIES:DTSTART,DTEND',
    ...voter(ALICE_A, [[1, 100]]), ...voter(BOB_B), ...voter('mailto:carol@b.example'),
    'BEGIN:VEVENT', 'UID:poll-1-choice-1', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T100000Z', 'DTEND:20300110T110000Z', 'POLL-ITEM-ID:1', 'END:VEVENT',
    'END:VPOLL',
  ]);
  const pollCopy = async (t: Pair['a'], user: string) => {
    return (await members(t, user, calendarPath(user))).find((item) => item.calendar.getFirstSubcomponent('vpoll'));
  };
  const votesOf = (text: string, address: string) => {
    const vpoll = new ICAL.Component(ICAL.parse(text) as unknown[]).getFirstSubcomponent('vpoll')!;
    const participant = vpoll.getAllSubcomponents('participant').find((p) => String(p.getFirstPropertyValue('calendar-address')).toLowerCase() === address);
    return participant?.getAllSubcomponents('vote').map((v) => `${String(v.getFirstPropertyValue('poll-item-id'))}=${String(v.getFirstPropertyValue('response'))}`) ?? [];
  };

  it('delivers the poll to voters on the peer, brings a ballot back, and sends it on as POLLSTATUS', async () => {
    await pair.a.request('PUT', `${calendarPath('alice')}poll-1.ics`, { body: poll, headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const bobs = await pollCopy(pair.b, 'bob');
    expect(bobs).toBeDefined();
    expect(await pollCopy(pair.b, 'carol')).toBeDefined();

    const voted = bobs!.text.replace(new RegExp(`(CALENDAR-ADDRESS:${BOB_B}\\r\\n)`, 'i'), '$1BEGIN:VOTE\r\nPOLL-ITEM-ID:1\r\nRESPONSE:80\r\nEND:VOTE\r\n');
    expect(voted).not.toBe(bobs!.text);
    await pair.b.request('PUT', `${calendarPath('bob')}${bobs!.name}`, { user: 'bob', body: voted, headers: { 'Content-Type': 'text/calendar' }, expect: 204 });
    expect(votesOf((await pollCopy(pair.a, 'alice'))!.text, BOB_B)).toEqual(['1=80']);
    expect(votesOf((await pollCopy(pair.b, 'carol'))!.text, BOB_B)).toEqual(['1=80']);
    expect(await inboxSummary(pair.b, 'carol')).toContain('POLLSTATUS poll-1');

    await pair.a.request('DELETE', `${calendarPath('alice')}poll-1.ics`, { expect: 204 });
    expect(await inboxSummary(pair.b, 'bob')).toContain('CANCEL poll-1');
    expect(String((await pollCopy(pair.b, 'bob'))!.calendar.getFirstSubcomponent('vpoll')!.getFirstPropertyValue('status'))).toBe('CANCELLED');
  });
});
