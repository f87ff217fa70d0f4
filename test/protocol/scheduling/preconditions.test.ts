// Scheduling preconditions on PUT (RFC 6638 §3.2.4.1) and delivery privileges (RFC 6638 §6.1,
// the seed's Outbox/Inbox rights 7, 8, 9): refusals and the SCHEDULE-STATUS 3.8 they produce.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { ALICE, BOB, CAROL, calendarPath, copyOf, inboxPath, inboxSummary, master, meeting, scheduleStatusOf } from './support.ts';

describe('RFC 6638 §3.2.4.1 scheduling preconditions', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  const put = (user: string, path: string, body: string, headers: Record<string, string> = {}) =>
    t.request('PUT', path, { user, body, headers: { 'Content-Type': 'text/calendar', ...headers } });

  it('unique-scheduling-object-resource: one UID in two of the organizer\'s calendars', async () => {
    await t.request('MKCALENDAR', calendarPath('alice', 'work'), { expect: 201 });
    await put('alice', `${calendarPath('alice')}a.ics`, meeting({ uid: 'dup' }));
    const response = await put('alice', `${calendarPath('alice', 'work')}b.ics`, meeting({ uid: 'dup' }));
    expect(response.status).toBe(409);
    const body = await response.text();
    expect(body).toContain('unique-scheduling-object-resource');
    expect(body).toContain('/dav/calendars/user/alice/Default/a.ics');
  });

  it('same-organizer-in-all-components: an override naming another organizer', async () => {
    const body = meeting({
      uid: 'two-orgs',
      extra: ['RRULE:FREQ=DAILY;COUNT=3'],
      overrides: [['RECURRENCE-ID:20300111T100000Z', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300111T120000Z', 'DTEND:20300111T130000Z',
        `ORGANIZER:${BOB}`, `ATTENDEE:${ALICE}`]],
    });
    const response = await put('alice', `${calendarPath('alice')}two.ics`, body);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('same-organizer-in-all-components');
    expect(await inboxSummary(t, 'bob')).toEqual([]);
  });

  it('allowed-organizer-scheduling-object-change: the organizer cannot hand the event to someone else', async () => {
    await put('alice', `${calendarPath('alice')}o.ics`, meeting({ uid: 'o' }));
    const response = await put('alice', `${calendarPath('alice')}o.ics`, meeting({ uid: 'o' }).replace(`ORGANIZER;CN=Alice:${ALICE}`, `ORGANIZER:${CAROL}`));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('allowed-organizer-scheduling-object-change');
  });

  it('allowed-attendee-scheduling-object-change: an attendee cannot change the organizer', async () => {
    await put('alice', `${calendarPath('alice')}o.ics`, meeting({ uid: 'o' }));
    const bobCopy = (await copyOf(t, 'bob', 'o'))!;
    const response = await put('bob', `${calendarPath('bob')}o.ics`, bobCopy.text.replace(`ORGANIZER;CN=Alice:${ALICE}`, `ORGANIZER:${CAROL}`));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('allowed-attendee-scheduling-object-change');
  });

  it('valid-organizer: ORGANIZER must be a calendar user address', async () => {
    const response = await put('alice', `${calendarPath('alice')}v.ics`, meeting({ uid: 'v' }).replace(`ORGANIZER;CN=Alice:${ALICE}`, 'ORGANIZER:alice'));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('valid-organizer');
  });

  it('objects without ORGANIZER are stored without scheduling and without Schedule-Tag', async () => {
    const response = await put('alice', `${calendarPath('alice')}plain.ics`, ics(['BEGIN:VEVENT', 'UID:plain', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300110T100000Z', `ATTENDEE:${BOB}`, 'END:VEVENT']));
    expect(response.status).toBe(201);
    expect(response.headers.get('Schedule-Tag')).toBeNull();
    expect(response.headers.get('ETag')).toMatch(/^".+"$/);
    expect(await inboxSummary(t, 'bob')).toEqual([]);
  });

  it('§6.1 without schedule-send-invite (8) on the Outbox attendees get SCHEDULE-STATUS 3.8 and nothing else', async () => {
    await t.request('GET', inboxPath('bob'), { user: 'bob' });
    // Bob may write alice's calendar but not send from her Outbox.
    await t.request('ACL', calendarPath('alice'), {
      body: aclBody('bob', ['read', 'write']),
      headers: { 'Content-Type': 'application/xml' },
      expect: 200,
    });
    await put('bob', `${calendarPath('alice')}by-bob.ics`, meeting({ uid: 'by-bob' }));
    const copy = (await copyOf(t, 'alice', 'by-bob'))!;
    expect(scheduleStatusOf(master(copy.calendar), 'attendee', BOB)).toBe('3.8');
    expect(scheduleStatusOf(master(copy.calendar), 'attendee', CAROL)).toBe('3.8');
    expect(await inboxSummary(t, 'carol')).toEqual([]);
  });

  it('§6.1 without schedule-deliver-invite (8) on the recipient Inbox that recipient gets 3.8', async () => {
    await t.request('GET', inboxPath('carol'), { user: 'carol' });
    await t.request('ACL', inboxPath('carol'), { user: 'carol', body: aclBody(null, []), headers: { 'Content-Type': 'application/xml' }, expect: 200 });
    await put('alice', `${calendarPath('alice')}m.ics`, meeting({ uid: 'm' }));
    const copy = (await copyOf(t, 'alice', 'm'))!;
    expect(scheduleStatusOf(master(copy.calendar), 'attendee', CAROL)).toBe('3.8');
    expect(scheduleStatusOf(master(copy.calendar), 'attendee', BOB)).toBe('1.2');
    expect(await copyOf(t, 'carol', 'm')).toBeUndefined();
    expect(await inboxSummary(t, 'carol')).toEqual([]);
  });

  it('§3.2.9 an unknown address in a local domain gets SCHEDULE-STATUS 3.7', async () => {
    await put('alice', `${calendarPath('alice')}m.ics`, meeting({ uid: 'm', attendees: [`ATTENDEE:${ALICE}`, 'ATTENDEE:mailto:nobody@localhost'] }));
    expect(scheduleStatusOf(master((await copyOf(t, 'alice', 'm'))!.calendar), 'attendee', 'mailto:nobody@localhost')).toBe('3.7');
  });
});

/** An ACL body granting `principal` (a user name; null means nobody) the given DAV privileges, owner keeps all. */
function aclBody(principal: string | null, privileges: string[]): string {
  const grant = principal
    ? `<D:ace><D:principal><D:href>/dav/principals/user/${principal}/</D:href></D:principal><D:grant>${privileges.map((p) => `<D:privilege><D:${p}/></D:privilege>`).join('')}</D:grant></D:ace>`
    : '';
  return `<?xml version="1.0"?><D:acl xmlns:D="DAV:"><D:ace><D:principal><D:property><D:owner/></D:property></D:principal><D:grant><D:privilege><D:all/></D:privilege></D:grant></D:ace>${grant}</D:acl>`;
}
