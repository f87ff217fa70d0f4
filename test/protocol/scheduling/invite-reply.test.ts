// Implicit scheduling between three local users (RFC 6638 §3.2, §4): invitations reach each
// attendee's calendar and Inbox, replies come back to the organizer, and the other attendees are
// brought up to date. Every test checks each party's calendar and Inbox afterwards.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../helpers/app.ts';
import {
  ALICE, BOB, CAROL, calendarPath, copyOf, inboxSummary, master, meeting, partstatOf, scheduleStatusOf, withPartstat,
} from './support.ts';

describe('RFC 6638 organizer and attendee scheduling among local users', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  async function invite(uid = 'meeting-1') {
    return t.request('PUT', `${calendarPath('alice')}${uid}.ics`, {
      body: meeting({ uid }),
      headers: { 'Content-Type': 'text/calendar' },
      expect: 201,
    });
  }

  it('§3.2.1.1 creating an organizer object delivers REQUESTs to every attendee calendar and Inbox', async () => {
    const response = await invite();
    expect(response.headers.get('Schedule-Tag')).toMatch(/^".+"$/);
    // The stored copy gained SCHEDULE-STATUS, so the client's ETag would be wrong (§3.2).
    expect(response.headers.get('ETag')).toBeNull();

    const organizerCopy = await copyOf(t, 'alice', 'meeting-1');
    expect(scheduleStatusOf(master(organizerCopy!.calendar), 'attendee', BOB)).toBe('1.2');
    expect(scheduleStatusOf(master(organizerCopy!.calendar), 'attendee', CAROL)).toBe('1.2');
    expect(scheduleStatusOf(master(organizerCopy!.calendar), 'attendee', ALICE)).toBeUndefined();
    expect(organizerCopy!.headers.get('Schedule-Tag')).toBe(response.headers.get('Schedule-Tag'));

    for (const user of ['bob', 'carol']) {
      const copy = await copyOf(t, user, 'meeting-1');
      expect(copy, `${user}'s calendar`).toBeDefined();
      expect(copy!.name).toBe('meeting-1.ics');
      expect(copy!.calendar.getFirstPropertyValue('method')).toBeNull();
      expect(String(master(copy!.calendar).getFirstPropertyValue('summary'))).toBe('Planning');
      expect(partstatOf(master(copy!.calendar), `mailto:${user}@example.com`)).toBe('NEEDS-ACTION');
      expect(copy!.text).not.toContain('SCHEDULE-STATUS');
      expect(copy!.headers.get('Schedule-Tag')).toMatch(/^".+"$/);
      expect(await inboxSummary(t, user)).toEqual(['REQUEST meeting-1']);
    }
    expect(await inboxSummary(t, 'alice')).toEqual([]);
  });

  it('§3.2.2.3 an attendee accepting sends a REPLY that updates the organizer and the other attendees', async () => {
    await invite();
    const bobCopy = (await copyOf(t, 'bob', 'meeting-1'))!;
    const tagBefore = bobCopy.headers.get('Schedule-Tag')!;
    const aliceTagBefore = (await copyOf(t, 'alice', 'meeting-1'))!.headers.get('Schedule-Tag');
    const accepted = await t.request('PUT', `${calendarPath('bob')}meeting-1.ics`, {
      user: 'bob',
      body: withPartstat(bobCopy.text, BOB, 'ACCEPTED'),
      headers: { 'Content-Type': 'text/calendar', 'If-Schedule-Tag-Match': tagBefore },
      expect: 204,
    });
    // §3.2.10: the attendee's own write gives their copy a new Schedule-Tag, so a client still
    // holding the old one cannot overwrite it unseen.
    expect(accepted.headers.get('Schedule-Tag')).toMatch(/^".+"$/);
    expect(accepted.headers.get('Schedule-Tag')).not.toBe(tagBefore);
    await t.request('PUT', `${calendarPath('bob')}meeting-1.ics`, {
      user: 'bob',
      body: withPartstat(bobCopy.text, BOB, 'TENTATIVE'),
      headers: { 'Content-Type': 'text/calendar', 'If-Schedule-Tag-Match': tagBefore },
      expect: 412,
    });

    const bobAfter = (await copyOf(t, 'bob', 'meeting-1'))!;
    expect(partstatOf(master(bobAfter.calendar), BOB)).toBe('ACCEPTED');
    expect(scheduleStatusOf(master(bobAfter.calendar), 'organizer', ALICE)).toBe('1.2');

    const aliceCopy = (await copyOf(t, 'alice', 'meeting-1'))!;
    expect(partstatOf(master(aliceCopy.calendar), BOB)).toBe('ACCEPTED');
    expect(scheduleStatusOf(master(aliceCopy.calendar), 'attendee', BOB)).toBe('2.0');
    // Merging a reply is not a change the organizer's client must see first (§3.2.10).
    expect(aliceCopy.headers.get('Schedule-Tag')).toBe(aliceTagBefore);
    expect(await inboxSummary(t, 'alice')).toEqual([`REPLY meeting-1 ${BOB} ACCEPTED`]);

    const carolCopy = (await copyOf(t, 'carol', 'meeting-1'))!;
    expect(partstatOf(master(carolCopy.calendar), BOB)).toBe('ACCEPTED');
    expect(partstatOf(master(carolCopy.calendar), CAROL)).toBe('NEEDS-ACTION');
    expect(await inboxSummary(t, 'carol')).toEqual(['REQUEST meeting-1']);
    expect(await inboxSummary(t, 'bob')).toEqual(['REQUEST meeting-1']);
  });

  it('§3.2.2.3 a decline reaches the organizer, and the decliner keeps a declined copy', async () => {
    await invite();
    const carolCopy = (await copyOf(t, 'carol', 'meeting-1'))!;
    await t.request('PUT', `${calendarPath('carol')}meeting-1.ics`, {
      user: 'carol',
      body: withPartstat(carolCopy.text, CAROL, 'DECLINED'),
      headers: { 'Content-Type': 'text/calendar' },
      expect: 204,
    });
    expect(partstatOf(master((await copyOf(t, 'alice', 'meeting-1'))!.calendar), CAROL)).toBe('DECLINED');
    expect(partstatOf(master((await copyOf(t, 'carol', 'meeting-1'))!.calendar), CAROL)).toBe('DECLINED');
    expect(partstatOf(master((await copyOf(t, 'bob', 'meeting-1'))!.calendar), CAROL)).toBe('DECLINED');
    expect(await inboxSummary(t, 'alice')).toEqual([`REPLY meeting-1 ${CAROL} DECLINED`]);
    expect(await inboxSummary(t, 'bob')).toEqual(['REQUEST meeting-1']);
    expect(await inboxSummary(t, 'carol')).toEqual(['REQUEST meeting-1']);
  });

  it('§8.3 If-Schedule-Tag-Match with a stale tag is refused with 412', async () => {
    await invite();
    const bobCopy = (await copyOf(t, 'bob', 'meeting-1'))!;
    const response = await t.request('PUT', `${calendarPath('bob')}meeting-1.ics`, {
      user: 'bob',
      body: withPartstat(bobCopy.text, BOB, 'ACCEPTED'),
      headers: { 'Content-Type': 'text/calendar', 'If-Schedule-Tag-Match': '"not-the-tag"' },
    });
    expect(response.status).toBe(412);
    expect(partstatOf(master((await copyOf(t, 'alice', 'meeting-1'))!.calendar), BOB)).toBe('NEEDS-ACTION');
    expect(await inboxSummary(t, 'alice')).toEqual([]);
  });
});
