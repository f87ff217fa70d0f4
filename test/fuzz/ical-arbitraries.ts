// iCalendar bodies for fuzzing (RFC 5545, RFC 4791 §4.1): calendars assembled from real components
// and properties, so that most bodies get past the content-line parser and reach validation,
// recurrence expansion, scheduling and indexing; ical-text.ts renders and damages them.
import fc from 'fast-check';
import { ADDRESSES, addressParams, anyProperty, dateProperty, dateTimeValue, durationValue, rruleValue, UIDS, ZONES } from './ical-values.ts';

export interface IcalComponent {
  name: string;
  lines: string[];
  children: IcalComponent[];
}

const extras = (maxLength: number) => fc.array(anyProperty, { maxLength });
/** A property that is usually present with its usual value, sometimes absent, now and then odd. */
const usually = (line: fc.Arbitrary<string>, odd: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 12, arbitrary: line.map((l) => [l]) }, { weight: 1, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: odd.map((l) => [l]) });

/** Start and end that agree with each other (the usual case), with DST gaps and overlaps among them. */
const TIMINGS: string[][] = [
  ['DTSTART:20260110T100000Z', 'DTEND:20260110T110000Z'],
  ['DTSTART:20260110T100000', 'DTEND:20260110T110000'],
  ['DTSTART;TZID=Europe/Berlin:20260329T023000', 'DTEND;TZID=Europe/Berlin:20260329T033000'],
  ['DTSTART;TZID=America/New_York:20261101T013000', 'DURATION:PT1H'],
  ['DTSTART;VALUE=DATE:20260110', 'DTEND;VALUE=DATE:20260111'],
  ['DTSTART;VALUE=DATE:20260110'],
  ['DTSTART;TZID=Fuzz/Zone:20260110T100000', 'DTEND;TZID=Fuzz/Zone:20260110T110000'],
  ['DTSTART:20260110T100000Z'],
  ['DTSTART:20260110T100000Z', 'DURATION:P1D'],
  ['DTSTART;TZID=Australia/Lord_Howe:20261004T020000', 'DTEND;TZID=Australia/Lord_Howe:20261004T030000'],
  ['DTSTART:19011213T204552Z', 'DTEND:20380119T031407Z'],
  [],
];
const timing = (endName: 'DTEND' | 'DUE') =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...TIMINGS).map((lines) => lines.map((l) => l.replace(/^DTEND/, endName))) },
    { weight: 1, arbitrary: fc.tuple(dateProperty('DTSTART'), fc.oneof(dateProperty(endName), durationValue.map((v) => `DURATION:${v}`))).map((lines) => [...lines]) },
  );

const alarm: fc.Arbitrary<IcalComponent> = fc
  .tuple(
    usually(fc.constantFrom('ACTION:DISPLAY', 'ACTION:AUDIO'), fc.constantFrom('ACTION:EMAIL', 'ACTION:', 'ACTION:BOGUS')),
    usually(fc.constantFrom('TRIGGER:-PT15M', 'TRIGGER;RELATED=END:PT0S', 'TRIGGER;VALUE=DATE-TIME:20260110T090000Z'), fc.oneof(durationValue, dateTimeValue).map((v) => `TRIGGER:${v}`)),
    extras(1),
  )
  .map(([action, trigger, more]) => ({ name: 'VALARM', lines: [...action, ...trigger, 'DESCRIPTION:Reminder', ...more], children: [] }));

const eventLike = (name: 'VEVENT' | 'VTODO' | 'VJOURNAL', uid: string) =>
  fc
    .tuple(
      usually(fc.constant(`UID:${uid}`), fc.constantFrom('UID:', 'UID;X=1:x')),
      usually(fc.constant('DTSTAMP:20260101T000000Z'), dateProperty('DTSTAMP')),
      timing(name === 'VTODO' ? 'DUE' : 'DTEND'),
      fc.option(rruleValue.map((v) => `RRULE:${v}`), { nil: '', freq: 2 }),
      extras(3),
      fc.array(alarm, { maxLength: name === 'VJOURNAL' ? 0 : 2 }),
    )
    .map(([uidLine, stamp, times, rrule, more, alarms]) => ({
      name,
      lines: [...uidLine, ...stamp, ...times, rrule, 'SUMMARY:Fuzz', ...more].filter((l) => l !== ''),
      children: alarms,
    }));

