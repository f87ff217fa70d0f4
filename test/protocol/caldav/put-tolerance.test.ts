// What real clients send that breaks RFC 5545 but has one clear meaning is stored: a DTEND or DUE
// in the wrong value type (§3.8.2.2, §3.8.2.3) is rewritten in DTSTART's type, an end before the
// start is kept as sent and read as ending at DTSTART (CalendarServer stores both; Cyrus stores the
// to-dos). Every other line stays as the client wrote it. caldav_strict_rfc5545 refuses them all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { childElements, findChild, parseMultistatus, parseXml, textContent } from '../../helpers/multistatus.ts';
import { orrery } from '../../../src/dav/xml/names.ts';

const CAL = '/dav/calendars/user/alice/Default/';
let t: TestApp;
let strict: TestApp;
let counter = 0;

beforeAll(async () => {
  t = await makeTestApp();
  strict = await makeTestApp({ caldav_strict_rfc5545: 'on' });
});
afterAll(() => {
  t.close();
  strict.close();
});

const FOLDED = 'DESCRIPTION:A description long enough to be folded by the client that wrote it\r\n  and continued here';

function component(name: 'VEVENT' | 'VTODO', lines: string[]): string {
  return ics([`BEGIN:${name}`, `UID:tolerance-${++counter}`, 'DTSTAMP:20260101T000000Z', 'SUMMARY:As sent', ...lines, FOLDED, `END:${name}`]);
}

async function putAndGet(app: TestApp, body: string): Promise<{ status: number; stored: string; message: string }> {
  const path = `${CAL}t${++counter}.ics`;
  const response = await app.request('PUT', path, { body, headers: { 'Content-Type': 'text/calendar; charset=utf-8' } });
  if (response.status >= 400) {
    const error = parseXml(await response.text());
    const condition = childElements(error).find((e) => e.name !== orrery('message'))?.name ?? '';
    return { status: response.status, stored: condition, message: textContent(findChild(error, orrery('message')) ?? error) };
  }
  // A zone known to the server is stored by reference and given back in full (RFC 7809).
  const stored = (await (await app.request('GET', path, { expect: 200 })).text()).replace(/BEGIN:VTIMEZONE\r\n[\s\S]*?END:VTIMEZONE\r\n/g, '');
  return { status: response.status, stored, message: '' };
}

describe('RFC 5545 §3.8.2.2/§3.8.2.3: a DTEND or DUE in the wrong value type takes the type of DTSTART', () => {
  it.each([
    ['UTC start, DATE end', 'VEVENT', 'DTSTART:20260310T120000Z', 'DTEND;VALUE=DATE:20260311', 'DTEND:20260311T000000Z'],
    ['zoned start, DATE end', 'VEVENT', 'DTSTART;TZID=Europe/Berlin:20260310T120000', 'DTEND;VALUE=DATE:20260311', 'DTEND;TZID=Europe/Berlin:20260311T000000'],
    ['floating start, DATE end', 'VEVENT', 'DTSTART:20260310T120000', 'DTEND;VALUE=DATE:20260311', 'DTEND:20260311T000000'],
    ['zoned start, DATE due', 'VTODO', 'DTSTART;TZID=Europe/Berlin:20260310T120000', 'DUE;VALUE=DATE:20260311', 'DUE;TZID=Europe/Berlin:20260311T000000'],
    ['DATE start, UTC due', 'VTODO', 'DTSTART;VALUE=DATE:20260310', 'DUE:20260312T120000Z', 'DUE;VALUE=DATE:20260312'],
    ['DATE start, zoned due', 'VTODO', 'DTSTART;VALUE=DATE:20260310', 'DUE;TZID=Europe/Berlin;X-KEPT=yes:20260312T120000', 'DUE;VALUE=DATE;X-KEPT=yes:20260312'],
  ] as const)('%s: stored with only that line rewritten', async (_label, name, start, end, expected) => {
    const body = component(name, [start, end]);
    const result = await putAndGet(t, body);
    expect(result.status, result.message).toBe(201);
    expect(result.stored).toBe(body.replace(`${end}\r\n`, `${expected}\r\n`));
  });

  it('a matching DTEND is left alone', async () => {
    const body = component('VEVENT', ['DTSTART;VALUE=DATE:20260310', 'DTEND;VALUE=DATE:20260311']);
    expect((await putAndGet(t, body)).stored).toBe(body);
  });

  it('caldav_strict_rfc5545 refuses it with valid-calendar-data naming the property', async () => {
    for (const [name, start, end, property] of [
      ['VEVENT', 'DTSTART:20260310T120000Z', 'DTEND;VALUE=DATE:20260311', 'DTEND'],
      ['VTODO', 'DTSTART;VALUE=DATE:20260310', 'DUE:20260312T120000Z', 'DUE'],
    ] as const) {
      const result = await putAndGet(strict, component(name, [start, end]));
      expect(result.status).toBe(403);
      expect(result.stored).toBe('{urn:ietf:params:xml:ns:caldav}valid-calendar-data');
      expect(result.message).toContain(property);
    }
  });
});

describe('RFC 5545 §3.8.2.2/§3.8.2.3: an end before the start', () => {
  it('a VTODO with DUE before DTSTART is stored as sent (Cyrus and CalendarServer store it)', async () => {
    const body = component('VTODO', ['DTSTART:20270709T120000Z', 'DUE:20260709T120000Z']);
    const result = await putAndGet(t, body);
    expect(result.status, result.message).toBe(201);
    expect(result.stored).toBe(body);
  });

  it('a VEVENT with DTEND before DTSTART is stored as sent and found by a query at its start', async () => {
    const body = component('VEVENT', ['DTSTART:20270709T120000Z', 'DTEND:20260709T120000Z']);
    const result = await putAndGet(t, body);
    expect(result.status, result.message).toBe(201);
    expect(result.stored).toBe(body);
    const query = (start: string, end: string) => `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>
      <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="${start}" end="${end}"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
    const at = await t.request('REPORT', CAL, { body: query('20270709T000000Z', '20270710T000000Z'), headers: { Depth: '1' }, expect: 207 });
    expect([...parseMultistatus(await at.text()).keys()].some((href) => href.endsWith(`t${counter}.ics`))).toBe(true);
    const before = await t.request('REPORT', CAL, { body: query('20260701T000000Z', '20260801T000000Z'), headers: { Depth: '1' }, expect: 207 });
    expect([...parseMultistatus(await before.text()).keys()].some((href) => href.endsWith(`t${counter}.ics`))).toBe(false);
  });

  it('caldav_strict_rfc5545 refuses both, naming the property', async () => {
    for (const [name, lines, property] of [
      ['VEVENT', ['DTSTART:20270709T120000Z', 'DTEND:20260709T120000Z'], 'DTEND is before DTSTART'],
      ['VTODO', ['DTSTART:20270709T120000Z', 'DUE:20260709T120000Z'], 'DUE is before DTSTART'],
    ] as const) {
      const result = await putAndGet(strict, component(name, [...lines]));
      expect(result.status).toBe(403);
      expect(result.stored).toBe('{urn:ietf:params:xml:ns:caldav}valid-calendar-data');
      expect(result.message).toContain(property);
    }
  });

  it('what cannot be read is still refused: a DTEND that is no date', async () => {
    const result = await putAndGet(t, component('VEVENT', ['DTSTART:20260310T120000Z', 'DTEND;VALUE=DATE:2026031']));
    expect(result.status).toBe(403);
    expect(result.message).toContain('DTEND');
  });
});
