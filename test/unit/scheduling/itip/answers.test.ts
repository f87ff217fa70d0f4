// Only attendees answer for themselves (RFC 5545 §3.2.12, RFC 5546 §3.2.3): what an organizer's
// write may and may not do to their PARTSTAT, and the attendee's reply status kept across updates.
import { describe, expect, it } from 'vitest';
import { coerceAttendeeAnswers, keepAnswerOverrides, keepReplyStatuses } from '../../../../src/scheduling/itip/answers.ts';
import { applyRequest } from '../../../../src/scheduling/itip/merge.ts';
import { checkAttendeeChange } from '../../../../src/scheduling/itip/classify.ts';
import { componentsByKey, findAttendee, partstat } from '../../../../src/scheduling/itip/model.ts';
import { organizerMessages } from '../../../../src/scheduling/itip/organizer.ts';
import { ALICE, BOB, CAROL, calendar, organizerChange, vevent } from './fixtures.ts';

const SELF = new Set([ALICE]);
/** Bob and Carol are users of this server; answers from elsewhere reach the organizer's client by e-mail. */
const LOCAL = new Set([BOB, CAROL]);
const bob = (object: ReturnType<typeof calendar>, key = 'master') => findAttendee(componentsByKey(object).get(key)!, BOB)!;
const answered = (bobLine: string, carolLine = `ATTENDEE;RSVP=TRUE:${CAROL}`) => [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, bobLine, carolLine];

