// Query planning: what the indexed columns (component type, first start, last end) decide for a
// CALDAV:filter, and that this never disagrees with full RFC 4791 §9.7 matching.
import { describe, expect, it } from 'vitest';
import type { CalendarFilter } from '../../../../src/caldav/filter/ast.ts';
import { matchCalendarObject } from '../../../../src/caldav/filter/match.ts';
import { decideFromIndex, planFilter, type FilterPlan } from '../../../../src/caldav/filter/plan.ts';
import { computeOccurrenceBounds } from '../../../../src/ical/occurrence-bounds.ts';
import type { Component } from '../../../../src/ical/parse.ts';
import { calendarWith, HORIZON_UTC_MS, loadFixture, utc } from '../../ical/fixtures.ts';
import { eventFilter, filter } from './filter-xml.ts';

const OPTIONS = { horizonUtcMs: HORIZON_UTC_MS, maxInstances: 1000 };
const inRange = (start: string, end: string) => eventFilter(`<C:time-range start="${start}" end="${end}"/>`);

describe('planFilter', () => {
  it('decides a bare component filter (§7.8.8) from the type alone', () => {
    expect(planFilter(eventFilter(''))).toEqual({ componentType: 'VEVENT', needsPostFilter: false, timeRangeOnly: false });
    expect(planFilter(filter('<C:comp-filter name="VCALENDAR"/>'))).toEqual({ needsPostFilter: false, timeRangeOnly: false });
  });

  it('turns a component time-range (§7.8.1) into a candidate window 1 ms wider on each side', () => {
    expect(planFilter(inRange('20060104T000000Z', '20060105T000000Z'))).toEqual({
      componentType: 'VEVENT',
      rangeStartUtcMs: utc('20060104T000000Z') - 1,
      rangeEndUtcMs: utc('20060105T000000Z') + 1,
      timeRange: { startUtcMs: utc('20060104T000000Z'), endUtcMs: utc('20060105T000000Z') },
      needsPostFilter: true,
      timeRangeOnly: true,
    });
  });

  it('needs the post-filter for property conditions (§7.8.7) but keeps the type', () => {
    const plan = planFilter(eventFilter('<C:prop-filter name="ATTENDEE"><C:text-match>lisa</C:text-match></C:prop-filter>'));
    expect([plan.componentType, plan.needsPostFilter]).toEqual(['VEVENT', true]);
  });

  it('does not restrict the type under test="anyof" or for VTIMEZONE', () => {
    const either = filter('<C:comp-filter name="VCALENDAR" test="anyof"><C:comp-filter name="VEVENT"/><C:comp-filter name="VTODO"/></C:comp-filter>');
    const zones = filter('<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTIMEZONE"/></C:comp-filter>');
    expect(planFilter(either)).toEqual({ needsPostFilter: true, timeRangeOnly: false });
    expect(planFilter(zones)).toEqual({ needsPostFilter: true, timeRangeOnly: false });
  });
});

describe('decideFromIndex', () => {
  const decide = (plan: FilterPlan, fixture: string) => decideFromIndex(plan, computeOccurrenceBounds(loadFixture(fixture), OPTIONS));
  const fourth = planFilter(inRange('20060104T000000Z', '20060105T000000Z'));

  it('decides a simple event exactly, in and out of the range', () => {
    expect(decide(fourth, 'rfc4791-abcd3.ics')).toBe(true);
    expect(decide(fourth, 'rfc4791-abcd1.ics')).toBe(false);
  });

  it('rules out other component types', () => {
    expect(decide(fourth, 'rfc4791-abcd4.ics')).toBe(false);
  });

  it('leaves recurring, floating and to-do objects to the post-filter', () => {
    expect(decide(fourth, 'rfc4791-abcd2.ics')).toBeUndefined();
    expect(decide(planFilter(inRange('20250310T000000Z', '20250311T000000Z')), 'floating-daily-exdate.ics')).toBeUndefined();
    const todoRange = planFilter(filter('<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO"><C:time-range start="20060103T000000Z"/></C:comp-filter></C:comp-filter>'));
    expect(decide(todoRange, 'rfc4791-abcd4.ics')).toBeUndefined();
  });
});

describe('the index never contradicts RFC 4791 §9.9 matching', () => {
  const objects: [string, Component][] = [
    ...['rfc4791-abcd1.ics', 'rfc4791-abcd2.ics', 'rfc4791-abcd3.ics', 'rfc4791-abcd4.ics', 'rfc4791-abcd6.ics', 'rfc4791-abcd8.ics',
      'ny-weekly-exdate-override.ics', 'floating-daily-exdate.ics', 'all-day-rdate.ics', 'ny-daily-thisandfuture.ics',
      'london-daily-unbounded-since-2000.ics', 'journal-weekly-date.ics', 'london-weekly-todo.ics'].map((f) => [f, loadFixture(f)] as [string, Component]),
    ['point event', calendarWith('VEVENT', ['DTSTART:20060104T100000Z'])],
    ['point journal', calendarWith('VJOURNAL', ['DTSTART:20060104T100000Z'])],
    ['due-only to-do', calendarWith('VTODO', ['DUE:20060104T100000Z'])],
    ['created-only to-do', calendarWith('VTODO', ['CREATED:20060104T100000Z'])],
  ];
  const boundaries = ['20060102T150000Z', '20060104T000000Z', '20060104T100000Z', '20060104T160000Z', '20250310T090000Z', '20250607T150000Z', '20310601T080000Z'];
  const filters: CalendarFilter[] = [];
  for (const type of ['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY']) {
    for (const start of boundaries) {
      for (const end of boundaries) {
        if (end <= start) continue;
        filters.push(filter(`<C:comp-filter name="VCALENDAR"><C:comp-filter name="${type}"><C:time-range start="${start}" end="${end}"/></C:comp-filter></C:comp-filter>`));
      }
      filters.push(filter(`<C:comp-filter name="VCALENDAR"><C:comp-filter name="${type}"><C:time-range start="${start}"/></C:comp-filter></C:comp-filter>`));
      filters.push(filter(`<C:comp-filter name="VCALENDAR"><C:comp-filter name="${type}"><C:time-range end="${start}"/></C:comp-filter></C:comp-filter>`));
    }
  }

  it('keeps every match in the strict SQL window and agrees wherever it decides', () => {
    let decided = 0;
    for (const [name, cal] of objects) {
      const bounds = computeOccurrenceBounds(cal, OPTIONS);
      for (const query of filters) {
        const plan = planFilter(query);
        const matched = matchCalendarObject(query, cal, OPTIONS);
        const inWindow =
          (plan.componentType === undefined || plan.componentType === bounds.componentType) &&
          (plan.rangeEndUtcMs === undefined || bounds.firstStartUtcMs === null || bounds.firstStartUtcMs < plan.rangeEndUtcMs) &&
          (plan.rangeStartUtcMs === undefined || bounds.lastEndUtcMs === null || bounds.lastEndUtcMs > plan.rangeStartUtcMs);
        if (matched) expect(inWindow, `${name} lost by the SQL window`).toBe(true);
        const decision = decideFromIndex(plan, bounds);
        if (decision !== undefined) {
          decided++;
          expect(decision, `${name} decided wrongly`).toBe(matched);
        }
      }
    }
    expect(decided).toBeGreaterThan(filters.length);
  });
});
