// Organizer-side iTIP decisions (RFC 6638 §3.2.1, RFC 5546 §3.2.2/§3.2.5) as pure functions.
import { describe as group, expect, it } from 'vitest';
import { organizerMessages } from '../../../../src/scheduling/itip/organizer.ts';
import { historyWindow } from '../../../../src/scheduling/itip/historical.ts';
import { ALICE, BOB, CAROL, NOW, calendar, describe, organizerChange, vevent } from './fixtures.ts';

const WEEKLY = 'RRULE:FREQ=WEEKLY;COUNT=4';

group('organizerMessages', () => {
  it('RFC 6638 §3.2.1.1 a new object invites every attendee but the organizer', () => {
    expect(describe(organizerMessages(organizerChange(null, calendar(vevent([])))))).toEqual([
      `REQUEST ${BOB} master`,
      `REQUEST ${CAROL} master`,
    ]);
  });

  it('RFC 6638 §3.2.1.2 a change that is only bookkeeping or personal sends nothing', () => {
    const before = calendar(vevent([]));
    const after = calendar(vevent(['SEQUENCE:0', 'LAST-MODIFIED:20300102T000000Z', 'TRANSP:TRANSPARENT', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT5M', 'DESCRIPTION:x', 'END:VALARM']));
    expect(organizerMessages(organizerChange(before, after))).toEqual([]);
  });

  it('RFC 6638 §3.2.1.2 replies merged into the organizer copy (PARTSTAT) are not news', () => {
    const before = calendar(vevent([]));
    const after = calendar(vevent([], { attendees: [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;PARTSTAT=ACCEPTED;SCHEDULE-STATUS=2.0:${BOB}`, `ATTENDEE:${CAROL}`] }));
    expect(organizerMessages(organizerChange(before, after))).toEqual([]);
  });

  it('RFC 6638 §3.2.1.2 a new time goes to everyone', () => {
    const after = calendar(vevent([], { start: '20300110T120000Z' }));
    expect(describe(organizerMessages(organizerChange(calendar(vevent([])), after)))).toEqual([`REQUEST ${BOB} master`, `REQUEST ${CAROL} master`]);
  });

  it('RFC 6638 §3.2.1.2 a removed attendee gets CANCEL for the whole event', () => {
    const after = calendar(vevent([], { attendees: [`ATTENDEE:${ALICE}`, `ATTENDEE:${BOB}`] }));
    expect(describe(organizerMessages(organizerChange(calendar(vevent([])), after)))).toEqual([`REQUEST ${BOB} master`, `CANCEL ${CAROL} master`]);
  });

  it('RFC 6638 §3.2.1.3 deleting sends CANCEL with a higher SEQUENCE and STATUS:CANCELLED', () => {
    const messages = organizerMessages(organizerChange(calendar(vevent(['SEQUENCE:3'])), null));
    expect(describe(messages)).toEqual([`CANCEL ${BOB} master`, `CANCEL ${CAROL} master`]);
    const component = messages[0]!.calendar.getFirstSubcomponent('vevent')!;
    expect(component.getFirstPropertyValue('sequence')).toBe(4);
    expect(component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(component.getAllProperties('attendee').map((p) => p.getFirstValue())).toEqual([BOB]);
    expect(messages[0]!.calendar.getFirstPropertyValue('method')).toBe('CANCEL');
  });

  it('RFC 5546 §3.2.2 a newly overridden instance of an unchanged series is sent alone, as Cyrus and CalendarServer send it', () => {
    const before = calendar(vevent([WEEKLY]));
    const after = calendar(vevent([WEEKLY]), vevent([], { rid: '20300117T100000Z', start: '20300117T150000Z' }));
    expect(describe(organizerMessages(organizerChange(before, after)))).toEqual([
      `REQUEST ${BOB} 2030-01-17T10:00:00Z`,
      `REQUEST ${CAROL} 2030-01-17T10:00:00Z`,
    ]);
    // A change to the series as well sends everything.
    const changedSeries = calendar(vevent([WEEKLY, 'LOCATION:Room 2']), vevent([], { rid: '20300117T100000Z', start: '20300117T150000Z' }));
    expect(describe(organizerMessages(organizerChange(before, changedSeries)))).toEqual([
      `REQUEST ${BOB} master,2030-01-17T10:00:00Z`,
      `REQUEST ${CAROL} master,2030-01-17T10:00:00Z`,
    ]);
  });

  it('RFC 5546 §3.2.5 an EXDATE added by the organizer cancels that instance and updates the series', () => {
    // RFC 6638 §3.2.8 counts EXDATE among the properties that change the series: the attendee gets
    // the new master (REQUEST) besides the CANCEL of the instance, as Cyrus and CalendarServer send.
    const before = calendar(vevent([WEEKLY]));
    const after = calendar(vevent([WEEKLY, 'EXDATE:20300124T100000Z']));
    expect(describe(organizerMessages(organizerChange(before, after)))).toEqual([
      `REQUEST ${BOB} master`,
      `CANCEL ${BOB} 2030-01-24T10:00:00Z`,
      `REQUEST ${CAROL} master`,
      `CANCEL ${CAROL} 2030-01-24T10:00:00Z`,
    ]);
  });

  it('a series moved to another start sends its exclusions in the REQUEST only, with no CANCEL for instances the attendee never had', () => {
    const only = { attendees: [`ATTENDEE:${ALICE}`] };
    const before = calendar(vevent([WEEKLY], { attendees: [`ATTENDEE:${ALICE}`, `ATTENDEE:${BOB}`] }), vevent([], { rid: '20300117T100000Z', ...only }));
    const after = calendar(vevent([WEEKLY], { start: '20300110T120000Z', attendees: [`ATTENDEE:${ALICE}`, `ATTENDEE:${BOB}`] }), vevent([], { rid: '20300117T120000Z', ...only }));
    const messages = organizerMessages(organizerChange(before, after));
    expect(describe(messages)).toEqual([`REQUEST ${BOB} master`]);
    expect(messages[0]!.calendar.getFirstSubcomponent('vevent')!.getFirstPropertyValue('exdate')!.toString()).toBe('2030-01-17T12:00:00Z');
  });

  it('RFC 5546 §3.2.5 deleting the event cancels it whole, also for an attendee invited to some instances only', () => {
    const before = calendar(vevent([WEEKLY], { attendees: [`ATTENDEE:${ALICE}`] }), vevent([], { rid: '20300117T100000Z' }), vevent([], { rid: '20300124T100000Z' }));
    const messages = organizerMessages(organizerChange(before, null));
    expect(describe(messages)).toEqual([`CANCEL ${BOB} master`, `CANCEL ${CAROL} master`]);
  });

  it('an attendee left out of one override gets that instance cancelled and an EXDATE in their view', () => {
    const before = calendar(vevent([WEEKLY]));
    const after = calendar(vevent([WEEKLY]), vevent([], { rid: '20300117T100000Z', attendees: [`ATTENDEE:${ALICE}`, `ATTENDEE:${BOB}`] }));
    const messages = organizerMessages(organizerChange(before, after));
    expect(describe(messages)).toEqual([`REQUEST ${BOB} 2030-01-17T10:00:00Z`, `CANCEL ${CAROL} 2030-01-17T10:00:00Z`]);
    const laterForCarol = organizerMessages(organizerChange(null, after)).find((m) => m.recipient === CAROL)!;
    expect(laterForCarol.calendar.getFirstSubcomponent('vevent')!.getFirstPropertyValue('exdate')!.toString()).toBe('2030-01-17T10:00:00Z');
  });

  it('RFC 6638 §7.1 attendees with SCHEDULE-AGENT=CLIENT or NONE are left to the client', () => {
    const object = calendar(vevent([], { attendees: [`ATTENDEE:${ALICE}`, `ATTENDEE;SCHEDULE-AGENT=CLIENT:${BOB}`, `ATTENDEE;SCHEDULE-AGENT=NONE:${CAROL}`] }));
    expect(organizerMessages(organizerChange(null, object))).toEqual([]);
  });

  it('RFC 6638 §7.2 SCHEDULE-FORCE-SEND=REQUEST sends an unchanged invitation', () => {
    const before = calendar(vevent([]));
    const after = calendar(vevent([], { attendees: [`ATTENDEE:${ALICE}`, `ATTENDEE;SCHEDULE-FORCE-SEND=REQUEST:${BOB}`, `ATTENDEE:${CAROL}`] }));
    expect(describe(organizerMessages(organizerChange(before, after)))).toEqual([`REQUEST ${BOB} master`]);
  });

  it('RFC 6638 §3.2.4 SCHEDULE-* parameters, alarms and personal data never travel', () => {
    const object = calendar(vevent(['X-MOZ-LASTACK:20300101T000000Z', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT5M', 'DESCRIPTION:x', 'END:VALARM'], {
      attendees: [`ATTENDEE:${ALICE}`, `ATTENDEE;SCHEDULE-STATUS=1.2:${BOB}`],
    }));
    const text = organizerMessages(organizerChange(null, object))[0]!.calendar.toString();
    expect(text).not.toMatch(/SCHEDULE-|VALARM|X-MOZ-LASTACK/);
    expect(text).toContain('METHOD:REQUEST');
  });

  it('Cyrus caldav_historical_age: instances that ended before the cutoff send nothing', () => {
    const old = calendar(vevent([], { start: '20291201T100000Z' }));
    const history = historyWindow(NOW, 7 * 86400, Date.UTC(2029, 11, 1, 11));
    expect(organizerMessages({ ...organizerChange(null, old), nextHistory: history, previousHistory: history })).toEqual([]);
    const forever = historyWindow(NOW, -1, Date.UTC(2029, 11, 1, 11));
    expect(organizerMessages({ ...organizerChange(null, old), nextHistory: forever, previousHistory: forever })).toHaveLength(2);
  });
});
