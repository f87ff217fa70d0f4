// Filter matching (RFC 4791 §9.7), first on the RFC's own §7.8 examples over the Appendix B
// collection, then per feature: recurrence, alarms, floating time, text, parameters, extensions.
import { describe, expect, it } from 'vitest';
import type { CalendarFilter } from '../../../../src/caldav/filter/ast.ts';
import { matchCalendarObject } from '../../../../src/caldav/filter/match.ts';
import { getZone } from '../../../../src/tz/catalogue.ts';
import type { Zone } from '../../../../src/tz/zone.ts';
import { calendarWith, HORIZON_UTC_MS, loadFixture } from '../../ical/fixtures.ts';
import { eventFilter, filter } from './filter-xml.ts';

const APPENDIX_B = ['abcd1', 'abcd2', 'abcd3', 'abcd4', 'abcd5', 'abcd6', 'abcd7', 'abcd8'];
const collection = APPENDIX_B.map((name) => [name, loadFixture(`rfc4791-${name}.ics`)] as const);
const OPTIONS = { horizonUtcMs: HORIZON_UTC_MS, maxInstances: 1000 };

function matching(query: CalendarFilter): string[] {
  return collection.filter(([, cal]) => matchCalendarObject(query, cal, OPTIONS)).map(([name]) => name);
}

function matches(fixture: string, query: CalendarFilter, floatingZone?: Zone): boolean {
  return matchCalendarObject(query, loadFixture(fixture), { ...OPTIONS, floatingZone });
}

const vevent = (body: string) => `<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">${body}</C:comp-filter></C:comp-filter>`;
const vtodo = (body: string) => `<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO">${body}</C:comp-filter></C:comp-filter>`;

describe('RFC 4791 §7.8 examples on the Appendix B collection', () => {
  it('§7.8.1: events overlapping 4 January, including the third instance of a series', () => {
    expect(matching(filter(vevent('<C:time-range start="20060104T000000Z" end="20060105T000000Z"/>')))).toEqual(['abcd2', 'abcd3']);
  });

  it('§7.8.2/§7.8.3: events overlapping 3–5 January', () => {
    expect(matching(filter(vevent('<C:time-range start="20060103T000000Z" end="20060105T000000Z"/>')))).toEqual(['abcd2', 'abcd3']);
  });

  it('§7.8.4: free-busy components overlapping 2 January', () => {
    const query = filter('<C:comp-filter name="VCALENDAR"><C:comp-filter name="VFREEBUSY"><C:time-range start="20060102T000000Z" end="20060103T000000Z"/></C:comp-filter></C:comp-filter>');
    expect(matching(query)).toEqual(['abcd8']);
  });

  it('§7.8.5: to-dos with an alarm in the range (data as in the response, DUE 12:00 US/Eastern)', () => {
    const query = filter(vtodo('<C:comp-filter name="VALARM"><C:time-range start="20060106T100000Z" end="20060107T100000Z"/></C:comp-filter>'));
    expect(matches('rfc4791-7.8.5-response-todo.ics', query)).toBe(true);
    // Appendix B's own copies are due on dates whose alarms fire before the range.
    expect(matching(query)).toEqual([]);
  });

  it('§7.8.6: event by UID with i;octet', () => {
    expect(matching(filter(vevent('<C:prop-filter name="UID"><C:text-match collation="i;octet">DC6C50A017428C5216A2F1CD@example.com</C:text-match></C:prop-filter>')))).toEqual(['abcd3']);
  });

  it('§7.8.7: events by attendee and PARTSTAT', () => {
    const query = filter(vevent(`<C:prop-filter name="ATTENDEE">
      <C:text-match collation="i;ascii-casemap">mailto:lisa@example.com</C:text-match>
      <C:param-filter name="PARTSTAT"><C:text-match collation="i;ascii-casemap">NEEDS-ACTION</C:text-match></C:param-filter>
    </C:prop-filter>`));
    expect(matching(query)).toEqual(['abcd3']);
  });

  it('§7.8.8: events only', () => {
    expect(matching(filter(vevent('')))).toEqual(['abcd1', 'abcd2', 'abcd3']);
  });

  it('§7.8.9: pending to-dos (no COMPLETED, STATUS not CANCELLED)', () => {
    const query = filter(vtodo(`<C:prop-filter name="COMPLETED"><C:is-not-defined/></C:prop-filter>
      <C:prop-filter name="STATUS"><C:text-match negate-condition="yes">CANCELLED</C:text-match></C:prop-filter>`));
    expect(matching(query)).toEqual(['abcd4', 'abcd5']);
  });

  it('§9.7.1: the bare VCALENDAR filter matches every object', () => {
    expect(matching(filter('<C:comp-filter name="VCALENDAR"/>'))).toEqual(APPENDIX_B);
  });

  it('§9.7.1: is-not-defined on a component', () => {
    expect(matching(filter('<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTIMEZONE"><C:is-not-defined/></C:comp-filter></C:comp-filter>'))).toEqual([
      'abcd4', 'abcd5', 'abcd6', 'abcd7', 'abcd8',
    ]);
  });
});

