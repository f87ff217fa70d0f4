// Recurrence expansion: RFC 5545 §3.8.5 (RRULE, RDATE, EXDATE), §3.8.4.4 (RECURRENCE-ID, RANGE),
// §3.3.5 (DST gaps and overlaps), and the effective end per RFC 4791 §9.9.
import { describe, expect, it } from 'vitest';
import { countInstances, expandInstances, TooManyInstances, type Instance } from '../../../src/ical/recurrence.ts';
import { instanceOverlaps } from '../../../src/ical/time-range.ts';
import { formatUtc } from '../../../src/ical/zones.ts';
import { getZone } from '../../../src/tz/catalogue.ts';
import { calendarWith, HORIZON_UTC_MS, loadFixture, utc } from './fixtures.ts';

const LIMITS = { maxInstances: 1000, horizonUtcMs: HORIZON_UTC_MS };

/** [RECURRENCE-ID, start, end, override?] of each instance, times as UTC text. */
function summary(instances: Instance[]): [string | null, string, string, boolean][] {
  return instances.map((i) => [i.recurrenceId, formatUtc(i.startUtcMs), formatUtc(i.endUtcMs), i.isOverride]);
}

function expand(fixture: string, extra: Partial<Parameters<typeof expandInstances>[1]> = {}): Instance[] {
  return expandInstances(loadFixture(fixture), { ...LIMITS, ...extra });
}

describe('RFC 4791 Appendix B: overrides of a daily series', () => {
  it('expands abcd2 into five instances, two moved by RECURRENCE-ID', () => {
    expect(summary(expand('rfc4791-abcd2.ics'))).toEqual([
      ['20060102T170000Z', '20060102T170000Z', '20060102T180000Z', false],
      ['20060103T170000Z', '20060103T170000Z', '20060103T180000Z', false],
      ['20060104T170000Z', '20060104T190000Z', '20060104T200000Z', true],
      ['20060105T170000Z', '20060105T170000Z', '20060105T180000Z', false],
      ['20060106T170000Z', '20060106T190000Z', '20060106T200000Z', true],
    ]);
  });

  it('gives the override component for an overridden instance (§7.8.3 "Event #2 bis")', () => {
    const [moved] = expand('rfc4791-abcd2.ics', { rangeStartUtcMs: utc('20060104T000000Z'), rangeEndUtcMs: utc('20060105T000000Z') });
    expect(moved?.component.getFirstPropertyValue('summary')).toBe('Event #2 bis');
  });

  it('reports a non-recurring event with a null RECURRENCE-ID', () => {
    expect(summary(expand('rfc4791-abcd1.ics'))).toEqual([[null, '20060102T150000Z', '20060102T160000Z', false]]);
  });
});

