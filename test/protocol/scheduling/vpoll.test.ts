// VPOLL consensus scheduling among local users (draft-ietf-calext-vpoll §8, as Cyrus schedules it):
// the organizer's poll reaches every voter's calendar and Inbox, a voter's ballot comes back as a
// REPLY merged into the organizer's copy, the other voters get the ballots as POLLSTATUS, forged
// answers are refused, and deleting the poll cancels it. Also: polls stored and found by
// calendar-query (comp-filter VPOLL with a time-range).
import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus } from '../../helpers/multistatus.ts';
import { ALICE, BOB, CAROL, calendarPath, inboxPath, members, type StoredItem } from './support.ts';

const MALLORY = 'mailto:mallory@example.com';

/** A PARTICIPANT voter (the draft's and Cyrus's form) with optional VOTEs as [item, response]. */
function voter(address: string, votes: [number, number][] = [], params = ''): string[] {
  return [
    'BEGIN:PARTICIPANT',
    'PARTICIPANT-TYPE:VOTER',
    `CALENDAR-ADDRESS${params}:${address}`,
    ...votes.flatMap(([item, response]) => ['BEGIN:VOTE', `POLL-ITEM-ID:${item}`, `RESPONSE:${response}`, 'END:VOTE']),
    'END:PARTICIPANT',
  ];
}

interface PollOptions {
  uid?: string;
  organizer?: string;
  voters?: string[][];
  extra?: string[];
}

/** A poll organized by alice on two candidate events, alice having voted. */
function poll(options: PollOptions = {}): string {
  return ics([
    'BEGIN:VPOLL',
    `UID:${options.uid ?? 'poll-1'}`,
    'DTSTAMP:20300101T000000Z',
    'DTSTART:20300105T000000Z',
    'DTEND:20300108T000000Z',
    'SUMMARY:When shall we meet?',
    `ORGANIZER;CN=Alice:${options.organizer ?? ALICE}`,
    'POLL-MODE:BASIC',
    'POLL-PROPERTIES:DTSTART,DTEND',
    ...(options.extra ?? []),
    ...(options.voters ?? [voter(ALICE, [[1, 100], [2, 50]]), voter(BOB, [], ';RSVP=TRUE'), voter(CAROL, [], ';RSVP=TRUE')]).flat(),
    'BEGIN:VEVENT',
    'UID:poll-1-choice-1',
    'DTSTAMP:20300101T000000Z',
    'DTSTART:20300110T100000Z',
    'DTEND:20300110T110000Z',
    'POLL-ITEM-ID:1',
    'SUMMARY:Thursday',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:poll-1-choice-2',
    'DTSTAMP:20300101T000000Z',
    'DTSTART:20300111T100000Z',
    'DTEND:20300111T110000Z',
    'POLL-ITEM-ID:2',
    'SUMMARY:Friday',
    'END:VEVENT',
    'END:VPOLL',
  ]);
}

function vpollOf(item: StoredItem): ICAL.Component {
  const found = item.calendar.getFirstSubcomponent('vpoll');
  if (!found) throw new Error(`${item.name} holds no VPOLL`);
  return found;
}

function voterNamed(component: ICAL.Component, address: string): ICAL.Component | undefined {
  return component.getAllSubcomponents().find((sub) => {
    const property = sub.getFirstProperty(sub.name === 'vvoter' ? 'voter' : 'calendar-address');
    return property !== null && String(property.getFirstValue()).toLowerCase() === address;
  });
}

/** A voter's ballot as "item=response" pairs, sorted. */
function ballot(component: ICAL.Component, address: string): string[] {
  const container = voterNamed(component, address);
  if (!container) throw new Error(`${address} is not a voter`);
  return container.getAllSubcomponents('vote').map((v) => `${String(v.getFirstPropertyValue('poll-item-id'))}=${String(v.getFirstPropertyValue('response'))}`).sort();
}

function voterStatus(component: ICAL.Component, address: string): string | undefined {
  const container = voterNamed(component, address);
  const value = container?.getFirstProperty(container.name === 'vvoter' ? 'voter' : 'calendar-address')?.getParameter('schedule-status');
  return value === undefined ? undefined : String(value);
}

