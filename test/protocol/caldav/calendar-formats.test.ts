// iCalendar (RFC 5545), jCal (RFC 7265) and xCal (RFC 6321) negotiated at every point Cyrus 3.6
// negotiates them: GET/HEAD of objects and calendar export by Accept, PUT and bulk import by
// Content-Type, calendar-data in REPORTs and calendar-timezone in PROPFIND/PROPPATCH by the
// content-type attribute, the freebusy URL by format= or Accept. What supported-calendar-data
// lists is exactly what works; anything else is 406 (Accept) or 415 (Content-Type) with the
// CALDAV:supported-calendar-data precondition.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateObject, seededRandom } from '../../differential/calendar-generator.ts';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus, propText } from '../../helpers/multistatus.ts';
import { ICAL } from '../../../src/ical/parse.ts';
import { jcalToXcal, xcalToJcal, type JCalComponent } from '../../../src/ical/xcal.ts';

const CAL = '/dav/calendars/user/alice/Default/';
const CALDAV = 'urn:ietf:params:xml:ns:caldav';
const CALENDAR_DATA = `{${CALDAV}}calendar-data`;
const JCAL = 'application/calendar+json';
const XCAL = 'application/calendar+xml';
const FORMS = ['text/calendar', JCAL, XCAL] as const;

/** An event with a value of most kinds: text with escapes, a local time in a zone, recurrence, GEO, lists, an X- property with parameters. */
const MEETING = ics([
  'BEGIN:VEVENT', 'UID:meeting', 'DTSTAMP:20260101T000000Z',
  'DTSTART;TZID=America/New_York:20260302T090000', 'DTEND;TZID=America/New_York:20260302T100000',
  'RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6', 'EXDATE;TZID=America/New_York:20260304T090000',
  'SUMMARY:Plan\\, review\\; ship', 'DESCRIPTION:Line one\\nLine two', 'GEO:40.7128;-74.006',
  'CATEGORIES:WORK,PLANNING', 'X-ORRERY-NOTE;X-LEVEL=2:kept as sent', 'SEQUENCE:3', 'TRANSP:OPAQUE',
  'BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Soon', 'TRIGGER:-PT15M', 'END:VALARM',
  'END:VEVENT',
]);

let t: TestApp;

