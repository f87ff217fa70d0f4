// The CALDAV:schedule-tag property (RFC 6638 §9.3): PROPFIND on a scheduling object resource gives
// the value the Schedule-Tag header carries; other calendar objects have no such property.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { event, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus, propText } from '../../helpers/multistatus.ts';
import { calendarPath, copyOf, meeting } from './support.ts';

const PROPFIND_SCHEDULE_TAG = '<?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:schedule-tag/><D:getetag/></D:prop></D:propfind>';
const SCHEDULE_TAG = '{urn:ietf:params:xml:ns:caldav}schedule-tag';

describe('RFC 6638 §9.3 CALDAV:schedule-tag property', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  const scheduleTagOf = async (user: string, path: string) => {
    const response = await t.request('PROPFIND', path, { user, body: PROPFIND_SCHEDULE_TAG, headers: { Depth: '0', 'Content-Type': 'application/xml' }, expect: 207 });
    const entry = parseMultistatus(await response.text()).get(path);
    return { value: propText(entry, SCHEDULE_TAG), status: entry?.props.get(SCHEDULE_TAG)?.status };
  };

  it('the organizer\'s copy answers the Schedule-Tag its PUT and GET carry', async () => {
    const path = `${calendarPath('alice')}m.ics`;
    const put = await t.request('PUT', path, { body: meeting({ uid: 'm' }), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const header = put.headers.get('Schedule-Tag');
    expect(header).toMatch(/^".+"$/);
    expect(await scheduleTagOf('alice', path)).toEqual({ value: header, status: 200 });
    expect((await t.request('GET', path, { expect: 200 })).headers.get('Schedule-Tag')).toBe(header);
  });

  it('the attendee\'s copy answers its own Schedule-Tag', async () => {
    await t.request('PUT', `${calendarPath('alice')}m.ics`, { body: meeting({ uid: 'm' }), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const copy = (await copyOf(t, 'bob', 'm'))!;
    const header = copy.headers.get('Schedule-Tag');
    expect(header).toMatch(/^".+"$/);
    expect(await scheduleTagOf('bob', `${calendarPath('bob')}${copy.name}`)).toEqual({ value: header, status: 200 });
  });

  it('an object without ORGANIZER is no scheduling object resource: 404 propstat', async () => {
    const path = `${calendarPath('alice')}plain.ics`;
    await t.request('PUT', path, { body: event('plain'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    expect(await scheduleTagOf('alice', path)).toEqual({ value: undefined, status: 404 });
  });
});
