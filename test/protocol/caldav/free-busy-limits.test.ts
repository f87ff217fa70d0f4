// Free-busy under the request's recurrence budget (caldav_max_report_instances) and max-instances:
// many stored series cannot add up to an unbounded lookup, and busy time that was not computed is
// reported as BUSY-UNAVAILABLE rather than as free time.
import { afterEach, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseICalendar } from '../../../src/ical/parse.ts';

const CAL = '/dav/calendars/user/alice/Default/';
const ICS = { 'Content-Type': 'text/calendar' };
// Far beyond the window of instances the index lists around the time of writing, so that every
// series is expanded by the lookup itself.
const QUERY = '<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="20320301T000000Z" end="20320401T000000Z"/></C:free-busy-query>';

let t: TestApp;
afterEach(() => t.close());

const daily = (uid: string, hour: number) =>
  ics(['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', `DTSTART:20260101T${String(hour).padStart(2, '0')}0000Z`, 'DURATION:PT30M', 'RRULE:FREQ=DAILY', 'END:VEVENT']);

async function freeBusy(path = CAL): Promise<string[]> {
  const response = await t.request('REPORT', path, { body: QUERY, headers: { Depth: '1' }, expect: 200 });
  const vfreebusy = parseICalendar(await response.text()).getFirstSubcomponent('vfreebusy')!;
  return vfreebusy.getAllProperties('freebusy').map((p) => `${p.getParameter('fbtype') ?? 'BUSY'} ${p.getFirstValue().toICALString()}`);
}

describe('free-busy recurrence limits', () => {
  it('within the budget, every series adds its instances', async () => {
    t = await makeTestApp();
    for (let i = 0; i < 5; i++) await t.request('PUT', `${CAL}d${i}.ics`, { body: daily(`d${i}`, 8 + i), headers: ICS, expect: 201 });
    const periods = await freeBusy();
    expect(periods.some((p) => p.startsWith('BUSY-UNAVAILABLE'))).toBe(false);
    expect(periods.filter((p) => p.startsWith('BUSY ')).length).toBe(5 * 31);
  });

  it('past the budget, the lookup stops and the range is reported unavailable, not free', async () => {
    t = await makeTestApp({ caldav_max_report_instances: '60' });
    for (let i = 0; i < 5; i++) await t.request('PUT', `${CAL}d${i}.ics`, { body: daily(`d${i}`, 8 + i), headers: ICS, expect: 201 });
    const periods = await freeBusy();
    expect(periods).toContain('BUSY-UNAVAILABLE 20320301T000000Z/20320401T000000Z');
    expect(periods.filter((p) => p.startsWith('BUSY ')).length).toBeLessThan(5 * 31);
  });

  it('a series cut short by max-instances makes the range unavailable too', async () => {
    t = await makeTestApp({ caldav_max_instances: '100' });
    await t.request('PUT', `${CAL}hourly.ics`, {
      body: ics(['BEGIN:VEVENT', 'UID:hourly', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260101T000000Z', 'DURATION:PT10M', 'RRULE:FREQ=HOURLY', 'END:VEVENT']),
      headers: ICS,
      expect: 201,
    });
    expect(await freeBusy()).toContain('BUSY-UNAVAILABLE 20320301T000000Z/20320401T000000Z');
  });
});