describe('RFC 5545 §3.8.5 recurrence across DST changes, with EXDATE and overrides', () => {
  it('America/New_York weekly: EXDATE removes, an override moves, instances follow the wall clock', () => {
    expect(summary(expand('ny-weekly-exdate-override.ics'))).toEqual([
      ['20250302T063000Z', '20250302T063000Z', '20250302T073000Z', false],
      ['20250309T063000Z', '20250309T063000Z', '20250309T073000Z', false],
      ['20250323T053000Z', '20250324T140000Z', '20250324T150000Z', true],
      ['20250330T053000Z', '20250330T053000Z', '20250330T063000Z', false],
      ['20250406T053000Z', '20250406T053000Z', '20250406T063000Z', false],
    ]);
  });

  it('§3.3.5: a time in the spring gap takes the offset before the gap (02:30 → 07:30Z)', () => {
    expect(expand('ny-daily-spring-gap.ics').map((i) => formatUtc(i.startUtcMs))).toEqual([
      '20250308T073000Z',
      '20250309T073000Z',
      '20250310T063000Z',
    ]);
  });

  it('§3.3.5: an ambiguous autumn time is its first occurrence, and P1D is a nominal day (25 h)', () => {
    expect(summary(expand('ny-daily-autumn-overlap.ics'))).toEqual([
      ['20251101T053000Z', '20251101T053000Z', '20251102T053000Z', false],
      ['20251102T053000Z', '20251102T053000Z', '20251103T063000Z', false],
      ['20251103T063000Z', '20251103T063000Z', '20251104T063000Z', false],
    ]);
  });

  it('Europe/London: the override of an instance in the gap is found by its RECURRENCE-ID; RDATE in the overlap', () => {
    expect(summary(expand('london-sunday-rdate-override.ics'))).toEqual([
      ['20250323T013000Z', '20250323T013000Z', '20250323T020000Z', false],
      ['20250330T013000Z', '20250330T110000Z', '20250330T113000Z', true],
      ['20251026T003000Z', '20251026T003000Z', '20251026T010000Z', false],
    ]);
  });

  it('Australia/Lord_Howe: half-hour DST gap and overlap, EXDATE and RDATE', () => {
    expect(expand('lord-howe-daily-exdate.ics').map((i) => formatUtc(i.startUtcMs))).toEqual([
      '20250405T144500Z', // RDATE 01:45 in the April overlap: first occurrence, +11:00
      '20251003T154500Z', // 02:15 +10:30
      '20251004T154500Z', // 02:15 falls in the 02:00–02:30 gap: +10:30 still
      '20251006T151500Z', // 6 October excluded, 7 October at +11:00
    ]);
  });

  it('Asia/Kolkata monthly on the 31st skips short months (RFC 5545 §3.3.10), with EXDATE and an override', () => {
    expect(summary(expand('kolkata-monthly-31st.ics'))).toEqual([
      ['20250131T040000Z', '20250131T040000Z', '20250131T050000Z', false],
      ['20250531T040000Z', '20250602T040000Z', '20250602T050000Z', true],
      ['20250731T040000Z', '20250731T040000Z', '20250731T050000Z', false],
    ]);
  });

  it('takes the zone of a TZID the catalogue does not know from the object\'s VTIMEZONE', () => {
    expect(summary(expand('custom-vtimezone.ics'))).toEqual([[null, '20250601T090000Z', '20250601T100000Z', false]]);
  });
});

describe('RFC 4791 §9.8 floating and all-day values', () => {
  it('reads floating times in the zone the caller passes, UTC by default', () => {
    const inUtc = expand('floating-daily-exdate.ics');
    const inNewYork = expand('floating-daily-exdate.ics', { floatingZone: getZone('America/New_York') });
    expect(inUtc.map((i) => formatUtc(i.startUtcMs))).toEqual(['20250310T090000Z', '20250312T090000Z']);
    expect(inNewYork.map((i) => formatUtc(i.startUtcMs))).toEqual(['20250310T130000Z', '20250312T130000Z']);
    expect(inNewYork.map((i) => i.recurrenceId)).toEqual(['20250310T090000', '20250312T090000']);
    expect(inNewYork.every((i) => i.isFloating && !i.isAllDay)).toBe(true);
  });

  it('keeps all-day instances on local midnights across DST, with DATE EXDATE', () => {
    const instances = expand('all-day-weekly-exdate.ics', { floatingZone: getZone('America/New_York') });
    expect(summary(instances)).toEqual([
      ['20250303', '20250303T050000Z', '20250305T050000Z', false],
      ['20250317', '20250317T040000Z', '20250319T040000Z', false],
    ]);
    expect(instances.every((i) => i.isAllDay && i.isFloating)).toBe(true);
  });

  it('repeats a 29 February yearly event only in leap years', () => {
    expect(expand('all-day-feb29-yearly.ics').map((i) => i.recurrenceId)).toEqual(['20240229', '20280229', '20320229']);
  });

  it('gives a DATE DTSTART without DTEND one day (§9.9)', () => {
    expect(summary(expand('all-day-rdate.ics'))).toEqual([
      ['20250601', '20250601T000000Z', '20250602T000000Z', false],
      ['20250610', '20250610T000000Z', '20250611T000000Z', false],
      ['20250620', '20250620T000000Z', '20250621T000000Z', false],
    ]);
  });
});

describe('RFC 5545 §3.8.5.2 RDATE and §3.8.5.1 EXDATE', () => {
  it('adds DATE-TIME and PERIOD RDATEs (a PERIOD sets its own end) and removes EXDATEs', () => {
    expect(summary(expand('rdate-period-exdate.ics'))).toEqual([
      ['20250501T100000Z', '20250501T100000Z', '20250501T110000Z', false],
      ['20250503T100000Z', '20250503T100000Z', '20250503T110000Z', false],
      ['20250507T100000Z', '20250507T100000Z', '20250507T130000Z', false],
    ]);
  });

  it('treats UNTIL as inclusive', () => {
    const cal = calendarWith('VEVENT', ['DTSTART;TZID=Europe/London:20250329T013000', 'RRULE:FREQ=DAILY;UNTIL=20250331T003000Z']);
    expect(expandInstances(cal, LIMITS).map((i) => formatUtc(i.startUtcMs))).toEqual([
      '20250329T013000Z',
      '20250330T013000Z',
      '20250331T003000Z',
    ]);
  });
});