beforeAll(async () => {
  t = await makeTestApp();
  await t.request('PUT', `${CAL}meeting.ics`, { body: MEETING, headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
});
afterAll(() => t.close());

/** A calendar in any of the three forms as jCal, with VTIMEZONEs and DTSTAMP left out, for comparing content. */
function content(body: string, form: (typeof FORMS)[number]): unknown {
  const jcal = form === 'text/calendar' ? (ICAL.parse(body) as unknown as JCalComponent) : form === JCAL ? (JSON.parse(body) as JCalComponent) : xcalToJcal(body);
  // Through text and back, so that one-element lists and value spellings compare alike.
  return strip(ICAL.parse(ICAL.stringify(jcal as unknown as unknown[])) as unknown as JCalComponent);
}

function strip([name, properties, components]: JCalComponent): unknown {
  return [name, properties.filter((p) => p[0] !== 'dtstamp' && p[0] !== 'prodid'), components.filter((c) => c[0] !== 'vtimezone').map(strip)];
}

async function expectPrecondition(response: Response, status: number): Promise<void> {
  expect(response.status).toBe(status);
  const body = await response.text();
  expect(body).toContain(`<C:supported-calendar-data`);
}

describe('GET and HEAD of a calendar object by Accept', () => {
  it('answers each form with its Content-Type, the same content and the stored ETag', async () => {
    const plain = await t.request('GET', `${CAL}meeting.ics`, { expect: 200 });
    const etag = plain.headers.get('ETag');
    const expected = content(await plain.text(), 'text/calendar');
    for (const form of FORMS) {
      const response = await t.request('GET', `${CAL}meeting.ics`, { headers: { Accept: form }, expect: 200 });
      expect(response.headers.get('Content-Type')).toBe(`${form}; charset=utf-8`);
      expect(response.headers.get('ETag')).toBe(etag);
      expect(response.headers.get('Vary')).toContain('Accept');
      expect(content(await response.text(), form)).toEqual(expected);
    }
  });

  it('HEAD answers the headers GET would, without a body', async () => {
    for (const form of [JCAL, XCAL]) {
      const get = await t.request('GET', `${CAL}meeting.ics`, { headers: { Accept: form }, expect: 200 });
      const length = (await get.arrayBuffer()).byteLength;
      const head = await t.request('HEAD', `${CAL}meeting.ics`, { headers: { Accept: form }, expect: 200 });
      expect(head.headers.get('Content-Type')).toBe(`${form}; charset=utf-8`);
      expect(head.headers.get('Content-Length')).toBe(String(length));
      expect(await head.text()).toBe('');
    }
  });

  it.each([
    ['q-values', `${JCAL};q=0.5, ${XCAL}`, XCAL],
    ['an explicit refusal beside a wildcard', 'text/calendar;q=0, */*', JCAL],
    ['a type wildcard', 'application/*', JCAL],
    ['version 2.0', `${XCAL}; version=2.0`, XCAL],
    ['anything', '*/*', 'text/calendar'],
  ])('follows %s', async (_what, accept, chosen) => {
    const response = await t.request('GET', `${CAL}meeting.ics`, { headers: { Accept: accept }, expect: 200 });
    expect(response.headers.get('Content-Type')).toBe(`${chosen}; charset=utf-8`);
  });

  it.each([['a type it does not serve', 'text/html'], ['another version', `${JCAL}; version=1.0`], ['everything refused', 'text/calendar;q=0, application/calendar+json;q=0, application/calendar+xml;q=0']])(
    '406 with supported-calendar-data for %s',
    async (_what, accept) => {
      const response = await t.request('GET', `${CAL}meeting.ics`, { headers: { Accept: accept } });
      expect(response.headers.get('Vary')).toContain('Accept');
      await expectPrecondition(response, 406);
    },
  );
});

describe('GET of a calendar collection (export) by Accept', () => {
  it('streams the calendar as one jCal or xCal document holding every object', async () => {
    const plain = await t.request('GET', CAL, { expect: 200 });
    const expected = content(await plain.text(), 'text/calendar');
    for (const [form, extension] of [[JCAL, 'jcs'], [XCAL, 'xcs']] as const) {
      const response = await t.request('GET', CAL, { headers: { Accept: form }, expect: 200 });
      expect(response.headers.get('Content-Type')).toBe(`${form}; charset=utf-8`);
      expect(response.headers.get('Vary')).toContain('Accept');
      expect(response.headers.get('Content-Disposition')).toContain(`.${extension}"`);
      const exported = content(await response.text(), form) as [string, unknown[], unknown[]];
      // The export's header (CALSCALE, the calendar's name) is its own; the components are the objects'.
      expect(exported[2]).toEqual((expected as [string, unknown[], unknown[]])[2]);
    }
  });

  it('406 with supported-calendar-data when no form is acceptable', async () => {
    await expectPrecondition(await t.request('GET', CAL, { headers: { Accept: 'application/pdf' } }), 406);
  });
});

describe('PUT by Content-Type', () => {
  it('stores jCal and xCal as the iCalendar they stand for, and answers without an ETag (RFC 4791 §5.3.4)', async () => {
    for (const form of [JCAL, XCAL] as const) {
      const asForm = await (await t.request('GET', `${CAL}meeting.ics`, { headers: { Accept: form } })).text();
      const name = `put-${form === JCAL ? 'json' : 'xml'}.ics`;
      const body = asForm.replace(/meeting/g, name);
      const put = await t.request('PUT', `${CAL}${name}`, { body, headers: { 'Content-Type': `${form}; charset=utf-8` }, expect: 201 });
      expect(put.headers.get('ETag')).toBeNull();
      const stored = await t.request('GET', `${CAL}${name}`, { expect: 200 });
      expect(stored.headers.get('Content-Type')).toBe('text/calendar; charset=utf-8');
      expect(content(await stored.text(), 'text/calendar')).toEqual(content(body, form));
    }
  });

  it('Prefer: return=representation answers in the form written', async () => {
    const body = await (await t.request('GET', `${CAL}meeting.ics`, { headers: { Accept: XCAL } })).text();
    const response = await t.request('PUT', `${CAL}put-rep.ics`, {
      body: body.replace(/meeting/g, 'put-rep'),
      headers: { 'Content-Type': XCAL, Prefer: 'return=representation' },
      expect: 201,
    });
    expect(response.headers.get('Content-Type')).toBe(`${XCAL}; charset=utf-8`);
    expect(xcalToJcal(await response.text())[0]).toBe('vcalendar');
  });

  it('415 with supported-calendar-data for another type; nothing is stored', async () => {
    for (const type of ['application/pdf', 'application/json', 'text/plain']) {
      await expectPrecondition(await t.request('PUT', `${CAL}refused.ics`, { body: MEETING, headers: { 'Content-Type': type } }), 415);
    }
    expect((await t.request('GET', `${CAL}refused.ics`)).status).toBe(404);
  });

  it.each([
    ['jCal that is not JSON', JCAL, '["vcalendar", ['],
    ['jCal of the wrong shape', JCAL, '{"vcalendar": []}'],
    ['xCal that is not XML', XCAL, '<icalendar xmlns="urn:ietf:params:xml:ns:icalendar-2.0"><vcalendar>'],
    ['xCal in another namespace', XCAL, '<icalendar xmlns="urn:example"><vcalendar/></icalendar>'],
    ['xCal with a DOCTYPE', XCAL, '<!DOCTYPE x [<!ENTITY a "b">]><icalendar xmlns="urn:ietf:params:xml:ns:icalendar-2.0"><vcalendar/></icalendar>'],
  ])('403 valid-calendar-data for %s; nothing is stored', async (_what, type, body) => {
    const response = await t.request('PUT', `${CAL}bad.ics`, { body, headers: { 'Content-Type': type } });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('valid-calendar-data');
    expect((await t.request('GET', `${CAL}bad.ics`)).status).toBe(404);
  });
});

describe('bulk import (POST to a calendar) by Content-Type', () => {
  const twoEvents = ics([
    'BEGIN:VEVENT', 'UID:bulk-1', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260401T100000Z', 'DURATION:PT1H', 'SUMMARY:One', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:bulk-2', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260402T100000Z', 'DURATION:PT1H', 'SUMMARY:Two', 'END:VEVENT',
  ]);

  it('imports xCal and jCal, one object per UID', async () => {
    const t2 = await makeTestApp();
    try {
      const jcal = ICAL.parse(twoEvents) as unknown as JCalComponent;
      for (const [form, body] of [[XCAL, jcalToXcal(ICAL.parse(twoEvents) as unknown as JCalComponent)], [JCAL, JSON.stringify(jcal).replace(/bulk-/g, 'json-')]] as const) {
        const response = await t2.request('POST', CAL, { body, headers: { 'Content-Type': form }, expect: 207 });
        const results = [...parseMultistatus(await response.text()).values()];
        expect(results).toHaveLength(2);
        for (const result of results) expect(result.props.get('{DAV:}getetag')?.status).toBe(200);
      }
      const listing = await (await t2.request('GET', CAL, { expect: 200 })).text();
      for (const uid of ['bulk-1', 'bulk-2', 'json-1', 'json-2']) expect(listing).toContain(`UID:${uid}`);
    } finally {
      t2.close();
    }
  });

  it('Prefer: return=representation (or X-MobileMe-DAV-Options: return-changed-data) adds calendar-data in the form sent', async () => {
    const t2 = await makeTestApp();
    try {
      const body = JSON.stringify(ICAL.parse(twoEvents));
      for (const headers of [{ Prefer: 'return=representation' }, { 'X-MobileMe-DAV-Options': 'return-changed-data' }]) {
        const response = await t2.request('POST', CAL, { body: body.replace(/bulk-/g, `${Object.keys(headers)[0]}-`), headers: { 'Content-Type': JCAL, ...headers }, expect: 207 });
        const results = [...parseMultistatus(await response.text()).values()];
        expect(results).toHaveLength(2);
        for (const result of results) {
          const data = result.props.get(CALENDAR_DATA)!;
          expect(data.element.attributes['content-type']).toBe(JCAL);
          expect((JSON.parse(propText(result, CALENDAR_DATA)!) as JCalComponent)[0]).toBe('vcalendar');
        }
      }
      const plain = await t2.request('POST', CAL, { body: twoEvents.replace(/bulk-/g, 'plain-'), headers: { 'Content-Type': 'text/calendar' }, expect: 207 });
      for (const result of parseMultistatus(await plain.text()).values()) expect(result.props.has(CALENDAR_DATA)).toBe(false);
    } finally {
      t2.close();
    }
  });

  it('415 with supported-calendar-data for another type', async () => {
    await expectPrecondition(await t.request('POST', CAL, { body: twoEvents, headers: { 'Content-Type': 'application/pdf' } }), 415);
  });
});

describe('calendar-data in REPORTs by its content-type attribute', () => {
  const query = (calendarData: string) =>
    `<C:calendar-query xmlns:D="DAV:" xmlns:C="${CALDAV}"><D:prop><D:getetag/>${calendarData}</D:prop>` +
    `<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260302T000000Z" end="20260303T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
  const multiget = (calendarData: string) =>
    `<C:calendar-multiget xmlns:D="DAV:" xmlns:C="${CALDAV}"><D:prop><D:getetag/>${calendarData}</D:prop><D:href>${CAL}meeting.ics</D:href></C:calendar-multiget>`;

  it('calendar-query and calendar-multiget answer each listed form, labelled with it', async () => {
    const expected = content(await (await t.request('GET', `${CAL}meeting.ics`)).text(), 'text/calendar');
    for (const report of [query, multiget]) {
      for (const form of [JCAL, XCAL] as const) {
        const response = await t.request('REPORT', CAL, { body: report(`<C:calendar-data content-type="${form}" version="2.0"/>`), headers: { Depth: '1' }, expect: 207 });
        const result = parseMultistatus(await response.text()).get(`${CAL}meeting.ics`)!;
        expect(result.props.get(CALENDAR_DATA)!.element.attributes['content-type']).toBe(form);
        expect(content(propText(result, CALENDAR_DATA)!, form)).toEqual(expected);
      }
    }
  });

  it.each([
    ['another media type', 'content-type="application/json"'],
    ['another version', `content-type="${JCAL}" version="1.0"`],
  ])('%s is refused with supported-calendar-data', async (_what, attributes) => {
    for (const report of [query, multiget]) {
      await expectPrecondition(await t.request('REPORT', CAL, { body: report(`<C:calendar-data ${attributes}/>`), headers: { Depth: '1' } }), 415);
    }
  });
});

describe('CALDAV:supported-calendar-data', () => {
  it('lists exactly the three forms, version 2.0, and each listed form can be written and read', async () => {
    const body = `<D:propfind xmlns:D="DAV:" xmlns:C="${CALDAV}"><D:prop><C:supported-calendar-data/></D:prop></D:propfind>`;
    const response = await t.request('PROPFIND', CAL, { body, headers: { Depth: '0' }, expect: 207 });
    const prop = parseMultistatus(await response.text()).get(CAL)!.props.get(`{${CALDAV}}supported-calendar-data`)!;
    const listed = prop.element.children.filter((c) => typeof c !== 'string').map((c) => (c as { attributes: Record<string, string> }).attributes);
    expect(listed).toEqual(FORMS.map((form) => ({ 'content-type': form, version: '2.0' })));
    const source = await (await t.request('GET', `${CAL}meeting.ics`)).text();
    for (const { 'content-type': form } of listed) {
      const asForm = await (await t.request('GET', `${CAL}meeting.ics`, { headers: { Accept: form! }, expect: 200 })).text();
      const name = `listed-${FORMS.indexOf(form as (typeof FORMS)[number])}`;
      await t.request('PUT', `${CAL}${name}.ics`, { body: asForm.replace(/UID:meeting|"meeting"|>meeting</g, (m) => m.replace('meeting', name)), headers: { 'Content-Type': form! }, expect: 201 });
      const back = await t.request('GET', `${CAL}${name}.ics`, { headers: { Accept: form! }, expect: 200 });
      const [, , [event]] = content(await back.text(), form as (typeof FORMS)[number]) as [string, unknown, [unknown]];
      const [, , [original]] = content(source, 'text/calendar') as [string, unknown, [unknown]];
      // Deep equality: xCal's schema fixes the order of RRULE parts (RFC 6321 Appendix A), which carries no meaning.
      expect(JSON.parse(JSON.stringify(event).replace(name, 'meeting'))).toEqual(original);
    }
  });
});

describe('CALDAV:calendar-timezone in any listed form (as Cyrus)', () => {
  const zone = ics(['BEGIN:VTIMEZONE', 'TZID:Europe/Paris', 'BEGIN:STANDARD', 'DTSTART:19701025T030000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD',
    'BEGIN:DAYLIGHT', 'DTSTART:19700329T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'END:DAYLIGHT', 'END:VTIMEZONE']);
  const propfind = (attributes: string) => `<D:propfind xmlns:D="DAV:" xmlns:C="${CALDAV}"><D:prop><C:calendar-timezone ${attributes}/></D:prop></D:propfind>`;
  const proppatch = (attributes: string, value: string) =>
    `<D:propertyupdate xmlns:D="DAV:" xmlns:C="${CALDAV}"><D:set><D:prop><C:calendar-timezone ${attributes}><![CDATA[${value}]]></C:calendar-timezone></D:prop></D:set></D:propertyupdate>`;

  it('is set as jCal, read back as jCal or text, and used for floating times', async () => {
    const t2 = await makeTestApp();
    try {
      const jcal = JSON.stringify(ICAL.parse(zone));
      const set = await t2.request('PROPPATCH', CAL, { body: proppatch(`content-type="${JCAL}"`, jcal), expect: 207 });
      expect(await set.text()).toContain('200 OK');
      const asJson = parseMultistatus(await (await t2.request('PROPFIND', CAL, { body: propfind(`content-type="${JCAL}"`), headers: { Depth: '0' }, expect: 207 })).text()).get(CAL)!;
      const prop = asJson.props.get(`{${CALDAV}}calendar-timezone`)!;
      expect(prop.element.attributes['content-type']).toBe(JCAL);
      expect((JSON.parse(propText(asJson, `{${CALDAV}}calendar-timezone`)!) as JCalComponent)[2][0]![0]).toBe('vtimezone');
      const asText = parseMultistatus(await (await t2.request('PROPFIND', CAL, { body: propfind(''), headers: { Depth: '0' }, expect: 207 })).text()).get(CAL)!;
      expect(propText(asText, `{${CALDAV}}calendar-timezone`)).toContain('TZID:Europe/Paris');
      // A floating 09:00 in Paris is 07:00Z in summer: found by a range that holds only 07:00Z.
      await t2.request('PUT', `${CAL}floating.ics`, { body: ics(['BEGIN:VEVENT', 'UID:floating', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260701T090000', 'DURATION:PT30M', 'END:VEVENT']), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
      const found = async (start: string, end: string) => {
        const body = `<C:calendar-query xmlns:D="DAV:" xmlns:C="${CALDAV}"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="${start}" end="${end}"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
        return parseMultistatus(await (await t2.request('REPORT', CAL, { body, headers: { Depth: '1' }, expect: 207 })).text()).has(`${CAL}floating.ics`);
      };
      expect(await found('20260701T070000Z', '20260701T071000Z')).toBe(true);
      expect(await found('20260701T090000Z', '20260701T091000Z')).toBe(false);
    } finally {
      t2.close();
    }
  });

  it('refuses a form it does not read with supported-calendar-data, and bad data with valid-calendar-data', async () => {
    const refused = await t.request('PROPPATCH', CAL, { body: proppatch('content-type="application/pdf"', zone), expect: 207 });
    const text = await refused.text();
    expect(text).toContain('403');
    expect(text).toContain('supported-calendar-data');
    const bad = await (await t.request('PROPPATCH', CAL, { body: proppatch(`content-type="${JCAL}"`, '["vcalendar", ['), expect: 207 })).text();
    expect(bad).toContain('valid-calendar-data');
  });
});

