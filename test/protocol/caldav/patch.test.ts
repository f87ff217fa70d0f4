// PATCH of calendar object resources with VPATCH documents (RFC 5789, draft-daboo-icalendar-vpatch
// §13, as Cyrus serves it): every patch operation, conditional and atomic writes, the write-content
// right, malformed patches, and implicit scheduling of a patched organizer object.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { event, ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { ALICE, BOB, calendarPath, copyOf, inboxSummary, meeting } from '../scheduling/support.ts';

const CAL = '/dav/calendars/user/alice/Default/';
const ACCEPT_PATCH = 'text/calendar; component=VPATCH; optinfo="PATCH-VERSION:1"';
const SERIES = ics([
  'BEGIN:VEVENT', 'UID:series', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260105T100000Z', 'DTEND:20260105T110000Z', 'SUMMARY:Standup',
  'RRULE:FREQ=DAILY;COUNT=5', 'LOCATION:Room 1', 'ATTENDEE;CN=Ann;ROLE=CHAIR:mailto:ann@example.org',
  'END:VEVENT',
  'BEGIN:VEVENT', 'UID:series', 'DTSTAMP:20260101T000000Z', 'RECURRENCE-ID:20260107T100000Z', 'DTSTART:20260107T120000Z', 'DTEND:20260107T130000Z', 'SUMMARY:Late standup',
  'END:VEVENT',
]);

function vpatch(...lines: string[]): string {
  return ics(['BEGIN:VPATCH', 'UID:p1', 'DTSTAMP:20260101T000000Z', ...lines, 'END:VPATCH']);
}
const patchOf = (...lines: string[]) => ['BEGIN:PATCH', ...lines, 'END:PATCH'];