describe('RFC 4791 §9.7.1 conditions hold on the same component as its instances', () => {
  it('tests SUMMARY on the override that provides the instance in the range', () => {
    const summaryIs = (text: string, start: string, end: string) =>
      eventFilter(`<C:time-range start="${start}" end="${end}"/><C:prop-filter name="SUMMARY"><C:text-match match-type="equals">${text}</C:text-match></C:prop-filter>`);
    expect(matches('rfc4791-abcd2.ics', summaryIs('Event #2 bis', '20060104T000000Z', '20060105T000000Z'))).toBe(true);
    expect(matches('rfc4791-abcd2.ics', summaryIs('Event #2', '20060104T000000Z', '20060105T000000Z'))).toBe(false);
    expect(matches('rfc4791-abcd2.ics', summaryIs('Event #2', '20060105T000000Z', '20060106T000000Z'))).toBe(true);
  });

  it('finds an instance moved into the range by an override, not the slot it left', () => {
    const inRange = (start: string, end: string) => eventFilter(`<C:time-range start="${start}" end="${end}"/>`);
    expect(matches('ny-weekly-exdate-override.ics', inRange('20250324T000000Z', '20250325T000000Z'))).toBe(true);
    expect(matches('ny-weekly-exdate-override.ics', inRange('20250323T000000Z', '20250324T000000Z'))).toBe(false);
    expect(matches('ny-weekly-exdate-override.ics', inRange('20250316T000000Z', '20250317T000000Z'))).toBe(false);
  });

  it('applies RANGE=THISANDFUTURE properties to later instances', () => {
    const later = eventFilter('<C:time-range start="20250607T000000Z" end="20250608T000000Z"/><C:prop-filter name="SUMMARY"><C:text-match>later</C:text-match></C:prop-filter>');
    expect(matches('ny-daily-thisandfuture.ics', later)).toBe(true);
  });
});

describe('RFC 4791 §9.9 VALARM on recurring components', () => {
  const alarmIn = (start: string, end: string) => eventFilter(`<C:comp-filter name="VALARM"><C:time-range start="${start}" end="${end}"/></C:comp-filter>`);

  it('matches a repeated trigger of a later instance', () => {
    expect(matches('daily-alarms-override.ics', alarmIn('20250605T085000Z', '20250605T085001Z'))).toBe(true);
  });

  it('does not match where the instance is overridden by a component without alarms', () => {
    expect(matches('daily-alarms-override.ics', alarmIn('20250603T084000Z', '20250603T090000Z'))).toBe(false);
    expect(matches('daily-alarms-override.ics', alarmIn('20250603T144000Z', '20250603T150000Z'))).toBe(false);
  });
});

