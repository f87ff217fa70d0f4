// xCal (RFC 6321) and jCal (RFC 7265) conversions: the RFC examples, every value type of RFC 6321
// §3.6, and round trips text → jCal → xCal → jCal → text that lose nothing, for generated
// calendars and for every .ics file of CalDAVTester's resources.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendar } from '../../fuzz/ical-arbitraries.ts';
import { layout, renderIcal } from '../../fuzz/ical-text.ts';
import { generateObject, seededRandom } from '../../differential/calendar-generator.ts';
import { ICAL, InvalidICalendarError } from '../../../src/ical/parse.ts';
import { fromICalendarText, toICalendarText } from '../../../src/ical/formats.ts';
import { jcalToXcal, xcalToJcal, type JCalComponent } from '../../../src/ical/xcal.ts';

const NS = 'urn:ietf:params:xml:ns:icalendar-2.0';
const RESOURCES = '/work/shared/conformance/caldavtester/Resource/CalDAV';

/**
 * text → jCal → xCal → jCal → text gives what text → jCal → text gives, up to the order of RRULE
 * parts (xCal's schema fixes it, RFC 6321 Appendix A) and one-element lists, which carry no meaning.
 */
function expectLossless(text: string): void {
  const jcal = ICAL.parse(text) as unknown as JCalComponent;
  const expected = canonicalText(jcal);
  let xml: string;
  try {
    xml = jcalToXcal(jcal);
  } catch (error) {
    // A property or parameter without a name (";=x") has no element to be written as.
    if (error instanceof InvalidICalendarError && /is not an iCalendar name/.test(error.message)) return;
    throw error;
  }
  const back = xcalToJcal(xml);
  expect(canonicalText(back)).toBe(expected);
  expect(normalize(back)).toEqual(normalize(jcal));
  // The same through the media-type entry points a PUT and a GET use, which pass through text;
  // values ical.js cannot itself write and read back unchanged (a malformed date that validation
  // refuses) are left out of that part.
  if (canonicalText(ICAL.parse(ICAL.stringify(jcal as unknown as unknown[])) as unknown as JCalComponent) !== expected) return;
  for (const type of ['application/calendar+xml', 'application/calendar+json'] as const) {
    expect(canonicalText(ICAL.parse(toICalendarText(fromICalendarText(text, type), type)) as unknown as JCalComponent)).toBe(expected);
  }
}

function canonicalText(jcal: JCalComponent): string {
  return ICAL.stringify(normalize(jcal) as unknown[]);
}

describe('RFC 6321 xCal from jCal', () => {
  it('writes the RFC 6321 §3.4 example shape: icalendar, vcalendar, properties, components', () => {
    const text = ['BEGIN:VCALENDAR', 'CALSCALE:GREGORIAN', 'PRODID:-//Example Inc.//Example Calendar//EN', 'VERSION:2.0',
      'BEGIN:VEVENT', 'DTSTAMP:20080205T191224Z', 'DTSTART;VALUE=DATE:20081006', 'SUMMARY:Planning meeting', 'UID:4088E990AD89CB3DBB484909',
      'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const xml = fromICalendarText(text, 'application/calendar+xml');
    expect(xml).toContain(`<icalendar xmlns="${NS}"><vcalendar><properties><calscale><text>GREGORIAN</text></calscale>`);
    expect(xml).toContain('<vevent><properties><dtstamp><date-time>2008-02-05T19:12:24Z</date-time></dtstamp><dtstart><date>2008-10-06</date></dtstart>');
    expect(xml).toContain('</vevent></components></vcalendar></icalendar>');
  });

  it('writes each RFC 6321 §3.6 value type as its element', () => {
    const text = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x', 'BEGIN:VEVENT', 'UID:1', 'DTSTAMP:20260101T000000Z',
      'DTSTART;TZID=Europe/Berlin:20260110T100000',
      'DURATION:PT1H30M',
      'RRULE:FREQ=WEEKLY;UNTIL=20261231T000000Z;INTERVAL=2;BYDAY=MO,WE;WKST=SU',
      'RDATE;VALUE=PERIOD:20260201T100000Z/20260201T120000Z,20260301T100000Z/PT2H',
      'GEO:37.386013;-122.082932',
      'REQUEST-STATUS:3.7;Invalid user;mailto:a@example.com',
      'CATEGORIES:a,b\\,c',
      'ATTENDEE;MEMBER="mailto:g1@example.com","mailto:g2@example.com";CN="Doe, J":mailto:j@example.com',
      'PRIORITY:1',
      'X-CUSTOM;X-P=1:anything',
      'END:VEVENT',
      'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin', 'BEGIN:STANDARD', 'DTSTART:19701025T030000', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD', 'END:VTIMEZONE',
      'END:VCALENDAR', ''].join('\r\n');
    const xml = fromICalendarText(text, 'application/calendar+xml');
    expect(xml).toContain('<dtstart><parameters><tzid><text>Europe/Berlin</text></tzid></parameters><date-time>2026-01-10T10:00:00</date-time></dtstart>');
    expect(xml).toContain('<duration><duration>PT1H30M</duration></duration>');
    expect(xml).toContain('<rrule><recur><freq>WEEKLY</freq><until>2026-12-31T00:00:00Z</until><interval>2</interval><byday>MO</byday><byday>WE</byday><wkst>SU</wkst></recur></rrule>');
    expect(xml).toContain('<rdate><period><start>2026-02-01T10:00:00Z</start><end>2026-02-01T12:00:00Z</end></period><period><start>2026-03-01T10:00:00Z</start><duration>PT2H</duration></period></rdate>');
    expect(xml).toContain('<geo><latitude>37.386013</latitude><longitude>-122.082932</longitude></geo>');
    expect(xml).toContain('<request-status><code>3.7</code><description>Invalid user</description><data>mailto:a@example.com</data></request-status>');
    expect(xml).toContain('<categories><text>a</text><text>b,c</text></categories>');
    expect(xml).toContain('<member><cal-address>mailto:g1@example.com</cal-address><cal-address>mailto:g2@example.com</cal-address></member>');
    expect(xml).toContain('<priority><integer>1</integer></priority>');
    expect(xml).toContain('<x-custom><parameters><x-p><text>1</text></x-p></parameters><unknown>anything</unknown></x-custom>');
    expect(xml).toContain('<tzoffsetfrom><utc-offset>+02:00</utc-offset></tzoffsetfrom>');
    expectLossless(text);
  });

  it('escapes markup characters and keeps a carriage return, which XML would otherwise turn into a line feed', () => {
    const jcal: JCalComponent = ['vcalendar', [['x-text', {}, 'text', 'a <b> & "c" ]]> \r\n 😀']], []];
    const xml = jcalToXcal(jcal);
    expect(xml).toContain('a &lt;b&gt; &amp; "c" ]]&gt; &#13;\n 😀');
    expect(xcalToJcal(xml)).toEqual(jcal);
  });
});

