// CALDAV:time-range overlap, RFC 4791 §9.9: one table row per line of the RFC's VEVENT, VTODO,
// VJOURNAL and VFREEBUSY tables, then VALARM triggers and the property form.
import { describe, expect, it } from 'vitest';
import type { Component } from '../../../src/ical/parse.ts';
import { expandInstances } from '../../../src/ical/recurrence.ts';
import { alarmOverlaps, freeBusyOverlaps, instanceOverlaps, propertyOverlaps, type TimeRange } from '../../../src/ical/time-range.ts';
import { zoneContext } from '../../../src/ical/zones.ts';
import { calendarWith, HORIZON_UTC_MS, loadFixture, range } from './fixtures.ts';

const LIMITS = { maxInstances: 1000, horizonUtcMs: HORIZON_UTC_MS };

/** Whether any instance of the calendar's only component overlaps the range. */
function componentOverlaps(cal: Component, window: TimeRange): boolean {
  return expandInstances(cal, LIMITS).some((instance) => instanceOverlaps(instance, window));
}

type Row = [label: string, lines: string[], cases: [start: string, end: string, expected: boolean][]];

function table(component: string, rows: Row[]): void {
  for (const [label, lines, cases] of rows) {
    it(label, () => {
      const cal = calendarWith(component, lines);
      for (const [start, end, expected] of cases) {
        expect(componentOverlaps(cal, range(start, end)), `[${start}, ${end})`).toBe(expected);
      }
    });
  }
}

describe('RFC 4791 §9.9 VEVENT table', () => {
  table('VEVENT', [
    ['DTEND: (start < DTEND AND end > DTSTART)', ['DTSTART:20060104T100000Z', 'DTEND:20060104T110000Z'], [
      ['20060104T103000Z', '20060104T120000Z', true],
      ['20060104T110000Z', '20060104T120000Z', false],
      ['20060104T090000Z', '20060104T100000Z', false],
      ['20060104T090000Z', '20060104T100001Z', true],
      ['', '20060104T100001Z', true],
      ['20060104T105959Z', '', true],
    ]],
    ['DURATION > 0: (start < DTSTART+DURATION AND end > DTSTART)', ['DTSTART:20060104T100000Z', 'DURATION:PT1H'], [
      ['20060104T105959Z', '20060104T120000Z', true],
      ['20060104T110000Z', '20060104T120000Z', false],
      ['20060104T090000Z', '20060104T100000Z', false],
    ]],
    ['DURATION = 0: (start <= DTSTART AND end > DTSTART)', ['DTSTART:20060104T100000Z', 'DURATION:PT0S'], [
      ['20060104T100000Z', '20060104T100001Z', true],
      ['20060104T090000Z', '20060104T100000Z', false],
      ['20060104T100001Z', '20060104T120000Z', false],
    ]],
    ['DATE-TIME DTSTART alone: (start <= DTSTART AND end > DTSTART)', ['DTSTART:20060104T100000Z'], [
      ['20060104T100000Z', '20060104T100001Z', true],
      ['20060104T090000Z', '20060104T100000Z', false],
      ['', '20060104T100001Z', true],
    ]],
    ['DATE DTSTART alone: (start < DTSTART+P1D AND end > DTSTART)', ['DTSTART;VALUE=DATE:20060104'], [
      ['20060104T235959Z', '20060105T120000Z', true],
      ['20060105T000000Z', '20060105T120000Z', false],
      ['20060103T000000Z', '20060104T000000Z', false],
      ['20060103T000000Z', '20060104T000001Z', true],
    ]],
  ]);
});

