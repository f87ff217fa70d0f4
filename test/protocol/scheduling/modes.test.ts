// caldav_allowscheduling (on / off / apple) and caldav_historical_age: what is advertised, what is
// sent, and Apple's CalendarServer behaviour of leaving unanswered invitations transparent.
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../helpers/app.ts';
import { BOB, calendarPath, copyOf, inboxSummary, master, meeting, withPartstat } from './support.ts';

describe('caldav_allowscheduling and caldav_historical_age', () => {
  let t: TestApp;
  afterEach(() => t.close());

  const invite = (uid: string, options: Parameters<typeof meeting>[0] = {}) =>
    t.request('PUT', `${calendarPath('alice')}${uid}.ics`, { body: meeting({ uid, ...options }), headers: { 'Content-Type': 'text/calendar' } });

  it('off: objects are stored, nothing is sent, no Schedule-Tag, no calendar-auto-schedule', async () => {
    t = await makeTestApp({ caldav_allowscheduling: 'off' });
    const response = await invite('m');
    expect(response.status).toBe(201);
    expect(response.headers.get('Schedule-Tag')).toBeNull();
    expect(response.headers.get('ETag')).toMatch(/^".+"$/);
    const options = await t.request('OPTIONS', calendarPath('alice'));
    expect(options.headers.get('DAV')).toContain('calendar-access');
    expect(options.headers.get('DAV')).not.toContain('calendar-auto-schedule');
    expect(options.headers.get('DAV')).not.toContain('calendar-availability');
    expect(await copyOf(t, 'bob', 'm')).toBeUndefined();
    expect((await t.request('PROPFIND', '/dav/calendars/user/bob/Inbox/', { user: 'bob', headers: { Depth: '0' } })).status).toBe(404);
  });

  it('on: calendar-auto-schedule (RFC 6638 §2) and calendar-availability (RFC 7953 §7.1) are advertised', async () => {
    t = await makeTestApp();
    const options = await t.request('OPTIONS', calendarPath('alice'));
    expect(options.headers.get('DAV')).toContain('calendar-auto-schedule');
    expect(options.headers.get('DAV')).toContain('calendar-availability');
  });

  it('apple: a new invitation is TRANSP:TRANSPARENT until the attendee answers', async () => {
    t = await makeTestApp({ caldav_allowscheduling: 'apple' });
    await invite('m');
    const bobCopy = (await copyOf(t, 'bob', 'm'))!;
    expect(String(master(bobCopy.calendar).getFirstPropertyValue('transp'))).toBe('TRANSPARENT');
    await t.request('PUT', `${calendarPath('bob')}m.ics`, {
      user: 'bob',
      body: withPartstat(bobCopy.text, BOB, 'ACCEPTED').replace('TRANSP:TRANSPARENT\r\n', ''),
      headers: { 'Content-Type': 'text/calendar' },
      expect: 204,
    });
    // The organizer's next update keeps the accepted event opaque.
    await invite('m', { summary: 'Planning, new agenda', sequence: 1, attendees: ['ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com', `ATTENDEE;PARTSTAT=ACCEPTED:${BOB}`] });
    const updated = (await copyOf(t, 'bob', 'm'))!;
    expect(String(master(updated.calendar).getFirstPropertyValue('summary'))).toBe('Planning, new agenda');
    expect(master(updated.calendar).getFirstPropertyValue('transp')).toBeNull();
  });

  it('on: invitations keep the organizer\'s transparency', async () => {
    t = await makeTestApp();
    await invite('m');
    expect(master((await copyOf(t, 'bob', 'm'))!.calendar).getFirstPropertyValue('transp')).toBeNull();
  });

  it('caldav_historical_age: changes to meetings that ended long ago send nothing', async () => {
    t = await makeTestApp({ caldav_historical_age: '7d' });
    const response = await invite('old', { start: '20200110T100000Z', end: '20200110T110000Z' });
    expect(response.status).toBe(201);
    expect(await copyOf(t, 'bob', 'old')).toBeUndefined();
    expect(await inboxSummary(t, 'bob')).toEqual([]);
  });

  it('caldav_historical_age negative: nothing is historical', async () => {
    t = await makeTestApp({ caldav_historical_age: '-1' });
    await invite('old', { start: '20200110T100000Z', end: '20200110T110000Z' });
    expect(await copyOf(t, 'bob', 'old')).toBeDefined();
  });
});
