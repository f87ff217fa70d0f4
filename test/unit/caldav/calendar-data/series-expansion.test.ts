// CALDAV:expand of recurring events written from their text: the instances the recurrence engine
// finds, each as its component's lines with DTSTART, DTEND and RECURRENCE-ID in UTC and without
// recurrence properties, and only when the full expansion would give the same calendar.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandCalendar } from '../../../../src/caldav/calendar-data/expand.ts';
import { expandEventSeries } from '../../../../src/caldav/calendar-data/series-expansion.ts';
import { expansionBudget } from '../../../../src/ical/expansion-budget.ts';
import { serializeCalendar } from '../../../../src/ical/formats.ts';
import { ICAL, parseICalendar } from '../../../../src/ical/parse.ts';
import { getZone } from '../../../../src/tz/catalogue.ts';

const MARCH = { startUtcMs: Date.UTC(2026, 2, 1), endUtcMs: Date.UTC(2026, 3, 1) };
const LIMITS = { maxInstances: 1000, horizonUtcMs: Date.UTC(2038, 0, 1) };

function ics(lines: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery tests//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
}

const vevent = (...lines: string[]) => ['BEGIN:VEVENT', 'UID:s1', 'DTSTAMP:20260101T000000Z', 'SUMMARY:Stand-up', ...lines, 'END:VEVENT'];

/** The full expansion, as the renderer gives it when no shortcut applies. */
function fullExpansion(text: string, range = MARCH, floating = false): string {
  return serializeCalendar(expandCalendar(parseICalendar(text), range, { ...LIMITS, floatingZone: floating ? getZone('Europe/Paris') : undefined }), 'text/calendar');
}

/** The calendar a text holds, for comparing two serialisations of it. */
const calendarOf = (text: string) => ICAL.parse(text) as unknown;

/** The lines of one property in a text, in order. */
const linesOf = (text: string, name: string) => text.split(/\r?\n/).filter((line) => line.startsWith(`${name}:`) || line.startsWith(`${name};`));

const NEW_YORK_SERIES = ics([
  ...vevent('DTSTART;TZID=America/New_York:20260305T090000', 'DTEND;TZID=America/New_York:20260305T093000', 'RRULE:FREQ=WEEKLY;COUNT=4', 'EXDATE;TZID=America/New_York:20260312T090000'),
  ...vevent('RECURRENCE-ID;TZID=America/New_York:20260319T090000', 'DTSTART;TZID=America/New_York:20260320T100000', 'DTEND;TZID=America/New_York:20260320T110000'),
]);

