// RFC 7953 §4 free-busy with VAVAILABILITY: time inside a VAVAILABILITY and outside its AVAILABLE
// blocks is busy with its BUSYTYPE (default BUSY-UNAVAILABLE); higher PRIORITY wins where they overlap.
import { describe, expect, it } from 'vitest';
import { computeBusyPeriods, computeFreeBusy, type BusyPeriod } from '../../../src/freebusy/compute.ts';
import { availabilityBusyPeriods } from '../../../src/freebusy/availability.ts';
import { formatUtc } from '../../../src/ical/zones.ts';

// Monday 10 March 2025 to Wednesday 12 March 2025, UTC.
const RANGE = { startUtcMs: Date.UTC(2025, 2, 10), endUtcMs: Date.UTC(2025, 2, 12) };
const LIMITS = { maxInstances: 1000, horizonUtcMs: Date.UTC(2038, 0, 1) };

function ics(lines: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery tests//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
}

function vavailability(props: string[], available: string[][] = []): string {
  return ics([
    'BEGIN:VAVAILABILITY', `UID:av-${props.join('|')}`, 'DTSTAMP:20250101T000000Z', ...props,
    ...available.flatMap((block, i) => ['BEGIN:AVAILABLE', `UID:block-${i}`, 'DTSTAMP:20250101T000000Z', ...block, 'END:AVAILABLE']),
    'END:VAVAILABILITY',
  ]);
}

const show = (periods: readonly BusyPeriod[]) => periods.map((p) => `${p.type} ${formatUtc(p.startUtcMs)}/${formatUtc(p.endUtcMs)}`);
const busy = (objects: string[]) => show(computeBusyPeriods(objects, RANGE, LIMITS));

/** Weekdays 09:00–17:00 in New York (13:00–21:00Z after the 9 March DST change). */
const WORK_HOURS = ['DTSTART;TZID=America/New_York:20250303T090000', 'DTEND;TZID=America/New_York:20250303T170000', 'RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'];

describe('RFC 7953 §4 VAVAILABILITY in free-busy', () => {
  it('time not covered by an AVAILABLE block is BUSY-UNAVAILABLE (recurring block in New York)', () => {
    expect(busy([vavailability(['DTSTART;TZID=America/New_York:20250301T000000'], [WORK_HOURS])])).toEqual([
      'BUSY-UNAVAILABLE 20250310T000000Z/20250310T130000Z',
      'BUSY-UNAVAILABLE 20250310T210000Z/20250311T130000Z',
      'BUSY-UNAVAILABLE 20250311T210000Z/20250312T000000Z',
    ]);
  });

  it('BUSYTYPE sets the FBTYPE of the unavailable time', () => {
    expect(busy([vavailability(['BUSYTYPE:BUSY', 'DTSTART:20250310T000000Z', 'DTEND:20250310T120000Z'])])).toEqual(['BUSY 20250310T000000Z/20250310T120000Z']);
    expect(busy([vavailability(['BUSYTYPE:BUSY-TENTATIVE', 'DTSTART:20250310T000000Z', 'DURATION:PT6H'])])).toEqual(['BUSY-TENTATIVE 20250310T000000Z/20250310T060000Z']);
  });

  it('an open-ended VAVAILABILITY covers the whole range; one outside the range adds nothing', () => {
    expect(busy([vavailability([])])).toEqual(['BUSY-UNAVAILABLE 20250310T000000Z/20250312T000000Z']);
    expect(busy([vavailability(['DTSTART:20250401T000000Z'])])).toEqual([]);
  });

  it('AVAILABLE honours EXDATE: an excluded day is unavailable throughout', () => {
    const block = [...WORK_HOURS, 'EXDATE;TZID=America/New_York:20250311T090000'];
    expect(busy([vavailability([], [block])])).toEqual([
      'BUSY-UNAVAILABLE 20250310T000000Z/20250310T130000Z',
      'BUSY-UNAVAILABLE 20250310T210000Z/20250312T000000Z',
    ]);
  });

  it('event busy time is reported on top of availability', () => {
    const event = ics(['BEGIN:VEVENT', 'UID:ev', 'DTSTAMP:20250101T000000Z', 'DTSTART:20250310T150000Z', 'DTEND:20250310T160000Z', 'END:VEVENT']);
    expect(busy([vavailability(['DTSTART:20250310T000000Z', 'DTEND:20250311T000000Z'], [WORK_HOURS]), event])).toEqual([
      'BUSY-UNAVAILABLE 20250310T000000Z/20250310T130000Z',
      'BUSY 20250310T150000Z/20250310T160000Z',
      'BUSY-UNAVAILABLE 20250310T210000Z/20250311T000000Z',
    ]);
  });
});