/** Replaces a voter's VOTEs in a stored copy, as that voter's client would. */
function withBallot(text: string, address: string, votes: [number, number][]): string {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const container = voterNamed(calendar.getFirstSubcomponent('vpoll')!, address)!;
  for (const vote of container.getAllSubcomponents('vote')) container.removeSubcomponent(vote);
  for (const [item, response] of votes) {
    const vote = new ICAL.Component('vote');
    vote.addPropertyWithValue('poll-item-id', String(item));
    vote.addPropertyWithValue('response', String(response));
    container.addSubcomponent(vote);
  }
  return calendar.toString();
}

async function pollCopy(t: TestApp, user: string, uid = 'poll-1'): Promise<StoredItem | undefined> {
  const found = (await members(t, user, calendarPath(user))).filter((item) => item.calendar.getFirstSubcomponent('vpoll')?.getFirstPropertyValue('uid') === uid);
  if (found.length > 1) throw new Error(`${user} has ${found.length} copies of ${uid}`);
  return found[0];
}

/** Inbox messages as "METHOD uid" lines, with the voter of a REPLY. */
async function inbox(t: TestApp, user: string): Promise<string[]> {
  const items = await members(t, user, inboxPath(user));
  return items
    .map((item) => {
      const method = String(item.calendar.getFirstPropertyValue('method'));
      const component = vpollOf(item);
      const uid = String(component.getFirstPropertyValue('uid'));
      if (method !== 'REPLY') return `${method} ${uid}`;
      const voters = component.getAllSubcomponents('participant').map((p) => String(p.getFirstPropertyValue('calendar-address')).toLowerCase());
      return `REPLY ${uid} ${voters.join(',')}`;
    })
    .sort();
}