describe('RFC 6321 xCal to jCal', () => {
  it('reads prefixed elements, skips elements of other namespaces and converts values by type', () => {
    const xml = `<?xml version="1.0"?><x:icalendar xmlns:x="${NS}" xmlns:o="urn:other"><x:vcalendar><o:note>ignored</o:note><x:properties>
      <x:version><x:text>2.0</x:text></x:version>
      <x:x-num><x:integer>007</x:integer></x:x-num>
      <x:x-flag><x:boolean>TRUE</x:boolean></x:x-flag>
      <x:rrule><x:recur><x:freq>MONTHLY</x:freq><x:count>3</x:count><x:bymonthday>1</x:bymonthday><x:bymonthday>-1</x:bymonthday></x:recur></x:rrule>
    </x:properties></x:vcalendar></x:icalendar>`;
    expect(xcalToJcal(xml)).toEqual(['vcalendar', [
      ['version', {}, 'text', '2.0'],
      ['x-num', {}, 'integer', 7],
      ['x-flag', {}, 'boolean', true],
      ['rrule', {}, 'recur', { freq: 'MONTHLY', count: 3, bymonthday: [1, -1] }],
    ], []]);
  });

  it.each([
    ['a document type declaration', `<!DOCTYPE icalendar [<!ENTITY x "y">]><icalendar xmlns="${NS}"><vcalendar/></icalendar>`],
    ['malformed XML', `<icalendar xmlns="${NS}"><vcalendar></icalendar>`],
    ['another root element', `<calendar xmlns="${NS}"><vcalendar/></calendar>`],
    ['the root in no namespace', '<icalendar><vcalendar/></icalendar>'],
    ['two calendars', `<icalendar xmlns="${NS}"><vcalendar/><vcalendar/></icalendar>`],
    ['a stray element in a component', `<icalendar xmlns="${NS}"><vcalendar><version/></vcalendar></icalendar>`],
    ['a non-numeric integer', `<icalendar xmlns="${NS}"><vcalendar><properties><priority><integer>high</integer></priority></properties></vcalendar></icalendar>`],
    ['a period without its end', `<icalendar xmlns="${NS}"><vcalendar><properties><rdate><period><start>2026-01-01T00:00:00Z</start></period></rdate></properties></vcalendar></icalendar>`],
    ['a recur without freq', `<icalendar xmlns="${NS}"><vcalendar><properties><rrule><recur><count>2</count></recur></rrule></properties></vcalendar></icalendar>`],
    ['values of two types', `<icalendar xmlns="${NS}"><vcalendar><properties><rdate><date>2026-01-01</date><date-time>2026-01-01T00:00:00Z</date-time></rdate></properties></vcalendar></icalendar>`],
  ])('refuses %s as invalid calendar data', (_what, xml) => {
    expect(() => xcalToJcal(xml)).toThrow(InvalidICalendarError);
  });
});