describe('coerceAttendeeAnswers', () => {
  it('a new invitation cannot say an attendee accepted: PARTSTAT goes back to NEEDS-ACTION with RSVP=TRUE', () => {
    const next = calendar(vevent([], { attendees: answered(`ATTENDEE;PARTSTAT=ACCEPTED:${BOB}`) }));
    expect(coerceAttendeeAnswers(null, next, SELF, LOCAL)).toBe(true);
    expect(bob(next).getParameter('partstat')).toBe('NEEDS-ACTION');
    expect(bob(next).getParameter('rsvp')).toBe('TRUE');
    // The organizer's own ATTENDEE is theirs to set.
    expect(partstat(findAttendee(componentsByKey(next).get('master')!, ALICE))).toBe('ACCEPTED');
  });

  it('an update cannot change an answer to another one, but the attendee\'s own answer stays', () => {
    const previous = calendar(vevent([], { attendees: answered(`ATTENDEE;PARTSTAT=TENTATIVE:${BOB}`) }));
    const next = calendar(vevent(['SUMMARY:Renamed'], { attendees: answered(`ATTENDEE;PARTSTAT=DECLINED:${BOB}`) }));
    expect(coerceAttendeeAnswers(previous, next, SELF, LOCAL)).toBe(true);
    expect(partstat(bob(next))).toBe('TENTATIVE');
    const unchanged = calendar(vevent(['SUMMARY:Renamed'], { attendees: answered(`ATTENDEE;PARTSTAT=TENTATIVE:${BOB}`) }));
    expect(coerceAttendeeAnswers(previous, unchanged, SELF, LOCAL)).toBe(false);
  });

  it('the organizer may reset an answer to NEEDS-ACTION, and an update that is sent asks for an answer again (RSVP=TRUE)', () => {
    const previous = calendar(vevent([], { attendees: answered(`ATTENDEE;PARTSTAT=ACCEPTED:${BOB}`) }));
    const next = calendar(vevent(['DESCRIPTION:Agenda attached'], { attendees: answered(`ATTENDEE;PARTSTAT=NEEDS-ACTION:${BOB}`) }));
    expect(coerceAttendeeAnswers(previous, next, SELF, LOCAL)).toBe(true);
    expect(partstat(bob(next))).toBe('NEEDS-ACTION');
    expect(bob(next).getParameter('rsvp')).toBe('TRUE');
  });

  it('moving the event asks every attendee again, however stale the organizer\'s copy of their answer', () => {
    const previous = calendar(vevent([], { attendees: answered(`ATTENDEE;PARTSTAT=ACCEPTED:${BOB}`) }));
    const next = calendar(vevent([], { start: '20300110T110000Z', attendees: answered(`ATTENDEE;PARTSTAT=ACCEPTED:${BOB}`) }));
    expect(coerceAttendeeAnswers(previous, next, SELF, LOCAL)).toBe(true);
    expect(bob(next).getParameter('partstat')).toBe('NEEDS-ACTION');
    expect(bob(next).getParameter('rsvp')).toBe('TRUE');
  });

  it('a to-do given a due time it did not have is rescheduled', () => {
    const todo = (extra: string[]) => ['BEGIN:VTODO', 'UID:t1', 'DTSTAMP:20300101T000000Z', `ORGANIZER:${ALICE}`, `ATTENDEE;PARTSTAT=ACCEPTED:${BOB}`, ...extra, 'END:VTODO'];
    const previous = calendar(todo([]));
    const next = calendar(todo(['DUE:20300110T100000Z']));
    expect(coerceAttendeeAnswers(previous, next, SELF, LOCAL)).toBe(true);
    expect(partstat(bob(next))).toBe('NEEDS-ACTION');
  });

  it('a new override at its instance\'s own time keeps the answers of the master; one moved elsewhere resets them', () => {
    const previous = calendar(vevent(['RRULE:FREQ=DAILY;COUNT=3'], { attendees: answered(`ATTENDEE;PARTSTAT=ACCEPTED:${BOB}`) }));
    const override = (start: string) => calendar(
      vevent(['RRULE:FREQ=DAILY;COUNT=3'], { attendees: answered(`ATTENDEE;PARTSTAT=ACCEPTED:${BOB}`) }),
      vevent([], { rid: '20300111T100000Z', start, attendees: answered(`ATTENDEE;PARTSTAT=ACCEPTED:${BOB}`) }),
    );
    const inPlace = override('20300111T100000Z');
    expect(coerceAttendeeAnswers(previous, inPlace, SELF, LOCAL)).toBe(false);
    const moved = override('20300111T150000Z');
    expect(coerceAttendeeAnswers(previous, moved, SELF, LOCAL)).toBe(true);
    expect(partstat(bob(moved, '20300111T100000Z'))).toBe('NEEDS-ACTION');
    expect(partstat(bob(moved))).toBe('ACCEPTED');
  });

  it('a write that changes nothing the attendees are sent (an alarm) adds no RSVP', () => {
    const previous = calendar(vevent([], { attendees: answered(`ATTENDEE;PARTSTAT=NEEDS-ACTION:${BOB}`) }));
    const next = calendar(vevent(['BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT5M', 'DESCRIPTION:x', 'END:VALARM'], { attendees: answered(`ATTENDEE;PARTSTAT=NEEDS-ACTION:${BOB}`) }));
    expect(coerceAttendeeAnswers(previous, next, SELF, LOCAL)).toBe(false);
    expect(bob(next).getParameter('rsvp')).toBeUndefined();
  });

  it('an attendee elsewhere may have answered by e-mail: the organizer\'s client records it, and a move still asks again', () => {
    const previous = calendar(vevent([], { attendees: answered(`ATTENDEE;PARTSTAT=NEEDS-ACTION:${BOB}`) }));
    const recorded = calendar(vevent([], { attendees: answered(`ATTENDEE;PARTSTAT=ACCEPTED:${BOB}`) }));
    expect(coerceAttendeeAnswers(previous, recorded, SELF, new Set([CAROL]))).toBe(false);
    expect(partstat(bob(recorded))).toBe('ACCEPTED');
    const moved = calendar(vevent([], { start: '20300110T110000Z', attendees: answered(`ATTENDEE;PARTSTAT=ACCEPTED:${BOB}`) }));
    expect(coerceAttendeeAnswers(recorded, moved, SELF, new Set([CAROL]))).toBe(true);
    expect(partstat(bob(moved))).toBe('NEEDS-ACTION');
  });

  it('attendees the client schedules for itself (SCHEDULE-AGENT=CLIENT) are left as written', () => {
    const next = calendar(vevent([], { attendees: answered(`ATTENDEE;SCHEDULE-AGENT=CLIENT;PARTSTAT=ACCEPTED:${BOB}`) }));
    expect(coerceAttendeeAnswers(null, next, SELF, LOCAL)).toBe(false);
    expect(partstat(bob(next))).toBe('ACCEPTED');
  });
});

