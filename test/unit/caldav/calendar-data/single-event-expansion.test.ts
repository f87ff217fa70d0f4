// CALDAV:expand of a single event, answered from its text without parsing it: as stored when its
// times are in UTC, with DTSTART and DTEND rewritten in UTC when they are in a zone, and only when
// the full expansion would give the same calendar.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandCalendar } from '../../../../src/caldav/calendar-data/expand.ts';
import { expandSingleEvent } from '../../../../src/caldav/calendar-data/single-event-expansion.ts';
import { ICAL, parseICalendar } from '../../../../src/ical/parse.ts';
import { expansionBudget } from '../../../../src/ical/expansion-budget.ts';
import { serializeCalendar } from '../../../../src/ical/formats.ts';
import { getZone } from '../../../../src/tz/catalogue.ts';

const WEEK = { startUtcMs: Date.UTC(2026, 2, 2), endUtcMs: Date.UTC(2026, 2, 9) };
const LIMITS = { maxInstances: 1000, horizonUtcMs: Date.UTC(2038, 0, 1) };

function ics(lines: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery tests//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
}

const event = (...lines: string[]) => ics(['BEGIN:VEVENT', 'UID:e1', 'DTSTAMP:20260101T000000Z', ...lines, 'SUMMARY:Planning', 'END:VEVENT']);

/** The full expansion, as the renderer gives it when no shortcut applies. */
function fullExpansion(text: string, floating = false): string {
  return serializeCalendar(expandCalendar(parseICalendar(text), WEEK, { ...LIMITS, floatingZone: floating ? getZone('Europe/Paris') : undefined }), 'text/calendar');
}

/** The calendar a text holds, for comparing two serialisations of it. */
const calendarOf = (text: string) => ICAL.parse(text) as unknown;

const SIMPLE = event('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z');

