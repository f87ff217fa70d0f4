// RFC 4791 §9.9, the VTODO table: every row through calendar-query, with a range before, one
// overlapping and one after each to-do, asked the ways clients ask (a bare time-range, with
// CALDAV:expand as the caldav Python library's date_search does, and with its prop-filters for
// pending to-dos).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus } from '../../helpers/multistatus.ts';

const CAL = '/dav/calendars/user/alice/Tasks/';

/** One to-do per row of the table, each around 2026-03-10 12:00Z. */
const ROWS: Record<string, string[]> = {
  'start-duration': ['DTSTART:20260310T120000Z', 'DURATION:PT2H'],
  'start-due': ['DTSTART:20260310T120000Z', 'DUE:20260310T140000Z'],
  'start-only': ['DTSTART:20260310T120000Z'],
  'due-only': ['DUE:20260310T120000Z'],
  'completed-created': ['CREATED:20260308T120000Z', 'COMPLETED:20260310T120000Z'],
  'completed-only': ['COMPLETED:20260310T120000Z'],
  'created-only': ['CREATED:20260310T120000Z'],
  'undated': [],
};

/** [start, end]; null leaves the attribute out (an open-ended range, RFC 4791 §9.9). */
const RANGES: Record<'before' | 'overlapping' | 'after' | 'open-before' | 'open-after', readonly [string | null, string | null]> = {
  before: ['20260301T000000Z', '20260305T000000Z'],
  overlapping: ['20260310T000000Z', '20260311T000000Z'],
  after: ['20260315T000000Z', '20260320T000000Z'],
  'open-before': [null, '20260305T000000Z'],
  'open-after': ['20260315T000000Z', null],
};

/** The table's answer for each row and range. */
const DATED = { before: false, overlapping: true, after: false, 'open-before': false, 'open-after': false };
const EXPECTED: Record<string, Record<keyof typeof RANGES, boolean>> = {
  'start-duration': DATED,
  'start-due': DATED,
  'start-only': DATED,
  'due-only': DATED,
  'completed-created': DATED,
  'completed-only': DATED,
  // (end > CREATED): every range ending after the creation finds it.
  'created-only': { before: false, overlapping: true, after: true, 'open-before': false, 'open-after': true },
  'undated': { before: true, overlapping: true, after: true, 'open-before': true, 'open-after': true },
};

let t: TestApp;

beforeAll(async () => {
  t = await makeTestApp();
  const mkcalendar = `<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><C:supported-calendar-component-set><C:comp name="VTODO"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>`;
  await t.request('MKCALENDAR', CAL, { body: mkcalendar, expect: 201 });
  for (const [uid, lines] of Object.entries(ROWS)) {
    const body = ics(['BEGIN:VTODO', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', ...lines, `SUMMARY:${uid}`, 'END:VTODO']);
    await t.request('PUT', `${CAL}${uid}.ics`, { body, headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
  }
});
afterAll(() => t.close());

async function query(start: string | null, end: string | null, options: { expand?: boolean; pending?: boolean } = {}): Promise<string[]> {
  const data = options.expand && start && end ? `<C:calendar-data><C:expand start="${start}" end="${end}"/></C:calendar-data>` : '';
  const range = `${start ? ` start="${start}"` : ''}${end ? ` end="${end}"` : ''}`;
  const pending = options.pending ? '<C:prop-filter name="COMPLETED"><C:is-not-defined/></C:prop-filter>' : '';
  const body = `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/>${data}</D:prop>`
    + `<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO">${pending}<C:time-range${range}/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
  const response = await t.request('REPORT', CAL, { body, headers: { Depth: '1' }, expect: 207 });
  return [...parseMultistatus(await response.text()).keys()].map((href) => href.slice(CAL.length).replace(/\.ics$/, '')).sort();
}

const expectedFor = (range: keyof typeof RANGES, keep: (uid: string) => boolean = () => true) =>
  Object.keys(ROWS).filter((uid) => EXPECTED[uid]![range] && keep(uid)).sort();

describe('RFC 4791 §9.9 VTODO time-range, row by row', () => {
  for (const range of Object.keys(RANGES) as (keyof typeof RANGES)[]) {
    it(`finds exactly the to-dos the table puts in the ${range} range`, async () => {
      const [start, end] = RANGES[range];
      expect(await query(start, end)).toEqual(expectedFor(range));
    });

    it(`finds the same with CALDAV:expand in the ${range} range`, async () => {
      const [start, end] = RANGES[range];
      expect(await query(start, end, { expand: true })).toEqual(expectedFor(range));
    });

    it(`finds the pending ones with COMPLETED is-not-defined in the ${range} range`, async () => {
      const [start, end] = RANGES[range];
      expect(await query(start, end, { pending: true })).toEqual(expectedFor(range, (uid) => !ROWS[uid]!.some((l) => l.startsWith('COMPLETED'))));
    });
  }

  it('keeps the boundaries of the DUE-only row: start < DUE and end >= DUE', async () => {
    expect(await query('20260310T100000Z', '20260310T120000Z')).toContain('due-only');
    expect(await query('20260310T120000Z', '20260310T130000Z')).not.toContain('due-only');
  });

  it('keeps the boundaries of the DTSTART-only row: start <= DTSTART and end > DTSTART', async () => {
    expect(await query('20260310T120000Z', '20260310T130000Z')).toContain('start-only');
    expect(await query('20260310T100000Z', '20260310T120000Z')).not.toContain('start-only');
  });

  it('finds COMPLETED+CREATED between its two stamps', async () => {
    expect(await query('20260309T000000Z', '20260309T060000Z')).toContain('completed-created');
  });
});