describe('applyRequest and the attendee\'s reply status', () => {
  it('RFC 6638 §7.3 the SCHEDULE-STATUS of the attendee\'s last reply stays on ORGANIZER across the organizer\'s update', () => {
    const mine = calendar(vevent([]));
    componentsByKey(mine).get('master')!.getFirstProperty('organizer')!.setParameter('schedule-status', '1.2');
    const update = organizerMessages(organizerChange(null, calendar(vevent(['SEQUENCE:1'])))).find((m) => m.recipient === BOB)!.calendar;
    const copy = applyRequest(mine, update, { recipient: BOB, apple: false })!;
    expect(componentsByKey(copy).get('master')!.getFirstProperty('organizer')!.getParameter('schedule-status')).toBe('1.2');
  });

  it('an override the attendee made for an alarm of their own is cut again from the organizer\'s updated series', () => {
    const alarm = ['BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT5M', 'DESCRIPTION:mine', 'END:VALARM'];
    const mine = calendar(vevent(['RRULE:FREQ=DAILY;COUNT=3']), vevent(alarm, { rid: '20300111T100000Z' }));
    const update = organizerMessages(organizerChange(null, calendar(vevent(['RRULE:FREQ=DAILY;COUNT=3', 'SEQUENCE:1', 'DESCRIPTION:changed'])))).find((m) => m.recipient === BOB)!.calendar;
    const copy = componentsByKey(applyRequest(mine, update, { recipient: BOB, apple: false }));
    const instance = copy.get('20300111T100000Z')!;
    expect(instance.getFirstSubcomponent('valarm')!.getFirstPropertyValue('description')).toBe('mine');
    expect(instance.getFirstPropertyValue('description')).toBe('changed');
    // Moved elsewhere by the organizer, the series no longer has that instance: the alarm goes with it.
    const moved = organizerMessages(organizerChange(null, calendar(vevent(['RRULE:FREQ=DAILY;COUNT=3', 'SEQUENCE:1'], { start: '20300110T150000Z' })))).find((m) => m.recipient === BOB)!.calendar;
    expect(componentsByKey(applyRequest(mine, moved, { recipient: BOB, apple: false })).size).toBe(1);
  });

  it('Apple travel time is the attendee\'s own: kept across the organizer\'s update, never sent in an invitation', () => {
    const mine = calendar(vevent(['X-APPLE-TRAVEL-DURATION;VALUE=DURATION:PT1H']));
    const invitation = organizerMessages(organizerChange(null, calendar(vevent(['SEQUENCE:1', 'X-APPLE-TRAVEL-DURATION;VALUE=DURATION:PT2H'])))).find((m) => m.recipient === BOB)!.calendar;
    expect(componentsByKey(invitation).get('master')!.hasProperty('x-apple-travel-duration')).toBe(false);
    const copy = applyRequest(mine, invitation, { recipient: BOB, apple: false })!;
    expect(String(componentsByKey(copy).get('master')!.getFirstPropertyValue('x-apple-travel-duration'))).toBe('PT1H');
  });
});