describe('CALDAV:expand of a single event, from its text', () => {
  it.each([
    ['a single event in UTC', SIMPLE],
    ['one with an alarm (its own DURATION and an absolute TRIGGER)', event('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Soon', 'TRIGGER;VALUE=DATE-TIME:20260303T084500Z', 'REPEAT:2', 'DURATION:PT5M', 'END:VALARM')],
    ['one with names in lower case and LF line ends', SIMPLE.replace(/^[A-Z-]+(?=[:;])/gm, (name) => name.toLowerCase()).replace(/:VEVENT|:VCALENDAR/g, (c) => c.toLowerCase()).replaceAll('\r\n', '\n')],
    ['one starting before the range and ending in it', event('DTSTART:20260301T230000Z', 'DTEND:20260302T010000Z')],
    ['an all-day event', event('DTSTART;VALUE=DATE:20260303', 'DTEND;VALUE=DATE:20260304')],
  ])('answers %s as stored, the same calendar the full expansion gives', (_label, text) => {
    const answer = expandSingleEvent(text, WEEK, LIMITS);
    expect(answer).toBe(text);
    expect(calendarOf(answer!)).toEqual(calendarOf(fullExpansion(text)));
    expect(calendarOf(answer!)).toEqual(calendarOf(fullExpansion(text, true)));
  });

  it.each([
    ['in a zone', event('DTSTART;TZID=Europe/Paris:20260303T090000', 'DTEND;TZID=Europe/Paris:20260303T100000'), ['DTSTART:20260303T080000Z', 'DTEND:20260303T090000Z']],
    ['in two zones, end first', event('DTEND;TZID=America/New_York:20260303T100000', 'DTSTART:20260303T140000Z'), ['DTEND:20260303T150000Z', 'DTSTART:20260303T140000Z']],
    ['in a zone, written in lower case', event('dtstart;tzid=Europe/Paris:20260303T090000', 'dtend;tzid=Europe/Paris:20260303T100000'), ['DTSTART:20260303T080000Z', 'DTEND:20260303T090000Z']],
    ['under an alias of a zone', event('DTSTART;TZID=US/Eastern:20260303T090000', 'DTEND;TZID=US/Eastern:20260303T100000'), ['DTSTART:20260303T140000Z', 'DTEND:20260303T150000Z']],
    // 02:30 does not exist in Paris on 29 March 2026: both read it as the full expansion does.
    ['in the gap of a DST change', event('DTSTART;TZID=Europe/Paris:20260329T023000', 'DTEND;TZID=Europe/Paris:20260329T040000'), ['DTSTART:20260329T013000Z', 'DTEND:20260329T020000Z']],
  ])('answers an event %s with its times in UTC, the same calendar the full expansion gives', (_label, text, times) => {
    const range = { startUtcMs: Date.UTC(2026, 2, 2), endUtcMs: Date.UTC(2026, 3, 2) };
    const answer = expandSingleEvent(text, range, LIMITS);
    expect(answer).not.toBeNull();
    expect(answer!.split('\r\n').filter((line) => /^(DTSTART|DTEND)/.test(line))).toEqual(times);
    const full = serializeCalendar(expandCalendar(parseICalendar(text), range, LIMITS), 'text/calendar');
    expect(calendarOf(answer!)).toEqual(calendarOf(full));
  });

  it.each([
    ['a zone the catalogue does not know', event('DTSTART;TZID=Mars/Olympus:20260303T090000', 'DTEND;TZID=Mars/Olympus:20260303T100000')],
    ['a quoted zone', event('DTSTART;TZID="Europe/Paris":20260303T090000', 'DTEND;TZID="Europe/Paris":20260303T100000')],
    ['another parameter besides the zone', event('DTSTART;TZID=Europe/Paris;X-A=1:20260303T090000', 'DTEND;TZID=Europe/Paris:20260303T100000')],
    ['a zoned time elsewhere', event('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'X-SEEN;TZID=Europe/Paris:20260303T090000')],
    ['a floating time', event('DTSTART:20260303T090000', 'DTEND:20260303T100000')],
    ['a floating time elsewhere (an absolute trigger)', event('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER;VALUE=DATE-TIME:20260303T084500', 'END:VALARM')],
    ['a date and a time', event('DTSTART;VALUE=DATE:20260303', 'DTEND:20260304T000000Z')],
    ['a date without an end', event('DTSTART;VALUE=DATE:20260303')],
    ['a series', event('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'RRULE:FREQ=DAILY;COUNT=3')],
    ['extra dates', event('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'RDATE:20260305T090000Z')],
    ['an override alone', event('RECURRENCE-ID:20260303T090000Z', 'DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z')],
    ['a DURATION', event('DTSTART:20260303T090000Z', 'DURATION:PT1H')],
    ['no end', event('DTSTART:20260303T090000Z')],
    ['a zero length', event('DTSTART:20260303T090000Z', 'DTEND:20260303T090000Z')],
    ['a parameter on DTSTART', event('DTSTART;VALUE=DATE-TIME:20260303T090000Z', 'DTEND:20260303T100000Z')],
    ['a folded DTEND', event('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', ' ')],
    ['a date that does not exist', event('DTSTART:20260231T090000Z', 'DTEND:20260303T100000Z')],
    ['two events', ics(['BEGIN:VEVENT', 'UID:a', 'DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'END:VEVENT', 'BEGIN:VEVENT', 'UID:b', 'DTSTART:20260304T090000Z', 'DTEND:20260304T100000Z', 'END:VEVENT'])],
    ['a to-do', ics(['BEGIN:VTODO', 'UID:t', 'DTSTART:20260303T090000Z', 'DUE:20260303T100000Z', 'END:VTODO'])],
    ['a VTIMEZONE', ics(['BEGIN:VTIMEZONE', 'TZID:Z', 'BEGIN:STANDARD', 'DTSTART:19700101T000000', 'TZOFFSETFROM:+0000', 'TZOFFSETTO:+0000', 'END:STANDARD', 'END:VTIMEZONE', 'BEGIN:VEVENT', 'UID:z', 'DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'END:VEVENT'])],
    ['an alarm outside the event', ics(['BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT5M', 'END:VALARM', 'BEGIN:VEVENT', 'UID:z', 'DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'END:VEVENT'])],
    ['an event outside the range', event('DTSTART:20260310T090000Z', 'DTEND:20260310T100000Z')],
    ['an event ending where the range starts', event('DTSTART:20260301T230000Z', 'DTEND:20260302T000000Z')],
  ])('leaves an object with %s to the full expansion', (_label, text) => {
    expect(expandSingleEvent(text, WEEK, LIMITS)).toBeNull();
  });

  it('reads the dates of an all-day event in the floating zone, as the full expansion does', () => {
    // 9 March starts an hour before the range ends in Paris, and just as it ends in UTC.
    const ninth = event('DTSTART;VALUE=DATE:20260309', 'DTEND;VALUE=DATE:20260310');
    const paris = getZone('Europe/Paris');
    expect(expandSingleEvent(ninth, WEEK, { ...LIMITS, floatingZone: paris })).toBe(ninth);
    expect(fullExpansion(ninth, true)).toContain('DTSTART;VALUE=DATE:20260309');
    expect(expandSingleEvent(ninth, WEEK, LIMITS)).toBeNull();
    expect(fullExpansion(ninth)).not.toContain('BEGIN:VEVENT');
  });

  it('charges the budget as the full expansion does, and leaves a spent budget to it', () => {
    const [shortcut, full] = [expansionBudget(100), expansionBudget(100)];
    expect(expandSingleEvent(SIMPLE, WEEK, { ...LIMITS, budget: shortcut })).toBe(SIMPLE);
    expandCalendar(parseICalendar(SIMPLE), WEEK, { ...LIMITS, budget: full });
    expect(shortcut).toEqual(full);
    const spent = { ...expansionBudget(100), exhausted: true };
    expect(expandSingleEvent(SIMPLE, WEEK, { ...LIMITS, budget: spent })).toBeNull();
  });
});

describe('CALDAV:expand of a single event, from its text, against the full expansion', () => {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const basic = (ms: number, utc: boolean) => {
    const d = new Date(ms);
    return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}00${utc ? 'Z' : ''}`;
  };
  const dateOf = (ms: number) => basic(ms, false).slice(0, 8);
  /** How both times are written: mostly as stored objects write them, sometimes as they should not. */
  const form = fc.oneof(
    { weight: 3, arbitrary: fc.constant({ kind: 'utc' as const }) },
    { weight: 3, arbitrary: fc.constantFrom('Europe/Paris', 'America/New_York', 'US/Eastern', 'Asia/Kolkata').map((zone) => ({ kind: 'zoned' as const, zone })) },
    { weight: 2, arbitrary: fc.constant({ kind: 'date' as const }) },
    { weight: 1, arbitrary: fc.constantFrom({ kind: 'floating' as const }, { kind: 'zoned' as const, zone: 'Mars/Olympus' }) },
  );
  const line = (name: string, ms: number, f: { kind: 'utc' | 'zoned' | 'date' | 'floating'; zone?: string }) =>
    f.kind === 'utc' ? `${name}:${basic(ms, true)}` : f.kind === 'zoned' ? `${name};TZID=${f.zone}:${basic(ms, false)}` : f.kind === 'date' ? `${name};VALUE=DATE:${dateOf(ms)}` : `${name}:${basic(ms, false)}`;
  const extra = fc.constantFrom(
    'LOCATION:Room 4',
    'X-SEEN;TZID=Europe/Paris:20260303T090000',
    'X-WHEN:20260303T090000',
    'RRULE:FREQ=DAILY;COUNT=2',
    'DURATION:PT1H',
    ['BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Soon', 'TRIGGER:-PT15M', 'END:VALARM'].join('\r\n'),
    ['BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Soon', 'TRIGGER;VALUE=DATE-TIME:20260303T084500Z', 'REPEAT:1', 'DURATION:PT5M', 'END:VALARM'].join('\r\n'),
  );
  const object = fc
    .record({
      form,
      startHour: fc.integer({ min: 0, max: 12 * 24 }),
      hours: fc.integer({ min: -2, max: 72 }),
      endFirst: fc.boolean(),
      extras: fc.oneof({ weight: 3, arbitrary: fc.constant([] as string[]) }, { weight: 2, arbitrary: fc.array(extra, { minLength: 1, maxLength: 2 }) }),
    })
    .map(({ form: f, startHour, hours, endFirst, extras }) => {
      const start = Date.UTC(2026, 2, 1) + startHour * 3_600_000;
      const end = start + (f.kind === 'date' ? Math.ceil(hours / 24) * 86_400_000 : hours * 3_600_000);
      const times = [line('DTSTART', start, f), line('DTEND', end, f)];
      return event(...(endFirst ? times.reverse() : times), ...extras);
    });
  const range = fc
    .tuple(fc.integer({ min: 0, max: 12 * 24 }), fc.integer({ min: 1, max: 8 * 24 }))
    .map(([from, hours]) => ({ startUtcMs: Date.UTC(2026, 2, 1) + from * 3_600_000, endUtcMs: Date.UTC(2026, 2, 1) + (from + hours) * 3_600_000 }));

  it('gives the same calendar whenever it answers, and answers the plain shapes', () => {
    let answered = 0;
    fc.assert(
      fc.property(object, range, fc.boolean(), (text, utcRange, floating) => {
        const limits = { ...LIMITS, floatingZone: floating ? getZone('Europe/Paris') : undefined };
        const answer = expandSingleEvent(text, utcRange, limits);
        if (answer === null) return;
        answered++;
        const full = serializeCalendar(expandCalendar(parseICalendar(text), utcRange, limits), 'text/calendar');
        expect(calendarOf(answer)).toEqual(calendarOf(full));
      }),
      { seed: 20261207, numRuns: 500 },
    );
    // A scan that never answered would pass the check above.
    expect(answered).toBeGreaterThan(80);
  });
});
