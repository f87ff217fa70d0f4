// Busy-time computation (RFC 4791 §7.10, RFC 5545 §3.2.9 FBTYPE): which VEVENT instances and
// VFREEBUSY periods count, with which FBTYPE, clipped to the range and coalesced per type.
import { describe, expect, it } from 'vitest';
import { coalesceBusyPeriods, computeBusyPeriods, computeFreeBusy, type BusyPeriod } from '../../../src/freebusy/compute.ts';
import { formatUtc } from '../../../src/ical/zones.ts';
import { getZone } from '../../../src/tz/catalogue.ts';
import type { Zone } from '../../../src/tz/zone.ts';

const NEW_YORK = getZone('America/New_York')!;
const RANGE = { startUtcMs: Date.UTC(2025, 2, 1), endUtcMs: Date.UTC(2025, 3, 1) };
const LIMITS = { maxInstances: 1000, horizonUtcMs: Date.UTC(2038, 0, 1) };

function ics(lines: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery tests//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
}

let uid = 0;
function vevent(start: string, end: string, extra: string[] = []): string {
  return ics(['BEGIN:VEVENT', `UID:e${++uid}`, 'DTSTAMP:20250101T000000Z', `DTSTART${start}`, ...(end ? [`DTEND${end}`] : []), ...extra, 'END:VEVENT']);
}

function show(periods: readonly BusyPeriod[]): string[] {
  return periods.map((p) => `${p.type} ${formatUtc(p.startUtcMs)}/${formatUtc(p.endUtcMs)}`);
}

function busy(objects: string[], floatingZone?: Zone): string[] {
  return show(computeBusyPeriods(objects, RANGE, { ...LIMITS, floatingZone }));
}

describe('RFC 4791 §7.10 which VEVENTs are busy time', () => {
  it.each<[string, string[], string[]]>([
    ['an opaque event is BUSY', [vevent(':20250310T100000Z', ':20250310T110000Z')], ['BUSY 20250310T100000Z/20250310T110000Z']],
    ['TRANSP:OPAQUE is BUSY', [vevent(':20250310T100000Z', ':20250310T110000Z', ['TRANSP:OPAQUE'])], ['BUSY 20250310T100000Z/20250310T110000Z']],
    ['TRANSP:TRANSPARENT is skipped', [vevent(':20250310T100000Z', ':20250310T110000Z', ['TRANSP:TRANSPARENT'])], []],
    ['STATUS:CANCELLED is skipped', [vevent(':20250310T100000Z', ':20250310T110000Z', ['STATUS:CANCELLED'])], []],
    ['STATUS:TENTATIVE is BUSY-TENTATIVE', [vevent(':20250310T100000Z', ':20250310T110000Z', ['STATUS:TENTATIVE'])], ['BUSY-TENTATIVE 20250310T100000Z/20250310T110000Z']],
    ['STATUS:CONFIRMED is BUSY', [vevent(':20250310T100000Z', ':20250310T110000Z', ['STATUS:CONFIRMED'])], ['BUSY 20250310T100000Z/20250310T110000Z']],
    [
      'overlapping events merge into one period',
      [vevent(':20250310T100000Z', ':20250310T120000Z'), vevent(':20250310T110000Z', ':20250310T130000Z')],
      ['BUSY 20250310T100000Z/20250310T130000Z'],
    ],
    [
      'adjacent events merge into one period',
      [vevent(':20250310T100000Z', ':20250310T110000Z'), vevent(':20250310T110000Z', ':20250310T120000Z')],
      ['BUSY 20250310T100000Z/20250310T120000Z'],
    ],
    [
      'a busy hour inside a tentative block stays a separate type',
      [vevent(':20250310T090000Z', ':20250310T170000Z', ['STATUS:TENTATIVE']), vevent(':20250310T100000Z', ':20250310T110000Z')],
      ['BUSY-TENTATIVE 20250310T090000Z/20250310T170000Z', 'BUSY 20250310T100000Z/20250310T110000Z'],
    ],
    ['a zoned event is reported in UTC', [vevent(';TZID=America/New_York:20250310T090000', ';TZID=America/New_York:20250310T100000')], ['BUSY 20250310T130000Z/20250310T140000Z']],
    ['DURATION gives the end', [vevent(':20250310T100000Z', '', ['DURATION:PT90M'])], ['BUSY 20250310T100000Z/20250310T113000Z']],
    ['a DATE-TIME start without end takes no time', [vevent(':20250310T100000Z', '')], []],
    ['periods are clipped to the range', [vevent(':20250228T220000Z', ':20250301T020000Z'), vevent(':20250331T230000Z', ':20250401T010000Z')], [
      'BUSY 20250301T000000Z/20250301T020000Z',
      'BUSY 20250331T230000Z/20250401T000000Z',
    ]],
    ['events outside the range give nothing', [vevent(':20250401T000000Z', ':20250401T010000Z'), vevent(':20250228T000000Z', ':20250301T000000Z')], []],
    ['VTODO is not busy time', [ics(['BEGIN:VTODO', 'UID:t', 'DTSTAMP:20250101T000000Z', 'DTSTART:20250310T100000Z', 'DUE:20250310T110000Z', 'END:VTODO'])], []],
    ['an unparsable object is skipped', ['BEGIN:VCALENDAR\r\nnot ical', vevent(':20250310T100000Z', ':20250310T110000Z')], ['BUSY 20250310T100000Z/20250310T110000Z']],
    [
      'an object with a malformed value is skipped whole',
      [vevent(':20250311T100000Z', ':20250311T110000Z', ['RDATE:2025-bad']), vevent(':20250310T100000Z', ':20250310T110000Z')],
      ['BUSY 20250310T100000Z/20250310T110000Z'],
    ],
  ])('%s', (_name, objects, expected) => {
    expect(busy(objects)).toEqual(expected);
  });

  it('all-day events cover their day in the floating zone (UTC by default)', () => {
    const allDay = vevent(';VALUE=DATE:20250310', ';VALUE=DATE:20250311');
    expect(busy([allDay])).toEqual(['BUSY 20250310T000000Z/20250311T000000Z']);
    expect(busy([allDay], NEW_YORK)).toEqual(['BUSY 20250310T040000Z/20250311T040000Z']);
    // An all-day event without DTEND lasts one day (RFC 5545 §3.6.1).
    expect(busy([vevent(';VALUE=DATE:20250309', '')], NEW_YORK)).toEqual(['BUSY 20250309T050000Z/20250310T040000Z']);
  });

  it('floating times are read in the floating zone', () => {
    expect(busy([vevent(':20250310T090000', ':20250310T100000')], NEW_YORK)).toEqual(['BUSY 20250310T130000Z/20250310T140000Z']);
  });

  it('a transparent calendar adds no busy time (RFC 6638 §9.1)', () => {
    const objects = [vevent(':20250310T100000Z', ':20250310T110000Z')];
    expect(show(computeBusyPeriods(objects, RANGE, { ...LIMITS, transparent: true }))).toEqual([]);
  });
});

