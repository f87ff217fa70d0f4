// Free-busy requests POSTed to the Outbox (RFC 6638 §5) with values that do not parse are refused
// with CALDAV:valid-scheduling-message, before anything reads them (found by the request fuzz).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

function request(lines: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//x//EN', 'METHOD:REQUEST', 'BEGIN:VFREEBUSY', 'UID:fb1', 'DTSTAMP:20260101T000000Z', ...lines, 'END:VFREEBUSY', 'END:VCALENDAR', ''].join('\r\n');
}

describe('Outbox free-busy requests with malformed values', () => {
  const cases: [string, string[]][] = [
    ['a DATE where DTSTART must be a DATE-TIME', ['DTSTART:20260111', 'DTEND:20260112T000000Z', 'ORGANIZER:mailto:alice@example.com', 'ATTENDEE:mailto:bob@example.com']],
    ['a year with nine digits', ['DTSTART:20260110T000000Z', 'DTEND:100000100T000000Z', 'ORGANIZER:mailto:alice@example.com']],
    ['an ORGANIZER typed as a DATE', ['DTSTART:20260110T000000Z', 'DTEND:20260111T000000Z', 'ORGANIZER;VALUE=DATE:mailto:alice@example.com']],
  ];
  for (const [name, lines] of cases) {
    it(`refuses ${name}`, async () => {
      const response = await t.request('POST', '/dav/calendars/user/alice/Outbox/', { body: request(lines), headers: { 'Content-Type': 'text/calendar' } });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('valid-scheduling-message');
    });
  }

  it('still answers a well-formed request', async () => {
    const response = await t.request('POST', '/dav/calendars/user/alice/Outbox/', {
      body: request(['DTSTART:20260110T000000Z', 'DTEND:20260111T000000Z', 'ORGANIZER:mailto:alice@example.com', 'ATTENDEE:mailto:bob@example.com']),
      headers: { 'Content-Type': 'text/calendar' },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('schedule-response');
  });
});
