// Deleting a whole calendar (RFC 4918 §9.6.1: as if each member were deleted) schedules like
// deleting each of its objects: the organizer's meetings are cancelled for their attendees
// (RFC 6638 §3.2.1.3) and an attendee's copies are declined (§3.2.2.4).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../helpers/app.ts';
import { BOB, calendarPath, copyOf, events, inboxPath, inboxSummary, meeting, members } from './support.ts';

describe('DELETE of a calendar collection with scheduling objects in it', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  const clearInbox = async (user: string) => {
    for (const item of await members(t, user, inboxPath(user))) await t.request('DELETE', `${inboxPath(user)}${item.name}`, { user, expect: 204 });
  };

  it("the organizer deleting the calendar cancels each meeting in it for every attendee", async () => {
    const work = calendarPath('alice', 'work');
    await t.request('MKCALENDAR', work, { expect: 201 });
    for (const uid of ['m1', 'm2']) {
      await t.request('PUT', `${work}${uid}.ics`, { body: meeting({ uid }), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    }
    await clearInbox('bob');
    await t.request('DELETE', work, { headers: { Depth: 'infinity' }, expect: 204 });
    expect((await inboxSummary(t, 'bob')).sort()).toEqual(['CANCEL m1', 'CANCEL m2']);
    for (const uid of ['m1', 'm2']) expect(events((await copyOf(t, 'bob', uid))!.calendar)[0]!.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect((await t.request('GET', work)).status).toBe(404);
  });

  it("an attendee deleting the calendar that holds their copy declines it to the organizer", async () => {
    await t.request('PUT', `${calendarPath('alice')}m3.ics`, { body: meeting({ uid: 'm3' }), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    // The default calendar cannot be deleted: bob files his copy in a calendar of his own first.
    const team = calendarPath('bob', 'team');
    await t.request('MKCALENDAR', team, { user: 'bob', expect: 201 });
    const copy = (await copyOf(t, 'bob', 'm3'))!;
    await t.request('MOVE', `${calendarPath('bob')}${copy.name}`, { user: 'bob', headers: { Destination: `${team}${copy.name}` }, expect: 201 });
    await clearInbox('alice');
    await t.request('DELETE', team, { user: 'bob', headers: { Depth: 'infinity' }, expect: 204 });
    expect(await inboxSummary(t, 'alice')).toEqual([`REPLY m3 ${BOB} DECLINED`]);
  });
});

describe('a CANCEL for an event the recipient does not have', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  it('changes nothing and leaves no Inbox item (nothing to cancel)', async () => {
    await t.request('PUT', `${calendarPath('alice')}gone.ics`, { body: meeting({ uid: 'gone' }), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const copy = (await copyOf(t, 'bob', 'gone'))!;
    // Bob removes his copy without telling the organizer (RFC 6638 §8.1), and empties his Inbox.
    await t.request('DELETE', `${calendarPath('bob')}${copy.name}`, { user: 'bob', headers: { 'Schedule-Reply': 'F' }, expect: 204 });
    for (const item of await members(t, 'bob', inboxPath('bob'))) await t.request('DELETE', `${inboxPath('bob')}${item.name}`, { user: 'bob', expect: 204 });
    await t.request('DELETE', `${calendarPath('alice')}gone.ics`, { expect: 204 });
    expect(await inboxSummary(t, 'bob')).toEqual([]);
    expect(await inboxSummary(t, 'carol')).toContain('CANCEL gone');
    expect(await copyOf(t, 'bob', 'gone')).toBeUndefined();
  });
});
