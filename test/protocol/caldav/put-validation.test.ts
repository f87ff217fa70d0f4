// RFC 4791 §5.3.2.1: calendar data that is not valid iCalendar is refused with 403 and
// CALDAV:valid-calendar-data, never answered with a 500 and never stored. Values are checked against
// their RFC 5545 grammar and range, VTIMEZONEs for their required parts, recurrence rules against
// §3.3.10, and nesting and size against the server's bounds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { childElements, findChild, parseMultistatus, parseXml, textContent } from '../../helpers/multistatus.ts';
import { orrery } from '../../../src/dav/xml/names.ts';

const CAL = '/dav/calendars/user/alice/Default/';
const VALID_CALENDAR_DATA = '{urn:ietf:params:xml:ns:caldav}valid-calendar-data';
let t: TestApp;
let counter = 0;

beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

function vevent(lines: string[], uid = `v${++counter}`): string {
  return ics(['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT']);
}

/** PUTs the object and returns the status with the condition and message of a <D:error> body. */
async function put(app: TestApp, body: string, contentType = 'text/calendar'): Promise<{ status: number; condition?: string; message?: string; name: string }> {
  const name = `o${++counter}.ics`;
  const response = await app.request('PUT', `${CAL}${name}`, { body, headers: { 'Content-Type': contentType } });
  const text = await response.text();
  if (response.status < 400 || !text.startsWith('<?xml')) return { status: response.status, name };
  const error = parseXml(text);
  const condition = childElements(error).find((e) => e.name !== orrery('message'))?.name;
  const message = textContent(findChild(error, orrery('message')) ?? error);
  return { status: response.status, name, ...(condition ? { condition } : {}), message };
}

/** 403 with valid-calendar-data, a message containing each of `mentions`, and nothing stored. */
async function expectRefused(body: string, mentions: string[], app = t, contentType?: string): Promise<void> {
  const result = await put(app, body, contentType);
  expect(result.status, result.message).toBe(403);
  expect(result.condition).toBe(VALID_CALENDAR_DATA);
  for (const mention of mentions) expect(result.message).toContain(mention);
  expect((await app.request('GET', `${CAL}${result.name}`)).status).toBe(404);
}

async function expectStored(body: string, app = t): Promise<void> {
  const result = await put(app, body);
  expect(result.status, result.message).toBe(201);
}