describe('RFC 7265 jCal input', () => {
  it.each([
    ['JSON that is not jCal', '{"vcalendar": []}'],
    ['malformed JSON', '["vcalendar", ['],
    ['a property that is not an array', '["vcalendar", ["version"], []]'],
    ['a component without its lists', '["vcalendar", [], [["vevent"]]]'],
    ['an object where a text value belongs', '["vcalendar", [["summary", {}, "text", {"a": 1}]], []]'],
  ])('refuses %s', (_what, body) => {
    expect(() => toICalendarText(body, 'application/calendar+json')).toThrow(InvalidICalendarError);
  });

  it('reads date-times written in the iCalendar basic format, as CalendarServer examples do', () => {
    const body = JSON.stringify(['vcalendar', [], [['vfreebusy', [['dtstart', {}, 'date-time', '20270101T000000Z'], ['rdate', {}, 'period', ['20270101T000000Z', 'PT1H']]], []]]]);
    const text = toICalendarText(body, 'application/calendar+json');
    expect(text).toContain('DTSTART:20270101T000000Z');
    expect(text).toContain('RDATE;VALUE=PERIOD:20270101T000000Z/PT1H');
  });
});

describe('round trips lose nothing', () => {
  it('generated calendars (the fuzz arbitraries, undamaged)', () => {
    fc.assert(
      fc.property(calendar, layout, (component, options) => {
        const text = renderIcal(component, { ...options, bom: false });
        let parsed: unknown;
        try {
          parsed = ICAL.parse(text);
        } catch {
          return; // content lines ical.js itself cannot read are not a conversion's concern
        }
        if (!Array.isArray(parsed) || parsed[0] !== 'vcalendar') return;
        expectLossless(text);
      }),
      { numRuns: 300 },
    );
  });

  it('generated recurring objects (the differential generator)', () => {
    const rng = seededRandom(6321);
    for (let i = 0; i < 200; i++) expectLossless(generateObject(rng, `gen-${i}`).text);
  });

  it('every .ics file of the CalDAVTester resources', () => {
    const files = listIcs(RESOURCES);
    let checked = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      // Control characters cannot be written in XML 1.0 at all; iCalendar refuses them on the way in.
      if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(text)) continue;
      let parsed: unknown;
      try {
        parsed = ICAL.parse(text);
      } catch {
        continue;
      }
      if (!Array.isArray(parsed) || parsed[0] !== 'vcalendar') continue;
      expectLossless(text);
      checked++;
    }
    expect(checked).toBeGreaterThan(500);
  });
});

// --- Internal helpers ---

/** Order of recur parts and one-element lists carry no meaning (RFC 5545 §3.3.10). */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) {
    if (value.length >= 4 && value[2] === 'recur') return [...value.slice(0, 3).map(normalize), ...value.slice(3).map(normalizeRecur)];
    return value.map(normalize);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, Array.isArray(v) && v.length === 1 ? v[0] : v]));
  }
  return value;
}

function normalizeRecur(recur: unknown): unknown {
  if (recur === null || typeof recur !== 'object') return recur;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(recur).sort()) {
    let v = (recur as Record<string, unknown>)[key];
    if (Array.isArray(v) && v.length === 1) v = v[0];
    if (typeof v === 'string' && /^[+-]?\d+$/.test(v)) v = Number(v);
    if (key === 'wkst' && typeof v === 'number') v = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'][v - 1];
    out[key] = v;
  }
  return out;
}

function listIcs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listIcs(path);
    return name.endsWith('.ics') ? [path] : [];
  });
}

describe('damaged jCal and xCal are refused, never crash', () => {
  /** A generated calendar in both forms, then cut, spliced or retagged somewhere. */
  const damaged = fc.tuple(calendar, layout, fc.constantFrom('application/calendar+json', 'application/calendar+xml') as fc.Arbitrary<'application/calendar+json' | 'application/calendar+xml'>, fc.nat(), fc.nat(), fc.string({ maxLength: 12 }), fc.constantFrom('cut', 'insert', 'delete', 'retag'))
    .map(([component, options, type, at, length, insert, how]) => {
      let body: string;
      try {
        body = fromICalendarText(renderIcal(component, { ...options, bom: false }), type);
      } catch {
        return null;
      }
      const i = at % (body.length + 1);
      const mutated = how === 'cut' ? body.slice(0, i)
        : how === 'insert' ? body.slice(0, i) + insert + body.slice(i)
        : how === 'delete' ? body.slice(0, i) + body.slice(i + 1 + (length % 8))
        : body.replace(/<([a-z-]+)>/g, (m, name: string, offset: number) => (offset >= i && offset < i + 200 ? `<${insert.replace(/[^a-z]/g, '') || 'x'}>` : m)).replace(/"([a-z-]+)"/, `"${insert}"`);
      return { type, body: mutated };
    });

  it('toICalendarText throws only InvalidICalendarError, and what it returns is iCalendar', () => {
    fc.assert(
      fc.property(damaged, (input) => {
        if (!input) return;
        let text: string;
        try {
          text = toICalendarText(input.body, input.type);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidICalendarError);
          return;
        }
        expect(text).toMatch(/^BEGIN:VCALENDAR\r\n/);
      }),
      { numRuns: 400 },
    );
  });

  it('arbitrary JSON is refused as jCal unless it has jCal\'s shape', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        try {
          toICalendarText(JSON.stringify(value), 'application/calendar+json');
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidICalendarError);
        }
      }),
      { numRuns: 400 },
    );
  });
});