describe('draft-ietf-calext-vpoll §8 polls scheduled among local users', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({}, ['alice', 'bob', 'carol', 'mallory']);
  });
  afterEach(() => t.close());

  const put = (user: string, name: string, body: string, expect?: number) =>
    t.request('PUT', `${calendarPath(user)}${name}`, { user, body, headers: { 'Content-Type': 'text/calendar' }, ...(expect ? { expect } : {}) });

  async function vote(user: string, address: string, votes: [number, number][]) {
    const copy = (await pollCopy(t, user))!;
    return t.request('PUT', `${calendarPath(user)}${copy.name}`, {
      user,
      body: withBallot(copy.text, address, votes),
      headers: { 'Content-Type': 'text/calendar', 'If-Schedule-Tag-Match': copy.headers.get('Schedule-Tag')! },
      expect: 204,
    });
  }

  it("the organizer's poll is delivered as a REQUEST to every voter's calendar and Inbox", async () => {
    const response = await put('alice', 'poll-1.ics', poll(), 201);
    expect(response.headers.get('Schedule-Tag')).toMatch(/^".+"$/);
    expect(response.headers.get('ETag')).toBeNull();

    const organizerCopy = vpollOf((await pollCopy(t, 'alice'))!);
    expect(voterStatus(organizerCopy, BOB)).toBe('1.2');
    expect(voterStatus(organizerCopy, CAROL)).toBe('1.2');
    expect(voterStatus(organizerCopy, ALICE)).toBeUndefined();

    for (const user of ['bob', 'carol']) {
      const copy = (await pollCopy(t, user))!;
      expect(copy, `${user}'s calendar`).toBeDefined();
      expect(copy.name).toBe('poll-1.ics');
      expect(copy.calendar.getFirstPropertyValue('method')).toBeNull();
      expect(copy.text).not.toContain('SCHEDULE-STATUS');
      const component = vpollOf(copy);
      // The whole poll travels: both candidates and the organizer's own ballot.
      expect(component.getAllSubcomponents('vevent').map((c) => String(c.getFirstPropertyValue('poll-item-id')))).toEqual(['1', '2']);
      expect(ballot(component, ALICE)).toEqual(['1=100', '2=50']);
      expect(await inbox(t, user)).toEqual(['REQUEST poll-1']);
    }
    expect(await inbox(t, 'alice')).toEqual([]);
  });

  it("a voter's ballot is merged into the organizer's copy and sent to the other voters as POLLSTATUS", async () => {
    await put('alice', 'poll-1.ics', poll(), 201);
    const aliceTag = (await pollCopy(t, 'alice'))!.headers.get('Schedule-Tag');
    const carolTag = (await pollCopy(t, 'carol'))!.headers.get('Schedule-Tag');
    await vote('bob', BOB, [[1, 0], [2, 100]]);

    const bobCopy = (await pollCopy(t, 'bob'))!;
    expect(ballot(vpollOf(bobCopy), BOB)).toEqual(['1=0', '2=100']);
    expect(String(vpollOf(bobCopy).getFirstProperty('organizer')!.getParameter('schedule-status'))).toBe('1.2');

    const aliceCopy = (await pollCopy(t, 'alice'))!;
    const organizerPoll = vpollOf(aliceCopy);
    expect(ballot(organizerPoll, BOB)).toEqual(['1=0', '2=100']);
    expect(voterStatus(organizerPoll, BOB)).toBe('2.0');
    // Only the replying voter's ballot changes.
    expect(ballot(organizerPoll, ALICE)).toEqual(['1=100', '2=50']);
    expect(ballot(organizerPoll, CAROL)).toEqual([]);
    expect(aliceCopy.headers.get('Schedule-Tag')).toBe(aliceTag);
    expect(await inbox(t, 'alice')).toEqual([`REPLY poll-1 ${BOB}`]);

    // Carol sees bob's ballot; POLLSTATUS updates her copy without an Inbox item (Cyrus does the same).
    const carolCopy = (await pollCopy(t, 'carol'))!;
    expect(ballot(vpollOf(carolCopy), BOB)).toEqual(['1=0', '2=100']);
    expect(ballot(vpollOf(carolCopy), ALICE)).toEqual(['1=100', '2=50']);
    expect(carolCopy.headers.get('Schedule-Tag')).toBe(carolTag);
    expect(await inbox(t, 'carol')).toEqual(['REQUEST poll-1']);
    expect(await inbox(t, 'bob')).toEqual(['REQUEST poll-1']);
  });

  it("carol's later ballot reaches bob while her own stays as she wrote it", async () => {
    await put('alice', 'poll-1.ics', poll(), 201);
    await vote('bob', BOB, [[1, 0], [2, 100]]);
    await vote('carol', CAROL, [[1, 80]]);

    const bobPoll = vpollOf((await pollCopy(t, 'bob'))!);
    expect(ballot(bobPoll, CAROL)).toEqual(['1=80']);
    expect(ballot(bobPoll, BOB)).toEqual(['1=0', '2=100']);
    const alicePoll = vpollOf((await pollCopy(t, 'alice'))!);
    expect(ballot(alicePoll, CAROL)).toEqual(['1=80']);
    expect(ballot(alicePoll, BOB)).toEqual(['1=0', '2=100']);
    expect(await inbox(t, 'alice')).toEqual([`REPLY poll-1 ${BOB}`, `REPLY poll-1 ${CAROL}`]);
  });

  it("a voter's write that does not change their ballot sends nothing, and one that changes another voter's ballot does not reach the organizer", async () => {
    await put('alice', 'poll-1.ics', poll(), 201);
    const copy = (await pollCopy(t, 'bob'))!;
    await t.request('PUT', `${calendarPath('bob')}${copy.name}`, {
      user: 'bob',
      body: copy.text.replace('END:VPOLL', 'COLOR:red\r\nEND:VPOLL'),
      headers: { 'Content-Type': 'text/calendar' },
      expect: 204,
    });
    expect(await inbox(t, 'alice')).toEqual([]);

    const tampered = withBallot(withBallot((await pollCopy(t, 'bob'))!.text, CAROL, [[1, 0], [2, 0]]), BOB, [[2, 90]]);
    await t.request('PUT', `${calendarPath('bob')}${copy.name}`, { user: 'bob', body: tampered, headers: { 'Content-Type': 'text/calendar' }, expect: 204 });
    const alicePoll = vpollOf((await pollCopy(t, 'alice'))!);
    expect(ballot(alicePoll, BOB)).toEqual(['2=90']);
    expect(ballot(alicePoll, CAROL)).toEqual([]);
    expect(ballot(vpollOf((await pollCopy(t, 'carol'))!), CAROL)).toEqual([]);
  });

  it("an organizer's write keeps the ballots voters sent meanwhile", async () => {
    await put('alice', 'poll-1.ics', poll(), 201);
    await vote('bob', BOB, [[1, 0], [2, 100]]);
    // Alice's client writes from the version it had before bob voted.
    await put('alice', 'poll-1.ics', poll().replace('SUMMARY:When shall we meet?', 'SUMMARY:Team lunch'), 204);
    const alicePoll = vpollOf((await pollCopy(t, 'alice'))!);
    expect(String(alicePoll.getFirstPropertyValue('summary'))).toBe('Team lunch');
    expect(ballot(alicePoll, BOB)).toEqual(['1=0', '2=100']);
    const carolPoll = vpollOf((await pollCopy(t, 'carol'))!);
    expect(String(carolPoll.getFirstPropertyValue('summary'))).toBe('Team lunch');
    expect(ballot(carolPoll, BOB)).toEqual(['1=0', '2=100']);
    expect(await inbox(t, 'carol')).toEqual(['REQUEST poll-1', 'REQUEST poll-1']);
  });

  it('a ballot from someone who is not a voter does not reach the organizer (RFC 5546 §3.2: 3.8)', async () => {
    await put('alice', 'poll-1.ics', poll(), 201);
    const before = (await pollCopy(t, 'alice'))!;
    // Mallory writes herself a voter's copy of alice's poll and votes in it.
    const forged = poll({ voters: [voter(ALICE, [[1, 100], [2, 50]]), voter(BOB), voter(CAROL), voter(MALLORY, [[1, 0], [2, 0]])] });
    await put('mallory', 'poll-1.ics', forged, 201);
    const mine = (await pollCopy(t, 'mallory'))!;
    expect(String(vpollOf(mine).getFirstProperty('organizer')!.getParameter('schedule-status'))).toBe('3.8');

    const after = (await pollCopy(t, 'alice'))!;
    expect(after.text).toBe(before.text);
    expect(voterNamed(vpollOf(after), MALLORY)).toBeUndefined();
    expect(await inbox(t, 'alice')).toEqual([]);
    expect(voterNamed(vpollOf((await pollCopy(t, 'bob'))!), MALLORY)).toBeUndefined();
  });

  it("a user who is not the organizer cannot replace a voter's copy of the poll", async () => {
    await put('alice', 'poll-1.ics', poll(), 201);
    const before = (await pollCopy(t, 'bob'))!;
    const forged = poll({ organizer: MALLORY, voters: [voter(MALLORY), voter(BOB)], extra: ['SEQUENCE:5'] }).replace('SUMMARY:When shall we meet?', 'SUMMARY:Phish');
    await put('mallory', 'forged.ics', forged, 201);
    expect(voterStatus(vpollOf((await pollCopy(t, 'mallory'))!), BOB)).toBe('5.3');
    expect((await pollCopy(t, 'bob'))!.text).toBe(before.text);
    expect(await inbox(t, 'bob')).toEqual(['REQUEST poll-1']);
  });

  it('deleting the poll cancels it for every voter, and removing a voter cancels it for them', async () => {
    await put('alice', 'poll-1.ics', poll(), 201);
    await put('alice', 'poll-1.ics', poll({ voters: [voter(ALICE, [[1, 100]]), voter(BOB)] }), 204);
    expect(String(vpollOf((await pollCopy(t, 'carol'))!).getFirstPropertyValue('status'))).toBe('CANCELLED');
    expect(await inbox(t, 'carol')).toEqual(['CANCEL poll-1', 'REQUEST poll-1']);

    await t.request('DELETE', `${calendarPath('alice')}poll-1.ics`, { user: 'alice', expect: 204 });
    expect(String(vpollOf((await pollCopy(t, 'bob'))!).getFirstPropertyValue('status'))).toBe('CANCELLED');
    expect(await inbox(t, 'bob')).toEqual(['CANCEL poll-1', 'REQUEST poll-1', 'REQUEST poll-1']);
    expect(await inbox(t, 'carol')).toEqual(['CANCEL poll-1', 'REQUEST poll-1']);
  });

  it("CalendarServer's VVOTER form is scheduled the same way", async () => {
    const body = poll({
      voters: [
        ['BEGIN:VVOTER', `VOTER:${ALICE}`, 'BEGIN:VOTE', 'POLL-ITEM-ID:1', 'RESPONSE:100', 'END:VOTE', 'END:VVOTER'],
        ['BEGIN:VVOTER', `VOTER;RSVP=TRUE:${BOB}`, 'END:VVOTER'],
      ],
    });
    await put('alice', 'poll-1.ics', body, 201);
    expect(await inbox(t, 'bob')).toEqual(['REQUEST poll-1']);
    await vote('bob', BOB, [[2, 100]]);
    const alicePoll = vpollOf((await pollCopy(t, 'alice'))!);
    expect(ballot(alicePoll, BOB)).toEqual(['2=100']);
    expect(voterStatus(alicePoll, BOB)).toBe('2.0');
  });
});

