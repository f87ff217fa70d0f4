// Attendee-side scheduling (RFC 6638 §3.2.2, §8.1) and the SCHEDULE-AGENT / SCHEDULE-FORCE-SEND
// parameters (§7.1, §7.2): deleting a copy declines, Schedule-Reply: F stays silent, per-instance
// answers, and objects the client schedules itself.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../helpers/app.ts';
import {
  ALICE, BOB, CAROL, calendarPath, copyOf, inboxSummary, master, meeting, override, partstatOf, scheduleStatusOf, withPartstat,
} from './support.ts';

describe('RFC 6638 §3.2.2 attendee changes', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  const put = (user: string, uid: string, body: string, headers: Record<string, string> = {}) =>
    t.request('PUT', `${calendarPath(user)}${uid}.ics`, { user, body, headers: { 'Content-Type': 'text/calendar', ...headers } });

  it('§3.2.2.2 an attendee deleting their copy declines on their behalf', async () => {
    await put('alice', 'm', meeting({ uid: 'm' }));
    await t.request('DELETE', `${calendarPath('bob')}m.ics`, { user: 'bob', expect: 204 });
    expect(await copyOf(t, 'bob', 'm')).toBeUndefined();
    expect(partstatOf(master((await copyOf(t, 'alice', 'm'))!.calendar), BOB)).toBe('DECLINED');
    expect(partstatOf(master((await copyOf(t, 'carol', 'm'))!.calendar), BOB)).toBe('DECLINED');
    expect(await inboxSummary(t, 'alice')).toEqual([`REPLY m ${BOB} DECLINED`]);
    expect(await inboxSummary(t, 'bob')).toEqual(['REQUEST m']);
    expect(await inboxSummary(t, 'carol')).toEqual(['REQUEST m']);
  });

  it('§8.1 Schedule-Reply: F deletes the copy without telling the organizer', async () => {
    await put('alice', 'm', meeting({ uid: 'm' }));
    await t.request('DELETE', `${calendarPath('bob')}m.ics`, { user: 'bob', headers: { 'Schedule-Reply': 'F' }, expect: 204 });
    expect(await copyOf(t, 'bob', 'm')).toBeUndefined();
    expect(partstatOf(master((await copyOf(t, 'alice', 'm'))!.calendar), BOB)).toBe('NEEDS-ACTION');
    expect(await inboxSummary(t, 'alice')).toEqual([]);
  });

  it('§3.2.2.3 declining one instance with an override replies for that instance only', async () => {
    await put('alice', 'w', meeting({ uid: 'w', extra: ['RRULE:FREQ=WEEKLY;COUNT=4'] }));
    const bobCopy = (await copyOf(t, 'bob', 'w'))!;
    const declinedInstance = bobCopy.text.replace(
      'END:VCALENDAR',
      ['BEGIN:VEVENT', 'UID:w', 'RECURRENCE-ID:20300117T100000Z', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300117T100000Z',
        'DTEND:20300117T110000Z', 'SUMMARY:Planning', `ORGANIZER;CN=Alice:${ALICE}`, `ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`,
        `ATTENDEE;PARTSTAT=DECLINED:${BOB}`, `ATTENDEE:${CAROL}`, 'END:VEVENT', 'END:VCALENDAR'].join('\r\n'),
    );
    expect((await put('bob', 'w', declinedInstance)).status).toBe(204);
    const aliceCopy = (await copyOf(t, 'alice', 'w'))!;
    expect(partstatOf(master(aliceCopy.calendar), BOB)).toBe('NEEDS-ACTION');
    const instance = override(aliceCopy.calendar, '20300117T100000Z');
    expect(instance).toBeDefined();
    expect(partstatOf(instance!, BOB)).toBe('DECLINED');
    expect(String(instance!.getFirstPropertyValue('dtstart'))).toBe('2030-01-17T10:00:00Z');
    expect(await inboxSummary(t, 'alice')).toEqual([`REPLY w ${BOB} DECLINED`]);
    expect(partstatOf(override((await copyOf(t, 'carol', 'w'))!.calendar, '20300117T100000Z')!, BOB)).toBe('DECLINED');
  });

  it('§3.2.2.3 an attendee adding EXDATE declines that instance', async () => {
    await put('alice', 'x', meeting({ uid: 'x', extra: ['RRULE:FREQ=WEEKLY;COUNT=4'] }));
    const bobCopy = (await copyOf(t, 'bob', 'x'))!;
    await put('bob', 'x', bobCopy.text.replace('RRULE:FREQ=WEEKLY;COUNT=4', 'RRULE:FREQ=WEEKLY;COUNT=4\r\nEXDATE:20300124T100000Z'));
    const instance = override((await copyOf(t, 'alice', 'x'))!.calendar, '20300124T100000Z');
    expect(partstatOf(instance!, BOB)).toBe('DECLINED');
    expect(await inboxSummary(t, 'alice')).toEqual([`REPLY x ${BOB} DECLINED`]);
  });

  it('§3.2.2.1 an attendee writing over a version older than another attendee\'s answers keeps those answers', async () => {
    await put('alice', 'o', meeting({ uid: 'o', extra: ['RRULE:FREQ=WEEKLY;COUNT=4'] }));
    const stale = (await copyOf(t, 'bob', 'o'))!;
    const tag = stale.headers.get('Schedule-Tag')!;
    // Carol accepts the series and declines one instance; the server brings Bob's copy up to date
    // without a new Schedule-Tag (§3.2.10).
    const carolCopy = (await copyOf(t, 'carol', 'o'))!;
    const carolAnswer = withPartstat(carolCopy.text, CAROL, 'ACCEPTED').replace(
      'END:VCALENDAR',
      ['BEGIN:VEVENT', 'UID:o', 'RECURRENCE-ID:20300117T100000Z', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300117T100000Z',
        'DTEND:20300117T110000Z', 'SUMMARY:Planning', `ORGANIZER;CN=Alice:${ALICE}`, `ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`,
        `ATTENDEE:${BOB}`, `ATTENDEE;PARTSTAT=DECLINED:${CAROL}`, 'END:VEVENT', 'END:VCALENDAR'].join('\r\n'),
    );
    expect((await put('carol', 'o', carolAnswer)).status).toBe(204);
    expect((await copyOf(t, 'bob', 'o'))!.headers.get('Schedule-Tag')).toBe(tag);

    // Bob answers from the version he read before Carol's answers reached his copy.
    expect((await put('bob', 'o', withPartstat(stale.text, BOB, 'ACCEPTED'), { 'If-Schedule-Tag-Match': tag })).status).toBe(204);
    const bobCopy = (await copyOf(t, 'bob', 'o'))!;
    expect(partstatOf(master(bobCopy.calendar), BOB)).toBe('ACCEPTED');
    expect(partstatOf(master(bobCopy.calendar), CAROL)).toBe('ACCEPTED');
    expect(partstatOf(override(bobCopy.calendar, '20300117T100000Z')!, CAROL)).toBe('DECLINED');
    const aliceCopy = (await copyOf(t, 'alice', 'o'))!;
    expect(partstatOf(master(aliceCopy.calendar), BOB)).toBe('ACCEPTED');
    expect(partstatOf(master(aliceCopy.calendar), CAROL)).toBe('ACCEPTED');
    expect(partstatOf(override(aliceCopy.calendar, '20300117T100000Z')!, CAROL)).toBe('DECLINED');
  });

  it('§3.2.2.1 an attendee may not move the event: allowed-attendee-scheduling-object-change', async () => {
    await put('alice', 'm', meeting({ uid: 'm' }));
    const bobCopy = (await copyOf(t, 'bob', 'm'))!;
    const response = await put('bob', 'm', bobCopy.text.replace('DTSTART:20300110T100000Z', 'DTSTART:20300110T090000Z'));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('allowed-attendee-scheduling-object-change');
    expect(await inboxSummary(t, 'alice')).toEqual([]);
  });

  it('§7.1 SCHEDULE-AGENT=CLIENT on an attendee: the server sends that attendee nothing', async () => {
    await put('alice', 'c', meeting({
      uid: 'c',
      attendees: [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;SCHEDULE-AGENT=CLIENT:${BOB}`, `ATTENDEE:${CAROL}`],
    }));
    expect(await copyOf(t, 'bob', 'c')).toBeUndefined();
    expect(await inboxSummary(t, 'bob')).toEqual([]);
    expect(await copyOf(t, 'carol', 'c')).toBeDefined();
    expect(await inboxSummary(t, 'carol')).toEqual(['REQUEST c']);
    const aliceCopy = (await copyOf(t, 'alice', 'c'))!;
    expect(scheduleStatusOf(master(aliceCopy.calendar), 'attendee', BOB)).toBeUndefined();
    expect(scheduleStatusOf(master(aliceCopy.calendar), 'attendee', CAROL)).toBe('1.2');
    // What carol receives does not carry the server-only parameter.
    expect((await copyOf(t, 'carol', 'c'))!.text).not.toContain('SCHEDULE-AGENT');
  });

  it('§7.1 SCHEDULE-AGENT=CLIENT on the ORGANIZER of an attendee copy: no REPLY', async () => {
    await put('alice', 'm', meeting({ uid: 'm' }));
    const bobCopy = (await copyOf(t, 'bob', 'm'))!;
    const clientScheduled = withPartstat(bobCopy.text, BOB, 'ACCEPTED').replace('ORGANIZER;CN=Alice:', 'ORGANIZER;CN=Alice;SCHEDULE-AGENT=CLIENT:');
    expect((await put('bob', 'm', clientScheduled)).status).toBe(204);
    expect(partstatOf(master((await copyOf(t, 'alice', 'm'))!.calendar), BOB)).toBe('NEEDS-ACTION');
    expect(await inboxSummary(t, 'alice')).toEqual([]);
  });

  it('§7.2 SCHEDULE-FORCE-SEND=REQUEST resends an unchanged invitation and is not stored', async () => {
    await put('alice', 'f', meeting({ uid: 'f' }));
    const response = await put('alice', 'f', meeting({
      uid: 'f',
      attendees: [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;SCHEDULE-FORCE-SEND=REQUEST:${BOB}`, `ATTENDEE;RSVP=TRUE:${CAROL}`],
    }));
    expect(response.status).toBe(204);
    expect(response.headers.get('ETag')).toBeNull();
    expect(await inboxSummary(t, 'bob')).toEqual(['REQUEST f', 'REQUEST f']);
    expect(await inboxSummary(t, 'carol')).toEqual(['REQUEST f']);
    expect((await copyOf(t, 'alice', 'f'))!.text).not.toContain('SCHEDULE-FORCE-SEND');
  });
});
