// Values and content lines for the iCalendar fuzz (RFC 5545 §3.3, §3.8): date-times, durations,
// recurrence rules, text and calendar addresses, mostly valid and now and then broken the ways
// clients and hostile users break them.
import fc from 'fast-check';

/** UIDs the fuzz shares with the stored sentinels, so that UID conflicts and scheduling matches are tried. */
export const SENTINEL_UIDS = ['bob-sentinel@example.com', 'alice-sentinel@example.com'];

export const UIDS = ['fuzz-a@example.com', 'fuzz-b@example.com', 'fuzz-c', ...SENTINEL_UIDS];
export const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Fuzz/Zone', 'Nowhere/Nothing', 'UTC', '', '+0100', 'Europe/Berlin;TZID=UTC'];
export const ADDRESSES = [
  'mailto:alice@example.com', 'mailto:bob@example.com', 'mailto:carol@example.com', 'mailto:ALICE@EXAMPLE.COM',
  'mailto:someone@elsewhere.test', '/dav/principals/user/bob/', 'mailto:', 'garbage', '',
];

// Calendars are generated mostly valid, so that they reach recurrence expansion, scheduling and
// indexing; the damage comes mainly from LineMutation, one or two broken values or parameters in
// an otherwise sound object, which is what gets a broken value furthest into the server.

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Date-times built field by field, so months, days and hours fall out of range as often as not. */
const structuredDateTime = fc
  .record({
    year: fc.oneof(fc.integer({ min: 2020, max: 2030 }), fc.integer({ min: 0, max: 99999 })),
    month: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 99 })),
    day: fc.oneof(fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 99 })),
    hour: fc.oneof(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 99 })),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.integer({ min: 0, max: 61 }),
    zone: fc.constantFrom('Z', '', '+0100', '-05:00', 'ZZ'),
  })
  .map(({ year, month, day, hour, minute, second, zone }) => `${pad(year, 4)}${pad(month, 2)}${pad(day, 2)}T${pad(hour, 2)}${pad(minute, 2)}${pad(second, 2)}${zone}`);

const BROKEN_DATE_TIMES = [
  'garbage', '', '20261399T256199Z', '2026011', '20260110T1000', '2026-01-10T10:00:00Z', '20260110T100000+0100',
  '00000101T000000Z', '99991231T235959Z', '99999999999999999999T000000Z', '2O26O11OT1OOOOOZ', '20260110T', 'T100000Z',
  '-20260110T100000Z', '20260110T100000.5Z', '16010101T000000Z', '20380119T031408Z', '1e21', '20260229T120000Z', '19011213T204551Z',
];
export const brokenDateTime = fc.oneof(structuredDateTime, fc.constantFrom(...BROKEN_DATE_TIMES));

export const dateTimeValue = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('20260110T100000Z', '20260110T110000Z', '20260111T100000Z', '20260615T120000Z', '20251231T235959Z', '20260110T100000', '20260329T013000', '20261025T023000') },
  { weight: 3, arbitrary: fc.constantFrom('20260110', '20260111', '20240229') },
  { weight: 2, arbitrary: brokenDateTime },
);

export const BROKEN_DURATIONS = ['P', 'PT', 'P0D', 'PT0S', 'P1Y', 'P1DT', '+P1D', 'P1W2D', 'garbage', '', 'P99999999999D', 'PT-1H', 'P1.5D', 'PT99999999999999999999S'];
export const durationValue = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('PT1H', 'P1D', 'PT30M', 'P1W', 'PT1H30M', '-PT15M', 'PT0S') },
  { weight: 1, arbitrary: fc.constantFrom(...BROKEN_DURATIONS) },
  { weight: 1, arbitrary: fc.nat().map((n) => `PT${n}S`) },
);

const ODD_DATE_PARAMS = [';VALUE=DATE', ';VALUE=DATE-TIME', ';VALUE=PERIOD', ';X-FUZZ=1', ';TZID="Europe/Berlin"', ';VALUE=TEXT', ...ZONES.map((zone) => `;TZID=${zone}`)];
const dateParams = fc.oneof(
  { weight: 12, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.constantFrom(';TZID=Europe/Berlin', ';TZID=America/New_York') },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_DATE_PARAMS) },
);