describe('RFC 4791 §7.10 recurring events', () => {
  const WEEKLY = ics([
    'BEGIN:VEVENT', 'UID:weekly', 'DTSTAMP:20250101T000000Z', 'DTSTART;TZID=America/New_York:20250301T090000', 'DTEND;TZID=America/New_York:20250301T100000',
    'RRULE:FREQ=WEEKLY;COUNT=5', 'EXDATE;TZID=America/New_York:20250315T090000', 'END:VEVENT',
    // The 8 March instance moves to the afternoon; the 22 March one becomes transparent; the 29 March one tentative.
    'BEGIN:VEVENT', 'UID:weekly', 'DTSTAMP:20250101T000000Z', 'RECURRENCE-ID;TZID=America/New_York:20250308T090000',
    'DTSTART;TZID=America/New_York:20250308T150000', 'DTEND;TZID=America/New_York:20250308T160000', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:weekly', 'DTSTAMP:20250101T000000Z', 'RECURRENCE-ID;TZID=America/New_York:20250322T090000',
    'DTSTART;TZID=America/New_York:20250322T090000', 'DTEND;TZID=America/New_York:20250322T100000', 'TRANSP:TRANSPARENT', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:weekly', 'DTSTAMP:20250101T000000Z', 'RECURRENCE-ID;TZID=America/New_York:20250329T090000',
    'DTSTART;TZID=America/New_York:20250329T090000', 'DTEND;TZID=America/New_York:20250329T100000', 'STATUS:TENTATIVE', 'END:VEVENT',
  ]);

  it('expands across the New York DST change with EXDATE and overrides applied', () => {
    expect(busy([WEEKLY])).toEqual([
      'BUSY 20250301T140000Z/20250301T150000Z',
      'BUSY 20250308T200000Z/20250308T210000Z',
      // 15 March is excluded; 22 March is transparent; from 9 March New York is UTC−4.
      'BUSY-TENTATIVE 20250329T130000Z/20250329T140000Z',
    ]);
  });

  it('a cancelled master cancels every instance', () => {
    expect(busy([vevent(':20250310T100000Z', ':20250310T110000Z', ['RRULE:FREQ=DAILY;COUNT=3', 'STATUS:CANCELLED'])])).toEqual([]);
  });

  it('an unbounded rule stops at the end of the range', () => {
    const periods = busy([vevent(':20250101T100000Z', ':20250101T110000Z', ['RRULE:FREQ=DAILY'])]);
    expect(periods).toHaveLength(31);
    expect(periods[0]).toBe('BUSY 20250301T100000Z/20250301T110000Z');
    expect(periods[30]).toBe('BUSY 20250331T100000Z/20250331T110000Z');
  });
});