describe('the free-busy-query REPORT by Accept', () => {
  it('answers iCalendar, jCal or xCal with the same busy time, and iCalendar for an Accept meant for XML', async () => {
    const body = `<C:free-busy-query xmlns:C="${CALDAV}"><C:time-range start="20260301T000000Z" end="20260315T000000Z"/></C:free-busy-query>`;
    const busy = (jcal: JCalComponent) => jcal[2].find((c) => c[0] === 'vfreebusy')![1].filter((p) => p[0] === 'freebusy').map((p) => ICAL.stringify.property(p as never));
    const answers = new Map<string, unknown>();
    for (const form of FORMS) {
      const response = await t.request('REPORT', CAL, { body, headers: { Depth: '1', Accept: form }, expect: 200 });
      expect(response.headers.get('Content-Type')).toBe(`${form}; charset=utf-8`);
      expect(response.headers.get('Vary')).toContain('Accept');
      const text = await response.text();
      answers.set(form, busy(form === 'text/calendar' ? (ICAL.parse(text) as unknown as JCalComponent) : form === JCAL ? (JSON.parse(text) as JCalComponent) : xcalToJcal(text)));
    }
    expect((answers.get('text/calendar') as unknown[]).length).toBeGreaterThan(0);
    expect(answers.get(JCAL)).toEqual(answers.get('text/calendar'));
    expect(answers.get(XCAL)).toEqual(answers.get('text/calendar'));
    const xmlAccept = await t.request('REPORT', CAL, { body, headers: { Depth: '1', Accept: 'text/xml' }, expect: 200 });
    expect(xmlAccept.headers.get('Content-Type')).toBe('text/calendar; charset=utf-8');
  });
});