/** An overridden instance of a series with the same UID (RFC 5545 §3.8.4.4). */
const override = (uid: string) =>
  fc
    .tuple(
      fc.constantFrom('RECURRENCE-ID:20260111T100000Z', 'RECURRENCE-ID;RANGE=THISANDFUTURE:20260112T100000Z', 'RECURRENCE-ID;VALUE=DATE:20260111', 'RECURRENCE-ID:20260111T100000', 'RECURRENCE-ID:20990101T000000Z'),
      fc.constantFrom(...TIMINGS),
      extras(2),
    )
    .map(([recurrenceId, times, more]) => ({ name: 'VEVENT', lines: [`UID:${uid}`, 'DTSTAMP:20260101T000000Z', recurrenceId, ...times, 'SUMMARY:Moved', ...more], children: [] }));

const freeBusy = (uid: string) =>
  extras(3).map((more) => ({ name: 'VFREEBUSY', lines: [`UID:${uid}`, 'DTSTAMP:20260101T000000Z', 'DTSTART:20260110T000000Z', 'DTEND:20260111T000000Z', ...more], children: [] }));

const observance = fc
  .tuple(
    fc.oneof({ weight: 10, arbitrary: fc.constantFrom('STANDARD', 'DAYLIGHT') }, { weight: 1, arbitrary: fc.constant('X-OBSERVANCE') }),
    fc.oneof({ weight: 10, arbitrary: fc.constantFrom('19700101T000000', '19701025T030000', '19700329T020000') }, { weight: 1, arbitrary: dateTimeValue }),
    fc.oneof({ weight: 12, arbitrary: fc.constantFrom('+0100', '+0200', '-0500', '+0000') }, { weight: 1, arbitrary: fc.constantFrom('+2500', '+01', 'garbage', '', '+013045', '-0000', '+9959') }),
    fc.oneof({ weight: 12, arbitrary: fc.constantFrom('+0100', '+0200', '-0500', '+0000') }, { weight: 1, arbitrary: fc.constantFrom('+2500', '+1', '+9959') }),
    fc.option(fc.oneof({ weight: 4, arbitrary: fc.constantFrom('FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU') }, { weight: 1, arbitrary: rruleValue }), { nil: undefined, freq: 3 }),
  )
  .map(([name, start, from, to, rrule]) => ({
    name,
    lines: [`DTSTART:${start}`, `TZOFFSETFROM:${from}`, `TZOFFSETTO:${to}`, ...(rrule ? [`RRULE:${rrule}`] : []), `TZNAME:${name.slice(0, 3)}`],
    children: [],
  }));

export const vtimezone: fc.Arbitrary<IcalComponent> = fc
  .tuple(
    fc.oneof({ weight: 4, arbitrary: fc.constantFrom('Fuzz/Zone', 'Europe/Berlin', 'America/New_York') }, { weight: 1, arbitrary: fc.constantFrom(...ZONES) }),
    fc.array(observance, { minLength: 1, maxLength: 3 }),
    fc.oneof({ weight: 6, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: extras(1) }),
  )
  .map(([zone, children, more]) => ({ name: 'VTIMEZONE', lines: [`TZID:${zone}`, ...more], children }));

/**
 * X- components nest to a few levels, with real components inside them now and then. The depth
 * is bounded where the arbitrary is built: a recursive one (fc.letrec) only biases towards
 * shallow trees, and now and then grows one deep enough to overflow fast-check's own stack.
 */
const xComponentNested = (levels: number): fc.Arbitrary<IcalComponent> =>
  fc
    .tuple(fc.constantFrom('X-FUZZ', 'X-NESTED', 'X-NESTED', 'VEVENT', 'VALARM'), extras(1), levels === 0 ? fc.constant([]) : fc.array(xComponentNested(levels - 1), { maxLength: 2 }))
    .map(([name, lines, children]) => ({ name, lines: ['X-PROP:1', ...lines], children }));
const xComponent = xComponentNested(3);