describe('date and date-time values (RFC 5545 §3.3.4, §3.3.5)', () => {
  it.each([
    ['a year alone', 'DTSTART:2026'],
    ['an empty value', 'DTSTART:'],
    ['a template never filled in', 'DTSTART:$now.year.1:0101T180000'],
    ['month 13, day 99, hour 25', 'DTSTART:20261399T256199Z'],
    ['30 February', 'DTSTART:20260230T100000Z'],
    ['29 February of a common year', 'DTSTART;VALUE=DATE:20270229'],
    ['minute 60', 'DTSTART:20260301T106000Z'],
    ['a numeric UTC offset', 'DTSTART:20260301T100000+0200'],
    ['a DATE where DATE-TIME is the type', 'DTSTART:20260301'],
    ['a DATE-TIME where VALUE=DATE says DATE', 'DTSTART;VALUE=DATE:20260301T100000Z'],
    ['a value type DTSTART cannot have', 'DTSTART;VALUE=TEXT:soon'],
  ])('refuses %s in DTSTART', async (_label, line) => {
    const value = line.slice(line.indexOf(':') + 1);
    await expectRefused(vevent([line]), ['DTSTART', `"${value}"`]);
  });

  it.each([
    ['DTEND', ['DTSTART:20260301T100000Z', 'DTEND:20260301T250000Z']],
    ['RECURRENCE-ID', ['DTSTART:20260301T100000Z', 'RECURRENCE-ID:20260231T100000Z']],
    ['EXDATE', ['DTSTART:20260301T100000Z', 'RRULE:FREQ=DAILY;COUNT=3', 'EXDATE:20260302T100000Z,2026030']],
    ['RDATE', ['DTSTART:20260301T100000Z', 'RDATE;VALUE=PERIOD:20260305T100000Z/PT1X']],
    ['CREATED', ['DTSTART:20260301T100000Z', 'CREATED:20261301T000000Z']],
    ['LAST-MODIFIED', ['DTSTART:20260301T100000Z', 'LAST-MODIFIED:yesterday']],
    ['DURATION', ['DTSTART:20260301T100000Z', 'DURATION:1H']],
    ['X-APPLE-SOMETHING', ['DTSTART:20260301T100000Z', 'X-APPLE-SOMETHING;VALUE=DATE-TIME:20260301T100000+01']],
  ])('refuses a malformed %s', async (name, lines) => {
    await expectRefused(vevent(lines), [name]);
  });

  it('refuses a malformed DTSTAMP', async () => {
    await expectRefused(ics(['BEGIN:VEVENT', 'UID:stamp', 'DTSTAMP:2026010T000000Z', 'DTSTART:20260301T100000Z', 'END:VEVENT']), ['DTSTAMP', '"2026010T000000Z"']);
  });

  it('refuses malformed DUE and COMPLETED in a VTODO', async () => {
    const todo = (lines: string[]) => ics(['BEGIN:VTODO', `UID:t${++counter}`, 'DTSTAMP:20260101T000000Z', ...lines, 'END:VTODO']);
    await expectRefused(todo(['DUE:20260431T100000Z']), ['DUE', '"20260431T100000Z"', 'day 31']);
    await expectRefused(todo(['COMPLETED:20260301']), ['COMPLETED']);
  });

  it('refuses jCal whose values are out of range', async () => {
    const jcal = ['vcalendar', [['version', {}, 'text', '2.0'], ['prodid', {}, 'text', '-//t//EN']], [
      ['vevent', [['uid', {}, 'text', 'jcal-bad'], ['dtstamp', {}, 'date-time', '2026-01-01T00:00:00Z'], ['dtstart', {}, 'date-time', '2026-13-01T10:00:00Z']], []],
    ]];
    await expectRefused(JSON.stringify(jcal), ['DTSTART', 'month 13'], t, 'application/calendar+json');
  });

  it('stores the forms RFC 5545 and common clients use', async () => {
    await expectStored(vevent(['DTSTART;VALUE=DATE:20280229', 'DTEND;VALUE=DATE:20280301']));
    await expectStored(vevent(['DTSTART;TZID=Europe/Berlin:20260301T100000', 'DURATION:P1DT', 'CREATED:20260101T000000Z', 'LAST-MODIFIED:20260101T000000Z']));
    await expectStored(vevent(['DTSTART:20261231T235960Z', 'DURATION:PT1H']));
    await expectStored(vevent(['DTSTART:20260301T100000Z', 'RRULE:FREQ=DAILY;COUNT=3', 'RDATE;VALUE=PERIOD:20260310T100000Z/PT1H,20260311T100000Z/20260311T110000Z', 'EXDATE;VALUE=DATE-TIME:20260302T100000Z']));
    await expectStored(vevent(['DTSTART:20260301T100000Z', 'X-UNKNOWN-DATE:not checked without VALUE', 'X-FOO;VALUE=DATE:20260301', 'NEW-IANA-PROP:anything']));
    await expectStored(vevent(['DTSTART:20260301T100000Z', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:x', 'TRIGGER:-PT15M', 'END:VALARM', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:x', 'TRIGGER;VALUE=DATE-TIME:20260301T090000Z', 'END:VALARM']));
  });
});

