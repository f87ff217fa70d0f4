// Forged scheduling messages between local users (RFC 5546 §3.2, RFC 6638 §4): a user who is not
// the organizer of someone's copy can neither update nor cancel it, a user who is not an attendee
// cannot answer for one, and the refused messages leave the recipient's calendar and Inbox alone.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { calendarPath, copyOf, inboxSummary, master, partstatOf, scheduleStatusOf } from './support.ts';

const ALICE = 'mailto:alice@example.com';
const BOB = 'mailto:bob@example.com';
const MALLORY = 'mailto:mallory@example.com';

function vevent(uid: string, organizer: string, attendees: string[], extra: string[] = []): string {
  return ics([
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20300101T000000Z',
    'DTSTART:20300110T100000Z',
    'DTEND:20300110T110000Z',
    'SUMMARY:Planning',
    `ORGANIZER:${organizer}`,
    ...attendees.map((a) => `ATTENDEE;RSVP=TRUE:${a}`),
    ...extra,
    'END:VEVENT',
  ]);
}

describe('forged scheduling messages are refused', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({}, ['alice', 'bob', 'mallory']);
  });
  afterEach(() => t.close());

  const put = (user: string, name: string, body: string, headers: Record<string, string> = {}) =>
    t.request('PUT', `${calendarPath(user)}${name}`, { user, body, headers: { 'Content-Type': 'text/calendar', ...headers } });

  it("a user cannot take over another organizer's meeting in a third user's calendar", async () => {
    expect((await put('bob', 'm1.ics', vevent('bob-meet-1@x', BOB, [BOB, ALICE, MALLORY]))).status).toBe(201);
    const before = await copyOf(t, 'alice', 'bob-meet-1@x');
    expect(before).toBeDefined();
    // Mallory drops her copy without telling bob, then organizes "the same" meeting herself.
    await t.request('DELETE', `${calendarPath('mallory')}bob-meet-1@x.ics`, { user: 'mallory', headers: { 'Scheduling-Enabled': 'F' }, expect: 204 });
    const forged = vevent('bob-meet-1@x', MALLORY, [MALLORY, ALICE], ['SEQUENCE:5', 'LOCATION:https://evil.example/phish']).replace('DTSTART:20300110T100000Z', 'DTSTART:20300111T100000Z').replace('DTEND:20300110T110000Z', 'DTEND:20300111T110000Z');
    expect((await put('mallory', 'forged.ics', forged)).status).toBe(201);

    const mine = await copyOf(t, 'mallory', 'bob-meet-1@x');
    expect(scheduleStatusOf(master(mine!.calendar), 'attendee', ALICE)).toBe('5.3');
    const after = await copyOf(t, 'alice', 'bob-meet-1@x');
    expect(after!.text).toBe(before!.text);
    expect(String(master(after!.calendar).getFirstPropertyValue('organizer')).toLowerCase()).toBe(BOB);
    expect(after!.text).not.toContain('evil.example');
    expect(await inboxSummary(t, 'alice')).toEqual(['REQUEST bob-meet-1@x']);
  });

  it("a user cannot cancel another organizer's meeting knowing only its UID", async () => {
    expect((await put('bob', 'm2.ics', vevent('bob-meet-2@x', BOB, [BOB, ALICE]))).status).toBe(201);
    const before = await copyOf(t, 'alice', 'bob-meet-2@x');
    // Stored without sending anything, then deleted: the delete would CANCEL alice's copy.
    expect((await put('mallory', 'm2.ics', vevent('bob-meet-2@x', MALLORY, [MALLORY, ALICE]), { 'Scheduling-Enabled': 'F' })).status).toBe(201);
    await t.request('DELETE', `${calendarPath('mallory')}m2.ics`, { user: 'mallory', expect: 204 });

    const after = await copyOf(t, 'alice', 'bob-meet-2@x');
    expect(after!.text).toBe(before!.text);
    expect(after!.text).not.toContain('CANCELLED');
    expect(await inboxSummary(t, 'alice')).toEqual(['REQUEST bob-meet-2@x']);
  });

  it('a reply from someone who is not an attendee does not reach the organizer', async () => {
    expect((await put('alice', 'a1.ics', vevent('alice-meet@x', ALICE, [ALICE, BOB]))).status).toBe(201);
    const before = await copyOf(t, 'alice', 'alice-meet@x');
    // Mallory writes herself an attendee copy of alice's meeting and accepts it.
    const answer = vevent('alice-meet@x', ALICE, [ALICE, BOB]).replace(`ATTENDEE;RSVP=TRUE:${BOB}`, `ATTENDEE;RSVP=TRUE:${BOB}\r\nATTENDEE;PARTSTAT=ACCEPTED:${MALLORY}`);
    expect((await put('mallory', 'a1.ics', answer)).status).toBe(201);
    const mine = await copyOf(t, 'mallory', 'alice-meet@x');
    expect(scheduleStatusOf(master(mine!.calendar), 'organizer', ALICE)).toBe('3.8');

    const after = await copyOf(t, 'alice', 'alice-meet@x');
    expect(after!.text).toBe(before!.text);
    expect(partstatOf(master(after!.calendar), MALLORY)).toBeUndefined();
    expect(await inboxSummary(t, 'alice')).toEqual([]);
  });

  it("an invitation cannot overwrite the recipient's own event that happens to share its UID", async () => {
    expect((await put('alice', 'own.ics', ics(['BEGIN:VEVENT', 'UID:dentist@x', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T100000Z', 'SUMMARY:Dentist', 'END:VEVENT']))).status).toBe(201);
    const before = await t.request('GET', `${calendarPath('alice')}own.ics`, { expect: 200 }).then((r) => r.text());
    expect((await put('mallory', 'own.ics', vevent('dentist@x', MALLORY, [MALLORY, ALICE]))).status).toBe(201);
    const mine = await copyOf(t, 'mallory', 'dentist@x');
    expect(scheduleStatusOf(master(mine!.calendar), 'attendee', ALICE)).toBe('5.3');
    expect(await t.request('GET', `${calendarPath('alice')}own.ics`, { expect: 200 }).then((r) => r.text())).toBe(before);
    expect(await inboxSummary(t, 'alice')).toEqual([]);
  });

  it('genuine invitations, updates, replies and cancels still go through', async () => {
    expect((await put('mallory', 'party.ics', vevent('party@x', MALLORY, [MALLORY, ALICE]))).status).toBe(201);
    expect(scheduleStatusOf(master((await copyOf(t, 'mallory', 'party@x'))!.calendar), 'attendee', ALICE)).toBe('1.2');
    const invitation = await copyOf(t, 'alice', 'party@x');
    expect(invitation).toBeDefined();

    // The attendee's answer reaches the organizer.
    const accepted = invitation!.text.replace(/ATTENDEE;RSVP=TRUE:mailto:alice@example\.com/i, `ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`);
    expect(accepted).not.toBe(invitation!.text);
    expect((await t.request('PUT', `${calendarPath('alice')}${invitation!.name}`, { body: accepted, headers: { 'Content-Type': 'text/calendar' } })).status).toBe(204);
    expect(partstatOf(master((await copyOf(t, 'mallory', 'party@x'))!.calendar), ALICE)).toBe('ACCEPTED');

    // The organizer's cancel reaches the attendee.
    await t.request('DELETE', `${calendarPath('mallory')}party.ics`, { user: 'mallory', expect: 204 });
    expect(String(master((await copyOf(t, 'alice', 'party@x'))!.calendar).getFirstPropertyValue('status'))).toBe('CANCELLED');
  });
});
