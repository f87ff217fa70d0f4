// Scheduling object identification (RFC 6638 §3.1) and the change checks of §3.2.4.1 / §3.2.2.1,
// with their mapping to CALDAV: preconditions.
import { describe, expect, it } from 'vitest';
import { checkAttendeeChange, checkRoleChange, classify } from '../../../../src/scheduling/itip/classify.ts';
import { ItipError, toDavError } from '../../../../src/scheduling/errors.ts';
import { ALICE, BOB, CAROL, calendar, vevent } from './fixtures.ts';

const mine = (address: string) => new Set([address]);

describe('classify', () => {
  it('RFC 6638 §3.1 organizer object when ORGANIZER is the owner, attendee object when an ATTENDEE is', () => {
    const object = calendar(vevent([]));
    expect(classify(object, mine(ALICE))).toEqual({ kind: 'organizer', organizer: ALICE });
    expect(classify(object, mine(BOB))).toEqual({ kind: 'attendee', organizer: ALICE, self: BOB });
    expect(classify(object, mine('mailto:dave@example.com'))).toEqual({ kind: 'none' });
  });

  it('RFC 6638 §3.1 addresses compare without regard to case', () => {
    expect(classify(calendar(vevent([], { organizer: 'MAILTO:Alice@Example.COM' })), mine(ALICE)).kind).toBe('organizer');
  });

  it('RFC 6638 §3.1 VJOURNAL and objects without ORGANIZER are not scheduling objects', () => {
    expect(classify(calendar(['BEGIN:VJOURNAL', 'UID:j', 'DTSTAMP:20300101T000000Z', `ORGANIZER:${ALICE}`, 'END:VJOURNAL']), mine(ALICE)).kind).toBe('none');
    expect(classify(calendar(vevent([]).filter((l) => !l.startsWith('ORGANIZER'))), mine(ALICE)).kind).toBe('none');
  });

  it('same-organizer-in-all-components', () => {
    const object = calendar(vevent(['RRULE:FREQ=DAILY;COUNT=2']), vevent([], { rid: '20300111T100000Z', organizer: CAROL }));
    expect(() => classify(object, mine(ALICE))).toThrow(expect.objectContaining({ code: 'same-organizer-in-all-components' }));
  });

  it('valid-organizer: the ORGANIZER value must be a URI', () => {
    expect(() => classify(calendar(vevent([], { organizer: 'alice' })), mine(ALICE))).toThrow(expect.objectContaining({ code: 'valid-organizer' }));
  });
});

describe('change checks', () => {
  it('allowed-organizer-scheduling-object-change: the ORGANIZER cannot be replaced', () => {
    const before = classify(calendar(vevent([])), mine(ALICE));
    expect(() => checkRoleChange(before, calendar(vevent([], { organizer: CAROL })))).toThrow(expect.objectContaining({ code: 'allowed-organizer-scheduling-object-change' }));
    expect(() => checkRoleChange(before, calendar(vevent([])))).not.toThrow();
  });

  it('allowed-attendee-scheduling-object-change: neither the ORGANIZER nor the times', () => {
    const before = calendar(vevent([]));
    expect(() => checkRoleChange(classify(before, mine(BOB)), calendar(vevent([], { organizer: CAROL })))).toThrow(expect.objectContaining({ code: 'allowed-attendee-scheduling-object-change' }));
    expect(() => checkAttendeeChange(before, calendar(vevent([], { start: '20300110T090000Z' })))).toThrow(ItipError);
    expect(() => checkAttendeeChange(before, calendar(vevent(['TRANSP:TRANSPARENT'])))).not.toThrow();
  });

  it('RFC 6638 §3.2.2.1 the same moment written in another zone is not a change', () => {
    const before = calendar(vevent([]));
    const sameInBerlin = calendar(vevent([]).map((line) => (line.startsWith('DTSTART') ? 'DTSTART;TZID=Europe/Berlin:20300110T110000' : line)));
    expect(() => checkAttendeeChange(before, sameInBerlin)).not.toThrow();
    const hourLater = calendar(vevent([]).map((line) => (line.startsWith('DTSTART') ? 'DTSTART;TZID=Europe/Berlin:20300110T120000' : line)));
    expect(() => checkAttendeeChange(before, hourLater)).toThrow(ItipError);
  });

  it('each domain error maps to its CALDAV: condition with the RFC status', () => {
    const unique = toDavError(new ItipError('unique-scheduling-object-resource', 'x', '/dav/calendars/user/alice/Default/a.ics'));
    expect(unique.status).toBe(409);
    expect(unique.precondition).toEqual({ name: '{urn:ietf:params:xml:ns:caldav}unique-scheduling-object-resource', href: '/dav/calendars/user/alice/Default/a.ics' });
    for (const code of ['same-organizer-in-all-components', 'allowed-organizer-scheduling-object-change', 'allowed-attendee-scheduling-object-change', 'valid-organizer'] as const) {
      const error = toDavError(new ItipError(code, 'x'));
      expect(error.status, code).toBe(403);
      expect(error.precondition?.name).toBe(`{urn:ietf:params:xml:ns:caldav}${code}`);
    }
    expect(toDavError(new ItipError('valid-scheduling-message', 'x')).status).toBe(400);
  });
});
