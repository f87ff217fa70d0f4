// Recipient-side processing (RFC 5546 §3.2.2–3.2.5): REQUEST, CANCEL and REPLY applied to a copy.
import { describe, expect, it } from 'vitest';
import { applyCancel, applyReply, applyRequest, preserveAttendeeAnswers, setScheduleStatus } from '../../../../src/scheduling/itip/merge.ts';
import { organizerMessages } from '../../../../src/scheduling/itip/organizer.ts';
import { attendeeMessages } from '../../../../src/scheduling/itip/attendee.ts';
import { componentsByKey } from '../../../../src/scheduling/itip/model.ts';
import { ALICE, BOB, CAROL, NOW, OPEN, PRODID, calendar, organizerChange, vevent } from './fixtures.ts';

const ALARM = ['BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT15M', 'DESCRIPTION:bob', 'END:VALARM'];
const requestFor = (object: ReturnType<typeof calendar>, who = BOB) => organizerMessages(organizerChange(null, object)).find((m) => m.recipient === who)!.calendar;

describe('applyRequest', () => {
  it('RFC 5546 §3.2.2 a new invitation becomes a copy without METHOD', () => {
    const copy = applyRequest(null, requestFor(calendar(vevent([]))), { recipient: BOB, apple: false })!;
    expect(copy.getFirstPropertyValue('method')).toBeNull();
    expect(copy.getFirstSubcomponent('vevent')!.getFirstPropertyValue('summary')).toBe('Meet');
  });

  it('RFC 5546 §3.2.2 an update keeps the attendee\'s own alarms', () => {
    const mine = calendar(vevent(ALARM));
    const update = requestFor(calendar(vevent(['SEQUENCE:1'], { start: '20300110T120000Z' })));
    const copy = applyRequest(mine, update, { recipient: BOB, apple: false })!;
    const event = copy.getFirstSubcomponent('vevent')!;
    expect(event.getFirstPropertyValue('dtstart')!.toString()).toBe('2030-01-10T12:00:00Z');
    expect(event.getFirstSubcomponent('valarm')!.getFirstPropertyValue('description')).toBe('bob');
  });

  it('RFC 5546 §2.1.5 a REQUEST older than the copy (lower SEQUENCE) is ignored', () => {
    const mine = calendar(vevent(['SEQUENCE:5']));
    expect(applyRequest(mine, requestFor(calendar(vevent(['SEQUENCE:4']))), { recipient: BOB, apple: false })).toBeNull();
  });

  it('an instance the attendee excluded, and declined, stays excluded when an update brings it back declined; asked again, it returns', () => {
    const WEEKLY = 'RRULE:FREQ=WEEKLY;COUNT=4';
    const mine = calendar(vevent([WEEKLY, 'EXDATE:20300117T100000Z']));
    const declinedThere = [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;PARTSTAT=DECLINED:${BOB}`, `ATTENDEE:${CAROL}`];
    const update = requestFor(calendar(vevent([WEEKLY, 'SUMMARY:Meet (agenda)']), vevent([], { rid: '20300117T100000Z', attendees: declinedThere })));
    const copy = applyRequest(mine, update, { recipient: BOB, apple: false })!;
    const kept = componentsByKey(copy);
    expect([...kept.keys()]).toEqual(['master']);
    expect(kept.get('master')!.getFirstPropertyValue('exdate')!.toString()).toBe('2030-01-17T10:00:00Z');

    const askedAgain = requestFor(calendar(vevent([WEEKLY]), vevent([], { rid: '20300117T100000Z', start: '20300117T150000Z' })));
    const back = componentsByKey(applyRequest(mine, askedAgain, { recipient: BOB, apple: false })!);
    expect([...back.keys()].sort()).toEqual(['20300117T100000Z', 'master']);
    expect(back.get('master')!.getFirstPropertyValue('exdate')).toBeNull();
  });

  it('RFC 5546 §3.2.2 a REQUEST carrying only an instance updates that instance and keeps the rest of the copy', () => {
    const WEEKLY = 'RRULE:FREQ=WEEKLY;COUNT=4';
    const mine = calendar(vevent([WEEKLY, 'EXDATE:20300124T100000Z', ...ALARM]));
    const before = calendar(vevent([WEEKLY]));
    const after = calendar(vevent([WEEKLY]), vevent([], { rid: '20300124T100000Z', start: '20300124T150000Z' }));
    const message = organizerMessages(organizerChange(before, after)).find((m) => m.recipient === BOB)!.calendar;
    expect([...componentsByKey(message).keys()]).toEqual(['20300124T100000Z']);
    const copy = componentsByKey(applyRequest(mine, message, { recipient: BOB, apple: false })!);
    expect([...copy.keys()].sort()).toEqual(['20300124T100000Z', 'master']);
    expect(copy.get('master')!.getFirstPropertyValue('rrule')!.toString()).toBe('FREQ=WEEKLY;COUNT=4');
    expect(copy.get('master')!.getFirstPropertyValue('exdate')).toBeNull();
    expect(copy.get('master')!.getFirstSubcomponent('valarm')).not.toBeNull();
    expect(copy.get('20300124T100000Z')!.getFirstPropertyValue('dtstart')!.toString()).toBe('2030-01-24T15:00:00Z');
  });

  it('a new copy for an attendee who had deleted theirs leaves out the instances they declined', () => {
    const WEEKLY = 'RRULE:FREQ=WEEKLY;COUNT=4';
    const declinedThere = [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;PARTSTAT=DECLINED:${BOB}`, `ATTENDEE:${CAROL}`];
    const message = requestFor(calendar(vevent([WEEKLY]), vevent([], { rid: '20300117T100000Z', attendees: declinedThere })));
    const copy = componentsByKey(applyRequest(null, message, { recipient: BOB, apple: false })!);
    expect([...copy.keys()]).toEqual(['master']);
    expect(copy.get('master')!.getFirstPropertyValue('exdate')!.toString()).toBe('2030-01-17T10:00:00Z');
    // Carol, who did not decline it, gets the instance.
    expect(componentsByKey(applyRequest(null, requestFor(calendar(vevent([WEEKLY]), vevent([], { rid: '20300117T100000Z', attendees: declinedThere })), CAROL), { recipient: CAROL, apple: false })!).size).toBe(2);
  });

  it('Cyrus caldav_allowscheduling=apple: an unanswered invitation is transparent', () => {
    const copy = applyRequest(null, requestFor(calendar(vevent([]))), { recipient: BOB, apple: true })!;
    expect(copy.getFirstSubcomponent('vevent')!.getFirstPropertyValue('transp')).toBe('TRANSPARENT');
  });
});