describe('the freebusy URL by format= or Accept', () => {
  it('answers xCal and jCal, with Vary: Accept, and 406 for another type', async () => {
    const url = '/freebusy/user/alice?start=2026-03-01T00:00:00Z&end=2026-03-08T00:00:00Z';
    const byFormat = await t.request('GET', `${url}&format=${encodeURIComponent(XCAL)}`, { expect: 200 });
    expect(byFormat.headers.get('Content-Type')).toBe(`${XCAL}; charset=utf-8`);
    const fromXml = xcalToJcal(await byFormat.text());
    const byAccept = await t.request('GET', url, { headers: { Accept: JCAL }, expect: 200 });
    expect(byAccept.headers.get('Content-Type')).toBe(`${JCAL}; charset=utf-8`);
    expect(byAccept.headers.get('Vary')).toContain('Accept');
    const fromJson = (await byAccept.json()) as JCalComponent;
    const busy = (jcal: JCalComponent) => jcal[2].find((c) => c[0] === 'vfreebusy')![1].filter((p) => p[0] === 'freebusy').map((p) => ICAL.stringify.property(p as never));
    expect(busy(fromXml)).toEqual(busy(fromJson));
    expect(busy(fromJson).length).toBeGreaterThan(0);
    expect((await t.request('GET', url, { headers: { Accept: 'text/html' } })).status).toBe(406);
  });
});

