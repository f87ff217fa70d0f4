// Content lines read as written, and the value checks run over them (RFC 5545 §3.1, §3.3, §3.8).
import { describe, expect, it } from 'vitest';
import { parseContentLine, scanComponents } from '../../../src/ical/content-lines.ts';
import { InvalidICalendarError } from '../../../src/ical/parse.ts';
import { checkTimeValues } from '../../../src/ical/value-check.ts';

const calendar = (lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', ...lines, 'END:VCALENDAR', ''].join('\r\n');
const event = (lines: string[]) => calendar(['BEGIN:VEVENT', 'UID:x', 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT']);
const STRICT = { recurrenceRules: true };

function problemOf(text: string, options = STRICT): string | undefined {
  try {
    checkTimeValues(text, options);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidICalendarError);
    return (error as Error).message;
  }
}

describe('content lines', () => {
  it('splits name, parameters and value; quoted parameter values may hold ;:,', () => {
    const line = parseContentLine('attendee;CN="Doe, J: Jr";ROLE=REQ-PARTICIPANT;MEMBER="a:b","c:d":mailto:j@example.com')!;
    expect(line.name).toBe('ATTENDEE');
    expect(line.params.get('CN')).toBe('"Doe, J: Jr"');
    expect(line.params.get('MEMBER')).toBe('"a:b","c:d"');
    expect(line.value).toBe('mailto:j@example.com');
  });

  it('keeps everything after the first unquoted colon as the value', () => {
    expect(parseContentLine('DTSTART:$now.year.1:0101T180000')!.value).toBe('$now.year.1:0101T180000');
    expect(parseContentLine('DTSTART:')!.value).toBe('');
    expect(parseContentLine('no separator')).toBeUndefined();
    expect(parseContentLine('X;A="unclosed:x')).toBeUndefined();
  });

  it('unfolds lines and gives each component its own properties', () => {
    const components = scanComponents(calendar(['BEGIN:VEVENT', 'DTSTART:2026030', ' 1T100000Z', 'BEGIN:VALARM', 'TRIGGER:-PT5M', 'END:VALARM', 'SUMMARY:after', 'END:VEVENT']));
    expect(components.map((c) => [c.name, c.properties.map((p) => `${p.name}:${p.value}`)])).toEqual([
      ['VCALENDAR', ['VERSION:2.0']],
      ['VEVENT', ['DTSTART:20260301T100000Z', 'SUMMARY:after']],
      ['VALARM', ['TRIGGER:-PT5M']],
    ]);
  });
});

describe('checkTimeValues', () => {
  it('names the component, the property and the value', () => {
    expect(problemOf(event(['DTSTART:20261399T256199Z']))).toMatch(/^VEVENT DTSTART value "20261399T256199Z" is invalid: month 13/);
  });

  it('reads the type from VALUE, within the types the property allows', () => {
    expect(problemOf(event(['DTSTART;VALUE=DATE:20260301']))).toBeUndefined();
    expect(problemOf(event(['DTSTART;VALUE="DATE":20260301']))).toBeUndefined();
    expect(problemOf(event(['DTSTART;value=date:20260301']))).toBeUndefined();
    expect(problemOf(event(['DTSTART;VALUE=DATE:20260301T100000Z']))).toContain('YYYYMMDD');
    expect(problemOf(event(['DTSTART;VALUE=PERIOD:20260301T100000Z/PT1H']))).toContain('cannot have VALUE=PERIOD');
    expect(problemOf(event(['DTSTART:20260301T100000Z', 'RDATE;VALUE=PERIOD:20260302T100000Z/PT1H']))).toBeUndefined();
    expect(problemOf(event(['DTSTART:20260301T100000Z', 'TRIGGER;VALUE=DATE-TIME:20260301T090000Z']))).toBeUndefined();
  });

  it('checks every item of a list', () => {
    expect(problemOf(event(['DTSTART:20260301T100000Z', 'EXDATE:20260302T100000Z,20260303T100000Z']))).toBeUndefined();
    expect(problemOf(event(['DTSTART:20260301T100000Z', 'EXDATE:20260302T100000Z,20260230T100000Z']))).toContain('"20260230T100000Z": day 30');
    expect(problemOf(calendar(['BEGIN:VFREEBUSY', 'UID:f', 'FREEBUSY:20260301T100000Z/PT1H,20260301T120000Z/PT1X', 'END:VFREEBUSY']))).toContain('VFREEBUSY FREEBUSY');
  });

  it('checks single values whole: a comma does not make DTSTART a list', () => {
    expect(problemOf(event(['DTSTART:20260301T100000Z,20260302T100000Z']))).toContain('DTSTART');
  });

  it('checks unknown properties only when VALUE names a time type', () => {
    expect(problemOf(event(['DTSTART:20260301T100000Z', 'X-DATE:whenever', 'X-SOMETHING;VALUE=TEXT:2026']))).toBeUndefined();
    expect(problemOf(event(['DTSTART:20260301T100000Z', 'X-DATE;VALUE=DATE-TIME:whenever']))).toContain('X-DATE');
    expect(problemOf(event(['DTSTART:20260301T100000Z', 'X-DATES;VALUE=DATE:20260301,20260399']))).toContain('day 99');
  });

  it('checks the values of X- components too', () => {
    expect(problemOf(event(['DTSTART:20260301T100000Z', 'BEGIN:X-THING', 'DTSTART:soon', 'END:X-THING']))).toContain('X-THING DTSTART');
  });

  it('checks UNTIL against the DTSTART of the same component, wherever DTSTART is written', () => {
    expect(problemOf(event(['RRULE:FREQ=DAILY;UNTIL=20260310', 'DTSTART;VALUE=DATE:20260301']))).toBeUndefined();
    expect(problemOf(event(['RRULE:FREQ=DAILY;UNTIL=20260310', 'DTSTART:20260301T100000Z']))).toContain('same value type');
  });

  it('leaves recurrence rules alone when told to', () => {
    const broken = event(['DTSTART:20260301T100000Z', 'RRULE:FREQ=DAILY;INTERVAL=0', 'EXRULE:;;']);
    expect(problemOf(broken)).toContain('RRULE');
    expect(problemOf(broken, { recurrenceRules: false })).toBeUndefined();
  });
});
