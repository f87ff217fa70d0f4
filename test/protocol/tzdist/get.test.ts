import { XMLParser, XMLValidator } from 'fast-xml-parser';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { readTzif } from '../../../scripts/tz/tzif-reader.ts';
import { makeTzdistApp, problem, request } from './tzdist-app.ts';

const app = makeTzdistApp();
const NY = '/zones/America/New_York';

const truncatedUrl = (tzid: string, start: string, end: string) => `/zones/${tzid}?start=${start}&end=${end}`;

describe('RFC 7808 §5.3 get: formats', () => {
  it('serves text/calendar by default: one VTIMEZONE in a VCALENDAR', async () => {
    const response = await request(app, NY);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/calendar; charset=utf-8');
    expect(response.headers.get('Vary')).toBe('Accept');
    const text = await response.text();
    const calendar = new ICAL.Component(ICAL.parse(text));
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    const zones = calendar.getAllSubcomponents('vtimezone');
    expect(zones.length).toBe(1);
    expect(zones[0]?.getFirstPropertyValue('tzid')).toBe('America/New_York');
    expect(zones[0]?.getFirstPropertyValue('tzurl')).toBe('http://tz.example.org/tzdist/zones/America/New_York');
  });

  it('serves jCal (RFC 7265) by Accept, with RFC 7808 properties typed', async () => {
    const response = await request(app, truncatedUrl('US/Eastern', '2020-01-01T00:00:00Z', '2021-01-01T00:00:00Z'), {
      headers: { Accept: 'application/calendar+json' },
    });
    expect(response.headers.get('Content-Type')).toBe('application/calendar+json; charset=utf-8');
    const jcal = (await response.json()) as [string, unknown[], [string, unknown[][], unknown[]][]];
    expect(jcal[0]).toBe('vcalendar');
    const vtimezone = jcal[2][0] as [string, unknown[][], unknown[]];
    expect(vtimezone[1]).toContainEqual(['tzid-alias-of', {}, 'text', 'America/New_York']);
    expect(vtimezone[1]).toContainEqual(['tzuntil', {}, 'date-time', '2021-01-01T00:00:00Z']);
  });

  it('serves xCal (RFC 6321) that is well-formed and mirrors the jCal', async () => {
    const response = await request(app, `${NY}?format=application/calendar%2Bxml`);
    expect(response.headers.get('Content-Type')).toBe('application/calendar+xml; charset=utf-8');
    const xml = await response.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser().parse(xml) as { icalendar: { vcalendar: { components: { vtimezone: { properties: { tzid: { text: string } } } } } } };
    expect(doc.icalendar.vcalendar.components.vtimezone.properties.tzid.text).toBe('America/New_York');
    expect(xml).toContain('<rrule><recur><freq>YEARLY</freq><byday>2SU</byday><bymonth>3</bymonth></recur></rrule>');
    expect(xml).toContain('<tzoffsetfrom><utc-offset>-04:56:02</utc-offset></tzoffsetfrom>');
  });

  it('serves TZif (RFC 8536) whose table and footer are the zone\'s', async () => {
    const response = await request(app, NY, { headers: { Accept: 'application/tzif' } });
    expect(response.headers.get('Content-Type')).toBe('application/tzif');
    const tzif = readTzif(new Uint8Array(await response.arrayBuffer()));
    expect(tzif.footer).toBe('EST5EDT,M3.2.0,M11.1.0');
    expect(tzif.types[0]).toEqual({ utcOffset: -17762, isDst: false, abbr: 'LMT' });
    const at2006 = tzif.transitions.indexOf(Date.UTC(2006, 3, 2, 7) / 1000);
    expect(tzif.types[tzif.typeIndexes[at2006] as number]).toEqual({ utcOffset: -14400, isDst: true, abbr: 'EDT' });
  });

  it('serves TZif with leap-second records and leap-counting times for application/tzif-leap', async () => {
    const response = await request(app, `${NY}?format=application/tzif-leap`);
    const tzif = readTzif(new Uint8Array(await response.arrayBuffer()));
    // 2025-03-09T07:00:00Z counts 27 leap seconds since 1972.
    expect(tzif.transitions).toContain(Date.UTC(2025, 2, 9, 7) / 1000 + 27);
    expect(tzif.transitions).not.toContain(Date.UTC(2025, 2, 9, 7) / 1000);
  });

  it('writes version 3 TZif for footers with hours beyond 24 (Asia/Jerusalem)', async () => {
    const body = new Uint8Array(await (await request(app, '/zones/Asia/Jerusalem?format=application/tzif')).arrayBuffer());
    expect(String.fromCharCode(...body.subarray(0, 5))).toBe('TZif3');
    expect(readTzif(body).footer).toBe('IST-2IDT,M3.4.4/26,M10.5.0');
  });

  it('picks by q-value and wildcard, and refuses what it cannot serve: 406 invalid-format', async () => {
    const pick = async (accept: string) => (await request(app, NY, { headers: { Accept: accept } })).headers.get('Content-Type');
    expect(await pick('application/tzif;q=0.5, application/calendar+json')).toBe('application/calendar+json; charset=utf-8');
    expect(await pick('*/*')).toBe('text/calendar; charset=utf-8');
    expect(await pick('text/calendar;q=0, application/*')).toBe('application/calendar+json; charset=utf-8');
    for (const init of [{ headers: { Accept: 'application/json' } }, {}]) {
      const url = 'headers' in init ? NY : `${NY}?format=text/plain`;
      const response = await request(app, url, init);
      expect(response.status).toBe(406);
      expect((await problem(response)).type).toBe('urn:ietf:params:tzdist:error:invalid-format');
    }
  });
});

