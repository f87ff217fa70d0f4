// The scheduling Inbox and Outbox (RFC 6638 §2.1, §2.2, §5, §9.2): Inbox items can be read and
// deleted but not written, the default calendar is chosen by schedule-default-calendar-URL, and
// a VFREEBUSY REQUEST POSTed to the Outbox returns each recipient's busy time.
import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseXml } from '../../helpers/multistatus.ts';
import { childElements, findChild, textContent } from '../../../src/dav/xml/element.ts';
import { caldav, dav } from '../../../src/dav/xml/names.ts';
import { ALICE, BOB, CAROL, calendarPath, copyOf, inboxPath, inboxSummary, meeting, members } from './support.ts';

const outboxPath = (user: string) => `/dav/calendars/user/${user}/Outbox/`;

describe('RFC 6638 scheduling Inbox and Outbox', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  const putMeeting = (uid: string, start = '20300110T100000Z', end = '20300110T110000Z') =>
    t.request('PUT', `${calendarPath('alice')}${uid}.ics`, { body: meeting({ uid, start, end }), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });

  it('§2.2 Inbox messages can be read and deleted by their owner, not written', async () => {
    await putMeeting('m');
    const [item] = await members(t, 'bob', inboxPath('bob'));
    expect(item!.text).toContain('METHOD:REQUEST');
    expect(item!.headers.get('Content-Type')).toContain('text/calendar');
    const put = await t.request('PUT', `${inboxPath('bob')}mine.ics`, { user: 'bob', body: meeting({ uid: 'x' }), headers: { 'Content-Type': 'text/calendar' } });
    expect(put.status).toBe(403);
    expect((await t.request('GET', `${inboxPath('bob')}${item!.name}`, { user: 'carol' })).status).toBe(404);
    await t.request('DELETE', `${inboxPath('bob')}${item!.name}`, { user: 'bob', expect: 204 });
    expect(await inboxSummary(t, 'bob')).toEqual([]);
    // Deleting the Inbox copy does not touch the event in the calendar.
    expect(await copyOf(t, 'bob', 'm')).toBeDefined();
  });

  it('§9.2 new invitations go to schedule-default-calendar-URL', async () => {
    await t.request('MKCALENDAR', calendarPath('bob', 'meetings'), { user: 'bob', expect: 201 });
    const set = await t.request('PROPPATCH', inboxPath('bob'), {
      user: 'bob',
      body: proppatch(`<C:schedule-default-calendar-URL><D:href>${calendarPath('bob', 'meetings')}</D:href></C:schedule-default-calendar-URL>`),
      headers: { 'Content-Type': 'application/xml' },
      expect: 207,
    });
    expect(await set.text()).toContain('200');
    await putMeeting('m');
    expect(await copyOf(t, 'bob', 'm', 'meetings')).toBeDefined();
    expect(await copyOf(t, 'bob', 'm', 'Default')).toBeUndefined();
    expect(await copyOf(t, 'carol', 'm', 'Default')).toBeDefined();
  });

  it('§9.2 schedule-default-calendar-URL may name the calendar without its trailing slash (RFC 4918 §5.2)', async () => {
    await t.request('MKCALENDAR', calendarPath('bob', 'slashless'), { user: 'bob', expect: 201 });
    const set = await t.request('PROPPATCH', inboxPath('bob'), {
      user: 'bob',
      body: proppatch(`<C:schedule-default-calendar-URL><D:href>${calendarPath('bob', 'slashless').replace(/\/$/, '')}</D:href></C:schedule-default-calendar-URL>`),
      headers: { 'Content-Type': 'application/xml' },
      expect: 207,
    });
    expect(await set.text()).toContain('HTTP/1.1 200');
    await putMeeting('slashless-m');
    expect(await copyOf(t, 'bob', 'slashless-m', 'slashless')).toBeDefined();
    await t.request('PROPPATCH', inboxPath('bob'), {
      user: 'bob',
      body: proppatch(`<C:schedule-default-calendar-URL><D:href>${calendarPath('bob', 'meetings')}</D:href></C:schedule-default-calendar-URL>`),
      headers: { 'Content-Type': 'application/xml' },
      expect: 207,
    });
  });

  it('§9.2 schedule-default-calendar-URL must name one of the user\'s calendars', async () => {
    const refused = await t.request('PROPPATCH', inboxPath('bob'), {
      user: 'bob',
      body: proppatch(`<C:schedule-default-calendar-URL><D:href>${calendarPath('alice')}</D:href></C:schedule-default-calendar-URL>`),
      headers: { 'Content-Type': 'application/xml' },
      expect: 207,
    });
    const text = await refused.text();
    expect(text).toContain('HTTP/1.1 403');
    expect(text).toContain('<C:valid-schedule-default-calendar-URL/>');
    const missing = await t.request('PROPPATCH', inboxPath('bob'), {
      user: 'bob',
      body: proppatch(`<C:schedule-default-calendar-URL><D:href>/dav/calendars/user/bob/nothing-here/</D:href></C:schedule-default-calendar-URL>`),
      headers: { 'Content-Type': 'application/xml' },
      expect: 207,
    });
    expect(await missing.text()).toContain('<C:valid-schedule-default-calendar-URL/>');
  });

  it('§5 an Outbox POST of a VFREEBUSY REQUEST answers with each recipient\'s busy time', async () => {
    await putMeeting('busy', '20300110T100000Z', '20300110T110000Z');
    await t.request('PUT', `${calendarPath('bob')}free.ics`, {
      user: 'bob',
      body: ics(['BEGIN:VEVENT', 'UID:free', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T130000Z', 'DTEND:20300110T140000Z', 'TRANSP:TRANSPARENT', 'END:VEVENT']),
      headers: { 'Content-Type': 'text/calendar' },
      expect: 201,
    });
    const response = await t.request('POST', outboxPath('alice'), {
      body: freeBusyRequest([BOB, CAROL, 'mailto:someone@elsewhere.example', 'mailto:%zz@example.com']),
      headers: { 'Content-Type': 'text/calendar' },
      expect: 200,
    });
    const root = parseXml(await response.text());
    expect(root.name).toBe(caldav('schedule-response'));
    const answers = new Map(childElements(root).map((r) => [textContent(findChild(findChild(r, caldav('recipient'))!, dav('href'))!), r]));
    for (const who of [BOB, CAROL]) {
      expect(textContent(findChild(answers.get(who)!, caldav('request-status'))!)).toMatch(/^2\.0/);
      const vfreebusy = new ICAL.Component(ICAL.parse(textContent(findChild(answers.get(who)!, caldav('calendar-data'))!)) as unknown[]);
      expect(vfreebusy.getFirstPropertyValue('method')).toBe('REPLY');
      const busy = vfreebusy.getFirstSubcomponent('vfreebusy')!.getAllProperties('freebusy').map((p) => p.getFirstValue().toString());
      // The invitation counts as busy for bob and carol; bob's transparent event does not.
      expect(busy, who).toEqual(['2030-01-10T10:00:00Z/2030-01-10T11:00:00Z']);
    }
    expect(textContent(findChild(answers.get('mailto:someone@elsewhere.example')!, caldav('request-status'))!)).toMatch(/^3\.7/);
    expect(textContent(findChild(answers.get('mailto:%zz@example.com')!, caldav('request-status'))!)).toMatch(/^3\.7/);
  });

  it('§5 each recipient is answered under the address as the request spells it', async () => {
    await putMeeting('busy', '20300110T100000Z', '20300110T110000Z');
    const spelled = 'MAILTO:Bob@Example.com';
    const response = await t.request('POST', outboxPath('alice'), { body: freeBusyRequest([spelled, BOB]), headers: { 'Content-Type': 'text/calendar' }, expect: 200 });
    const responses = childElements(parseXml(await response.text()));
    // The same calendar user named twice is answered once.
    expect(responses).toHaveLength(1);
    expect(textContent(findChild(findChild(responses[0]!, caldav('recipient'))!, dav('href'))!)).toBe(spelled);
    const vfreebusy = new ICAL.Component(ICAL.parse(textContent(findChild(responses[0]!, caldav('calendar-data'))!)) as unknown[]);
    expect(vfreebusy.getFirstSubcomponent('vfreebusy')!.getFirstPropertyValue('attendee')).toBe(spelled);
    expect(vfreebusy.getFirstSubcomponent('vfreebusy')!.getAllProperties('freebusy')).toHaveLength(1);
  });

  it('§5 free-busy of a recipient who took away schedule-query-freebusy (9) is refused with 3.8', async () => {
    await t.request('GET', inboxPath('carol'), { user: 'carol' });
    await t.request('ACL', inboxPath('carol'), {
      user: 'carol',
      body: '<?xml version="1.0"?><D:acl xmlns:D="DAV:"><D:ace><D:principal><D:property><D:owner/></D:property></D:principal><D:grant><D:privilege><D:all/></D:privilege></D:grant></D:ace></D:acl>',
      headers: { 'Content-Type': 'application/xml' },
      expect: 200,
    });
    const response = await t.request('POST', outboxPath('alice'), { body: freeBusyRequest([CAROL]), headers: { 'Content-Type': 'text/calendar' }, expect: 200 });
    const text = await response.text();
    expect(text).toContain('3.8');
    expect(text).not.toContain('BEGIN:VFREEBUSY');
  });

  it('§5 calendar-availability on the Inbox makes unavailable time busy', async () => {
    const availability = ics([
      'BEGIN:VAVAILABILITY', 'UID:avail', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T000000Z', 'DTEND:20300111T000000Z',
      'BEGIN:AVAILABLE', 'UID:avail-1', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T090000Z', 'DTEND:20300110T170000Z', 'END:AVAILABLE',
      'END:VAVAILABILITY',
    ]);
    await t.request('PROPPATCH', inboxPath('bob'), {
      user: 'bob',
      body: proppatch(`<C:calendar-availability>${availability.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</C:calendar-availability>`),
      headers: { 'Content-Type': 'application/xml' },
      expect: 207,
    });
    const response = await t.request('POST', outboxPath('alice'), { body: freeBusyRequest([BOB]), headers: { 'Content-Type': 'text/calendar' }, expect: 200 });
    const text = await response.text();
    expect(text).toContain('FBTYPE=BUSY-UNAVAILABLE');
  });

  it('§5.1 the Outbox takes only free-busy requests from its owner (valid-scheduling-message, valid-organizer)', async () => {
    const invitation = meeting({ uid: 'posted' }).replace('VERSION:2.0', 'VERSION:2.0\r\nMETHOD:REQUEST');
    const notFreeBusy = await t.request('POST', outboxPath('alice'), { body: invitation, headers: { 'Content-Type': 'text/calendar' } });
    expect(notFreeBusy.status).toBe(400);
    expect(await notFreeBusy.text()).toContain('valid-scheduling-message');
    const wrongOrganizer = await t.request('POST', outboxPath('alice'), {
      body: freeBusyRequest([BOB]).replace(`ORGANIZER:${ALICE}`, `ORGANIZER:${CAROL}`),
      headers: { 'Content-Type': 'text/calendar' },
    });
    expect(wrongOrganizer.status).toBe(403);
    expect(await wrongOrganizer.text()).toContain('valid-organizer');
    const notMine = await t.request('POST', outboxPath('alice'), { user: 'bob', body: freeBusyRequest([CAROL]), headers: { 'Content-Type': 'text/calendar' } });
    expect([403, 404]).toContain(notMine.status);
  });
});

function freeBusyRequest(attendees: string[]): string {
  return ics([
    'METHOD:REQUEST',
    'BEGIN:VFREEBUSY', 'UID:fb-1', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T000000Z', 'DTEND:20300111T000000Z',
    `ORGANIZER:${ALICE}`, ...attendees.map((a) => `ATTENDEE:${a}`),
    'END:VFREEBUSY',
  ]);
}

function proppatch(prop: string): string {
  return `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>${prop}</D:prop></D:set></D:propertyupdate>`;
}