describe('RFC 4791 §9.9 property time-range', () => {
  it('tests DTSTART of a recurring event on every instance', () => {
    const startsIn = (start: string, end: string) => eventFilter(`<C:prop-filter name="DTSTART"><C:time-range start="${start}" end="${end}"/></C:prop-filter>`);
    expect(matches('ny-weekly-exdate-override.ics', startsIn('20250330T000000Z', '20250331T000000Z'))).toBe(true);
    expect(matches('ny-weekly-exdate-override.ics', startsIn('20250316T000000Z', '20250317T000000Z'))).toBe(false);
  });

  it('tests the effective DTEND (DTSTART+DURATION) when DTEND is absent', () => {
    const endsIn = eventFilter('<C:prop-filter name="DTEND"><C:time-range start="20060104T160000Z" end="20060104T160001Z"/></C:prop-filter>');
    expect(matches('rfc4791-abcd3.ics', endsIn)).toBe(true);
    expect(matches('rfc4791-abcd1.ics', endsIn)).toBe(false);
  });

  it('tests LAST-MODIFIED as an instant', () => {
    const modified = eventFilter('<C:prop-filter name="LAST-MODIFIED"><C:time-range start="20060206T000000Z" end="20060207T000000Z"/></C:prop-filter>');
    expect(matching(modified)).toEqual(['abcd3']);
  });
});

describe('RFC 4791 §9.8 floating times in the query\'s time zone', () => {
  const atOne = eventFilter('<C:time-range start="20250310T130000Z" end="20250310T133000Z"/>');

  it('reads a floating event in CALDAV:timezone, UTC when none is given', () => {
    expect(matches('floating-daily-exdate.ics', atOne)).toBe(false);
    expect(matches('floating-daily-exdate.ics', atOne, getZone('America/New_York'))).toBe(true);
  });

  it('reads all-day events as local days', () => {
    const lateOnSunday = eventFilter('<C:time-range start="20250316T230000Z" end="20250317T010000Z"/>');
    expect(matches('all-day-weekly-exdate.ics', lateOnSunday)).toBe(true); // UTC: 17 March starts at 00:00Z
    expect(matches('all-day-weekly-exdate.ics', lateOnSunday, getZone('America/New_York'))).toBe(false); // 04:00Z
  });
});