describe('CALDAV:expand of a recurring event, from its text', () => {
  it('writes each instance as its component with the times in UTC, across a change to summer time', () => {
    const answer = expandEventSeries(NEW_YORK_SERIES, MARCH, LIMITS)!;
    expect(answer).not.toBeNull();
    // 5 March is still winter time in New York (UTC-5); 8 March moves to summer time (UTC-4).
    // 12 March is excluded; 19 March is moved to 20 March at 10:00 by its override.
    expect(linesOf(answer, 'DTSTART')).toEqual(['DTSTART:20260305T140000Z', 'DTSTART:20260320T140000Z', 'DTSTART:20260326T130000Z']);
    expect(linesOf(answer, 'DTEND')).toEqual(['DTEND:20260305T143000Z', 'DTEND:20260320T150000Z', 'DTEND:20260326T133000Z']);
    expect(linesOf(answer, 'RECURRENCE-ID')).toEqual(['RECURRENCE-ID:20260305T140000Z', 'RECURRENCE-ID:20260319T130000Z', 'RECURRENCE-ID:20260326T130000Z']);
    expect(answer).not.toMatch(/RRULE|EXDATE|TZID/);
    expect(calendarOf(answer)).toEqual(calendarOf(fullExpansion(NEW_YORK_SERIES)));
  });

  it.each([
    ['a daily series in UTC', ics(vevent('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'RRULE:FREQ=DAILY;COUNT=5'))],
    ['a series with an alarm, whose UID and DURATION are its own', ics(vevent('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'RRULE:FREQ=DAILY;COUNT=3', 'BEGIN:VALARM', 'UID:alarm-1', 'ACTION:DISPLAY', 'DESCRIPTION:Soon', 'TRIGGER:-PT15M', 'REPEAT:1', 'DURATION:PT5M', 'END:VALARM'))],
    ['extra dates and an excluded rule date', ics(vevent('DTSTART;TZID=Europe/Paris:20260303T090000', 'DTEND;TZID=Europe/Paris:20260303T100000', 'RRULE:FREQ=WEEKLY;UNTIL=20260401T000000Z', 'RDATE;TZID=Europe/Paris:20260305T120000,20260306T120000', 'EXDATE:20260310T080000Z'))],
    ['a folded EXDATE list', ics(vevent('DTSTART:20260302T090000Z', 'DTEND:20260302T100000Z', 'RRULE:FREQ=DAILY;COUNT=20', 'EXDATE:20260303T090000Z,20260304T090000Z,20260305T090000Z,20260306T0', ' 90000Z,20260307T090000Z'))],
    ['names in lower case and LF line ends', ics(vevent('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'RRULE:FREQ=DAILY;COUNT=3')).replace(/^[A-Z-]+(?=[:;])/gm, (name) => name.toLowerCase()).replace(/:VEVENT|:VCALENDAR/g, (c) => c.toLowerCase()).replaceAll('\r\n', '\n')],
    ['an override without its master (an invitation to one instance)', ics(vevent('RECURRENCE-ID:20260310T090000Z', 'DTSTART:20260310T110000Z', 'DTEND:20260310T120000Z'))],
    ['two series', ics([...vevent('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'RRULE:FREQ=WEEKLY;COUNT=2'), ...vevent('DTSTART:20260304T090000Z', 'DTEND:20260304T100000Z', 'RRULE:FREQ=WEEKLY;COUNT=2').map((line) => line.replace('UID:s1', 'UID:s2'))])],
    ['a series ending before the range', ics(vevent('DTSTART:20260203T090000Z', 'DTEND:20260203T100000Z', 'RRULE:FREQ=DAILY;COUNT=3'))],
    ['an event of no length', ics(vevent('DTSTART:20260303T090000Z', 'DTEND:20260303T090000Z'))],
    ['an all-day series with an excluded day and a moved one', ics([...vevent('DTSTART;VALUE=DATE:20260303', 'DTEND;VALUE=DATE:20260304', 'RRULE:FREQ=WEEKLY;COUNT=4', 'EXDATE;VALUE=DATE:20260310'), ...vevent('RECURRENCE-ID;VALUE=DATE:20260317', 'DTSTART;VALUE=DATE:20260318', 'DTEND;VALUE=DATE:20260320')])],
    ['a yearly all-day event (a birthday)', ics(vevent('DTSTART;VALUE=DATE:19900315', 'DTEND;VALUE=DATE:19900316', 'RRULE:FREQ=YEARLY'))],
  ])('answers %s with the calendar the full expansion gives', (_label, text) => {
    const answer = expandEventSeries(text, MARCH, LIMITS);
    expect(answer).not.toBeNull();
    expect(calendarOf(answer!)).toEqual(calendarOf(fullExpansion(text)));
    expect(calendarOf(answer!)).toEqual(calendarOf(fullExpansion(text, MARCH, true)));
  });

  it('puts the RECURRENCE-ID of a master instance after its properties, before its alarms, as the full expansion does', () => {
    const text = ics(vevent('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'RRULE:FREQ=DAILY;COUNT=1', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Soon', 'TRIGGER:-PT15M', 'END:VALARM'));
    const answer = expandEventSeries(text, MARCH, LIMITS)!;
    const lines = answer.split('\r\n');
    expect(lines.indexOf('RECURRENCE-ID:20260303T090000Z')).toBe(lines.indexOf('DTEND:20260303T100000Z') + 1);
    expect(lines[lines.indexOf('DTEND:20260303T100000Z') + 2]).toBe('BEGIN:VALARM');
    expect(calendarOf(answer)).toEqual(calendarOf(fullExpansion(text)));
  });

  it.each([
    ['a date and a time', ics(vevent('DTSTART;VALUE=DATE:20260303', 'DTEND:20260304T000000Z', 'RRULE:FREQ=DAILY;COUNT=3'))],
    ['an all-day override of a timed series', ics([...vevent('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'RRULE:FREQ=DAILY;COUNT=5'), ...vevent('RECURRENCE-ID:20260305T090000Z', 'DTSTART;VALUE=DATE:20260305', 'DTEND;VALUE=DATE:20260306')])],
    ['floating times', ics(vevent('DTSTART:20260303T090000', 'DTEND:20260303T100000', 'RRULE:FREQ=DAILY;COUNT=3'))],
    ['a DURATION', ics(vevent('DTSTART:20260303T090000Z', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;COUNT=3'))],
    ['no end', ics(vevent('DTSTART:20260303T090000Z', 'RRULE:FREQ=DAILY;COUNT=3'))],
    ['a folded DTSTART', ics(vevent('DTSTART;TZID=Europe/Paris:2026030', ' 3T090000', 'DTEND;TZID=Europe/Paris:20260303T100000', 'RRULE:FREQ=DAILY;COUNT=3'))],
    ['a quoted zone', ics(vevent('DTSTART;TZID="Europe/Paris":20260303T090000', 'DTEND;TZID="Europe/Paris":20260303T100000', 'RRULE:FREQ=DAILY;COUNT=3'))],
    ['another parameter on a time', ics(vevent('DTSTART;VALUE=DATE-TIME:20260303T090000Z', 'DTEND:20260303T100000Z', 'RRULE:FREQ=DAILY;COUNT=3'))],
    ['an override for this and future instances', ics([...vevent('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'RRULE:FREQ=DAILY;COUNT=5'), ...vevent('RECURRENCE-ID;RANGE=THISANDFUTURE:20260305T090000Z', 'DTSTART:20260305T110000Z', 'DTEND:20260305T120000Z')])],
    ['a zoned time elsewhere', ics(vevent('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'RRULE:FREQ=DAILY;COUNT=3', 'X-SEEN;TZID=Europe/Paris:20260303T090000'))],
    ['a floating time in an alarm', ics(vevent('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'RRULE:FREQ=DAILY;COUNT=3', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER;VALUE=DATE-TIME:20260303T084500', 'END:VALARM'))],
    ['a property after an alarm', ics(vevent('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'RRULE:FREQ=DAILY;COUNT=3', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Soon', 'TRIGGER:-PT15M', 'END:VALARM', 'LOCATION:Room 4'))],
    ['a VTIMEZONE', ics(['BEGIN:VTIMEZONE', 'TZID:Z', 'BEGIN:STANDARD', 'DTSTART:19700101T000000', 'TZOFFSETFROM:+0000', 'TZOFFSETTO:+0000', 'END:STANDARD', 'END:VTIMEZONE', ...vevent('DTSTART;TZID=Z:20260303T090000', 'DTEND;TZID=Z:20260303T100000', 'RRULE:FREQ=DAILY;COUNT=3')])],
    ['a to-do', ics(['BEGIN:VTODO', 'UID:t', 'DTSTART:20260303T090000Z', 'DUE:20260303T100000Z', 'RRULE:FREQ=DAILY;COUNT=3', 'END:VTODO'])],
    ['a property between two events', ics([...vevent('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z'), 'X-BETWEEN:1', ...vevent('RECURRENCE-ID:20260303T090000Z', 'DTSTART:20260304T090000Z', 'DTEND:20260304T100000Z')])],
    ['a second calendar', `${ics(vevent('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'RRULE:FREQ=DAILY;COUNT=3'))}${ics([])}`],
    ['an event outside a calendar', ['BEGIN:VEVENT', 'UID:x', 'DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'END:VEVENT'].join('\r\n')],
  ])('leaves an object with %s to the full expansion', (_label, text) => {
    expect(expandEventSeries(text, MARCH, LIMITS)).toBeNull();
  });

  it('reads the times with the parse the caller already has', () => {
    const parsed = parseICalendar(NEW_YORK_SERIES);
    expect(expandEventSeries(NEW_YORK_SERIES, MARCH, LIMITS, parsed)).toBe(expandEventSeries(NEW_YORK_SERIES, MARCH, LIMITS));
  });

  it('gives the stored lines as they are, as a GET does', () => {
    const text = ics(vevent('DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z', 'RRULE:FREQ=DAILY;COUNT=2', 'X-NOTE;X-A=b:a long note that a serialiser would fold at seventy-five octets, kept on one line'));
    expect(linesOf(expandEventSeries(text, MARCH, LIMITS)!, 'X-NOTE')).toEqual([
      'X-NOTE;X-A=b:a long note that a serialiser would fold at seventy-five octets, kept on one line',
      'X-NOTE;X-A=b:a long note that a serialiser would fold at seventy-five octets, kept on one line',
    ]);
  });

  it('charges the budget as the full expansion does, and stops where a spent budget stops it', () => {
    const [shortcut, full] = [expansionBudget(100), expansionBudget(100)];
    expandEventSeries(NEW_YORK_SERIES, MARCH, { ...LIMITS, budget: shortcut });
    expandCalendar(parseICalendar(NEW_YORK_SERIES), MARCH, { ...LIMITS, budget: full });
    expect(shortcut).toEqual(full);
    const [spentShortcut, spentFull] = [expansionBudget(2), expansionBudget(2)];
    const answer = expandEventSeries(NEW_YORK_SERIES, MARCH, { ...LIMITS, budget: spentShortcut })!;
    const truncated = serializeCalendar(expandCalendar(parseICalendar(NEW_YORK_SERIES), MARCH, { ...LIMITS, budget: spentFull }), 'text/calendar');
    expect(calendarOf(answer)).toEqual(calendarOf(truncated));
    expect(spentShortcut).toEqual(spentFull);
  });
});

describe('CALDAV:expand of a recurring event, from its text, against the full expansion', () => {
  const pad = (n: number) => String(n).padStart(2, '0');
  const basic = (ms: number, utc: boolean) => {
    const d = new Date(ms);
    return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}00${utc ? 'Z' : ''}`;
  };
  type Form = { kind: 'utc' } | { kind: 'zoned'; zone: string } | { kind: 'date' } | { kind: 'floating' };
  /** How the times are written: mostly as stored objects write them, sometimes as this way declines. */
  const form: fc.Arbitrary<Form> = fc.oneof(
    { weight: 3, arbitrary: fc.constant({ kind: 'utc' as const }) },
    { weight: 4, arbitrary: fc.constantFrom('Europe/Paris', 'America/New_York', 'US/Eastern', 'Australia/Lord_Howe').map((zone) => ({ kind: 'zoned' as const, zone })) },
    { weight: 2, arbitrary: fc.constant({ kind: 'date' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'floating' as const }) },
  );
  /** A time as a zone's wall clock reads it: `ms` is the local time written as if it were UTC. */
  const value = (ms: number, f: Form) => (f.kind === 'utc' ? `:${basic(ms, true)}` : f.kind === 'zoned' ? `;TZID=${f.zone}:${basic(ms, false)}` : f.kind === 'date' ? `;VALUE=DATE:${basic(ms, false).slice(0, 8)}` : `:${basic(ms, false)}`);
  const rule = fc.constantFrom('FREQ=DAILY;COUNT=6', 'FREQ=WEEKLY;COUNT=5', 'FREQ=DAILY;INTERVAL=2;UNTIL=20260420T000000Z', 'FREQ=WEEKLY;BYDAY=MO,TH;COUNT=8', 'FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=4', 'FREQ=HOURLY;INTERVAL=7;COUNT=30');
  const extra = fc.constantFrom(
    'LOCATION:Room 4',
    'X-SEEN;TZID=Europe/Paris:20260303T090000',
    ['BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Soon', 'TRIGGER:-PT15M', 'END:VALARM'].join('\r\n'),
    ['BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Soon', 'TRIGGER;VALUE=DATE-TIME:20260303T084500Z', 'REPEAT:1', 'DURATION:PT5M', 'END:VALARM'].join('\r\n'),
  );
  const DAY = 86_400_000;
  const object = fc
    .record({
      form,
      startHour: fc.integer({ min: 0, max: 40 * 24 }),
      minutes: fc.integer({ min: 0, max: 26 * 60 }),
      rule,
      excluded: fc.option(fc.integer({ min: 1, max: 4 })),
      extraDate: fc.option(fc.integer({ min: 1, max: 30 })),
      moved: fc.option(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: -30, max: 30 }))),
      extras: fc.oneof({ weight: 3, arbitrary: fc.constant([] as string[]) }, { weight: 1, arbitrary: fc.array(extra, { minLength: 1, maxLength: 2 }) }),
    })
    .map(({ form: f, startHour, minutes, rule: r, excluded, extraDate, moved, extras }) => {
      const start = Date.UTC(2026, 1, 20) + startHour * 3_600_000;
      const end = start + (f.kind === 'date' ? Math.max(1, Math.ceil(minutes / 1440)) * DAY : minutes * 60_000);
      const step = r.startsWith('FREQ=WEEKLY') ? 7 * DAY : DAY;
      const master = vevent(
        `DTSTART${value(start, f)}`,
        `DTEND${value(end, f)}`,
        `RRULE:${r}`,
        ...(excluded !== null ? [`EXDATE${value(start + excluded * step, f)}`] : []),
        ...(extraDate !== null ? [`RDATE${value(start + extraDate * DAY + 3_600_000, f)}`] : []),
        ...extras,
      );
      const overrides = moved === null ? [] : vevent(`RECURRENCE-ID${value(start + moved[0] * step, f)}`, `DTSTART${value(start + moved[0] * step + moved[1] * 3_600_000, f)}`, `DTEND${value(end + moved[0] * step + moved[1] * 3_600_000, f)}`);
      return ics([...master, ...overrides]);
    });
  const range = fc
    .tuple(fc.integer({ min: 0, max: 60 * 24 }), fc.integer({ min: 1, max: 21 * 24 }))
    .map(([from, hours]) => ({ startUtcMs: Date.UTC(2026, 1, 15) + from * 3_600_000, endUtcMs: Date.UTC(2026, 1, 15) + (from + hours) * 3_600_000 }));

  it('gives the same calendar whenever it answers, and answers the plain shapes', () => {
    let answered = 0;
    let withInstances = 0;
    fc.assert(
      fc.property(object, range, fc.boolean(), (text, utcRange, floating) => {
        const limits = { ...LIMITS, floatingZone: floating ? getZone('Asia/Kolkata') : undefined };
        const answer = expandEventSeries(text, utcRange, limits);
        if (answer === null) return;
        answered++;
        const full = serializeCalendar(expandCalendar(parseICalendar(text), utcRange, limits), 'text/calendar');
        if (full.includes('BEGIN:VEVENT')) withInstances++;
        expect(calendarOf(answer)).toEqual(calendarOf(full));
      }),
      { seed: 20261208, numRuns: 600 },
    );
    // A scan that never answered, or only answered with no instance, would pass the check above.
    expect(answered).toBeGreaterThan(300);
    expect(withInstances).toBeGreaterThan(150);
  });
});