describe('applyCancel', () => {
  it('RFC 5546 §3.2.5 cancelling the event marks every component cancelled', () => {
    const mine = calendar(vevent(['RRULE:FREQ=DAILY;COUNT=3']), vevent([], { rid: '20300111T100000Z' }));
    const cancel = organizerMessages(organizerChange(mine, null)).find((m) => m.recipient === BOB)!.calendar;
    const result = applyCancel(mine, cancel);
    expect([...componentsByKey(result).values()].map((c) => c.getFirstPropertyValue('status'))).toEqual(['CANCELLED', 'CANCELLED']);
  });

  it('RFC 5546 §3.2.5 cancelling one instance excludes it from the master', () => {
    const mine = calendar(vevent(['RRULE:FREQ=DAILY;COUNT=3']));
    const after = calendar(vevent(['RRULE:FREQ=DAILY;COUNT=3', 'EXDATE:20300111T100000Z']));
    const cancel = organizerMessages(organizerChange(mine, after)).find((m) => m.recipient === BOB && m.method === 'CANCEL')!.calendar;
    const result = applyCancel(mine, cancel);
    const master = result.getFirstSubcomponent('vevent')!;
    expect(master.getFirstPropertyValue('status')).toBeNull();
    expect(master.getFirstPropertyValue('exdate')!.toString()).toBe('2030-01-11T10:00:00Z');
  });
});

