// Query planning: what the component type and the time-range index decide for a CALDAV:filter, and
// that this never disagrees with full RFC 4791 §9.7 matching (the index checked on a real database).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarFilter } from '../../../../src/caldav/filter/ast.ts';
import { matchCalendarObject } from '../../../../src/caldav/filter/match.ts';
import { decideFromIndex, planFilter, type FilterPlan } from '../../../../src/caldav/filter/plan.ts';
import { recurrenceLimits } from '../../../../src/caldav/limits.ts';
import { computeIndex } from '../../../../src/caldav/object-index.ts';
import type { Component } from '../../../../src/ical/parse.ts';
import { makeTestApp, type TestApp } from '../../../helpers/app.ts';
import { calendarWith, loadFixture, utc } from '../../ical/fixtures.ts';
import { eventFilter, filter } from './filter-xml.ts';

const inRange = (start: string, end: string) => eventFilter(`<C:time-range start="${start}" end="${end}"/>`);

describe('planFilter', () => {
  it('decides a bare component filter (§7.8.8) from the type alone', () => {
    expect(planFilter(eventFilter(''))).toEqual({ componentType: 'VEVENT', needsPostFilter: false, timeRangeOnly: false });
    expect(planFilter(filter('<C:comp-filter name="VCALENDAR"/>'))).toEqual({ needsPostFilter: false, timeRangeOnly: false });
  });

  it('hands a component time-range (§7.8.1) to the time-range index', () => {
    expect(planFilter(inRange('20060104T000000Z', '20060105T000000Z'))).toEqual({
      componentType: 'VEVENT',
      timeRange: { startUtcMs: utc('20060104T000000Z'), endUtcMs: utc('20060105T000000Z') },
      needsPostFilter: true,
      timeRangeOnly: true,
    });
  });

  it('needs the post-filter for property conditions (§7.8.7) but keeps the type and range', () => {
    const plan = planFilter(eventFilter('<C:time-range start="20060104T000000Z"/><C:prop-filter name="ATTENDEE"><C:text-match>lisa</C:text-match></C:prop-filter>'));
    expect([plan.componentType, plan.needsPostFilter, plan.timeRangeOnly, plan.timeRange]).toEqual(['VEVENT', true, false, { startUtcMs: utc('20060104T000000Z') }]);
  });

  it('does not restrict the type under test="anyof" or for VTIMEZONE', () => {
    const either = filter('<C:comp-filter name="VCALENDAR" test="anyof"><C:comp-filter name="VEVENT"/><C:comp-filter name="VTODO"/></C:comp-filter>');
    const zones = filter('<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTIMEZONE"/></C:comp-filter>');
    expect(planFilter(either)).toEqual({ needsPostFilter: true, timeRangeOnly: false });
    expect(planFilter(zones)).toEqual({ needsPostFilter: true, timeRangeOnly: false });
  });
});

describe('decideFromIndex', () => {
  const week = planFilter(inRange('20060104T000000Z', '20060111T000000Z'));

  it('accepts a candidate whose time range the index settled', () => {
    expect(decideFromIndex(week, { componentType: 'VEVENT', rangeSettled: true })).toBe(true);
  });

  it('rules out other component types and leaves unsettled candidates to the post-filter', () => {
    expect(decideFromIndex(week, { componentType: 'VTODO', rangeSettled: true })).toBe(false);
    expect(decideFromIndex(week, { componentType: 'VEVENT', rangeSettled: false })).toBeUndefined();
  });

  it('parses settled candidates too when the filter has more conditions', () => {
    const more = planFilter(eventFilter('<C:time-range start="20060104T000000Z"/><C:prop-filter name="SUMMARY"/>'));
    expect(decideFromIndex(more, { componentType: 'VEVENT', rangeSettled: true })).toBeUndefined();
    expect(decideFromIndex(planFilter(eventFilter('')), { componentType: 'VEVENT', rangeSettled: false })).toBe(true);
  });
});