describe('round trips through the server lose nothing', () => {
  it('an object stored from jCal or xCal is the object stored from its iCalendar text (generated calendars)', async () => {
    const t2 = await makeTestApp();
    try {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
          const { text } = generateObject(seededRandom(seed), `round-${n++}`);
          const stored: unknown[] = [];
          for (const form of FORMS) {
            const body = form === 'text/calendar' ? text : form === JCAL ? JSON.stringify(ICAL.parse(text)) : jcalToXcal(ICAL.parse(text) as unknown as JCalComponent);
            const name = `round-${n}-${FORMS.indexOf(form)}.ics`;
            await t2.request('PUT', `${CAL}${name}`, { body, headers: { 'Content-Type': form }, expect: 201 });
            // Read back in another form than written, so both directions of each conversion are crossed.
            const readAs = FORMS[(FORMS.indexOf(form) + 1) % FORMS.length]!;
            stored.push(content(await (await t2.request('GET', `${CAL}${name}`, { headers: { Accept: readAs }, expect: 200 })).text(), readAs));
            await t2.request('DELETE', `${CAL}${name}`, { expect: 204 });
          }
          expect(stored[1]).toEqual(stored[0]);
          expect(stored[2]).toEqual(stored[0]);
        }),
        { numRuns: 25 },
      );
    } finally {
      t2.close();
    }
  });
});