describe('what is news to attendees', () => {
  it('an EMAIL parameter added to the ATTENDEE and ORGANIZER properties (RFC 7986 §6.2) sends nothing', () => {
    const before = calendar(vevent([]));
    const after = calendar(vevent([], {
      attendees: [`ATTENDEE;PARTSTAT=ACCEPTED;EMAIL=alice@example.com:${ALICE}`, `ATTENDEE;EMAIL=bob@example.com:${BOB}`, `ATTENDEE;EMAIL=carol@example.com:${CAROL}`],
    }));
    expect(organizerMessages(organizerChange(before, after))).toEqual([]);
  });
});

describe('keepAnswerOverrides (RFC 6638 §3.2.10)', () => {
  const WEEKLY = 'RRULE:FREQ=WEEKLY;COUNT=4';
  const series = (extra: string[], bobLine = `ATTENDEE;PARTSTAT=ACCEPTED:${BOB}`) => vevent([WEEKLY, ...extra], { attendees: answered(bobLine) });
  const declined = vevent([], { rid: '20300117T100000Z', attendees: answered(`ATTENDEE;PARTSTAT=DECLINED:${BOB}`) });

  it('a stale organizer write that leaves out the override holding an answer gets it back, cut from the new master', () => {
    const previous = calendar(series([]), declined);
    const next = calendar(series(['SEQUENCE:1', 'DESCRIPTION:Agenda']));
    expect(keepAnswerOverrides(previous, next, SELF)).toBe(true);
    const restored = componentsByKey(next).get('20300117T100000Z')!;
    expect(partstat(findAttendee(restored, BOB))).toBe('DECLINED');
    expect(restored.getFirstPropertyValue('description')).toBe('Agenda');
    expect(restored.hasProperty('rrule')).toBe(false);
  });

  it('does nothing when the write moves the series or excludes the instance', () => {
    const previous = calendar(series([]), declined);
    expect(keepAnswerOverrides(previous, calendar(vevent([WEEKLY], { start: '20300110T120000Z', attendees: answered(`ATTENDEE;PARTSTAT=ACCEPTED:${BOB}`) })), SELF)).toBe(false);
    expect(keepAnswerOverrides(previous, calendar(series(['EXDATE:20300117T100000Z'])), SELF)).toBe(false);
  });
});

describe('keepReplyStatuses (RFC 6638 §7.3)', () => {
  it('an attendee\'s write without SCHEDULE-STATUS on ORGANIZER keeps the stored one; one that has a status keeps its own', () => {
    const previous = calendar(vevent([], { organizer: ALICE }));
    componentsByKey(previous).get('master')!.getFirstProperty('organizer')!.setParameter('schedule-status', '2.0');
    const next = calendar(vevent(['BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT5M', 'DESCRIPTION:x', 'END:VALARM']));
    expect(keepReplyStatuses(previous, next)).toBe(true);
    expect(componentsByKey(next).get('master')!.getFirstProperty('organizer')!.getParameter('schedule-status')).toBe('2.0');
    expect(keepReplyStatuses(previous, next)).toBe(false);
  });
});

describe('checkAttendeeChange and SCHEDULE-AGENT on ORGANIZER (RFC 6638 §7.1)', () => {
  const copy = (agent?: string) => {
    const object = calendar(vevent([], { attendees: answered(`ATTENDEE;PARTSTAT=ACCEPTED:${BOB}`) }));
    if (agent) componentsByKey(object).get('master')!.getFirstProperty('organizer')!.setParameter('schedule-agent', agent);
    return object;
  };
  it('an attendee cannot hand a copy their client schedules to the server, but may take one back', () => {
    expect(() => checkAttendeeChange(copy('CLIENT'), copy())).toThrow(/SCHEDULE-AGENT/);
    expect(() => checkAttendeeChange(copy('NONE'), copy('SERVER'))).toThrow(/SCHEDULE-AGENT/);
    expect(() => checkAttendeeChange(copy(), copy('CLIENT'))).not.toThrow();
    expect(() => checkAttendeeChange(copy('CLIENT'), copy('CLIENT'))).not.toThrow();
  });
});
