// Free-busy from the time-range index: event instances the index knows exactly come as stored busy
// periods, the rest is parsed. The result must be what parsing every object gives (RFC 4791 §7.10).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recurrenceLimits } from '../../../src/caldav/limits.ts';
import { computeIndex } from '../../../src/caldav/object-index.ts';
import { computeFreeBusy } from '../../../src/freebusy/compute.ts';
import { loadFreeBusySources } from '../../../src/freebusy/sources.ts';
import type { Component } from '../../../src/ical/parse.ts';
import { makeTestApp, type TestApp } from '../../helpers/app.ts';
import { calendarWith, loadFixture, utc } from '../ical/fixtures.ts';

describe('free-busy from the time-range index', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await makeTestApp({}, []);
  });
  afterAll(() => app.close());

  const zoned = (lines: string[]) => ['DTSTART;TZID=America/New_York:20060102T090000', 'DURATION:PT2H', ...lines];
  const objects: Component[] = [
    ...['rfc4791-abcd1.ics', 'rfc4791-abcd2.ics', 'rfc4791-abcd3.ics', 'rfc4791-abcd8.ics', 'ny-weekly-exdate-override.ics',
      'floating-daily-exdate.ics', 'all-day-rdate.ics', 'ny-daily-thisandfuture.ics', 'london-daily-unbounded-since-2000.ics',
      'rdate-period-exdate.ics'].map(loadFixture),
    calendarWith('VEVENT', zoned(['RRULE:FREQ=DAILY;COUNT=10', 'STATUS:TENTATIVE'])),
    calendarWith('VEVENT', zoned(['RRULE:FREQ=DAILY;COUNT=10', 'TRANSP:TRANSPARENT'])),
    calendarWith('VEVENT', ['DTSTART:20060103T120000Z', 'DTEND:20060103T150000Z', 'STATUS:CANCELLED']),
    calendarWith('VEVENT', ['DTSTART:20060104T120000Z', 'DTEND:20060104T130000Z', 'STATUS:TENTATIVE']),
    calendarWith('VEVENT', ['DTSTART:20060101T000000Z', 'DTEND:20060301T000000Z']),
    calendarWith('VEVENT', zoned(['RRULE:FREQ=MONTHLY;BYMONTHDAY=3,4', 'STATUS:TENTATIVE'])),
    calendarWith('VEVENT', zoned(['RRULE:FREQ=WEEKLY;BYDAY=TU,FR', 'EXDATE;TZID=America/New_York:20250401T090000'])),
  ];
  const ranges = [
    ['20060101T000000Z', '20060108T000000Z'],
    ['20060103T130000Z', '20060104T123000Z'],
    ['20060102T000000Z', '20060201T000000Z'],
    ['20250301T000000Z', '20250701T000000Z'],
  ];

  it('gives exactly the busy time that parsing every object gives', async () => {
    const owner = 'busy-check';
    const home = `/dav/calendars/user/${owner}/`;
    await app.store.collections.ensure([{ path: home, parentPath: '/dav/calendars/user/', owner, kind: 'calendar-home', acl: '' }], 0);
    const calendar = await app.store.collections.create({ path: `${home}busy/`, parentPath: home, owner, kind: 'calendar', acl: '' }, 0);
    for (const [i, cal] of objects.entries()) {
      const data = cal.toString();
      const components = cal.getAllSubcomponents().filter((c) => c.name !== 'vtimezone');
      // Written in mid-2025: long unbounded series list their instances from December 2024 to 2027.
      const index = { ...computeIndex(cal, components, app.config, utc('20250601T000000Z')), uid: `object-${i}` };
      await app.store.resources.put(calendar, `${i}.ics`, { contentType: 'text/calendar', data, etag: `"${i}"`, size: data.length, index }, { absent: true }, 0);
    }
    const limits = recurrenceLimits(app.config);
    let fromIndex = 0;
    for (const [start, end] of ranges) {
      const range = { startUtcMs: utc(start!), endUtcMs: utc(end!) };
      const sources = await loadFreeBusySources(app.store, [calendar], range, { skipTransparent: false });
      fromIndex += sources[0]!.periods?.length ?? 0;
      const parsedAll = computeFreeBusy([{ objects: objects.map((o) => o.toString()) }], range, limits);
      expect(computeFreeBusy(sources, range, limits), `${start}/${end}`).toEqual(parsedAll);
      expect(parsedAll.length, `${start}/${end}`).toBeGreaterThan(0);
    }
    expect(fromIndex).toBeGreaterThan(10);
  });
});