describe('RFC 4791 §9.7.2–§9.7.5 properties, parameters and text', () => {
  it('matches non-ASCII text with i;unicode-casemap only', () => {
    const summary = (collation: string) => eventFilter(`<C:prop-filter name="SUMMARY"><C:text-match collation="${collation}">STRASSE NACH</C:text-match></C:prop-filter>`);
    expect(matches('collation-text.ics', summary('i;unicode-casemap'))).toBe(true);
    expect(matches('collation-text.ics', summary('i;ascii-casemap'))).toBe(false);
    const location = eventFilter('<C:prop-filter name="LOCATION"><C:text-match collation="i;unicode-casemap" match-type="equals">café éclair</C:text-match></C:prop-filter>');
    expect(matches('collation-text.ics', location)).toBe(true);
  });

  it('matches each value of a multi-valued property', () => {
    const category = (text: string) => eventFilter(`<C:prop-filter name="CATEGORIES"><C:text-match match-type="equals">${text}</C:text-match></C:prop-filter>`);
    expect(matches('collation-text.ics', category('travel'))).toBe(true);
    expect(matches('collation-text.ics', category('trav'))).toBe(false);
  });

  it('requires text-match and param-filters to hold on the same property', () => {
    const attendee = (who: string, partstat: string) => eventFilter(`<C:prop-filter name="ATTENDEE"><C:text-match>${who}</C:text-match>
      <C:param-filter name="PARTSTAT"><C:text-match match-type="equals">${partstat}</C:text-match></C:param-filter></C:prop-filter>`);
    expect(matches('collation-text.ics', attendee('joe@', 'ACCEPTED'))).toBe(true);
    expect(matches('collation-text.ics', attendee('joe@', 'NEEDS-ACTION'))).toBe(false);
  });

  it('param-filter: present, is-not-defined, and on X- parameters', () => {
    const param = (body: string) => eventFilter(`<C:prop-filter name="ATTENDEE"><C:param-filter name="ROLE">${body}</C:param-filter></C:prop-filter>`);
    expect(matches('collation-text.ics', param(''))).toBe(true);
    expect(matches('collation-text.ics', param('<C:is-not-defined/>'))).toBe(true); // joe has no ROLE
    const xParam = eventFilter('<C:prop-filter name="X-ORRERY-TAG"><C:param-filter name="X-ORRERY-LEVEL"><C:text-match>GOLD</C:text-match></C:param-filter></C:prop-filter>');
    expect(matches('collation-text.ics', xParam)).toBe(true);
  });

  it('negate-condition never matches an absent property', () => {
    const notCancelled = eventFilter('<C:prop-filter name="STATUS"><C:text-match negate-condition="yes">CANCELLED</C:text-match></C:prop-filter>');
    expect(matches('rfc4791-abcd3.ics', notCancelled)).toBe(true);
    expect(matches('rfc4791-abcd1.ics', notCancelled)).toBe(false);
  });

  it('does not match, rather than fail, when a value the filter reaches is malformed', () => {
    const cal = calendarWith('VEVENT', ['DTSTART:20060104T100000Z', 'DURATION:soon']);
    expect(matchCalendarObject(eventFilter('<C:time-range start="20060104T000000Z"/>'), cal, OPTIONS)).toBe(false);
    expect(matchCalendarObject(eventFilter(''), cal, OPTIONS)).toBe(true);
  });

  it('matches non-text values on their iCalendar form', () => {
    expect(matches('rfc4791-abcd2.ics', eventFilter('<C:prop-filter name="RRULE"><C:text-match>FREQ=DAILY</C:text-match></C:prop-filter>'))).toBe(true);
  });
});

describe('Cyrus calendar-query extensions', () => {
  it('test="anyof" on comp-filter and prop-filter', () => {
    const eitherSummary = eventFilter(
      '<C:prop-filter name="SUMMARY"><C:text-match>nothing like it</C:text-match></C:prop-filter><C:prop-filter name="SUMMARY"><C:text-match>Event #3</C:text-match></C:prop-filter>',
      ' test="anyof"',
    );
    expect(matching(eitherSummary)).toEqual(['abcd3']);
    const textOrParam = eventFilter('<C:prop-filter name="ATTENDEE" test="anyof"><C:text-match>nobody@</C:text-match><C:param-filter name="ROLE"/></C:prop-filter>');
    expect(matching(textOrParam)).toEqual(['abcd3']);
  });

  it('test="allof" is the default', () => {
    const both = eventFilter('<C:prop-filter name="SUMMARY"><C:text-match>Event</C:text-match></C:prop-filter><C:prop-filter name="STATUS"/>');
    expect(matching(both)).toEqual(['abcd3']);
  });

  it('name="*" matches any component and any property', () => {
    const anyInRange = filter('<C:comp-filter name="VCALENDAR"><C:comp-filter name="*"><C:time-range start="20060102T000000Z" end="20060103T000000Z"/></C:comp-filter></C:comp-filter>');
    expect(matching(anyInRange)).toEqual(['abcd1', 'abcd2', 'abcd8']);
    const anyProperty = eventFilter('<C:prop-filter name="*"><C:text-match>Steelers</C:text-match></C:prop-filter>');
    expect(matching(anyProperty)).toEqual(['abcd1']);
  });

  it('match-type starts-with and ends-with', () => {
    expect(matching(eventFilter('<C:prop-filter name="UID"><C:text-match match-type="starts-with">dc6c</C:text-match></C:prop-filter>'))).toEqual(['abcd3']);
    expect(matching(eventFilter('<C:prop-filter name="UID"><C:text-match match-type="ends-with">dc6c</C:text-match></C:prop-filter>'))).toEqual([]);
  });
});