describe('RFC 4791 §9.9 VTODO table', () => {
  table('VTODO', [
    ['DTSTART+DURATION: (start <= DTSTART+DURATION) AND ((end > DTSTART) OR (end >= DTSTART+DURATION))', ['DTSTART:20060104T100000Z', 'DURATION:PT1H'], [
      ['20060104T110000Z', '20060104T120000Z', true],
      ['20060104T110001Z', '20060104T120000Z', false],
      ['20060104T090000Z', '20060104T100000Z', false],
      ['20060104T090000Z', '20060104T100001Z', true],
    ]],
    ['DTSTART+DUE: ((start < DUE) OR (start <= DTSTART)) AND ((end > DTSTART) OR (end >= DUE))', ['DTSTART:20060104T100000Z', 'DUE:20060104T110000Z'], [
      ['20060104T105959Z', '20060104T120000Z', true],
      ['20060104T110000Z', '20060104T120000Z', false],
      ['20060104T090000Z', '20060104T100000Z', false],
    ]],
    ['DTSTART = DUE: both OR branches make the point closed at each end', ['DTSTART:20060104T100000Z', 'DUE:20060104T100000Z'], [
      ['20060104T100000Z', '20060104T110000Z', true],
      ['20060104T090000Z', '20060104T100000Z', true],
      ['20060104T100001Z', '20060104T110000Z', false],
    ]],
    ['DTSTART alone: (start <= DTSTART) AND (end > DTSTART)', ['DTSTART:20060104T100000Z'], [
      ['20060104T100000Z', '20060104T110000Z', true],
      ['20060104T090000Z', '20060104T100000Z', false],
    ]],
    ['DUE alone: (start < DUE) AND (end >= DUE)', ['DUE:20060104T110000Z'], [
      ['20060104T100000Z', '20060104T110000Z', true],
      ['20060104T110000Z', '20060104T120000Z', false],
      ['20060104T090000Z', '20060104T105959Z', false],
    ]],
    ['COMPLETED and CREATED: ((start <= CREATED) OR (start <= COMPLETED)) AND ((end >= CREATED) OR (end >= COMPLETED))', ['CREATED:20060104T080000Z', 'COMPLETED:20060104T120000Z'], [
      ['20060104T120000Z', '20060104T130000Z', true],
      ['20060104T120001Z', '20060104T130000Z', false],
      ['20060104T070000Z', '20060104T080000Z', true],
      ['20060104T060000Z', '20060104T070000Z', false],
    ]],
    ['COMPLETED alone: (start <= COMPLETED) AND (end >= COMPLETED)', ['COMPLETED:20060104T120000Z'], [
      ['20060104T110000Z', '20060104T120000Z', true],
      ['20060104T120000Z', '20060104T130000Z', true],
      ['20060104T120001Z', '20060104T130000Z', false],
    ]],
    ['CREATED alone: (end > CREATED)', ['CREATED:20060104T080000Z'], [
      ['20060104T070000Z', '20060104T080000Z', false],
      ['20060104T070000Z', '20060104T080001Z', true],
      ['20300101T000000Z', '', true],
    ]],
    ['none of them: TRUE', ['SUMMARY:Someday'], [
      ['19700101T000000Z', '19700101T000001Z', true],
      ['20300101T000000Z', '', true],
    ]],
  ]);
});

describe('RFC 4791 §9.9 VJOURNAL table', () => {
  table('VJOURNAL', [
    ['DATE-TIME DTSTART: (start <= DTSTART) AND (end > DTSTART)', ['DTSTART:20060104T100000Z'], [
      ['20060104T100000Z', '20060104T100001Z', true],
      ['20060104T090000Z', '20060104T100000Z', false],
    ]],
    ['DATE DTSTART: (start < DTSTART+P1D) AND (end > DTSTART)', ['DTSTART;VALUE=DATE:20060104'], [
      ['20060104T235959Z', '', true],
      ['20060105T000000Z', '', false],
    ]],
    ['no DTSTART: FALSE', ['SUMMARY:Undated notes'], [
      ['19700101T000000Z', '', false],
      ['', '20300101T000000Z', false],
    ]],
  ]);
});

describe('RFC 4791 §9.9 VFREEBUSY table', () => {
  const check = (lines: string[], cases: [string, string, boolean][]) => {
    const cal = calendarWith('VFREEBUSY', lines);
    const component = cal.getFirstSubcomponent('vfreebusy')!;
    for (const [start, end, expected] of cases) expect(freeBusyOverlaps(component, range(start, end), zoneContext(cal)), `[${start}, ${end})`).toBe(expected);
  };

  it('DTSTART and DTEND: (start <= DTEND) AND (end > DTSTART), FREEBUSY ignored', () => {
    check(['DTSTART:20060101T000000Z', 'DTEND:20060108T000000Z', 'FREEBUSY:20050531T230000Z/20050601T010000Z'], [
      ['20060108T000000Z', '20060109T000000Z', true],
      ['20060108T000001Z', '20060109T000000Z', false],
      ['20050531T000000Z', '20050602T000000Z', false],
    ]);
  });

  it('FREEBUSY only: (start < period end) AND (end > period start), each period', () => {
    check(['FREEBUSY:20060102T100000Z/20060102T120000Z,20060103T100000Z/PT2H'], [
      ['20060103T115959Z', '20060104T000000Z', true],
      ['20060102T120000Z', '20060103T100000Z', false],
    ]);
  });

  it('neither: FALSE', () => {
    check(['ORGANIZER:mailto:bernard@example.com'], [['19700101T000000Z', '', false]]);
  });
});