describe('VTIMEZONE (RFC 5545 §3.6.5)', () => {
  const STANDARD = ['BEGIN:STANDARD', 'DTSTART:19700101T000000', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0100', 'END:STANDARD'];
  const withZone = (zone: string[], tzid = 'Custom/Zone') =>
    ics([...zone, 'BEGIN:VEVENT', `UID:z${++counter}`, 'DTSTAMP:20260101T000000Z', `DTSTART;TZID=${tzid}:20260301T100000`, 'DURATION:PT1H', 'END:VEVENT']);

  it('refuses a VTIMEZONE without TZID that a DTSTART refers to', async () => {
    await expectRefused(withZone(['BEGIN:VTIMEZONE', ...STANDARD, 'END:VTIMEZONE']), ['TZID']);
  });

  it('refuses a VTIMEZONE without observances, or an observance without its offsets', async () => {
    await expectRefused(withZone(['BEGIN:VTIMEZONE', 'TZID:Custom/Zone', 'END:VTIMEZONE']), ['Custom/Zone', 'STANDARD or DAYLIGHT']);
    await expectRefused(withZone(['BEGIN:VTIMEZONE', 'TZID:Custom/Zone', ...STANDARD.filter((l) => !l.startsWith('TZOFFSETTO')), 'END:VTIMEZONE']), ['TZOFFSETTO']);
    await expectRefused(withZone(['BEGIN:VTIMEZONE', 'TZID:Custom/Zone', ...STANDARD.filter((l) => !l.startsWith('DTSTART')), 'END:VTIMEZONE']), ['DTSTART']);
  });

  it('refuses a UTC offset outside its grammar', async () => {
    for (const offset of ['+2500', '0100', '+01:00', '+0160']) {
      const zone = ['BEGIN:VTIMEZONE', 'TZID:Custom/Zone', ...STANDARD.map((l) => (l.startsWith('TZOFFSETFROM') ? `TZOFFSETFROM:${offset}` : l)), 'END:VTIMEZONE'];
      await expectRefused(withZone(zone), ['TZOFFSETFROM', `"${offset}"`]);
    }
  });

  it('stores a complete custom VTIMEZONE, and a known zone given by its TZID alone (RFC 7809)', async () => {
    await expectStored(withZone(['BEGIN:VTIMEZONE', 'TZID:Custom/Zone', ...STANDARD, 'END:VTIMEZONE']));
    await expectStored(withZone([], 'Europe/Paris'));
  });

  it('refuses a TZID that names neither a VTIMEZONE of the object nor a known zone (RFC 5545 §3.2.19): valid-timezone, nothing stored', async () => {
    const result = await put(t, withZone([], 'Nowhere/Unknown'));
    expect(result.status, result.message).toBe(403);
    expect(result.condition).toBe('{urn:ietf:params:xml:ns:caldav}valid-timezone');
    expect(result.message).toContain('Nowhere/Unknown');
    expect((await t.request('GET', `${CAL}${result.name}`)).status).toBe(404);
  });
});

describe('control characters (RFC 5545 §3.1)', () => {
  it('refuses a value holding a control character, naming the property and the character', async () => {
    await expectRefused(vevent(['DTSTART:20260301T100000Z', 'DESCRIPTION:Illegal control here ->\u0007<-']), ['DESCRIPTION', 'U+0007']);
    await expectRefused(vevent(['DTSTART:20260301T100000Z', 'SUMMARY:vertical\u000Btab']), ['SUMMARY', 'U+000B']);
    await expectRefused(vevent(['DTSTART:20260301T100000Z', 'X-NOTE;X-P=a\u0001b:value']), ['X-NOTE', 'U+0001']);
  });

  it('refuses jCal whose text carries one', async () => {
    const jcal = JSON.stringify(['vcalendar', [['version', {}, 'text', '2.0'], ['prodid', {}, 'text', '-//x//EN']],
      [['vevent', [['uid', {}, 'text', 'jc-ctl'], ['dtstamp', {}, 'date-time', '2026-01-01T00:00:00Z'], ['dtstart', {}, 'date-time', '2026-03-01T10:00:00Z'], ['summary', {}, 'text', 'bell\u0007']], []]]]);
    await expectRefused(jcal, ['SUMMARY', 'U+0007'], t, 'application/calendar+json');
  });

  it('stores HTAB in a value and folded lines', async () => {
    await expectStored(vevent(['DTSTART:20260301T100000Z', 'DESCRIPTION:tab\there', 'SUMMARY:a long summary that is', ' folded onto a second line']));
  });
});

describe('nesting and size bounds', () => {
  const nested = (levels: number) => [...Array.from({ length: levels }, () => 'BEGIN:X-N'), ...Array.from({ length: levels }, () => 'END:X-N')];

  it('refuses 5,000 nested components, naming the limit', async () => {
    await expectRefused(vevent(['DTSTART:20260301T100000Z', ...nested(5000)]), ['nested', '16']);
  });

  it('stores nesting up to 16 levels below VCALENDAR and refuses the 17th', async () => {
    await expectStored(vevent(['DTSTART:20260301T100000Z', ...nested(15)]));
    await expectRefused(vevent(['DTSTART:20260301T100000Z', ...nested(16)]), ['16']);
  });

  it('refuses more than 10,000 components', async () => {
    const siblings = Array.from({ length: 10_000 }, () => ['BEGIN:X-N', 'END:X-N']).flat();
    await expectRefused(vevent(['DTSTART:20260301T100000Z', ...siblings]), ['10000 components']);
  });

  it('refuses deeply nested jCal before serialising it', async () => {
    // Written out by hand: JSON.stringify itself recurses per level.
    const nesting = `${'["x-n",[],['.repeat(5000)}${']]'.repeat(5000)}`;
    const jcal = `["vcalendar",[["version",{},"text","2.0"]],[["vevent",[["uid",{},"text","deep-jcal"],["dtstamp",{},"date-time","2026-01-01T00:00:00Z"]],[${nesting}]]]]`;
    await expectRefused(jcal, ['nested'], t, 'application/calendar+json');
  });
});

describe('recurrence rules (RFC 5545 §3.3.10)', () => {
  it.each([
    ['INTERVAL=0', 'FREQ=DAILY;INTERVAL=0;COUNT=3', 'INTERVAL'],
    ['INTERVAL=-1', 'FREQ=DAILY;INTERVAL=-1;COUNT=3', 'INTERVAL'],
    ['only semicolons', ';;;;', 'empty rule part'],
    ['COUNT without FREQ', 'COUNT=5', 'FREQ'],
    ['COUNT and UNTIL', 'FREQ=DAILY;COUNT=5;UNTIL=20260310T100000Z', 'COUNT and UNTIL'],
    ['FREQ twice', 'FREQ=DAILY;FREQ=WEEKLY', 'FREQ'],
    ['BYHOUR=24', 'FREQ=DAILY;BYHOUR=24', 'BYHOUR'],
    ['BYMINUTE=60', 'FREQ=DAILY;BYMINUTE=60', 'BYMINUTE'],
    ['BYSECOND=61', 'FREQ=DAILY;BYSECOND=61', 'BYSECOND'],
    ['a numbered BYDAY in a WEEKLY rule', 'FREQ=WEEKLY;BYDAY=2MO', 'BYDAY'],
    ['BYDAY=54MO', 'FREQ=YEARLY;BYDAY=54MO', 'BYDAY'],
    ['BYMONTHDAY with WEEKLY', 'FREQ=WEEKLY;BYMONTHDAY=1', 'BYMONTHDAY'],
    ['BYMONTHDAY=0', 'FREQ=MONTHLY;BYMONTHDAY=0', 'BYMONTHDAY'],
    ['BYYEARDAY with MONTHLY', 'FREQ=MONTHLY;BYYEARDAY=100', 'BYYEARDAY'],
    ['BYWEEKNO with MONTHLY', 'FREQ=MONTHLY;BYWEEKNO=20', 'BYWEEKNO'],
    ['BYMONTH=13', 'FREQ=YEARLY;BYMONTH=13', 'BYMONTH'],
    ['a leap month without RSCALE', 'FREQ=YEARLY;BYMONTH=5L', 'BYMONTH'],
    ['BYSETPOS alone', 'FREQ=MONTHLY;BYSETPOS=1', 'BYSETPOS'],
    ['WKST=XX', 'FREQ=WEEKLY;WKST=XX', 'WKST'],
    ['an empty list item', 'FREQ=WEEKLY;BYDAY=MO,,TU', 'BYDAY'],
    ['an unknown part', 'FREQ=DAILY;FREQUENCY=2', 'FREQUENCY'],
    ['UNTIL as DATE with a DATE-TIME DTSTART', 'FREQ=DAILY;UNTIL=20260310', 'UNTIL'],
  ])('refuses %s', async (_label, rule, mention) => {
    await expectRefused(vevent(['DTSTART:20260301T100000Z', 'DURATION:PT1H', `RRULE:${rule}`]), ['RRULE', mention]);
  });

  it('refuses a DATE-TIME UNTIL with a DATE DTSTART, and a broken EXRULE', async () => {
    await expectRefused(vevent(['DTSTART;VALUE=DATE:20260301', 'RRULE:FREQ=DAILY;UNTIL=20260310T000000Z']), ['UNTIL', 'same value type']);
    await expectRefused(vevent(['DTSTART:20260301T100000Z', 'RRULE:FREQ=DAILY;COUNT=5', 'EXRULE:FREQ=DAILY;INTERVAL=0']), ['EXRULE', 'INTERVAL']);
  });

  it('stores the rules clients write', async () => {
    for (const rule of [
      'FREQ=MONTHLY;BYDAY=-1FR;COUNT=6',
      'FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;UNTIL=20300101T000000Z',
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;WKST=SU',
      'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
      'FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO',
      'RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=5L;SKIP=FORWARD;COUNT=3',
      'FREQ=DAILY;X-NAME=VALUE;COUNT=2',
    ]) {
      await expectStored(vevent(['DTSTART:20260301T100000Z', 'DURATION:PT1H', `RRULE:${rule}`]));
    }
    await expectStored(vevent(['DTSTART;VALUE=DATE:20260301', 'RRULE:FREQ=DAILY;UNTIL=20260310']));
  });

  it('caldav_accept_invalid_rrules stores them, and queries still answer', async () => {
    const lenient = await makeTestApp({ caldav_accept_invalid_rrules: 'on' });
    try {
      for (const rule of ['FREQ=DAILY;INTERVAL=0;COUNT=3', 'FREQ=DAILY;COUNT=3;', 'FREQ=WEEKLY;BYDAY=1MO;COUNT=2']) {
        await expectStored(vevent(['DTSTART:20260301T100000Z', 'DURATION:PT1H', `RRULE:${rule}`]), lenient);
      }
      // Only the rules are let through: other values are still checked.
      await expectRefused(vevent(['DTSTART:20260230T100000Z', 'RRULE:FREQ=DAILY;INTERVAL=0']), ['DTSTART'], lenient);
      const query = `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data><C:expand start="20260301T000000Z" end="20260401T000000Z"/></C:calendar-data></D:prop>
        <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260301T000000Z" end="20260401T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
      const response = await lenient.request('REPORT', CAL, { body: query, headers: { Depth: '1' }, expect: 207 });
      expect(parseMultistatus(await response.text()).size).toBe(3);
    } finally {
      lenient.close();
    }
  });
});

describe('attendees per instance (RFC 4791 §5.2.9)', () => {
  it('advertises the limit and refuses a component over it, naming the count', async () => {
    const limited = await makeTestApp({ caldav_max_attendees_per_instance: '3' });
    try {
      const propfind = await limited.request('PROPFIND', '/dav/calendars/user/alice/Default/', {
        headers: { Depth: '0' },
        body: '<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:max-attendees-per-instance/></D:prop></D:propfind>',
        expect: 207,
      });
      expect(await propfind.text()).toMatch(/max-attendees-per-instance[^>]*>3</);
      const attendees = (n: number) => Array.from({ length: n }, (_, i) => `ATTENDEE:mailto:guest${i}@elsewhere.example`);
      const meeting = (n: number) => ics(['BEGIN:VEVENT', `UID:big-${n}`, 'DTSTAMP:20260101T000000Z', 'DTSTART:20260110T100000Z', 'SUMMARY:Big', ...attendees(n), 'END:VEVENT']);
      const refused = await limited.request('PUT', '/dav/calendars/user/alice/Default/big4.ics', { body: meeting(4), headers: { 'Content-Type': 'text/calendar' } });
      expect(refused.status).toBe(403);
      const text = await refused.text();
      expect(text).toContain('max-attendees-per-instance');
      expect(text).toContain('4 attendees');
      expect((await limited.request('GET', '/dav/calendars/user/alice/Default/big4.ics')).status).toBe(404);
      expect((await limited.request('PUT', '/dav/calendars/user/alice/Default/big3.ics', { body: meeting(3), headers: { 'Content-Type': 'text/calendar' } })).status).toBe(201);
    } finally {
      limited.close();
    }
  });
});