describe('applyReply', () => {
  const reply = (partstat: string, rid?: string) =>
    attendeeMessages({
      previous: null,
      next: rid
        ? calendar(vevent(['RRULE:FREQ=DAILY;COUNT=3']), vevent([], { rid, attendees: [`ATTENDEE:${ALICE}`, `ATTENDEE;PARTSTAT=${partstat}:${BOB}`] }))
        : calendar(vevent([], { attendees: [`ATTENDEE:${ALICE}`, `ATTENDEE;PARTSTAT=${partstat}:${BOB}`] })),
      organizer: ALICE,
      self: BOB,
      history: OPEN,
      nowMs: NOW,
      prodid: PRODID,
    })[0]!.calendar;

  it('RFC 5546 §3.2.3 a REPLY sets the attendee\'s PARTSTAT and SCHEDULE-STATUS 2.0', () => {
    const result = applyReply(calendar(vevent([])), reply('ACCEPTED'), BOB)!;
    const bob = result.getFirstSubcomponent('vevent')!.getAllProperties('attendee').find((p) => p.getFirstValue() === BOB)!;
    expect(bob.getParameter('partstat')).toBe('ACCEPTED');
    expect(bob.getParameter('schedule-status')).toBe('2.0');
  });

  it('RFC 5546 §3.2.3 a reply for one instance creates the override from the master, with the organizer\'s alarm', () => {
    const result = applyReply(calendar(vevent(['RRULE:FREQ=DAILY;COUNT=3', ...ALARM])), reply('DECLINED', '20300112T100000Z'), BOB)!;
    const override = componentsByKey(result).get('20300112T100000Z')!;
    expect(override.getFirstPropertyValue('dtstart')!.toString()).toBe('2030-01-12T10:00:00Z');
    expect(override.hasProperty('rrule')).toBe(false);
    // The override replaces the instance whole (RFC 5545 §3.8.4.4): without the master's VALARM the
    // organizer would lose the reminder of the instance that was answered.
    expect(override.getAllSubcomponents('valarm')).toHaveLength(1);
    expect(override.getAllProperties('attendee').find((p) => p.getFirstValue() === BOB)!.getParameter('partstat')).toBe('DECLINED');
  });

  it('a reply from someone who is not an attendee changes nothing', () => {
    const object = calendar(vevent([], { attendees: [`ATTENDEE:${ALICE}`, `ATTENDEE:${CAROL}`] }));
    expect(applyReply(object, reply('ACCEPTED'), BOB)).toBeNull();
  });
});

describe('setScheduleStatus', () => {
  it('RFC 6638 §7.3 sets the parameter on every matching property and reports a change once', () => {
    const object = calendar(vevent([]));
    expect(setScheduleStatus(object, 'attendee', BOB, '1.2')).toBe(true);
    expect(setScheduleStatus(object, 'attendee', BOB, '1.2')).toBe(false);
    expect(object.toString()).toContain(`SCHEDULE-STATUS=1.2:${BOB}`);
  });
});

describe('preserveAttendeeAnswers', () => {
  const answered = calendar(vevent([], { attendees: [`ATTENDEE:${ALICE}`, `ATTENDEE;PARTSTAT=ACCEPTED:${BOB}`, `ATTENDEE;PARTSTAT=DECLINED:${CAROL}`] }));
  const partstats = (object: ReturnType<typeof calendar>) =>
    object.getFirstSubcomponent('vevent')!.getAllProperties('attendee').map((p) => String(p.getParameter('partstat') ?? 'NEEDS-ACTION'));

  it('RFC 6638 §3.2.10 answers survive an organizer write that does not reschedule', () => {
    const stale = calendar(vevent(['DESCRIPTION:agenda'], { attendees: [`ATTENDEE:${ALICE}`, `ATTENDEE;RSVP=TRUE:${BOB}`, `ATTENDEE:${CAROL}`] }));
    expect(preserveAttendeeAnswers(answered, stale)).toBe(true);
    expect(partstats(stale)).toEqual(['NEEDS-ACTION', 'ACCEPTED', 'DECLINED']);
    expect(stale.toString()).not.toContain('RSVP');
  });

  it('a rescheduled instance takes the organizer\'s values', () => {
    const moved = calendar(vevent([], { start: '20300110T150000Z', attendees: [`ATTENDEE:${ALICE}`, `ATTENDEE:${BOB}`, `ATTENDEE:${CAROL}`] }));
    expect(preserveAttendeeAnswers(answered, moved)).toBe(false);
    expect(partstats(moved)).toEqual(['NEEDS-ACTION', 'NEEDS-ACTION', 'NEEDS-ACTION']);
  });
});
