// calendar-multiget with Brief: t or Prefer: return=minimal (RFC 8144 §2.1): 404 propstats are
// left out, as PROPFIND and calendar-query leave them out. Dead properties are read only when
// asked for, and then answered.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { event, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus, propText } from '../../helpers/multistatus.ts';

const CALENDAR = '/dav/calendars/user/alice/Default/';
const MULTIGET = `<?xml version="1.0"?><C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
<D:prop><D:getetag/><D:bogus/></D:prop><D:href>${CALENDAR}a.ics</D:href></C:calendar-multiget>`;

describe('RFC 8144 §2.1 calendar-multiget minimal answers', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
    await t.request('PUT', `${CALENDAR}a.ics`, { body: event('a'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
  });
  afterEach(() => t.close());

  const multiget = async (headers: Record<string, string>) => {
    const response = await t.request('REPORT', CALENDAR, { body: MULTIGET, headers: { 'Content-Type': 'application/xml', ...headers }, expect: 207 });
    const props = parseMultistatus(await response.text()).get(`${CALENDAR}a.ics`)!.props;
    return { response, statuses: Object.fromEntries([...props].map(([name, p]) => [name, p.status])) };
  };

  it('without a preference the unknown property is a 404 propstat', async () => {
    expect((await multiget({})).statuses).toEqual({ '{DAV:}getetag': 200, '{DAV:}bogus': 404 });
  });

  it('Brief: t leaves the 404 propstat out', async () => {
    expect((await multiget({ Brief: 't' })).statuses).toEqual({ '{DAV:}getetag': 200 });
  });

  it('Prefer: return=minimal leaves it out and says so in Preference-Applied', async () => {
    const { response, statuses } = await multiget({ Prefer: 'return=minimal' });
    expect(statuses).toEqual({ '{DAV:}getetag': 200 });
    expect(response.headers.get('Preference-Applied')).toBe('return=minimal');
  });
});

describe('calendar-multiget and dead properties', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
    await t.request('PUT', `${CALENDAR}a.ics`, { body: event('a'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const proppatch = '<D:propertyupdate xmlns:D="DAV:" xmlns:X="http://example.com/ns"><D:set><D:prop><X:note>kept</X:note></D:prop></D:set></D:propertyupdate>';
    await t.request('PROPPATCH', `${CALENDAR}a.ics`, { body: proppatch, expect: 207 });
  });
  afterEach(() => t.close());

  const multiget = async (prop: string) => {
    const body = `<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:X="http://example.com/ns"><D:prop>${prop}</D:prop><D:href>${CALENDAR}a.ics</D:href></C:calendar-multiget>`;
    const response = await t.request('REPORT', CALENDAR, { body, headers: { 'Content-Type': 'application/xml' }, expect: 207 });
    return parseMultistatus(await response.text()).get(`${CALENDAR}a.ics`)!;
  };

  it('answers a dead property a resource holds, beside calendar-data', async () => {
    const answer = await multiget('<X:note/><C:calendar-data/>');
    expect(propText(answer, '{http://example.com/ns}note')).toBe('kept');
    expect(propText(answer, '{urn:ietf:params:xml:ns:caldav}calendar-data')).toContain('UID:a');
  });

  it('answers live properties alone without them', async () => {
    const answer = await multiget('<D:getetag/><C:calendar-data/>');
    expect([...answer.props.values()].map((p) => p.status)).toEqual([200, 200]);
  });
});