describe('RFC 7953 §4 PRIORITY between overlapping VAVAILABILITY components', () => {
  const base = vavailability(['PRIORITY:0'], [WORK_HOURS]);
  // Monday free all day, at priority 5.
  const freeMonday = vavailability(['PRIORITY:5', 'DTSTART:20250310T000000Z', 'DTEND:20250311T000000Z'], [['DTSTART:20250310T000000Z', 'DTEND:20250311T000000Z']]);

  it.each<[string, string[], string[]]>([
    [
      'a higher priority (5) component overrides PRIORITY 0, which ranks lowest',
      [base, freeMonday],
      ['BUSY-UNAVAILABLE 20250311T000000Z/20250311T130000Z', 'BUSY-UNAVAILABLE 20250311T210000Z/20250312T000000Z'],
    ],
    [
      'PRIORITY 1 beats 5 where they overlap',
      [base, freeMonday, vavailability(['PRIORITY:1', 'BUSYTYPE:BUSY-TENTATIVE', 'DTSTART:20250310T120000Z', 'DTEND:20250310T140000Z'])],
      ['BUSY-TENTATIVE 20250310T120000Z/20250310T140000Z', 'BUSY-UNAVAILABLE 20250311T000000Z/20250311T130000Z', 'BUSY-UNAVAILABLE 20250311T210000Z/20250312T000000Z'],
    ],
    [
      'PRIORITY 9 loses to 5, whatever the order the objects come in',
      [vavailability(['PRIORITY:9', 'BUSYTYPE:BUSY-TENTATIVE', 'DTSTART:20250310T120000Z', 'DTEND:20250310T140000Z']), freeMonday, base],
      ['BUSY-UNAVAILABLE 20250311T000000Z/20250311T130000Z', 'BUSY-UNAVAILABLE 20250311T210000Z/20250312T000000Z'],
    ],
    [
      'AVAILABLE blocks free time only inside their own VAVAILABILITY',
      [
        vavailability(['PRIORITY:9', 'DTSTART:20250310T000000Z', 'DTEND:20250310T060000Z']),
        vavailability(['PRIORITY:1', 'DTSTART:20250310T020000Z', 'DTEND:20250310T040000Z'], [['DTSTART:20250310T010000Z', 'DTEND:20250310T050000Z']]),
      ],
      ['BUSY-UNAVAILABLE 20250310T000000Z/20250310T020000Z', 'BUSY-UNAVAILABLE 20250310T040000Z/20250310T060000Z'],
    ],
  ])('%s', (_name, objects, expected) => {
    expect(busy(objects)).toEqual(expected);
  });

  it('decides across calendars, not per calendar', () => {
    const periods = computeFreeBusy([{ objects: [base] }, { objects: [freeMonday] }], RANGE, LIMITS);
    expect(show(periods)).toEqual(['BUSY-UNAVAILABLE 20250311T000000Z/20250311T130000Z', 'BUSY-UNAVAILABLE 20250311T210000Z/20250312T000000Z']);
  });

  it('paints equal priorities in order, later over earlier', () => {
    const at = (h: number) => Date.UTC(2025, 2, 10, h);
    const periods = availabilityBusyPeriods([
      { rank: 3, busyType: 'BUSY', startUtcMs: at(0), endUtcMs: at(4), free: [] },
      { rank: 3, busyType: 'BUSY-TENTATIVE', startUtcMs: at(2), endUtcMs: at(6), free: [{ startUtcMs: at(5), endUtcMs: at(6) }] },
    ]);
    expect(show(periods).sort()).toEqual(['BUSY 20250310T000000Z/20250310T020000Z', 'BUSY-TENTATIVE 20250310T020000Z/20250310T050000Z']);
  });
});
