// What clients get wrong in scheduling objects, and what the server makes of it (RFC 6638 §3.2):
// an attendee's client that turns its only instance into a stand-alone event or drops the master,
// an organizer's write that cancels and changes at once, and invitations that come with instances
// already cancelled. Each case as CalendarServer's test suite exercises it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../helpers/app.ts';
import { ALICE, BOB, CAROL, calendarPath, copyOf, events, inboxPath, inboxSummary, master, meeting, override, partstatOf } from './support.ts';

describe('scheduling objects repaired from what clients send', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  const put = (user: string, name: string, body: string, status?: number) =>
    t.request('PUT', `${calendarPath(user)}${name}`, { user, body, headers: { 'Content-Type': 'text/calendar' }, ...(status ? { expect: status } : {}) });
  const instance = (rid: string, attendees: string[], extra: string[] = []) => [
    `RECURRENCE-ID:${rid}`, 'DTSTAMP:20300101T000000Z', `DTSTART:${rid}`, `DTEND:${rid.replace('T10', 'T11')}`, 'SUMMARY:Planning',
    `ORGANIZER;CN=Alice:${ALICE}`, ...attendees, ...extra,
  ];

  it('an attendee invited to one instance who writes it back without RECURRENCE-ID answers for that instance', async () => {
    await put('alice', 'o.ics', meeting({
      uid: 'o',
      attendees: [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`],
      extra: ['RRULE:FREQ=DAILY;COUNT=3'],
      overrides: [instance('20300111T100000Z', [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;RSVP=TRUE:${BOB}`])],
    }), 201);
    const bobCopy = (await copyOf(t, 'bob', 'o'))!;
    expect(events(bobCopy.calendar)).toHaveLength(1);
    const standalone = bobCopy.text
      .replace(/RECURRENCE-ID[^\r\n]*\r\n/, '')
      .replace(/ATTENDEE;[^\r\n]*(\r\n [^\r\n]*)*bob@example\.com/, `ATTENDEE;PARTSTAT=ACCEPTED:${BOB}`);
    await put('bob', bobCopy.name, standalone, 204);

    const stored = (await copyOf(t, 'bob', 'o'))!;
    expect(events(stored.calendar)).toHaveLength(1);
    expect(override(stored.calendar, '20300111T100000Z')).toBeDefined();
    expect(partstatOf(override(stored.calendar, '20300111T100000Z')!, BOB)).toBe('ACCEPTED');
    expect(await inboxSummary(t, 'alice')).toEqual([`REPLY o ${BOB} ACCEPTED`]);
    expect(partstatOf(override((await copyOf(t, 'alice', 'o'))!.calendar, '20300111T100000Z')!, BOB)).toBe('ACCEPTED');
  });

  it("an attendee's write that drops the master keeps the series and sends the answers it does carry", async () => {
    const attendees = [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;RSVP=TRUE:${BOB}`];
    await put('alice', 'm.ics', meeting({ uid: 'm', attendees, extra: ['RRULE:FREQ=DAILY;COUNT=3'], overrides: [instance('20300111T100000Z', attendees)] }), 201);
    const bobCopy = (await copyOf(t, 'bob', 'm'))!;
    const onlyInstance = bobCopy.calendar;
    onlyInstance.removeSubcomponent(master(onlyInstance));
    const mine = events(onlyInstance)[0]!.getAllProperties('attendee').find((p) => String(p.getFirstValue()).toLowerCase() === BOB)!;
    mine.setParameter('partstat', 'ACCEPTED');
    mine.removeParameter('rsvp');
    await put('bob', bobCopy.name, onlyInstance.toString(), 204);

    const stored = (await copyOf(t, 'bob', 'm'))!;
    expect(String(master(stored.calendar).getFirstPropertyValue('rrule'))).toBe('FREQ=DAILY;COUNT=3');
    expect(partstatOf(master(stored.calendar), BOB)).toBe('NEEDS-ACTION');
    expect(partstatOf(override(stored.calendar, '20300111T100000Z')!, BOB)).toBe('ACCEPTED');
    expect(await inboxSummary(t, 'alice')).toEqual([`REPLY m ${BOB} ACCEPTED`]);
    const aliceCopy = (await copyOf(t, 'alice', 'm'))!;
    expect(partstatOf(master(aliceCopy.calendar), BOB)).toBe('NEEDS-ACTION');
    expect(partstatOf(override(aliceCopy.calendar, '20300111T100000Z')!, BOB)).toBe('ACCEPTED');
  });

  it('an organizer who cancels and changes the summary in one write sends the change as a REQUEST beside the CANCEL', async () => {
    await put('alice', 'c.ics', meeting({ uid: 'c' }), 201);
    await put('alice', 'c.ics', meeting({ uid: 'c', summary: 'Planning (off)', extra: ['STATUS:CANCELLED'] }), 204);
    expect(await inboxSummary(t, 'bob')).toEqual(['CANCEL c', 'REQUEST c', 'REQUEST c']);
    const bobCopy = master((await copyOf(t, 'bob', 'c'))!.calendar);
    expect(String(bobCopy.getFirstPropertyValue('summary'))).toBe('Planning (off)');
    expect(String(bobCopy.getFirstPropertyValue('status'))).toBe('CANCELLED');
  });

  it('an organizer who only cancels sends the CANCEL alone', async () => {
    await put('alice', 'c.ics', meeting({ uid: 'c' }), 201);
    await put('alice', 'c.ics', meeting({ uid: 'c', extra: ['STATUS:CANCELLED'] }), 204);
    expect(await inboxSummary(t, 'bob')).toEqual(['CANCEL c', 'REQUEST c']);
  });

  it('an invitation that comes with a cancelled instance is one REQUEST, without a CANCEL for an instance the attendee never had', async () => {
    const attendees = [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;RSVP=TRUE:${BOB}`];
    await put('alice', 'i.ics', meeting({
      uid: 'i', attendees, extra: ['RRULE:FREQ=DAILY;COUNT=3'], overrides: [instance('20300111T100000Z', attendees, ['STATUS:CANCELLED'])],
    }), 201);
    expect(await inboxSummary(t, 'bob')).toEqual(['REQUEST i']);
    expect(String(override((await copyOf(t, 'bob', 'i'))!.calendar, '20300111T100000Z')!.getFirstPropertyValue('status'))).toBe('CANCELLED');
  });

  it('an attendee taken off the series but kept on one instance gets one CANCEL for the series and the instance as a REQUEST', async () => {
    const both = [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;RSVP=TRUE:${BOB}`, `ATTENDEE;RSVP=TRUE:${CAROL}`];
    await put('alice', 's.ics', meeting({ uid: 's', attendees: both, extra: ['RRULE:FREQ=WEEKLY'], overrides: [instance('20300117T100000Z', both)] }), 201);
    // The series moves two days later; bob stays only on an instance of the new series.
    await put('alice', 's.ics', meeting({
      uid: 's',
      start: '20300112T100000Z',
      end: '20300112T110000Z',
      attendees: [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;RSVP=TRUE:${CAROL}`],
      extra: ['RRULE:FREQ=WEEKLY'],
      overrides: [instance('20300119T100000Z', both)],
    }), 204);
    expect(await inboxSummary(t, 'bob')).toEqual(['CANCEL s', 'REQUEST s', 'REQUEST s 20300119T100000Z']);
    const bobCopy = (await copyOf(t, 'bob', 's'))!;
    expect(events(bobCopy.calendar)).toHaveLength(1);
    expect(override(bobCopy.calendar, '20300119T100000Z')).toBeDefined();
  });

  it('an attendee who declined and deleted their copy does not get it back from an update that still has them declined', async () => {
    await put('alice', 'd.ics', meeting({ uid: 'd' }), 201);
    const bobCopy = (await copyOf(t, 'bob', 'd'))!;
    await put('bob', bobCopy.name, bobCopy.text.replace(/ATTENDEE;RSVP=TRUE(;[^:\r\n]*)?:mailto:bob@example\.com/, `ATTENDEE;PARTSTAT=DECLINED:${BOB}`), 204);
    await t.request('DELETE', `${calendarPath('bob')}${bobCopy.name}`, { user: 'bob', expect: 204 });
    await t.request('DELETE', `${inboxPath('bob')}${(await inboxNames(t, 'bob'))[0]}`, { user: 'bob', expect: 204 });
    expect(await inboxSummary(t, 'bob')).toEqual([]);

    const declined = [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;PARTSTAT=DECLINED:${BOB}`, `ATTENDEE;RSVP=TRUE:${CAROL}`];
    await put('alice', 'd.ics', meeting({ uid: 'd', summary: 'Planning, agenda attached', attendees: declined }), 204);
    expect(await copyOf(t, 'bob', 'd')).toBeUndefined();
    expect(await inboxSummary(t, 'bob')).toEqual([]);
    expect(await inboxSummary(t, 'carol')).toEqual(['REQUEST d', 'REQUEST d']);

    // Rescheduled, the event asks bob again (his answer was for the old time), and he gets it.
    await put('alice', 'd.ics', meeting({ uid: 'd', summary: 'Planning, agenda attached', start: '20300110T140000Z', end: '20300110T150000Z' }), 204);
    expect(await inboxSummary(t, 'bob')).toEqual(['REQUEST d']);
    expect(await copyOf(t, 'bob', 'd')).toBeDefined();
  });

  it('an attendee cannot remove their own ATTENDEE property: 403 with the RFC 6638 precondition, and the copy unchanged', async () => {
    await put('alice', 'r.ics', meeting({ uid: 'r' }), 201);
    const bobCopy = (await copyOf(t, 'bob', 'r'))!;
    const withoutBob = bobCopy.calendar;
    const event = master(withoutBob);
    event.removeProperty(event.getAllProperties('attendee').find((p) => String(p.getFirstValue()).toLowerCase() === BOB)!);
    const response = await put('bob', bobCopy.name, withoutBob.toString(), 403);
    expect(await response.text()).toContain('allowed-attendee-scheduling-object-change');
    expect((await copyOf(t, 'bob', 'r'))!.text).toBe(bobCopy.text);
    expect(await inboxSummary(t, 'alice')).toEqual([]);
  });

  it('an attendee who excludes with EXDATE an instance they already declined sends no second REPLY', async () => {
    const attendees = [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;RSVP=TRUE:${BOB}`];
    await put('alice', 'x.ics', meeting({ uid: 'x', attendees, extra: ['RRULE:FREQ=DAILY;COUNT=3'] }), 201);
    const bobCopy = (await copyOf(t, 'bob', 'x'))!;
    const declined = bobCopy.text.replace('END:VCALENDAR', ['BEGIN:VEVENT', 'UID:x',
      ...instance('20300111T100000Z', [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;PARTSTAT=DECLINED:${BOB}`]), 'END:VEVENT', 'END:VCALENDAR'].join('\r\n'));
    await put('bob', bobCopy.name, declined, 204);
    expect(await inboxSummary(t, 'alice')).toEqual([`REPLY x ${BOB} DECLINED`]);
    await put('bob', bobCopy.name, bobCopy.text.replace('RRULE:FREQ=DAILY;COUNT=3', 'RRULE:FREQ=DAILY;COUNT=3\r\nEXDATE:20300111T100000Z'), 204);
    expect(await inboxSummary(t, 'alice')).toEqual([`REPLY x ${BOB} DECLINED`]);
  });

  it('an attendee invited to some instances only declines one by leaving it out of their copy', async () => {
    const both = [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;RSVP=TRUE:${BOB}`];
    await put('alice', 'p.ics', meeting({
      uid: 'p',
      attendees: [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`],
      extra: ['RRULE:FREQ=DAILY;COUNT=3'],
      overrides: [instance('20300111T100000Z', both), instance('20300112T100000Z', both)],
    }), 201);
    const bobCopy = (await copyOf(t, 'bob', 'p'))!;
    const fewer = bobCopy.calendar;
    fewer.removeSubcomponent(override(fewer, '20300111T100000Z')!);
    await put('bob', bobCopy.name, fewer.toString(), 204);
    expect(await inboxSummary(t, 'alice')).toEqual([`REPLY p ${BOB} DECLINED`]);
    const aliceCopy = (await copyOf(t, 'alice', 'p'))!;
    expect(partstatOf(override(aliceCopy.calendar, '20300111T100000Z')!, BOB)).toBe('DECLINED');
    expect(partstatOf(override(aliceCopy.calendar, '20300112T100000Z')!, BOB)).toBe('NEEDS-ACTION');

    // The organizer's next update does not bring the declined instance back into bob's copy.
    await put('alice', 'p.ics', aliceCopy.text.replaceAll('SUMMARY:Planning', 'SUMMARY:Planning (agenda)'), 204);
    const updated = (await copyOf(t, 'bob', 'p'))!;
    expect(events(updated.calendar)).toHaveLength(1);
    expect(String(override(updated.calendar, '20300112T100000Z')!.getFirstPropertyValue('summary'))).toBe('Planning (agenda)');
  });

  it('calendar-query on the Inbox and on a calendar finds their objects when Depth is left out', async () => {
    await put('alice', 'q.ics', meeting({ uid: 'q' }), 201);
    const body = '<?xml version="1.0"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>'
      + '<C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>';
    for (const [user, path] of [['bob', inboxPath('bob')], ['bob', calendarPath('bob')], ['alice', calendarPath('alice')]] as const) {
      const response = await t.request('REPORT', path, { user, body, headers: { 'Content-Type': 'application/xml' }, expect: 207 });
      expect((await response.text()).match(/<D:href>/g), path).toHaveLength(1);
    }
  });
});

async function inboxNames(t: TestApp, user: string): Promise<string[]> {
  const listing = await t.request('PROPFIND', inboxPath(user), { user, headers: { Depth: '1' }, expect: 207 });
  return [...(await listing.text()).matchAll(/<D:href>[^<]*\/Inbox\/([^<]+)<\/D:href>/g)].map((m) => m[1]!);
}