describe('RFC 5789 PATCH with draft-daboo-icalendar-vpatch documents', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
    await t.request('PUT', `${CAL}series.ics`, { body: SERIES, headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
  });
  afterEach(() => t.close());

  const patch = (body: string, headers: Record<string, string> = {}, user = 'alice', path = `${CAL}series.ics`) =>
    t.request('PATCH', path, { user, body, headers: { 'Content-Type': 'text/calendar; component=VPATCH', ...headers } });
  const stored = async () => {
    const response = await t.request('GET', `${CAL}series.ics`, { expect: 200 });
    return { etag: response.headers.get('ETag'), text: (await response.text()).replace(/\r\n[ \t]/g, '') };
  };

  describe('§13 advertising: Accept-Patch and Allow', () => {
    it('OPTIONS on a calendar object and on its calendar lists PATCH and Accept-Patch', async () => {
      const object = await t.request('OPTIONS', `${CAL}series.ics`, { expect: 200 });
      expect(object.headers.get('Allow')).toMatch(/(^|, )PATCH(,|$)/);
      expect(object.headers.get('Accept-Patch')).toBe(ACCEPT_PATCH);
      const collection = await t.request('OPTIONS', CAL, { expect: 200 });
      expect(collection.headers.get('Accept-Patch')).toBe(ACCEPT_PATCH);
    });

    it('a file of the WebDAV area offers no PATCH', async () => {
      await t.request('PUT', '/dav/drive/user/alice/note.txt', { body: 'x', headers: { 'Content-Type': 'text/plain' }, expect: 201 });
      const options = await t.request('OPTIONS', '/dav/drive/user/alice/note.txt', { expect: 200 });
      expect(options.headers.get('Allow')).not.toMatch(/(^|, )PATCH(,|$)/);
      expect(options.headers.get('Accept-Patch')).toBeNull();
      await t.request('PATCH', '/dav/drive/user/alice/note.txt', { body: vpatch(), headers: { 'Content-Type': 'text/calendar' }, expect: 405 });
    });
  });

  describe('patch operations', () => {
    it('§7 replaces a property by name and adds one with PATCH-ACTION=CREATE; the ETag changes', async () => {
      const before = await stored();
      const response = await patch(vpatch(...patchOf('PATCH-TARGET:/VCALENDAR/VEVENT[UID=series][RID=M]', 'SUMMARY:Daily standup', 'COMMENT;PATCH-ACTION=CREATE:bring notes')));
      expect(response.status).toBe(204);
      const after = await stored();
      expect(response.headers.get('ETag')).toBe(after.etag);
      expect(after.etag).not.toBe(before.etag);
      expect(after.text).toContain('SUMMARY:Daily standup');
      expect(after.text).toContain('COMMENT:bring notes');
      expect(after.text).toContain('SUMMARY:Late standup');
    });

    it('§8 deletes a property and a parameter', async () => {
      await t.request('PATCH', `${CAL}series.ics`, {
        body: vpatch(...patchOf('PATCH-TARGET:/VCALENDAR/VEVENT[UID=series][RID=M]', 'PATCH-DELETE:#LOCATION', 'PATCH-DELETE:#ATTENDEE;ROLE')),
        headers: { 'Content-Type': 'text/calendar' },
        expect: 204,
      });
      const after = await stored();
      expect(after.text).not.toContain('LOCATION');
      expect(after.text).toContain('ATTENDEE;CN=Ann:mailto:ann@example.org');
    });

    it('§9 sets a parameter with PATCH-PARAMETER', async () => {
      expect((await patch(vpatch(...patchOf('PATCH-TARGET:/VCALENDAR/VEVENT[RID=M]', 'PATCH-PARAMETER;PARTSTAT=TENTATIVE:#ATTENDEE[=mailto:ann@example.org]')))).status).toBe(204);
      expect((await stored()).text).toMatch(/ATTENDEE;CN=Ann;ROLE=CHAIR;PARTSTAT=TENTATIVE:mailto:ann@example.org/);
    });

    it('§6 adds a component (a VALARM in the master)', async () => {
      await patch(vpatch(...patchOf('PATCH-TARGET:/VCALENDAR/VEVENT[UID=series][RID=M]', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:soon', 'TRIGGER:-PT10M', 'END:VALARM')));
      const text = (await stored()).text;
      expect(text.indexOf('BEGIN:VALARM')).toBeGreaterThan(text.indexOf('SUMMARY:Standup'));
      expect(text.indexOf('BEGIN:VALARM')).toBeLessThan(text.indexOf('SUMMARY:Late standup'));
    });

    it('§11.2 cancels an overridden instance: PATCH-DELETE by RID and an EXDATE on the master', async () => {
      expect((await patch(vpatch(
        ...patchOf('PATCH-TARGET:/VCALENDAR', 'PATCH-DELETE:/VEVENT[UID=series][RID=20260107T100000Z]'),
        ...patchOf('PATCH-TARGET:/VCALENDAR/VEVENT[UID=series][RID=M]', 'EXDATE;PATCH-ACTION=CREATE:20260107T100000Z'),
      ))).status).toBe(204);
      const text = (await stored()).text;
      expect(text).not.toContain('Late standup');
      expect(text).toContain('EXDATE:20260107T100000Z');
    });

    it('§11.2 adds an overridden instance from a RID= of the series', async () => {
      expect((await patch(vpatch(...patchOf('PATCH-TARGET:/VCALENDAR/VEVENT[UID=series][RID=20260108T100000Z]', 'SUMMARY:Standup with demo')))).status).toBe(204);
      const text = (await stored()).text;
      const override = text.slice(text.indexOf('RECURRENCE-ID:20260108T100000Z'));
      expect(override).toContain('SUMMARY:Standup with demo');
      expect(text).toMatch(/BEGIN:VEVENT\r\n(?:(?!END:VEVENT).*\r\n)*RECURRENCE-ID:20260108T100000Z/);
      expect(override.slice(0, override.indexOf('END:VEVENT'))).not.toContain('RRULE');
      // The new instance is found where it is, as any override would be.
      const report = await t.request('REPORT', CAL, {
        headers: { Depth: '1' },
        body: '<C:calendar-query xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:D="DAV:"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260108T000000Z" end="20260109T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>',
        expect: 207,
      });
      expect(await report.text()).toContain('series.ics');
    });

    it('§4 a PATCH-TARGET that matches nothing succeeds and stores nothing', async () => {
      const before = await stored();
      const response = await patch(vpatch(...patchOf('PATCH-TARGET:/VCALENDAR/VEVENT[UID=other]', 'SUMMARY:x')));
      expect(response.status).toBe(204);
      expect(response.headers.get('ETag')).toBe(before.etag);
      expect(await stored()).toEqual(before);
    });
  });

  describe('RFC 5789 §2.2 conditions and errors leave the object unchanged', () => {
    it('If-Match with the current ETag applies; with another ETag it is 412', async () => {
      const before = await stored();
      const change = vpatch(...patchOf('PATCH-TARGET:/VCALENDAR/VEVENT[RID=M]', 'SUMMARY:Changed'));
      expect((await patch(change, { 'If-Match': '"not-the-etag"' })).status).toBe(412);
      expect(await stored()).toEqual(before);
      expect((await patch(change, { 'If-Match': before.etag! })).status).toBe(204);
      expect((await patch(vpatch(...patchOf('PATCH-TARGET:/VCALENDAR/VEVENT[RID=M]', 'SUMMARY:Again')), { 'If-Match': before.etag! })).status).toBe(412);
      expect((await stored()).text).toContain('SUMMARY:Changed');
    });

    it('needs write-content (i): a sharee with read access only gets 403 need-privileges', async () => {
      await t.request('POST', CAL, {
        headers: { 'Content-Type': 'application/davsharing+xml' },
        body: '<D:share-resource xmlns:D="DAV:"><D:sharee><D:href>mailto:bob@example.com</D:href><D:share-access><D:read/></D:share-access></D:sharee></D:share-resource>',
        expect: 204,
      });
      const before = await stored();
      await t.request('GET', `${CAL}series.ics`, { user: 'bob', expect: 200 });
      const refused = await patch(vpatch(...patchOf('PATCH-TARGET:/VCALENDAR/VEVENT[RID=M]', 'SUMMARY:Bob was here')), {}, 'bob');
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('need-privileges');
      expect(await stored()).toEqual(before);
    });

    it.each([
      ['a Content-Type that is not a VPATCH document', 'application/json', vpatch(), 415],
      ['text/calendar naming another component', 'text/calendar; component=VEVENT', vpatch(), 415],
      ['a calendar object instead of a patch', 'text/calendar', event('series'), 400],
      ['text that is not iCalendar', 'text/calendar', 'PATCH-TARGET:/VCALENDAR\r\n', 400],
      ['a PATCH without PATCH-TARGET', 'text/calendar', vpatch(...patchOf('SUMMARY:x')), 400],
      ['a PATCH-TARGET that is not an absolute component path', 'text/calendar', vpatch(...patchOf('PATCH-TARGET:/VEVENT', 'SUMMARY:x')), 400],
      ['a malformed PATCH-DELETE', 'text/calendar', vpatch(...patchOf('PATCH-TARGET:/VCALENDAR/VEVENT', 'PATCH-DELETE:#ATTENDEE[mailto:ann@example.org')), 400],
      ['a PATCH-PARAMETER that names a component', 'text/calendar', vpatch(...patchOf('PATCH-TARGET:/VCALENDAR', 'PATCH-PARAMETER;X=1:/VEVENT')), 400],
      ['an unknown PATCH-ACTION', 'text/calendar', vpatch(...patchOf('PATCH-TARGET:/VCALENDAR/VEVENT', 'SUMMARY;PATCH-ACTION=MAYBE:x')), 400],
      ['PATCH-VERSION 2', 'text/calendar', vpatch('PATCH-VERSION:2', ...patchOf('PATCH-TARGET:/VCALENDAR/VEVENT', 'SUMMARY:x')), 415],
      ['a RID= that is not an instance', 'text/calendar', vpatch(...patchOf('PATCH-TARGET:/VCALENDAR/VEVENT[UID=series][RID=20260105T103000Z]', 'SUMMARY:x')), 409],
      ['a result with a malformed DTSTART', 'text/calendar', vpatch(...patchOf('PATCH-TARGET:/VCALENDAR/VEVENT[RID=M]', 'DTSTART:tomorrow')), 422],
      ['a result mixing VEVENT and VTODO', 'text/calendar', vpatch(...patchOf('PATCH-TARGET:/VCALENDAR', 'BEGIN:VTODO', 'UID:series', 'DTSTAMP:20260101T000000Z', 'END:VTODO')), 422],
      ['a result with a second UID', 'text/calendar', vpatch(...patchOf('PATCH-TARGET:/VCALENDAR', 'BEGIN:VEVENT', 'UID:intruder', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260110T100000Z', 'END:VEVENT')), 422],
    ])('%s: %i', async (_name, contentType, body, status) => {
      const before = await stored();
      const response = await t.request('PATCH', `${CAL}series.ics`, { body, headers: { 'Content-Type': contentType } });
      const text = await response.text();
      expect(response.status, text).toBe(status);
      if (status === 415) expect(response.headers.get('Accept-Patch')).toBe(ACCEPT_PATCH);
      if (status === 400 || status === 409 || status === 422) expect(text).toMatch(/valid-calendar-data|valid-calendar-object-resource/);
      if (status === 415 && contentType === 'text/calendar') expect(text).toContain('supported-calendar-data');
      expect(text).not.toBe('');
      expect(await stored()).toEqual(before);
    });

    it('the result is validated as a PUT of it would be: a UID another object has is CALDAV:no-uid-conflict, and nothing changes', async () => {
      await t.request('PUT', `${CAL}taken.ics`, { body: event('taken'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
      await t.request('PUT', `${CAL}single.ics`, { body: event('single'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
      const before = await (await t.request('GET', `${CAL}single.ics`, { expect: 200 })).text();
      const put = await t.request('PUT', `${CAL}single.ics`, { body: event('taken'), headers: { 'Content-Type': 'text/calendar' } });
      const patched = await patch(vpatch(...patchOf('PATCH-TARGET:/VCALENDAR/VEVENT[UID=single]', 'UID:taken')), {}, 'alice', `${CAL}single.ics`);
      expect(patched.status).toBe(put.status);
      const [putText, patchText] = [await put.text(), await patched.text()];
      expect(putText).toContain('no-uid-conflict');
      expect(patchText).toContain('no-uid-conflict');
      expect(patchText).toContain(`${CAL}taken.ics`);
      expect(await (await t.request('GET', `${CAL}single.ics`, { expect: 200 })).text()).toBe(before);
    });

    it('a missing resource is 404 and a collection 405', async () => {
      await patch(vpatch(), {}, 'alice', `${CAL}missing.ics`).then((r) => expect(r.status).toBe(404));
      const collection = await patch(vpatch(), {}, 'alice', CAL);
      expect(collection.status).toBe(405);
      expect(collection.headers.get('Allow')).not.toMatch(/(^|, )PATCH(,|$)/);
    });
  });

  describe('RFC 6638 implicit scheduling runs as for PUT', () => {
    it('patching an organizer\'s meeting delivers the update to the attendee', async () => {
      await t.request('PUT', `${calendarPath('alice')}meet.ics`, {
        body: meeting({ uid: 'meet', attendees: [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;RSVP=TRUE:${BOB}`] }),
        headers: { 'Content-Type': 'text/calendar' },
        expect: 201,
      });
      expect(await inboxSummary(t, 'bob')).toEqual(['REQUEST meet']);
      const response = await t.request('PATCH', `${calendarPath('alice')}meet.ics`, {
        body: vpatch(...patchOf('PATCH-TARGET:/VCALENDAR/VEVENT[UID=meet]', 'DTSTART:20300110T140000Z', 'DTEND:20300110T150000Z', 'SUMMARY:Planning (moved)')),
        headers: { 'Content-Type': 'text/calendar; component=VPATCH' },
        expect: 204,
      });
      expect(response.headers.get('Schedule-Tag')).toBeTruthy();
      expect(await inboxSummary(t, 'bob')).toEqual(['REQUEST meet', 'REQUEST meet']);
      const copy = (await copyOf(t, 'bob', 'meet'))!;
      expect(copy.text).toContain('DTSTART:20300110T140000Z');
      expect(copy.text).toContain('SUMMARY:Planning (moved)');
    });
  });
});
