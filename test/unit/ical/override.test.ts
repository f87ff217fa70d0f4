// RFC 5545 §3.8.4.4: the override derived for one instance of a series, as scheduling, managed
// attachments and VPATCH make them: the series' properties and subcomponents without its rules,
// DTSTART and RECURRENCE-ID at the instance, the end moved with the start.
import { describe, expect, it } from 'vitest';
import { ICAL } from '../../../src/ical/parse.ts';
import { deriveOverride, type InstanceStart } from '../../../src/ical/override.ts';

function master(lines: string[], name = 'VEVENT'): ICAL.Component {
  const text = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', `BEGIN:${name}`, 'UID:series@example.com', 'DTSTAMP:20260101T000000Z', ...lines,
    'SUMMARY:Weekly', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Soon', 'TRIGGER:-PT15M', 'END:VALARM', `END:${name}`, 'END:VCALENDAR', ''].join('\r\n');
  return new ICAL.Component(ICAL.parse(text) as unknown[]).getFirstSubcomponent(name.toLowerCase())!;
}

const local = (text: string, tzid?: string): InstanceStart => ({ time: ICAL.Time.fromDateTimeString(text.replace(/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})/, '$1-$2-$3T$4:$5:$6')), tzid });
const utc = (text: string): InstanceStart => ({ time: ICAL.Time.fromDateTimeString(`${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(9, 11)}:${text.slice(11, 13)}:${text.slice(13, 15)}Z`), tzid: undefined });
const date = (text: string): InstanceStart => ({ time: ICAL.Time.fromDateString(`${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`), tzid: undefined });

/** The override's content lines other than those every case shares. */
function lines(component: ICAL.Component): string[] {
  return component.toString().split('\r\n').filter((line) => !/^(BEGIN|END|UID|DTSTAMP|SUMMARY|ACTION|DESCRIPTION|TRIGGER)[:;]/.test(line));
}

describe('deriveOverride', () => {
  it('takes DTSTART and RECURRENCE-ID to the instance in the series\' zone, keeps the length, and drops the rules', () => {
    const series = master(['DTSTART;TZID=Europe/Berlin:20260302T090000', 'DTEND;TZID=Europe/Berlin:20260302T103000', 'RRULE:FREQ=WEEKLY;COUNT=10',
      'EXDATE;TZID=Europe/Berlin:20260309T090000', 'RDATE;TZID=Europe/Berlin:20260501T090000']);
    const before = series.toString();
    const override = deriveOverride(series, local('20260330T090000', 'Europe/Berlin'));
    expect(lines(override)).toEqual(['DTSTART;TZID=Europe/Berlin:20260330T090000', 'DTEND;TZID=Europe/Berlin:20260330T103000', 'RECURRENCE-ID;TZID=Europe/Berlin:20260330T090000']);
    expect(override.getAllSubcomponents('valarm')).toHaveLength(1);
    expect(override.getFirstPropertyValue('summary')).toBe('Weekly');
    expect(series.toString()).toBe(before);
  });

  it('moves an end in another zone than the start by as much as the start moved (a flight)', () => {
    const flight = master(['DTSTART;TZID=Europe/Berlin:20260302T090000', 'DTEND;TZID=America/New_York:20260302T113000', 'RRULE:FREQ=DAILY;COUNT=5']);
    expect(lines(deriveOverride(flight, local('20260304T090000', 'Europe/Berlin')))).toEqual([
      'DTSTART;TZID=Europe/Berlin:20260304T090000', 'DTEND;TZID=America/New_York:20260304T113000', 'RECURRENCE-ID;TZID=Europe/Berlin:20260304T090000',
    ]);
  });

  it('writes the end in the instance start\'s form when that differs from the series\' (a RECURRENCE-ID in UTC)', () => {
    const series = master(['DTSTART;TZID=Europe/Berlin:20260302T090000', 'DTEND;TZID=Europe/Berlin:20260302T100000', 'RRULE:FREQ=WEEKLY']);
    expect(lines(deriveOverride(series, utc('20260309T080000Z')))).toEqual(['DTSTART:20260309T080000Z', 'DTEND:20260309T090000Z', 'RECURRENCE-ID:20260309T080000Z']);
  });

  it('keeps DATE values for an all-day series, and the DUE of a VTODO', () => {
    const days = master(['DTSTART;VALUE=DATE:20260302', 'DTEND;VALUE=DATE:20260304', 'RRULE:FREQ=MONTHLY']);
    expect(lines(deriveOverride(days, date('20260402')))).toEqual(['DTSTART;VALUE=DATE:20260402', 'DTEND;VALUE=DATE:20260404', 'RECURRENCE-ID;VALUE=DATE:20260402']);
    const todo = master(['DTSTART:20260302T090000Z', 'DUE:20260302T170000Z', 'RRULE:FREQ=DAILY'], 'VTODO');
    expect(lines(deriveOverride(todo, utc('20260305T090000Z')))).toEqual(['DTSTART:20260305T090000Z', 'DUE:20260305T170000Z', 'RECURRENCE-ID:20260305T090000Z']);
  });

  it('keeps a DURATION as it is, and a floating series floating', () => {
    const series = master(['DTSTART:20260302T090000', 'DURATION:PT45M', 'RRULE:FREQ=DAILY']);
    expect(lines(deriveOverride(series, local('20260303T090000')))).toEqual(['DTSTART:20260303T090000', 'DURATION:PT45M', 'RECURRENCE-ID:20260303T090000']);
  });
});