describe('the time-range index never contradicts RFC 4791 §9.9 matching', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await makeTestApp({}, []);
  });
  afterAll(() => app.close());

  const series = (lines: string[]) => calendarWith('VEVENT', ['DTSTART;TZID=America/New_York:20060102T090000', 'DURATION:PT1H', ...lines]);
  const objects: [string, Component][] = [
    ...['rfc4791-abcd1.ics', 'rfc4791-abcd2.ics', 'rfc4791-abcd3.ics', 'rfc4791-abcd4.ics', 'rfc4791-abcd6.ics', 'rfc4791-abcd8.ics',
      'ny-weekly-exdate-override.ics', 'floating-daily-exdate.ics', 'all-day-rdate.ics', 'ny-daily-thisandfuture.ics',
      'london-daily-unbounded-since-2000.ics', 'journal-weekly-date.ics', 'london-weekly-todo.ics', 'kolkata-monthly-31st.ics',
      'lord-howe-daily-exdate.ics', 'ny-daily-spring-gap.ics', 'ny-daily-autumn-overlap.ics', 'rdate-period-exdate.ics', 'london-sunday-rdate-override.ics'].map((f) => [f, loadFixture(f)] as [string, Component]),
    ['point event', calendarWith('VEVENT', ['DTSTART:20060104T100000Z'])],
    ['point journal', calendarWith('VJOURNAL', ['DTSTART:20060104T100000Z'])],
    ['undated journal', calendarWith('VJOURNAL', ['SUMMARY:Notes'])],
    ['due-only to-do', calendarWith('VTODO', ['DUE:20060104T100000Z'])],
    ['created-only to-do', calendarWith('VTODO', ['CREATED:20060104T100000Z'])],
    ['every instance excluded', series(['RRULE:FREQ=DAILY;COUNT=2', 'EXDATE;TZID=America/New_York:20060102T090000,20060103T090000'])],
    ['weekly series of a year', series(['RRULE:FREQ=WEEKLY;COUNT=52;BYDAY=MO,WE'])],
    ['long event', calendarWith('VEVENT', ['DTSTART:20050601T000000Z', 'DTEND:20310601T080000Z'])],
    ['unbounded yearly series', series(['RRULE:FREQ=YEARLY;BYMONTH=1,6', 'EXDATE;TZID=America/New_York:20250602T090000'])],
    ['unbounded monthly series', series(['RRULE:FREQ=MONTHLY;BYDAY=1MO,-1FR'])],
    ['unbounded weekly series with an override', calendarWith('VEVENT', ['DTSTART;TZID=America/New_York:20060102T090000', 'DURATION:PT1H', 'RRULE:FREQ=WEEKLY;BYDAY=MO,TH', 'EXDATE;TZID=America/New_York:20250310T090000'], [])],
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

  // Long unbounded series list their instances from half a year before the write to two years
  // after it: the 2025 boundaries fall inside that window, the 2006 and 2031 ones outside.
  const WRITTEN_AT = utc('20250601T000000Z');

  it('finds every match among the candidates and agrees wherever it decides', async () => {
    const owner = 'index-check';
    const home = `/dav/calendars/user/${owner}/`;
    await app.store.collections.ensure([{ path: home, parentPath: '/dav/calendars/user/', owner, kind: 'calendar-home', acl: '' }], 0);
    const calendar = await app.store.collections.create({ path: `${home}all/`, parentPath: home, owner, kind: 'calendar', acl: '' }, 0);
    const limits = recurrenceLimits(app.config);
    for (const [i, [, cal]] of objects.entries()) {
      const data = cal.toString();
      const components = cal.getAllSubcomponents().filter((c) => c.name !== 'vtimezone');
      const index = { ...computeIndex(cal, components, app.config, WRITTEN_AT), uid: `object-${i}` };
      await app.store.resources.put(calendar, `${i}.ics`, { contentType: 'text/calendar', data, etag: `"${i}"`, size: data.length, index }, { absent: true }, 0);
    }
    let decided = 0;
    for (const query of filters) {
      const plan = planFilter(query);
      const candidates = await app.store.resources.candidatesInRange(calendar.id, { componentType: plan.componentType, ...plan.timeRange });
      for (const [i, [name, cal]] of objects.entries()) {
        const matched = matchCalendarObject(query, cal, limits);
        const candidate = candidates.find((c) => c.name === `${i}.ics`);
        if (matched) expect(candidate, `${name} lost by the index`).toBeDefined();
        const decision = candidate && decideFromIndex(plan, candidate);
        if (decision !== undefined) {
          decided++;
          expect(decision, `${name} decided wrongly`).toBe(matched);
        }
      }
    }
    expect(decided).toBeGreaterThan(filters.length);
  });
});
