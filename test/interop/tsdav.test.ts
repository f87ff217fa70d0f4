// tsdav (a CalDAV client nobody here wrote) against a real Node server: discovery from the root,
// calendars, MKCALENDAR, and object create/update/delete.
import { DAVClient } from 'tsdav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/node-server.ts';

describe('tsdav client', () => {
  let server: TestServer;
  let client: DAVClient;

  beforeAll(async () => {
    server = await startTestServer({ dana: 'dana-pw' });
    client = new DAVClient({
      serverUrl: `${server.baseUrl}/`,
      credentials: { username: 'dana', password: 'dana-pw' },
      authMethod: 'Basic',
      defaultAccountType: 'caldav',
    });
    await client.login();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('discovers the account from the server root', () => {
    expect(client.account?.principalUrl).toMatch(/\/dav\/principals\/user\/dana\/$/);
    expect(client.account?.homeUrl).toMatch(/\/dav\/calendars\/user\/dana\/$/);
  });

  it('lists the auto-provisioned Default calendar', async () => {
    const calendars = await client.fetchCalendars();
    const names = calendars.map((c) => c.url.replace(/\/$/, '').split('/').pop());
    expect(names).toContain('Default');
    expect(calendars.find((c) => c.url.endsWith('/Default/'))?.displayName).toBe('personal');
  });

  it('creates a calendar, then creates, updates and deletes an event in it', async () => {
    const url = `${client.account!.homeUrl}trips/`;
    const made = await client.makeCalendar({ url, props: { displayname: 'Trips' } });
    expect(made[0]?.ok).toBe(true);
    const calendar = (await client.fetchCalendars()).find((c) => c.url.endsWith('/trips/'));
    expect(calendar?.displayName).toBe('Trips');

    const ical = (summary: string) =>
      ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//tsdav test//EN', 'BEGIN:VEVENT', 'UID:tsdav-1@example.com', 'DTSTAMP:20260101T000000Z',
        'DTSTART:20260301T090000Z', 'DTEND:20260301T100000Z', `SUMMARY:${summary}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const created = await client.createCalendarObject({ calendar: calendar!, filename: 'trip.ics', iCalString: ical('Flight') });
    expect(created.status).toBe(201);

    let objects = await client.fetchCalendarObjects({ calendar: calendar! });
    expect(objects).toHaveLength(1);
    expect(objects[0]!.data).toContain('SUMMARY:Flight');

    const updated = await client.updateCalendarObject({ calendarObject: { ...objects[0]!, data: ical('Train') } });
    expect(updated.status).toBe(204);
    objects = await client.fetchCalendarObjects({ calendar: calendar! });
    expect(objects[0]!.data).toContain('SUMMARY:Train');

    const deleted = await client.deleteCalendarObject({ calendarObject: objects[0]! });
    expect(deleted.status).toBe(204);
    expect(await client.fetchCalendarObjects({ calendar: calendar! })).toHaveLength(0);
  });
});