/** Something that does not belong, now and then: a component of another kind, a stray alarm, X- nesting. */
const stray = (uid: string) =>
  fc.oneof(eventLike('VEVENT', uid), eventLike('VTODO', uid), eventLike('VJOURNAL', uid), freeBusy(uid), alarm, xComponent);

type MainKind = 'VEVENT' | 'VTODO' | 'VJOURNAL' | 'VFREEBUSY';
const mainKind = fc.oneof(
  { weight: 8, arbitrary: fc.constant<MainKind>('VEVENT') },
  { weight: 3, arbitrary: fc.constant<MainKind>('VTODO') },
  { weight: 1, arbitrary: fc.constantFrom<MainKind>('VJOURNAL', 'VFREEBUSY') },
);

/** One object's components (RFC 4791 §4.1): a main component, its overrides, its time zones, and rarely a stray. */
const components = (uid: string, kind: MainKind) =>
  fc
    .tuple(
      kind === 'VFREEBUSY' ? freeBusy(uid) : eventLike(kind, uid),
      kind === 'VEVENT' ? fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(override(uid), { minLength: 1, maxLength: 1 }) }) : fc.constant([]),
      fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(vtimezone, { minLength: 1, maxLength: 2 }) }),
      fc.oneof({ weight: 10, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(stray(uid), { minLength: 1, maxLength: 2 }) }),
    )
    .map(([main, overrides, zones, strays]) => [...zones, main, ...overrides, ...strays]);

const calendarLines = fc
  .tuple(
    usually(fc.constant('VERSION:2.0'), fc.constantFrom('VERSION:1.0', 'VERSION:', 'VERSION:2.0,3.0')),
    usually(fc.constant('PRODID:-//Orrery fuzz//EN'), fc.constantFrom('PRODID:')),
    fc.oneof(
      { weight: 12, arbitrary: fc.constant([]) },
      { weight: 1, arbitrary: fc.constantFrom(['METHOD:REQUEST'], ['METHOD:PUBLISH'], ['METHOD:BOGUS'], ['CALSCALE:JULIAN'], ['CALSCALE:GREGORIAN'], ['X-WR-CALNAME:Fuzz']) },
    ),
  )
  .map((parts) => parts.flat());

/** A VCALENDAR holding one object's components, now and then with one of them twice. */
const uid = fc.oneof({ weight: 4, arbitrary: fc.nat({ max: 40 }).map((n) => `fuzz-${n}@example.com`) }, { weight: 1, arbitrary: fc.constantFrom(...UIDS) });

export const calendar: fc.Arbitrary<IcalComponent> = fc.tuple(uid, mainKind).chain(([id, kind]) =>
  fc
    .tuple(calendarLines, components(id, kind), fc.oneof({ weight: 11, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }))
    .map(([lines, children, duplicate]) => ({
      name: 'VCALENDAR',
      lines,
      children: duplicate ? [...children, children[children.length - 1]!] : children,
    })),
);

/** A free-busy request as POSTed to an Outbox (RFC 6638 §5): METHOD:REQUEST with one VFREEBUSY. */
export const freeBusyRequest: fc.Arbitrary<IcalComponent> = fc
  .tuple(
    fc.oneof({ weight: 6, arbitrary: fc.constant('ORGANIZER:mailto:alice@example.com') }, { weight: 1, arbitrary: fc.tuple(addressParams, fc.constantFrom(...ADDRESSES)).map(([p, v]) => `ORGANIZER${p}:${v}`) }),
    fc.array(fc.tuple(addressParams, fc.constantFrom(...ADDRESSES)).map(([p, v]) => `ATTENDEE${p}:${v}`), { maxLength: 3 }),
    dateProperty('DTSTART'),
    dateProperty('DTEND'),
    extras(2),
  )
  .map(([organizer, attendees, start, end, more]) => ({
    name: 'VCALENDAR',
    lines: ['VERSION:2.0', 'PRODID:-//Orrery fuzz//EN', 'METHOD:REQUEST'],
    children: [{ name: 'VFREEBUSY', lines: ['UID:fuzz-freebusy', 'DTSTAMP:20260101T000000Z', start, end, organizer, ...attendees, ...more], children: [] }],
  }));