describe('RFC 4791 §9.9 VALARM: (start <= trigger) AND (end > trigger)', () => {
  const cal = loadFixture('daily-alarms-override.ics');
  const instances = expandInstances(cal, LIMITS);
  const [master, override] = cal.getAllSubcomponents('vevent') as [Component, Component];
  const [beforeStart, afterEnd] = master.getAllSubcomponents('valarm') as [Component, Component];
  const ownInstances = instances.filter((i) => i.component === master);
  const hits = (alarm: Component, start: string, end: string) => alarmOverlaps(alarm, ownInstances, range(start, end), zoneContext(cal));

  it('triggers relative to the start of each instance', () => {
    expect(hits(beforeStart, '20250601T084500Z', '20250601T084501Z')).toBe(true);
    expect(hits(beforeStart, '20250601T084400Z', '20250601T084500Z')).toBe(false);
    expect(hits(beforeStart, '20250605T084500Z', '20250605T084501Z')).toBe(true);
  });

  it('repeats REPEAT times every DURATION, and no more', () => {
    expect(hits(beforeStart, '20250601T085500Z', '20250601T085501Z')).toBe(true);
    expect(hits(beforeStart, '20250601T085001Z', '20250601T085500Z')).toBe(false);
    expect(hits(beforeStart, '20250601T085501Z', '20250601T090500Z')).toBe(false);
  });

  it('triggers relative to the end with RELATED=END', () => {
    expect(hits(afterEnd, '20250602T101000Z', '20250602T101001Z')).toBe(true);
    expect(hits(afterEnd, '20250602T084500Z', '20250602T084501Z')).toBe(false);
  });

  it('does not trigger on an instance whose override has no alarm (§9.9: expand the recurrence)', () => {
    expect(hits(beforeStart, '20250603T084500Z', '20250603T084501Z')).toBe(false);
    expect(override.getAllSubcomponents('valarm')).toHaveLength(0);
  });

  it('tests an absolute DATE-TIME trigger once', () => {
    const todoCal = loadFixture('todo-absolute-alarm.ics');
    const alarm = todoCal.getFirstSubcomponent('vtodo')!.getFirstSubcomponent('valarm')!;
    const todoInstances = expandInstances(todoCal, LIMITS);
    expect(alarmOverlaps(alarm, todoInstances, range('20250610T080000Z', '20250610T080001Z'), zoneContext(todoCal))).toBe(true);
    expect(alarmOverlaps(alarm, todoInstances, range('20250612T164500Z', '20250612T170000Z'), zoneContext(todoCal))).toBe(false);
  });

  it('relates a to-do alarm without DTSTART to DUE (RFC 4791 §7.8.5 example)', () => {
    const todoCal = loadFixture('rfc4791-abcd5.ics');
    const alarm = todoCal.getFirstSubcomponent('vtodo')!.getFirstSubcomponent('valarm')!;
    const todoInstances = expandInstances(todoCal, LIMITS);
    expect(alarmOverlaps(alarm, todoInstances, range('20060105T235000Z', '20060105T235001Z'), zoneContext(todoCal))).toBe(true);
  });
});

describe('RFC 4791 §9.9 properties: (start <= date-time) AND (end > date-time)', () => {
  const cal = calendarWith('VEVENT', [
    'DTSTART:20060104T100000Z',
    'LAST-MODIFIED:20060206T001330Z',
    'RDATE;VALUE=DATE:20060110',
    'RDATE;VALUE=PERIOD:20060111T100000Z/PT2H',
  ]);
  const event = cal.getFirstSubcomponent('vevent')!;
  const ctx = zoneContext(cal);
  const [byDate, byPeriod] = event.getAllProperties('rdate');

  it('DATE-TIME values are instants', () => {
    const lastModified = event.getFirstProperty('last-modified')!;
    expect(propertyOverlaps(lastModified, range('20060206T001330Z', '20060206T001331Z'), ctx)).toBe(true);
    expect(propertyOverlaps(lastModified, range('20060206T000000Z', '20060206T001330Z'), ctx)).toBe(false);
    expect(propertyOverlaps(lastModified, range('', '20060206T001331Z'), ctx)).toBe(true);
  });

  it('DATE values cover their day, PERIOD values their period', () => {
    expect(propertyOverlaps(byDate!, range('20060110T230000Z', '20060111T000000Z'), ctx)).toBe(true);
    expect(propertyOverlaps(byDate!, range('20060111T000000Z', '20060112T000000Z'), ctx)).toBe(false);
    expect(propertyOverlaps(byPeriod!, range('20060111T115959Z', '20060112T000000Z'), ctx)).toBe(true);
    expect(propertyOverlaps(byPeriod!, range('20060111T120000Z', '20060112T000000Z'), ctx)).toBe(false);
  });
});