describe('RFC 7808 §5.3 get: identifiers', () => {
  it('answers an alias under its own TZID with TZID-ALIAS-OF (§7.2)', async () => {
    const text = await (await request(app, '/zones/US/Eastern')).text();
    expect(text).toContain('\r\nTZID:US/Eastern\r\nTZID-ALIAS-OF:America/New_York\r\n');
  });

  it('accepts ids with three segments, "+" and an encoded "/"', async () => {
    for (const [path, tzid] of [
      ['/zones/America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
      ['/zones/Etc/GMT+5', 'Etc/GMT+5'],
      ['/zones/Europe%2FParis', 'Europe/Paris'],
    ]) {
      const response = await request(app, path as string);
      expect(response.status, path).toBe(200);
      expect(await response.text()).toContain(`\r\nTZID:${tzid}\r\n`);
    }
  });

  it('answers an unknown id with 404 tzid-not-found', async () => {
    for (const path of ['/zones/Mars/Olympus_Mons', '/zones/constructor', '/zones/america/new_york']) {
      const response = await request(app, path);
      expect(response.status).toBe(404);
      expect((await problem(response)).type).toBe('urn:ietf:params:tzdist:error:tzid-not-found');
    }
  });
});

describe('RFC 7808 §5.3 get: truncation', () => {
  it('anchors the offset at start, drops earlier observances and adds TZUNTIL (§7.1)', async () => {
    const folded = await (await request(app, truncatedUrl('Europe/London', '2020-01-01T00:00:00Z', '20250101T000000Z'))).text();
    expect(folded.split('\r\n').every((line) => line.length <= 75)).toBe(true);
    const text = folded.replace(/\r\n /g, '');
    expect(text).toContain('TZUNTIL:20250101T000000Z');
    expect(text).toContain('TZURL:http://tz.example.org/tzdist/zones/Europe/London?start=2020-01-01T00%3A00%3A00Z&end=20250101T000000Z');
    const dtstarts = [...text.matchAll(/^DTSTART:(\d{8})/gm)].map((match) => match[1]);
    expect(dtstarts).toEqual(['20200101', '20200329', '20201025']);
    expect(text).not.toContain('RDATE');
  });

  it('truncates TZif with "-00" outside the range and no footer after end', async () => {
    const start = Date.UTC(2020, 0, 1) / 1000;
    const end = Date.UTC(2022, 0, 1) / 1000;
    const body = await (await request(app, `${truncatedUrl('America/New_York', '2020-01-01T00:00:00Z', '2022-01-01T00:00:00Z')}&format=application/tzif`)).arrayBuffer();
    const tzif = readTzif(new Uint8Array(body));
    expect(tzif.types[0]?.abbr).toBe('-00');
    expect(tzif.footer).toBe('');
    expect(tzif.transitions[0]).toBe(start);
    expect(tzif.transitions.at(-1)).toBe(end);
    expect(tzif.transitions.length).toBe(6);
  });

  it('rejects malformed, non-UTC, repeated or inverted bounds: 400 invalid-start / invalid-end', async () => {
    const cases: [string, string][] = [
      ['start=2020-01-01', 'invalid-start'],
      ['start=2020-01-01T00:00:00', 'invalid-start'],
      ['start=2020-02-30T00:00:00Z', 'invalid-start'],
      ['start=2020-01-01T00:00:00Z&start=2021-01-01T00:00:00Z', 'invalid-start'],
      ['end=yesterday', 'invalid-end'],
      ['start=2021-01-01T00:00:00Z&end=2020-01-01T00:00:00Z', 'invalid-end'],
      ['start=2021-01-01T00:00:00Z&end=2021-01-01T00:00:00Z', 'invalid-end'],
    ];
    for (const [query, code] of cases) {
      const response = await request(app, `${NY}?${query}`);
      expect(response.status, query).toBe(400);
      expect((await problem(response)).type, query).toBe(`urn:ietf:params:tzdist:error:${code}`);
    }
  });
});