describe('VPOLL storage and calendar-query (RFC 4791 §7.8, §9.9; Cyrus times a VPOLL by DTSTART and DTEND)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  const query = async (component: string, start: string, end: string) => {
    const body = `<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="${component}"><C:time-range start="${start}" end="${end}"/></C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>`;
    const response = await t.request('REPORT', calendarPath('alice'), { body, headers: { Depth: '1', 'Content-Type': 'application/xml' }, expect: 207 });
    return [...parseMultistatus(await response.text()).keys()].map((href) => href.slice(calendarPath('alice').length)).sort();
  };

  it('the default calendar lists VPOLL in supported-calendar-component-set and stores polls', async () => {
    const body = `<?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:supported-calendar-component-set/></D:prop></D:propfind>`;
    const response = await t.request('PROPFIND', calendarPath('alice'), { body, headers: { Depth: '0', 'Content-Type': 'application/xml' }, expect: 207 });
    expect(await response.text()).toMatch(/name="VPOLL"/);
    const noVoters = poll({ voters: [voter(ALICE, [[1, 100]])] });
    await t.request('PUT', `${calendarPath('alice')}p.ics`, { body: noVoters, headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const stored = await t.request('GET', `${calendarPath('alice')}p.ics`, { expect: 200 });
    expect(await stored.text()).toContain('BEGIN:VPOLL');
  });

  it('comp-filter VPOLL with a time-range finds polls by their own DTSTART/DTEND, or by their candidates when they have none', async () => {
    const own = poll({ uid: 'own', voters: [voter(ALICE)] });
    const byItems = poll({ uid: 'items', voters: [voter(ALICE)] }).replace('DTSTART:20300105T000000Z\r\n', '').replace('DTEND:20300108T000000Z\r\n', '');
    await t.request('PUT', `${calendarPath('alice')}own.ics`, { body: own, headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    await t.request('PUT', `${calendarPath('alice')}items.ics`, { body: byItems, headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    await t.request('PUT', `${calendarPath('alice')}event.ics`, {
      body: ics(['BEGIN:VEVENT', 'UID:event', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300106T100000Z', 'DTEND:20300106T110000Z', 'END:VEVENT']),
      headers: { 'Content-Type': 'text/calendar' },
      expect: 201,
    });

    expect(await query('VPOLL', '20300106T000000Z', '20300107T000000Z')).toEqual(['own.ics']);
    expect(await query('VPOLL', '20300110T000000Z', '20300111T000000Z')).toEqual(['items.ics']);
    expect(await query('VPOLL', '20300201T000000Z', '20300301T000000Z')).toEqual([]);
    expect(await query('VPOLL', '20300101T000000Z', '20300201T000000Z')).toEqual(['items.ics', 'own.ics']);
    expect(await query('VEVENT', '20300101T000000Z', '20300201T000000Z')).toEqual(['event.ics']);
  });
});
