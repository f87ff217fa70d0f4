// The invite, accept, update and cancel round trip between two running instances over iSchedule,
// shared by the two-process tests (Node with Node, Node with Deno). The attendee accepts with
// tsdav, a client written elsewhere; everything else is plain HTTP.
import { expect } from 'vitest';
import type { ServerProcess } from '../support/processes.ts';
import { acceptWithTsdav, copyOf, dav, meeting, partstat, type Instance } from '../support/ischedule-instances.ts';

export async function inviteAcceptCancel(a: ServerProcess, b: ServerProcess, organizer: Instance, attendee: Instance, uid: string): Promise<void> {
  const ORGANIZER = `mailto:${organizer.user}@${organizer.domain}`;
  const ATTENDEE = `mailto:${attendee.user}@${attendee.domain}`;
  const path = `/dav/calendars/user/${organizer.user}/Default/${uid}.ics`;
  const version = (summary: string, sequence: number, attendeePartstat?: string) =>
    meeting({ uid, organizer: ORGANIZER, attendee: ATTENDEE, summary, sequence, ...(attendeePartstat ? { attendeePartstat } : {}) });

  expect((await dav(a, organizer.user, 'PUT', path, version('Planning', 0))).status).toBe(201);
  const invited = await copyOf(b, attendee.user, uid);
  expect(invited?.vevent.getFirstPropertyValue('summary')).toBe('Planning');
  expect((await copyOf(a, organizer.user, uid))!.text).toMatch(/SCHEDULE-STATUS=1\.2/);

  expect(await acceptWithTsdav(b, attendee.user, ATTENDEE, uid)).toBe(204);
  expect(partstat((await copyOf(a, organizer.user, uid))!.vevent, ATTENDEE)).toBe('ACCEPTED');

  expect((await dav(a, organizer.user, 'PUT', path, version('Moved', 1, 'ACCEPTED'))).status).toBe(204);
  expect((await copyOf(b, attendee.user, uid))!.vevent.getFirstPropertyValue('summary')).toBe('Moved');

  expect((await dav(a, organizer.user, 'DELETE', path)).status).toBe(204);
  expect((await copyOf(b, attendee.user, uid))!.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
}
