// Local-time arithmetic at the edges, through calendar-query time ranges (RFC 4791 §9.9 with
// RFC 5545 §3.3.5): DST gaps and overlaps, a 30-minute DST shift, abolished DST, Ramadan time.
// Expected instants were checked against Node's Intl and IANA tzdata.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus } from '../../helpers/multistatus.ts';

const CAL = '/dav/calendars/user/alice/Default/';
let t: TestApp;

const zonedEvent = (uid: string, tzid: string, start: string, extra: string[] = ['DURATION:PT30M']) =>
  ics(['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20250101T000000Z', `DTSTART;TZID=${tzid}:${start}`, ...extra, 'END:VEVENT']);

async function matching(start: string, end: string): Promise<string[]> {
  const body =
    '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>' +
    `<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="${start}" end="${end}"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
  const response = await t.request('REPORT', CAL, { body, headers: { Depth: '1' }, expect: 207 });
  return [...parseMultistatus(await response.text()).keys()].map((href) => href.slice(CAL.length, -4)).sort();
}

beforeAll(async () => {
  t = await makeTestApp();
  const put = (name: string, body: string) => t.request('PUT', `${CAL}${name}.ics`, { body, headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
  // Known zones are referenced by TZID alone: the server resolves them from its own catalogue.
  await put('ny-gap', zonedEvent('ny-gap', 'America/New_York', '20250309T023000'));
  await put('ny-overlap', zonedEvent('ny-overlap', 'America/New_York', '20251102T013000', ['DURATION:PT10M']));
  await put('lord-howe', zonedEvent('lord-howe', 'Australia/Lord_Howe', '20260329T090000', ['DURATION:PT30M', 'RRULE:FREQ=WEEKLY;COUNT=3']));
  await put('sao-paulo', zonedEvent('sao-paulo', 'America/Sao_Paulo', '20260115T090000'));
  await put('casablanca-ramadan', zonedEvent('casablanca-ramadan', 'Africa/Casablanca', '20260301T120000'));
  await put('casablanca-after', zonedEvent('casablanca-after', 'Africa/Casablanca', '20260401T120000'));
  await put('kolkata', zonedEvent('kolkata', 'Asia/Kolkata', '20260601T090000'));
});
afterAll(() => t.close());

describe('RFC 5545 §3.3.5 local times in calendar-query', () => {
  it('a time in the spring-forward gap takes the offset before the gap: NY 02:30 → 07:30Z', async () => {
    expect(await matching('20250309T072900Z', '20250309T073100Z')).toEqual(['ny-gap']);
    expect(await matching('20250309T062000Z', '20250309T065000Z')).toEqual([]);
  });

  it('an ambiguous fall-back time is its first occurrence: NY 01:30 → 05:30Z', async () => {
    expect(await matching('20251102T052500Z', '20251102T053500Z')).toEqual(['ny-overlap']);
    expect(await matching('20251102T062500Z', '20251102T063500Z')).toEqual([]);
  });

  it('Lord Howe shifts by 30 minutes: 09:00 is 22:00Z in DST, 22:30Z the week after', async () => {
    expect(await matching('20260328T215500Z', '20260328T220500Z')).toEqual(['lord-howe']);
    expect(await matching('20260404T215500Z', '20260404T222500Z')).toEqual([]);
    expect(await matching('20260404T222500Z', '20260404T223500Z')).toEqual(['lord-howe']);
  });

  it('Sao Paulo has no DST since 2019: January 09:00 is 12:00Z', async () => {
    expect(await matching('20260115T115500Z', '20260115T120500Z')).toEqual(['sao-paulo']);
    expect(await matching('20260115T105500Z', '20260115T110500Z')).toEqual([]);
  });

  it('Casablanca is +00 during Ramadan and +01 outside it', async () => {
    expect(await matching('20260301T115500Z', '20260301T120500Z')).toEqual(['casablanca-ramadan']);
    expect(await matching('20260401T105500Z', '20260401T110500Z')).toEqual(['casablanca-after']);
    expect(await matching('20260401T115500Z', '20260401T120500Z')).toEqual([]);
  });

  it('Kolkata is +05:30 all year', async () => {
    expect(await matching('20260601T032500Z', '20260601T033500Z')).toEqual(['kolkata']);
  });
});