const dateList = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom('20260111T100000Z', '20260112T100000Z', '20260201T100000Z'), { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(dateTimeValue, { minLength: 1, maxLength: 4 }) },
).map((values) => values.join(','));
const periodValue = fc.tuple(dateTimeValue, fc.oneof(dateTimeValue, durationValue)).map(([start, end]) => `${start}/${end}`);

export const rrulePart = fc.oneof(
  fc.constantFrom('SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY', 'BOGUS', '').map((f) => `FREQ=${f}`),
  fc.constantFrom('1', '10', '1000000000', '0', '-1', 'x', '99999999999999999999').map((n) => `COUNT=${n}`),
  fc.constantFrom('1', '2', '0', '-1', '1000000000', '').map((n) => `INTERVAL=${n}`),
  dateTimeValue.map((d) => `UNTIL=${d}`),
  fc.constantFrom('MO', '1MO', '-1FR', '53MO', '0MO', 'XX', 'MO,TU,WE,TH,FR,SA,SU', '+2TU', '').map((d) => `BYDAY=${d}`),
  fc.constantFrom('1', '31', '-1', '0', '32', '1,15,-1').map((d) => `BYMONTHDAY=${d}`),
  fc.constantFrom('1', '12', '13', '0', '2,4').map((m) => `BYMONTH=${m}`),
  fc.constantFrom('1', '-1', '0', '367').map((p) => `BYSETPOS=${p}`),
  fc.constantFrom('0', '23', '24', '0,12').map((h) => `BYHOUR=${h}`),
  fc.constantFrom('0', '59', '60').map((m) => `BYMINUTE=${m}`),
  fc.constantFrom('0', '60', '61').map((s) => `BYSECOND=${s}`),
  fc.constantFrom('1', '53', '-53', '0', '54').map((w) => `BYWEEKNO=${w}`),
  fc.constantFrom('1', '366', '-366', '0', '367').map((d) => `BYYEARDAY=${d}`),
  fc.constantFrom('MO', 'SU', 'XX').map((d) => `WKST=${d}`),
  fc.constantFrom('', ';;;', 'FREQ', '=', 'X-NAME=1', 'RSCALE=GREGORIAN', 'SKIP=OMIT'),
);

export const EXTREME_RRULES = [
  'FREQ=SECONDLY', 'FREQ=SECONDLY;COUNT=1000000000', 'FREQ=MINUTELY;INTERVAL=0', 'FREQ=DAILY;;;;', ';;;;', 'FREQ=YEARLY;BYYEARDAY=366;BYWEEKNO=53;BYDAY=MO',
  'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', 'FREQ=SECONDLY;BYSECOND=60', 'FREQ=MONTHLY;BYDAY=5FR;COUNT=1000000000', 'FREQ=DAILY;UNTIL=19000101T000000Z',
];
export const rruleValue = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'FREQ=DAILY;COUNT=5', 'FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260601T000000Z', 'FREQ=MONTHLY;BYMONTHDAY=31', 'FREQ=YEARLY', 'FREQ=DAILY',
      'FREQ=MONTHLY;BYDAY=-1FR', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', 'FREQ=HOURLY;INTERVAL=5;COUNT=100', 'FREQ=MINUTELY;COUNT=2000',
      'FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=TU,SU', 'FREQ=SECONDLY;COUNT=10', 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
    ),
  },
  { weight: 2, arbitrary: fc.tuple(rrulePart, fc.array(rrulePart, { maxLength: 5 })).map(([first, rest]) => ['FREQ=DAILY', first, ...rest].join(';')) },
  { weight: 1, arbitrary: fc.constantFrom(...EXTREME_RRULES) },
);

const textValue = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('Meeting', 'Lunch\\, then a walk', 'Line one\\nline two', 'Ümlaut café 🎉', 'semi\\;colon', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(5000), '\\', '\\x', '<script>alert(1)</script>', ']]>&amp;<') },
);

