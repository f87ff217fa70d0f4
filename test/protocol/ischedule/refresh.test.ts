// The server-side refresh after a reply (RFC 6638 §3.2.2.3, as Cyrus does it) across iSchedule: a
// REPLY that arrives from a peer and is merged into the organizer's copy brings the organizer's
// other attendees up to date, here and on the peer, as a local reply does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ics } from '../../helpers/app.ts';
import { calendarPath, copyOf, inboxSummary, master, partstatOf, withPartstat } from '../scheduling/support.ts';
import { ALICE_A, BOB_B, makePair, type Pair } from './support.ts';

const CAROL_A = 'mailto:carol@a.example';
const DAVE_B = 'mailto:dave@b.example';
const ERIN_MAIL = 'mailto:erin@mail.example';

function meeting(): string {
  return ics([
    'BEGIN:VEVENT', 'UID:refresh-1', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T100000Z', 'DTEND:20300110T110000Z', 'SUMMARY:Four of us',
    `ORGANIZER:${ALICE_A}`, `ATTENDEE;PARTSTAT=ACCEPTED:${ALICE_A}`,
    ...[BOB_B, CAROL_A, DAVE_B, ERIN_MAIL].map((a) => `ATTENDEE;RSVP=TRUE:${a}`), 'END:VEVENT',
  ]);
}

let pair: Pair;
beforeEach(async () => {
  pair = await makePair({ imip_webhook_url: 'http://mail.invalid/hook' }, { a: ['alice', 'carol'], b: ['bob', 'dave'] });
});
afterEach(() => pair.close());

const accept = async (side: 'a' | 'b', user: string, address: string) => {
  const t = pair[side];
  const copy = (await copyOf(t, user, 'refresh-1'))!;
  await t.request('PUT', `${calendarPath(user)}${copy.name}`, { user, body: withPartstat(copy.text, address, 'ACCEPTED'), headers: { 'Content-Type': 'text/calendar' }, expect: 204 });
};
const partstatAt = async (side: 'a' | 'b', user: string, of: string) => partstatOf(master((await copyOf(pair[side], user, 'refresh-1'))!.calendar), of);

describe('RFC 6638 §3.2.2.3 refresh of the other attendees after a reply over iSchedule', () => {
  it('a remote acceptance reaches the local attendee and the attendee on the peer, not the one who replied', async () => {
    await pair.a.request('PUT', `${calendarPath('alice')}refresh-1.ics`, { body: meeting(), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    expect(await partstatAt('b', 'dave', BOB_B)).toBe('NEEDS-ACTION');
    const bobInbox = (await inboxSummary(pair.b, 'bob')).length;

    await accept('b', 'bob', BOB_B);
    expect(await partstatAt('a', 'alice', BOB_B)).toBe('ACCEPTED');
    expect(await partstatAt('a', 'carol', BOB_B)).toBe('ACCEPTED');
    expect(await partstatAt('b', 'dave', BOB_B)).toBe('ACCEPTED');
    // The replier's own copy is his, and gets no refresh message of its own answer.
    expect(await inboxSummary(pair.b, 'bob')).toHaveLength(bobInbox);
  });

  it('a local acceptance reaches the attendees on the peer too', async () => {
    await pair.a.request('PUT', `${calendarPath('alice')}refresh-1.ics`, { body: meeting(), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    await accept('a', 'carol', CAROL_A);
    expect(await partstatAt('a', 'alice', CAROL_A)).toBe('ACCEPTED');
    expect(await partstatAt('b', 'bob', CAROL_A)).toBe('ACCEPTED');
    expect(await partstatAt('b', 'dave', CAROL_A)).toBe('ACCEPTED');
    // Someone reached by mail is not mailed every other attendee's answer: erin has the invitation only.
    const queued = await pair.a.store.outbound.due(Date.now() + 30 * 86_400_000, 100);
    expect(queued.filter((m) => m.recipient === ERIN_MAIL).map((m) => m.method)).toEqual(['REQUEST']);
  });
});
