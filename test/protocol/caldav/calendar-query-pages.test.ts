// A calendar-query answer is streamed a page of responses at a time, and an ETag-only query reads
// a narrow row per candidate: across page boundaries every matching object is answered once, in
// name order, with its own ETag and (when asked) its own data, and none that does not match.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus, propText } from '../../helpers/multistatus.ts';
import { caldav, dav } from '../../../src/dav/xml/names.ts';

const CAL = '/dav/calendars/user/alice/Default/';
/** More than two pages of responses (100 each) in March, and a few objects outside it. */
const IN_MARCH = 230;
const name = (i: number) => `e${String(i).padStart(3, '0')}.ics`;

let t: TestApp;
const etags = new Map<string, string>();

beforeAll(async () => {
  t = await makeTestApp();
  for (let i = 0; i < IN_MARCH + 5; i++) {
    const day = i < IN_MARCH ? `202603${String(1 + (i % 28)).padStart(2, '0')}` : '20260510';
    const response = await t.request('PUT', `${CAL}${name(i)}`, {
      body: event(`page-${i}`, `${day}T100000Z`, `${day}T110000Z`),
      headers: { 'Content-Type': 'text/calendar' },
      expect: 201,
    });
    etags.set(`${CAL}${name(i)}`, response.headers.get('etag')!);
  }
});
afterAll(() => t.close());

async function marchQuery(prop: string): Promise<string> {
  const body =
    `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>${prop}</D:prop><C:filter><C:comp-filter name="VCALENDAR">` +
    '<C:comp-filter name="VEVENT"><C:time-range start="20260301T000000Z" end="20260401T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>';
  return (await t.request('REPORT', CAL, { body, headers: { Depth: '1' }, expect: 207 })).text();
}

describe('calendar-query over several pages of responses', () => {
  const expectedHrefs = Array.from({ length: IN_MARCH }, (_, i) => `${CAL}${name(i)}`);

  it('answers every match once, in name order, with its own ETag', async () => {
    const xml = await marchQuery('<D:getetag/>');
    expect([...xml.matchAll(/<D:href>([^<]*)<\/D:href>/g)].map((m) => m[1])).toEqual(expectedHrefs);
    for (const [href, response] of parseMultistatus(xml)) expect(propText(response, dav('getetag'))).toBe(etags.get(href));
  });

  it('carries each object its own data', async () => {
    const responses = parseMultistatus(await marchQuery('<D:getetag/><C:calendar-data/>'));
    expect([...responses.keys()]).toEqual(expectedHrefs);
    for (const [href, response] of responses) {
      const i = Number(/e(\d+)\.ics$/.exec(href)![1]);
      expect(propText(response, caldav('calendar-data'))).toContain(`UID:page-${i}\r\n`);
    }
  });
});