describe('RFC 4791 §7.10 VFREEBUSY objects', () => {
  it('contribute their FREEBUSY periods with FBTYPE; FREE periods are not busy', () => {
    const vfreebusy = ics([
      'BEGIN:VFREEBUSY', 'UID:fb', 'DTSTAMP:20250101T000000Z',
      'FREEBUSY:20250305T100000Z/PT1H', 'FREEBUSY;FBTYPE=FREE:20250305T120000Z/PT1H',
      'FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20250306T000000Z/20250306T080000Z,20250307T000000Z/20250307T080000Z',
      'FREEBUSY;FBTYPE=BUSY-TENTATIVE:20250308T100000Z/PT30M', 'FREEBUSY;FBTYPE=X-OUT-OF-OFFICE:20250309T100000Z/PT1H',
      'FREEBUSY:20250228T230000Z/PT2H', 'END:VFREEBUSY',
    ]);
    expect(busy([vfreebusy])).toEqual([
      'BUSY 20250301T000000Z/20250301T010000Z',
      'BUSY 20250305T100000Z/20250305T110000Z',
      'BUSY-UNAVAILABLE 20250306T000000Z/20250306T080000Z',
      'BUSY-UNAVAILABLE 20250307T000000Z/20250307T080000Z',
      'BUSY-TENTATIVE 20250308T100000Z/20250308T103000Z',
      // Unknown FBTYPE values are treated as BUSY (RFC 5545 §3.2.9).
      'BUSY 20250309T100000Z/20250309T110000Z',
    ]);
  });

  it('merge with event busy time of the same type', () => {
    const vfreebusy = ics(['BEGIN:VFREEBUSY', 'UID:fb', 'DTSTAMP:20250101T000000Z', 'FREEBUSY:20250305T100000Z/PT1H', 'END:VFREEBUSY']);
    expect(busy([vfreebusy, vevent(':20250305T103000Z', ':20250305T120000Z')])).toEqual(['BUSY 20250305T100000Z/20250305T120000Z']);
  });
});

describe('computeFreeBusy over several calendars', () => {
  it('reads each calendar in its own floating zone and leaves out transparent calendars', () => {
    const floating = vevent(':20250310T090000', ':20250310T100000');
    const periods = computeFreeBusy(
      [
        { objects: [floating], floatingZone: NEW_YORK },
        { objects: [floating] },
        { objects: [vevent(':20250311T090000Z', ':20250311T100000Z')], transparent: true },
      ],
      RANGE,
      LIMITS,
    );
    expect(show(periods)).toEqual(['BUSY 20250310T090000Z/20250310T100000Z', 'BUSY 20250310T130000Z/20250310T140000Z']);
  });

  it('leaves out an object it cannot read, and names it to onUnreadable', () => {
    // Stored before VTIMEZONEs were checked: ical.js throws a TypeError reading the PERIOD RDATE.
    const brokenZone = ics([
      'BEGIN:VTIMEZONE', 'BEGIN:STANDARD', 'DTSTART:19700101T000000', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0100', 'END:STANDARD', 'END:VTIMEZONE',
      'BEGIN:VEVENT', 'UID:broken', 'DTSTAMP:20250101T000000Z', 'DTSTART;TZID=Custom:20250310T090000', 'DURATION:PT1H',
      'RRULE:FREQ=DAILY;COUNT=3', 'RDATE;VALUE=PERIOD;TZID=Custom:20250311T150000/PT1H', 'END:VEVENT',
    ]);
    const unreadable: (string | undefined)[] = [];
    const objects = [{ path: '/cal/broken.ics', data: brokenZone }, { path: '/cal/fine.ics', data: vevent(':20250311T090000Z', ':20250311T100000Z') }];
    const periods = computeFreeBusy([{ objects }], RANGE, { ...LIMITS, onUnreadable: (_error, path) => void unreadable.push(path) });
    expect(show(periods)).toEqual(['BUSY 20250311T090000Z/20250311T100000Z']);
    expect(unreadable).toEqual(['/cal/broken.ics']);
  });
});

describe('coalesceBusyPeriods', () => {
  it('merges per type, drops empty periods and sorts by start then type', () => {
    const at = (h: number) => Date.UTC(2025, 2, 1, h);
    const merged = coalesceBusyPeriods([
      { type: 'BUSY-UNAVAILABLE', startUtcMs: at(1), endUtcMs: at(2) },
      { type: 'BUSY', startUtcMs: at(5), endUtcMs: at(6) },
      { type: 'BUSY', startUtcMs: at(1), endUtcMs: at(3) },
      { type: 'BUSY', startUtcMs: at(2), endUtcMs: at(4) },
      { type: 'BUSY', startUtcMs: at(4), endUtcMs: at(4) },
    ]);
    expect(show(merged)).toEqual(['BUSY 20250301T010000Z/20250301T040000Z', 'BUSY-UNAVAILABLE 20250301T010000Z/20250301T020000Z', 'BUSY 20250301T050000Z/20250301T060000Z']);
  });
});