export const addressParams = fc
  .array(
    fc.constantFrom(
      ';PARTSTAT=ACCEPTED', ';PARTSTAT=NEEDS-ACTION', ';PARTSTAT=BOGUS', ';RSVP=TRUE', ';SCHEDULE-AGENT=CLIENT', ';SCHEDULE-AGENT=SERVER',
      ';SCHEDULE-AGENT=NONE', ';SCHEDULE-FORCE-SEND=REQUEST', ';ROLE=CHAIR', ';CN="Bob, Jr."', ';CN=', ';CUTYPE=ROOM',
      ';SCHEDULE-STATUS=2.0', ';SENT-BY="mailto:bob@example.com"', ';DELEGATED-TO="mailto:carol@example.com"', ';X-FUZZ="a;b:c"',
    ),
    { maxLength: 2 },
  )
  .map((params) => params.join(''));
const address = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...ADDRESSES.slice(0, 3)) }, { weight: 2, arbitrary: fc.constantFrom(...ADDRESSES) });

// --- Properties -----------------------------------------------------------------------------

export const dateProperty = (name: string) => fc.tuple(dateParams, dateTimeValue).map(([params, value]) => `${name}${params}:${value}`);

/** Any property the fuzz knows; components draw extras from here. */
export const anyProperty: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: textValue.map((v) => `SUMMARY:${v}`) },
  { weight: 3, arbitrary: fc.tuple(addressParams, address).map(([p, v]) => `ATTENDEE${p}:${v}`) },
  { weight: 2, arbitrary: fc.tuple(addressParams, address).map(([p, v]) => `ORGANIZER${p}:${v}`) },
  { weight: 2, arbitrary: fc.tuple(dateParams, dateList).map(([p, v]) => `EXDATE${p}:${v}`) },
  { weight: 2, arbitrary: fc.oneof(fc.tuple(dateParams, dateList), fc.tuple(fc.constant(';VALUE=PERIOD'), periodValue)).map(([p, v]) => `RDATE${p}:${v}`) },
  { weight: 1, arbitrary: fc.tuple(dateParams, dateTimeValue, fc.constantFrom('', ';RANGE=THISANDFUTURE', ';RANGE=THISANDPRIOR')).map(([p, v, r]) => `RECURRENCE-ID${p}${r}:${v}`) },
  { weight: 1, arbitrary: dateProperty('DTSTART') },
  { weight: 1, arbitrary: dateProperty('DTEND') },
  { weight: 1, arbitrary: dateProperty('DUE') },
  { weight: 1, arbitrary: durationValue.map((v) => `DURATION:${v}`) },
  { weight: 1, arbitrary: rruleValue.map((v) => `RRULE:${v}`) },
  { weight: 1, arbitrary: fc.constantFrom(...UIDS, '', 'x'.repeat(300)).map((v) => `UID:${v}`) },
  { weight: 2, arbitrary: fc.constantFrom('0', '1', '5', '-1', '2147483648', '99999999999999999999').map((v) => `SEQUENCE:${v}`) },
  { weight: 2, arbitrary: fc.constantFrom('CONFIRMED', 'CANCELLED', 'TENTATIVE', 'COMPLETED', 'NEEDS-ACTION', 'bogus').map((v) => `STATUS:${v}`) },
  { weight: 1, arbitrary: fc.constantFrom('OPAQUE', 'TRANSPARENT', 'x').map((v) => `TRANSP:${v}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('', ';FBTYPE=BUSY', ';FBTYPE=FREE', ';FBTYPE=BUSY-TENTATIVE', ';FBTYPE=X'), fc.array(periodValue, { minLength: 1, maxLength: 3 })).map(([p, v]) => `FREEBUSY${p}:${v.join(',')}`) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'X-FUZZ:1', 'X-WR-TIMEZONE:Europe/Berlin', 'X-APPLE-STRUCTURED-LOCATION;VALUE=URI:geo:1,2', 'GEO:1;2', 'GEO:x', 'CLASS:PRIVATE', 'CLASS:CONFIDENTIAL',
      'PRIORITY:99', 'LOCATION:Room 1', 'CATEGORIES:a,b,,c', 'DESCRIPTION:Notes', 'URL:http://example.com/', 'ATTACH:http://example.com/a',
      'ATTACH;ENCODING=BASE64;VALUE=BINARY:AAAA', 'PERCENT-COMPLETE:50', 'COMPLETED:20260110T100000Z', 'LAST-MODIFIED:20260101T000000Z', 'CREATED:20260101T000000Z',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('TZID:Fuzz/Zone', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+2500', 'TZNAME:FZT') },
);