describe('RFC 5545 §3.8.4.4 RANGE=THISANDFUTURE', () => {
  it('moves and shortens the overridden instance and every later one, a later single override winning', () => {
    const instances = expand('ny-daily-thisandfuture.ics');
    expect(summary(instances)).toEqual([
      ['20250601T130000Z', '20250601T130000Z', '20250601T140000Z', false],
      ['20250602T130000Z', '20250602T130000Z', '20250602T140000Z', false],
      ['20250603T130000Z', '20250603T130000Z', '20250603T140000Z', false],
      ['20250604T130000Z', '20250604T130000Z', '20250604T140000Z', false],
      ['20250605T130000Z', '20250605T150000Z', '20250605T153000Z', true],
      ['20250606T130000Z', '20250606T150000Z', '20250606T153000Z', true],
      ['20250607T130000Z', '20250607T150000Z', '20250607T153000Z', true],
      ['20250608T130000Z', '20250608T190000Z', '20250608T200000Z', true],
      ['20250609T130000Z', '20250609T150000Z', '20250609T153000Z', true],
      ['20250610T130000Z', '20250610T150000Z', '20250610T153000Z', true],
    ]);
    expect(instances[6]?.component.getFirstPropertyValue('summary')).toBe('Standup (later and shorter)');
  });
});

describe('RFC 4791 §9.9: instances moved into or out of a range by overrides', () => {
  it('finds an instance moved into the range and not the one moved out of it', () => {
    const mondayOnly = expand('ny-weekly-exdate-override.ics', { rangeStartUtcMs: utc('20250324T000000Z'), rangeEndUtcMs: utc('20250325T000000Z') });
    const sundayOnly = expand('ny-weekly-exdate-override.ics', { rangeStartUtcMs: utc('20250323T000000Z'), rangeEndUtcMs: utc('20250324T000000Z') });
    expect(mondayOnly.map((i) => i.recurrenceId)).toEqual(['20250323T053000Z']);
    expect(sundayOnly).toEqual([]);
  });
});

describe('RFC 4791 §11: expansion is bounded', () => {
  it('iterates an unbounded rule from 2000 only near the queried range', () => {
    const instances = expand('london-daily-unbounded-since-2000.ics', {
      maxInstances: 50,
      rangeStartUtcMs: utc('20310601T000000Z'),
      rangeEndUtcMs: utc('20310604T000000Z'),
    });
    expect(instances.map((i) => i.recurrenceId)).toEqual(['20310601T080000Z', '20310603T080000Z']);
  });

  it('stops an unbounded rule at the horizon', () => {
    const beyond = expand('london-daily-unbounded-since-2000.ics', { rangeStartUtcMs: utc('20400601T000000Z'), rangeEndUtcMs: utc('20400604T000000Z') });
    expect(beyond).toEqual([]);
  });

  it('skips ahead in an unbounded FREQ=SECONDLY rule to the range', () => {
    const ticks = expand('secondly-unbounded.ics', { maxInstances: 20, rangeStartUtcMs: utc('20300601T000000Z'), rangeEndUtcMs: utc('20300601T000010Z') });
    expect(ticks.map((i) => i.recurrenceId)).toEqual(Array.from({ length: 10 }, (_, s) => `2030060100000${s}Z`.replace(/^(\d{8})(\d{6})Z$/, '$1T$2Z')));
  });

  it('truncates an unbounded FREQ=SECONDLY expansion at maxInstances', () => {
    const ticks = expand('secondly-unbounded.ics', { maxInstances: 100 });
    expect(ticks.length).toBeLessThanOrEqual(100);
    expect(ticks.at(-1)?.recurrenceId).toMatch(/^20250101T0001[0-3]\dZ$/);
  });

  it('countInstances rejects a bounded rule over the limit with TooManyInstances', () => {
    expect(() => countInstances(loadFixture('secondly-count-million.ics'), { ...LIMITS, maxInstances: 5000 })).toThrow(TooManyInstances);
    expect(countInstances(loadFixture('rfc4791-abcd2.ics'), LIMITS)).toBe(5);
  });

  it('does not throw for an unbounded rule, which the horizon bounds', () => {
    const count = countInstances(loadFixture('london-daily-unbounded-since-2000.ics'), { ...LIMITS, maxInstances: 200 });
    expect(count).toBeGreaterThan(190);
    expect(count).toBeLessThanOrEqual(200);
  });

  it('gives up on a rule whose BY parts never match instead of spinning in ical.js', () => {
    const cal = loadFixture('daily-impossible-rule.ics');
    expect(expandInstances(cal, LIMITS).map((i) => i.recurrenceId)).toEqual(['20250101T090000Z']);
    expect(() => countInstances(cal, LIMITS)).toThrow(TooManyInstances);
  });
});

