// Attendee-side iTIP decisions (RFC 6638 §3.2.2, RFC 5546 §3.2.3) as pure functions.
import { describe as group, expect, it } from 'vitest';
import { attendeeMessages } from '../../../../src/scheduling/itip/attendee.ts';
import { ALICE, BOB, CAROL, NOW, OPEN, PRODID, calendar, describe, vevent } from './fixtures.ts';

const change = (previous: ReturnType<typeof calendar> | null, next: ReturnType<typeof calendar> | null) => ({
  previous, next, organizer: ALICE, self: BOB, history: OPEN, nowMs: NOW, prodid: PRODID,
});
const bobSays = (partstat: string, extra: string[] = []) => [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;PARTSTAT=${partstat}${extra.join('')}:${BOB}`, `ATTENDEE:${CAROL}`];

group('attendeeMessages', () => {
  it('RFC 6638 §3.2.2.3 a changed PARTSTAT sends one REPLY to the organizer with only the attendee', () => {
    const messages = attendeeMessages(change(calendar(vevent([], { attendees: bobSays('NEEDS-ACTION') })), calendar(vevent(['TRANSP:TRANSPARENT'], { attendees: bobSays('ACCEPTED') }))));
    expect(describe(messages)).toEqual([`REPLY ${ALICE} master`]);
    const reply = messages[0]!.calendar.getFirstSubcomponent('vevent')!;
    expect(reply.getAllProperties('attendee').map((p) => `${p.getFirstValue()} ${p.getParameter('partstat')}`)).toEqual([`${BOB} ACCEPTED`]);
    expect(reply.getFirstPropertyValue('transp')).toBeNull();
    expect(messages[0]!.originator).toBe(BOB);
  });

  it('RFC 6638 §3.2.2.3 an unchanged PARTSTAT sends nothing', () => {
    const object = calendar(vevent([], { attendees: bobSays('ACCEPTED') }));
    expect(attendeeMessages(change(object, calendar(vevent(['BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT5M', 'DESCRIPTION:x', 'END:VALARM'], { attendees: bobSays('ACCEPTED') }))))).toEqual([]);
  });

  it('RFC 6638 §3.2.2.1 an attendee storing an answered invitation replies at once', () => {
    expect(describe(attendeeMessages(change(null, calendar(vevent([], { attendees: bobSays('TENTATIVE') })))))).toEqual([`REPLY ${ALICE} master`]);
    expect(attendeeMessages(change(null, calendar(vevent([], { attendees: bobSays('NEEDS-ACTION') }))))).toEqual([]);
  });

  it('RFC 6638 §3.2.2.3 a new override with a changed PARTSTAT replies for that instance', () => {
    const before = calendar(vevent(['RRULE:FREQ=DAILY;COUNT=3'], { attendees: bobSays('ACCEPTED') }));
    const after = calendar(vevent(['RRULE:FREQ=DAILY;COUNT=3'], { attendees: bobSays('ACCEPTED') }), vevent([], { rid: '20300111T100000Z', attendees: bobSays('DECLINED') }));
    expect(describe(attendeeMessages(change(before, after)))).toEqual([`REPLY ${ALICE} 2030-01-11T10:00:00Z`]);
  });

  it('RFC 6638 §3.2.2.3 an added EXDATE declines the instance', () => {
    const before = calendar(vevent(['RRULE:FREQ=DAILY;COUNT=3'], { attendees: bobSays('ACCEPTED') }));
    const after = calendar(vevent(['RRULE:FREQ=DAILY;COUNT=3', 'EXDATE:20300112T100000Z'], { attendees: bobSays('ACCEPTED') }));
    const messages = attendeeMessages(change(before, after));
    expect(describe(messages)).toEqual([`REPLY ${ALICE} 2030-01-12T10:00:00Z`]);
    expect(messages[0]!.calendar.getFirstSubcomponent('vevent')!.getFirstProperty('attendee')!.getParameter('partstat')).toBe('DECLINED');
  });

  it('RFC 6638 §3.2.2.2 deleting declines every instance not already declined', () => {
    const before = calendar(vevent(['RRULE:FREQ=DAILY;COUNT=3'], { attendees: bobSays('ACCEPTED') }), vevent([], { rid: '20300111T100000Z', attendees: bobSays('DECLINED') }));
    const messages = attendeeMessages(change(before, null));
    expect(describe(messages)).toEqual([`REPLY ${ALICE} master`]);
  });

  it('RFC 6638 §7.1 SCHEDULE-AGENT=CLIENT on ORGANIZER: no reply', () => {
    const before = calendar(vevent([], { attendees: bobSays('NEEDS-ACTION'), organizer: `${ALICE}` }));
    const after = calendar(vevent([], { attendees: bobSays('ACCEPTED') }).map((line) => (line.startsWith('ORGANIZER') ? `ORGANIZER;SCHEDULE-AGENT=CLIENT:${ALICE}` : line)));
    expect(attendeeMessages(change(before, after))).toEqual([]);
  });

  it('RFC 6638 §7.2 SCHEDULE-FORCE-SEND=REPLY replies without a change', () => {
    const before = calendar(vevent([], { attendees: bobSays('ACCEPTED') }));
    const after = calendar(vevent([], { attendees: bobSays('ACCEPTED', [';SCHEDULE-FORCE-SEND=REPLY']) }));
    const messages = attendeeMessages(change(before, after));
    expect(describe(messages)).toEqual([`REPLY ${ALICE} master`]);
    expect(messages[0]!.calendar.toString()).not.toContain('SCHEDULE-FORCE-SEND');
  });
});
