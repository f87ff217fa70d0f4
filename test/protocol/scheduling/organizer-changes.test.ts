// Organizer changes after the invitation (RFC 6638 §3.2.1.2, §3.2.1.3; RFC 5546 §3.2.2, §3.2.5):
// rescheduling the whole meeting or one instance, removing an attendee, cancelling by DELETE.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../helpers/app.ts';
import {
  ALICE, BOB, CAROL, calendarPath, copyOf, inboxSummary, master, meeting, members, inboxPath, methodOf, override, partstatOf,
  withPartstat, events,
} from './support.ts';

const ATTENDEES = [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;RSVP=TRUE:${BOB}`, `ATTENDEE;RSVP=TRUE:${CAROL}`];
const WEEKLY = ['RRULE:FREQ=WEEKLY;COUNT=4'];

describe('RFC 6638 §3.2.1 organizer changes reach every attendee', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  const put = (user: string, uid: string, body: string, expect?: number) =>
    t.request('PUT', `${calendarPath(user)}${uid}.ics`, { user, body, headers: { 'Content-Type': 'text/calendar' }, ...(expect ? { expect } : {}) });

  it('§3.2.1.2 moving the whole meeting sends an updated REQUEST and gives attendees a new Schedule-Tag', async () => {
    await put('alice', 'move', meeting({ uid: 'move' }), 201);
    const bobBefore = (await copyOf(t, 'bob', 'move'))!;
    await put('bob', 'move', withPartstat(bobBefore.text, BOB, 'ACCEPTED'), 204);
    await put('alice', 'move', meeting({ uid: 'move', start: '20300111T140000Z', end: '20300111T150000Z', sequence: 1, attendees: [
      `ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:${BOB}`, `ATTENDEE;RSVP=TRUE:${CAROL}`,
    ] }), 204);

    for (const user of ['alice', 'bob', 'carol']) {
      const copy = (await copyOf(t, user, 'move'))!;
      expect(String(master(copy.calendar).getFirstPropertyValue('dtstart')), user).toBe('2030-01-11T14:00:00Z');
      expect(partstatOf(master(copy.calendar), BOB), user).toBe('NEEDS-ACTION');
    }
    const bobAfter = (await copyOf(t, 'bob', 'move'))!;
    expect(bobAfter.headers.get('Schedule-Tag')).not.toBe(bobBefore.headers.get('Schedule-Tag'));
    expect(await inboxSummary(t, 'bob')).toEqual(['REQUEST move', 'REQUEST move']);
    expect(await inboxSummary(t, 'carol')).toEqual(['REQUEST move', 'REQUEST move']);
    expect(await inboxSummary(t, 'alice')).toEqual([`REPLY move ${BOB} ACCEPTED`]);
  });

  it('§3.2.1.2 an organizer write without significant change sends nothing', async () => {
    await put('alice', 'quiet', meeting({ uid: 'quiet' }), 201);
    const alarm = ['BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:soon', 'TRIGGER:-PT10M', 'END:VALARM'];
    const response = await put('alice', 'quiet', meeting({ uid: 'quiet', extra: alarm }), 204);
    // Nothing was sent, so nothing was rewritten and the ETag is valid.
    expect(response.headers.get('ETag')).toMatch(/^".+"$/);
    expect(await inboxSummary(t, 'bob')).toEqual(['REQUEST quiet']);
    expect((await copyOf(t, 'bob', 'quiet'))!.text).not.toContain('VALARM');
  });

  it('§3.2.10 an organizer write from a copy that predates a reply keeps the attendee\'s answer', async () => {
    const created = await put('alice', 'stale', meeting({ uid: 'stale' }), 201);
    const bobCopy = (await copyOf(t, 'bob', 'stale'))!;
    await put('bob', 'stale', withPartstat(bobCopy.text, BOB, 'ACCEPTED'), 204);
    // Alice's client still has bob as NEEDS-ACTION; its Schedule-Tag is still current.
    const rename = await t.request('PUT', `${calendarPath('alice')}stale.ics`, {
      body: meeting({ uid: 'stale', summary: 'Planning (agenda attached)' }),
      headers: { 'Content-Type': 'text/calendar', 'If-Schedule-Tag-Match': created.headers.get('Schedule-Tag')! },
      expect: 204,
    });
    expect(rename.headers.get('ETag')).toBeNull();
    for (const user of ['alice', 'bob', 'carol']) {
      const copy = (await copyOf(t, user, 'stale'))!;
      expect(String(master(copy.calendar).getFirstPropertyValue('summary')), user).toBe('Planning (agenda attached)');
      expect(partstatOf(master(copy.calendar), BOB), user).toBe('ACCEPTED');
    }
    // Rescheduling is different: what the organizer sends (NEEDS-ACTION) stands.
    await put('alice', 'stale', meeting({ uid: 'stale', start: '20300112T100000Z', end: '20300112T110000Z', sequence: 1 }), 204);
    expect(partstatOf(master((await copyOf(t, 'alice', 'stale'))!.calendar), BOB)).toBe('NEEDS-ACTION');
    expect(partstatOf(master((await copyOf(t, 'bob', 'stale'))!.calendar), BOB)).toBe('NEEDS-ACTION');
  });

  it('§3.2.1.2 moving one instance of a recurring meeting sends the override alone, which the copies merge', async () => {
    await put('alice', 'weekly', meeting({ uid: 'weekly', extra: WEEKLY }), 201);
    await put('alice', 'weekly', meeting({
      uid: 'weekly',
      extra: WEEKLY,
      overrides: [[
        'RECURRENCE-ID:20300117T100000Z', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300117T150000Z', 'DTEND:20300117T160000Z',
        'SUMMARY:Planning (moved)', `ORGANIZER;CN=Alice:${ALICE}`, ...ATTENDEES,
      ]],
    }), 204);

    for (const user of ['alice', 'bob', 'carol']) {
      const copy = (await copyOf(t, user, 'weekly'))!;
      expect(String(master(copy.calendar).getFirstPropertyValue('rrule')), user).toBe('FREQ=WEEKLY;COUNT=4');
      const moved = override(copy.calendar, '20300117T100000Z');
      expect(moved, user).toBeDefined();
      expect(String(moved!.getFirstPropertyValue('dtstart')), user).toBe('2030-01-17T15:00:00Z');
    }
    expect(await inboxSummary(t, 'bob')).toEqual(['REQUEST weekly', 'REQUEST weekly 20300117T100000Z']);
    expect(await inboxSummary(t, 'carol')).toEqual(['REQUEST weekly', 'REQUEST weekly 20300117T100000Z']);
    expect(await inboxSummary(t, 'alice')).toEqual([]);
  });

  it('§3.2.1.2 removing an attendee sends them a CANCEL and the others an update', async () => {
    await put('alice', 'smaller', meeting({ uid: 'smaller' }), 201);
    await put('alice', 'smaller', meeting({ uid: 'smaller', sequence: 1, attendees: [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;RSVP=TRUE:${BOB}`] }), 204);

    const carolCopy = (await copyOf(t, 'carol', 'smaller'))!;
    expect(String(master(carolCopy.calendar).getFirstPropertyValue('status'))).toBe('CANCELLED');
    expect(await inboxSummary(t, 'carol')).toEqual(['CANCEL smaller', 'REQUEST smaller']);

    const bobCopy = (await copyOf(t, 'bob', 'smaller'))!;
    expect(partstatOf(master(bobCopy.calendar), CAROL)).toBeUndefined();
    expect(master(bobCopy.calendar).getFirstPropertyValue('status')).toBeNull();
    expect(await inboxSummary(t, 'bob')).toEqual(['REQUEST smaller', 'REQUEST smaller']);

    const aliceCopy = (await copyOf(t, 'alice', 'smaller'))!;
    expect(partstatOf(master(aliceCopy.calendar), CAROL)).toBeUndefined();
    expect(await inboxSummary(t, 'alice')).toEqual([]);
  });

  it('§3.2.1.2 removing an attendee from one instance cancels just that instance for them', async () => {
    await put('alice', 'series', meeting({ uid: 'series', extra: WEEKLY }), 201);
    await put('alice', 'series', meeting({
      uid: 'series',
      extra: WEEKLY,
      overrides: [[
        'RECURRENCE-ID:20300124T100000Z', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300124T100000Z', 'DTEND:20300124T110000Z',
        'SUMMARY:Planning', `ORGANIZER;CN=Alice:${ALICE}`, `ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE:${BOB}`,
      ]],
    }), 204);
    const carolCopy = (await copyOf(t, 'carol', 'series'))!;
    const exdates = master(carolCopy.calendar).getAllProperties('exdate').map((p) => String(p.getFirstValue()));
    expect(exdates).toEqual(['2030-01-24T10:00:00Z']);
    expect(master(carolCopy.calendar).getFirstPropertyValue('status')).toBeNull();
    const cancels = (await members(t, 'carol', inboxPath('carol'))).filter((item) => methodOf(item) === 'CANCEL');
    expect(cancels).toHaveLength(1);
    expect(String(events(cancels[0]!.calendar)[0]!.getFirstPropertyValue('recurrence-id'))).toBe('2030-01-24T10:00:00Z');
    expect(override((await copyOf(t, 'bob', 'series'))!.calendar, '20300124T100000Z')).toBeDefined();
  });

  it('§3.2.1.3 deleting the organizer object cancels the meeting for every attendee', async () => {
    await put('alice', 'gone', meeting({ uid: 'gone' }), 201);
    await t.request('DELETE', `${calendarPath('alice')}gone.ics`, { expect: 204 });
    expect(await copyOf(t, 'alice', 'gone')).toBeUndefined();
    for (const user of ['bob', 'carol']) {
      const copy = (await copyOf(t, user, 'gone'))!;
      expect(String(master(copy.calendar).getFirstPropertyValue('status')), user).toBe('CANCELLED');
      expect(await inboxSummary(t, user)).toEqual(['CANCEL gone', 'REQUEST gone']);
    }
    expect(await inboxSummary(t, 'alice')).toEqual([]);
  });

  it('RFC 5546 §3.2.5 STATUS:CANCELLED on the organizer copy sends CANCEL instead of an update', async () => {
    await put('alice', 'called-off', meeting({ uid: 'called-off' }), 201);
    await put('alice', 'called-off', meeting({ uid: 'called-off', sequence: 1, extra: ['STATUS:CANCELLED'] }), 204);
    for (const user of ['bob', 'carol']) {
      expect(await inboxSummary(t, user)).toEqual(['CANCEL called-off', 'REQUEST called-off']);
      expect(String(master((await copyOf(t, user, 'called-off'))!.calendar).getFirstPropertyValue('status'))).toBe('CANCELLED');
    }
  });
});
