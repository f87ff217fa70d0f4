// RFC 7809 time zones by reference through PUT, GET, export and properties.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { findChild, parseMultistatus, propText } from '../../helpers/multistatus.ts';
import { vtimezoneText } from '../../../src/tz/catalogue.ts';

const CAL = '/dav/calendars/user/alice/Default/';
const ICS = { 'Content-Type': 'text/calendar' };
let t: TestApp;

const zoned = (uid: string, tzid: string, zone: string[]) =>
  ics([...zone, 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', `DTSTART;TZID=${tzid}:20260310T090000`, `DTEND;TZID=${tzid}:20260310T100000`, 'SUMMARY:Zoned', 'END:VEVENT']);

beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('RFC 7809 §3 calendar-no-timezone', () => {
  it('is advertised with the time-zone service on', async () => {
    expect((await t.request('OPTIONS', CAL, { expect: 200 })).headers.get('dav')).toContain('calendar-no-timezone');
  });

  it('strips a known VTIMEZONE on store and puts it back on GET, with one stable ETag', async () => {
    const zone = vtimezoneText('America/New_York')!.trim().split(/\r?\n/);
    const put = await t.request('PUT', `${CAL}tz1.ics`, { body: zoned('tz1', 'America/New_York', zone), headers: ICS, expect: 201 });
    const stored = (await t.store.resources.get((await t.store.collections.get(CAL))!.id, 'tz1.ics'))!;
    expect(String(stored.data)).not.toContain('BEGIN:VTIMEZONE');
    const full = await t.request('GET', `${CAL}tz1.ics`, { expect: 200 });
    expect(await full.text()).toContain('TZID:America/New_York');
    expect(full.headers.get('etag')).toBe(put.headers.get('etag'));
    const bare = await t.request('GET', `${CAL}tz1.ics`, { headers: { 'CalDAV-Timezones': 'F' }, expect: 200 });
    expect(await bare.text()).not.toContain('BEGIN:VTIMEZONE');
    expect(bare.headers.get('etag')).toBe(put.headers.get('etag'));
    // Both forms depend on the header, so a shared cache must key on it either way.
    expect([full.headers.get('vary'), bare.headers.get('vary')]).toEqual(['Accept, CalDAV-Timezones', 'Accept, CalDAV-Timezones']);
  });

  it('strips a known alias VTIMEZONE but keeps the alias TZID as written', async () => {
    const zone = ['BEGIN:VTIMEZONE', 'TZID:US/Eastern', 'BEGIN:STANDARD', 'DTSTART:19701101T020000', 'TZOFFSETFROM:-0400', 'TZOFFSETTO:-0500', 'END:STANDARD', 'END:VTIMEZONE'];
    await t.request('PUT', `${CAL}tz2.ics`, { body: zoned('tz2', 'US/Eastern', zone), headers: ICS, expect: 201 });
    const text = await (await t.request('GET', `${CAL}tz2.ics`, { headers: { 'CalDAV-Timezones': 'F' }, expect: 200 })).text();
    expect(text).toContain('DTSTART;TZID=US/Eastern:20260310T090000');
    expect(text).not.toContain('BEGIN:VTIMEZONE');
  });

  it('keeps an unknown VTIMEZONE verbatim', async () => {
    const zone = ['BEGIN:VTIMEZONE', 'TZID:Custom/Office', 'BEGIN:STANDARD', 'DTSTART:19700101T000000', 'TZOFFSETFROM:+0130', 'TZOFFSETTO:+0130', 'END:STANDARD', 'END:VTIMEZONE'];
    const body = zoned('tz3', 'Custom/Office', zone);
    await t.request('PUT', `${CAL}tz3.ics`, { body, headers: ICS, expect: 201 });
    expect(await (await t.request('GET', `${CAL}tz3.ics`, { expect: 200 })).text()).toBe(body);
  });

  it('exports the calendar with each zone once: catalogue zones put back whole, custom ones as stored', async () => {
    const text = await (await t.request('GET', CAL, { expect: 200 })).text();
    const zones = [...text.matchAll(/BEGIN:VTIMEZONE\r\nTZID:([^\r\n]+)/g)].map((m) => m[1]);
    expect(zones.sort()).toEqual(['America/New_York', 'Custom/Office', 'US/Eastern']);
    // Whole, not truncated to the objects' years: one zone serves every object of the export.
    expect(text).toContain(vtimezoneText('America/New_York')!.split(/\r?\n/)[3]);
    expect(text.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    expect(text.startsWith('BEGIN:VCALENDAR\r\n') && text.endsWith('END:VCALENDAR\r\n')).toBe(true);
  });

  it('calendar-timezone-id is validated and yields calendar-timezone; the home lists the service', async () => {
    const set = (id: string) => `<D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><C:calendar-timezone-id>${id}</C:calendar-timezone-id></D:prop></D:set></D:propertyupdate>`;
    const bad = parseMultistatus(await (await t.request('PROPPATCH', CAL, { body: set('Mars/Olympus'), expect: 207 })).text());
    expect(bad.get(CAL)?.props.get('{urn:ietf:params:xml:ns:caldav}calendar-timezone-id')?.status).toBe(403);
    expect(findChild(bad.get(CAL)!.element, '{DAV:}propstat') && JSON.stringify(bad.get(CAL)!.element)).toContain('valid-timezone');
    await t.request('PROPPATCH', CAL, { body: set('Europe/London'), expect: 207 });
    const body = '<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-timezone/><C:calendar-timezone-id/></D:prop></D:propfind>';
    const r = parseMultistatus(await (await t.request('PROPFIND', CAL, { body, headers: { Depth: '0' }, expect: 207 })).text()).get(CAL);
    expect(propText(r, '{urn:ietf:params:xml:ns:caldav}calendar-timezone-id')).toBe('Europe/London');
    expect(propText(r, '{urn:ietf:params:xml:ns:caldav}calendar-timezone')).toContain('TZID:Europe/London');
    const home = '/dav/calendars/user/alice/';
    const h = parseMultistatus(await (await t.request('PROPFIND', home, { body: '<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:timezone-service-set/></D:prop></D:propfind>', headers: { Depth: '0' }, expect: 207 })).text()).get(home);
    // A path, resolved against the request URL (RFC 4918 §8.3): no servername is configured here.
    expect(propText(h, '{urn:ietf:params:xml:ns:caldav}timezone-service-set')).toBe('/tzdist');
  });

  it('a zone set as calendar-timezone is also the calendar-timezone-id when it is a known zone (RFC 7809 §5.2)', async () => {
    const cal = '/dav/calendars/user/alice/by-vtimezone/';
    await t.request('MKCALENDAR', cal, { expect: 201 });
    const propfind = '<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-timezone-id/></D:prop></D:propfind>';
    const idOf = async () => parseMultistatus(await (await t.request('PROPFIND', cal, { body: propfind, headers: { Depth: '0' }, expect: 207 })).text()).get(cal);
    expect((await idOf())?.props.get('{urn:ietf:params:xml:ns:caldav}calendar-timezone-id')?.status).toBe(404);
    const zone = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n${vtimezoneText('Etc/GMT+1')!.replace(/\r?\n/g, '\r\n')}END:VCALENDAR\r\n`;
    const set = `<D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><C:calendar-timezone><![CDATA[${zone}]]></C:calendar-timezone></D:prop></D:set></D:propertyupdate>`;
    await t.request('PROPPATCH', cal, { body: set, expect: 207 });
    expect(propText(await idOf(), '{urn:ietf:params:xml:ns:caldav}calendar-timezone-id')).toBe('Etc/GMT+1');
  });
});
