// CALDAV:calendar-timezone (RFC 4791 §5.2.2) and CALDAV:timezone in a calendar-query (§7.8) must
// be a valid iCalendar object with exactly one VTIMEZONE: otherwise 403 CALDAV:valid-calendar-data.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus, propText } from '../../helpers/multistatus.ts';

const CAL = '/dav/calendars/user/alice/Default/';
const XML = { 'Content-Type': 'application/xml' };
const ZONE = ['BEGIN:VTIMEZONE', 'TZID:US/Eastern', 'BEGIN:STANDARD', 'DTSTART:20001026T020000', 'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10',
  'TZOFFSETFROM:-0400', 'TZOFFSETTO:-0500', 'END:STANDARD', 'END:VTIMEZONE'];
const HEADER = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example//EN'];
const VALID = [...HEADER, ...ZONE, 'END:VCALENDAR'].join('\r\n');
const WITH_EVENT = [...HEADER, ...ZONE, 'BEGIN:VEVENT', 'UID:e1', 'DTSTAMP:20060202T205550Z', 'DTSTART;TZID=US/Eastern:20260101T000000', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');
const WITHOUT_PRODID = ['BEGIN:VCALENDAR', ...ZONE, 'END:VCALENDAR'].join('\r\n');
const CALENDAR_TIMEZONE = '{urn:ietf:params:xml:ns:caldav}calendar-timezone';

const proppatch = (zone: string) =>
  `<D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><C:calendar-timezone>${zone}</C:calendar-timezone></D:prop></D:set></D:propertyupdate>`;
const query = (zone: string) => `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>
<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260101T000000Z" end="20260102T000000Z"/></C:comp-filter></C:comp-filter></C:filter>
<C:timezone><![CDATA[${zone}]]></C:timezone></C:calendar-query>`;

describe('RFC 4791 §5.2.2 / §7.8 time zone values', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  const storedTimezone = async () => {
    const body = '<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-timezone/></D:prop></D:propfind>';
    return propText(parseMultistatus(await (await t.request('PROPFIND', CAL, { body, headers: { ...XML, Depth: '0' }, expect: 207 })).text()).get(CAL), CALENDAR_TIMEZONE);
  };

  it('PROPPATCH of a calendar-timezone holding a VEVENT too: 403 propstat with valid-calendar-data, nothing stored', async () => {
    const response = await t.request('PROPPATCH', CAL, { body: proppatch(WITH_EVENT), headers: XML, expect: 207 });
    const text = await response.text();
    expect(parseMultistatus(text).get(CAL)?.props.get(CALENDAR_TIMEZONE)?.status).toBe(403);
    expect(text).toContain('valid-calendar-data');
    expect(await storedTimezone()).toBeUndefined();
  });

  it('PROPPATCH of a VCALENDAR without PRODID and VERSION is refused the same way', async () => {
    const response = await t.request('PROPPATCH', CAL, { body: proppatch(WITHOUT_PRODID), headers: XML, expect: 207 });
    expect(parseMultistatus(await response.text()).get(CAL)?.props.get(CALENDAR_TIMEZONE)?.status).toBe(403);
  });

  it('PROPPATCH of a single VTIMEZONE is stored', async () => {
    const response = await t.request('PROPPATCH', CAL, { body: proppatch(VALID), headers: XML, expect: 207 });
    expect(parseMultistatus(await response.text()).get(CAL)?.props.get(CALENDAR_TIMEZONE)?.status).toBe(200);
    expect(await storedTimezone()).toContain('TZID:US/Eastern');
  });

  it('calendar-query with an invalid CALDAV:timezone: 403 valid-calendar-data', async () => {
    for (const zone of [WITH_EVENT, WITHOUT_PRODID]) {
      const response = await t.request('REPORT', CAL, { body: query(zone), headers: { ...XML, Depth: '1' }, expect: 403 });
      expect(await response.text()).toContain('valid-calendar-data');
    }
  });

  it('calendar-query with a valid CALDAV:timezone answers 207', async () => {
    await t.request('REPORT', CAL, { body: query(VALID), headers: { ...XML, Depth: '1' }, expect: 207 });
  });
});