describe('RFC 4791 §9.9 effective end of to-dos and journals', () => {
  it('carries DUE along each VTODO instance, across the London DST change', () => {
    expect(summary(expand('london-weekly-todo.ics'))).toEqual([
      ['20250322T090000Z', '20250322T090000Z', '20250322T170000Z', false],
      ['20250329T090000Z', '20250329T090000Z', '20250329T170000Z', false],
      ['20250405T080000Z', '20250405T080000Z', '20250405T160000Z', false],
    ]);
  });

  it('gives a VTODO with only DUE a point instance, and an undated VTODO an unbounded one', () => {
    expect(summary(expand('rfc4791-abcd4.ics'))).toEqual([[null, '20060104T000000Z', '20060104T000000Z', false]]);
    const undated = expandInstances(calendarWith('VTODO', ['SUMMARY:Someday']), LIMITS);
    expect(undated.map((i) => [i.startUtcMs, i.endUtcMs])).toEqual([[-Infinity, Infinity]]);
  });

  it('gives a DATE VJOURNAL one day per instance', () => {
    expect(summary(expand('journal-weekly-date.ics'))).toEqual([
      ['20250410', '20250410T000000Z', '20250411T000000Z', false],
      ['20250417', '20250417T000000Z', '20250418T000000Z', false],
    ]);
  });
});

describe('skipping ahead gives the same instances as a full expansion', () => {
  const rules = [
    'FREQ=DAILY;INTERVAL=3',
    'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SA;WKST=SU',
    'FREQ=MONTHLY;BYMONTHDAY=31',
    'FREQ=MONTHLY;INTERVAL=5;BYSETPOS=2;BYDAY=MO,TU,WE,TH,FR',
    'FREQ=YEARLY',
    'FREQ=YEARLY;INTERVAL=2;BYMONTH=3;BYDAY=-1SU',
    'FREQ=HOURLY;INTERVAL=7',
    'FREQ=MINUTELY;INTERVAL=997',
    'FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0,30',
  ];
  const starts = ['DTSTART;TZID=America/New_York:20240229T013000', 'DTSTART;TZID=Australia/Lord_Howe:20240131T021500', 'DTSTART:20240131T235959Z'];
  const ranges = [
    ['20250309T060000Z', '20250309T080000Z'],
    ['20260228T000000Z', '20260303T000000Z'],
    ['20261001T000000Z', '20261010T000000Z'],
  ] as const;
  const limits = { maxInstances: 100_000, horizonUtcMs: utc('20270101T000000Z') };
  for (const rule of rules) {
    it(rule, () => {
      for (const start of starts) {
        for (const duration of ['', 'DURATION:P1DT2H']) {
          const cal = calendarWith('VEVENT', [start, duration, `RRULE:${rule}`].filter(Boolean));
          const all = expandInstances(cal, limits);
          for (const [from, to] of ranges) {
            const window = { startUtcMs: utc(from), endUtcMs: utc(to) };
            const expected = all.filter((i) => instanceOverlaps(i, window)).map((i) => i.recurrenceId);
            const got = expandInstances(cal, { ...limits, rangeStartUtcMs: window.startUtcMs, rangeEndUtcMs: window.endUtcMs });
            expect(got.map((i) => i.recurrenceId), `${start} ${duration} ${from}`).toEqual(expected);
          }
        }
      }
    });
  }
});
