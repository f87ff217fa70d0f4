// Editing one instance of a recurring event: the client adds an overridden RECURRENCE-ID
// component and PUTs the whole object back with If-Match (RFC 4791 §4.1, RFC 5545 §3.8.4.4).
// The owner's own edit succeeds with or without an ORGANIZER; a refused one names its condition.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';

const CAL = '/dav/calendars/user/alice/Default/';
const ORGANIZED = ['ORGANIZER:mailto:alice@example.com', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com', 'ATTENDEE:mailto:bob@example.com'];
let t: TestApp;

beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const master = (uid: string, extra: string[]) => [
  'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Europe/Berlin:20260302T090000',
  'DTEND;TZID=Europe/Berlin:20260302T093000', 'RRULE:FREQ=DAILY;COUNT=10', 'SEQUENCE:0', 'SUMMARY:Daily', ...extra, 'END:VEVENT',
];
const override = (uid: string, extra: string[], recurrenceId = 'RECURRENCE-ID;TZID=Europe/Berlin:20260304T090000') => [
  'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260102T000000Z', recurrenceId, 'DTSTART;TZID=Europe/Berlin:20260304T100000',
  'DTEND;TZID=Europe/Berlin:20260304T103000', 'SEQUENCE:1', 'SUMMARY:Moved', ...extra, 'END:VEVENT',
];

async function editOneInstance(uid: string, masterExtra: string[], overrideExtra: string[], recurrenceId?: string): Promise<Response> {
  const path = `${CAL}${uid}.ics`;
  const created = await t.request('PUT', path, { body: ics(master(uid, masterExtra)), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
  const etag = created.headers.get('etag') ?? (await t.request('HEAD', path, { expect: 200 })).headers.get('etag')!;
  const body = ics([...master(uid, masterExtra), ...override(uid, overrideExtra, recurrenceId)]);
  return t.request('PUT', path, { body, headers: { 'Content-Type': 'text/calendar', 'If-Match': etag } });
}

describe('overriding one instance of a recurring event', () => {
  it('accepts the override of an organizer-less series', async () => {
    expect((await editOneInstance('no-organizer', [], [])).status).toBe(204);
    const stored = await (await t.request('GET', `${CAL}no-organizer.ics`, { expect: 200 })).text();
    expect(stored).toMatch(/RECURRENCE-ID;TZID=Europe\/Berlin:20260304T090000/);
  });

  it('accepts it when only the series lists attendees', async () => {
    expect((await editOneInstance('attendees-only', ['ATTENDEE:mailto:bob@example.com'], [])).status).toBe(204);
  });

  it('accepts the organizer\'s override, with or without ORGANIZER repeated in it', async () => {
    expect((await editOneInstance('organized-full', ORGANIZED, ORGANIZED)).status).toBe(204);
    expect((await editOneInstance('organized-bare', ORGANIZED, [])).status).toBe(204);
  });

  it('accepts an override written in UTC for a series in a time zone', async () => {
    expect((await editOneInstance('utc-override', [], [], 'RECURRENCE-ID:20260304T080000Z')).status).toBe(204);
  });

  it('names the condition when the override is refused', async () => {
    const response = await editOneInstance('other-organizer', ORGANIZED, ['ORGANIZER:mailto:carol@example.com']);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('same-organizer-in-all-components');
  });
});
