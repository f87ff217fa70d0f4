// Scheduling with a real client: the caldav Python library (python3-caldav) creates a meeting as
// organizer with save_with_invites; the attendee finds it in their calendar and Inbox, accepts it
// with accept_invite, and the organizer sees the answer. Also a free-busy request to the Outbox.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../adapters/node/database.ts';
import { startServer, type RunningServer } from '../../adapters/node/server.ts';
import { parseConfig } from '../../src/config.ts';
import { addUser } from '../../src/users.ts';

const run = promisify(execFile);

const SCRIPT = String.raw`
import json, sys, datetime
import caldav
import caldav.davclient

url = sys.argv[1]
alice = caldav.DAVClient(url, username="alice", password="alice-pw")
bob = caldav.DAVClient(url, username="bob", password="bob-pw")
alice_principal = alice.principal()
bob_principal = bob.principal()
out = {}

calendar = alice_principal.calendar(cal_id="Default")
ical = "\r\n".join([
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//python-caldav scheduling test//EN",
    "BEGIN:VEVENT", "UID:py-meeting-1", "DTSTAMP:20300101T000000Z",
    "DTSTART:20300301T090000Z", "DTEND:20300301T100000Z", "SUMMARY:Python planning",
    "END:VEVENT", "END:VCALENDAR", ""])
calendar.save_with_invites(ical, [alice_principal, bob_principal])

bob_calendar = bob_principal.calendar(cal_id="Default")
seen = bob_calendar.event_by_uid("py-meeting-1")
out["bob_sees"] = str(seen.icalendar_component["summary"])
out["bob_partstat_before"] = [str(a.params.get("PARTSTAT", "NEEDS-ACTION")) for a in seen.icalendar_component.get("attendee") if "bob" in str(a)]

inbox = bob_principal.schedule_inbox()
invites = [item for item in inbox.get_items() if item.is_invite_request()]
out["invites"] = [str(item.icalendar_component["uid"]) for item in invites]
invites[0].accept_invite(calendar=bob_calendar)

organizer_copy = calendar.event_by_uid("py-meeting-1")
out["alice_sees_bob"] = [str(a.params.get("PARTSTAT")) for a in organizer_copy.icalendar_component.get("attendee") if "bob" in str(a)]
out["alice_inbox"] = [item.icalendar_instance.get("method") for item in alice_principal.schedule_inbox().get_items()]

# The library parses the CALDAV:schedule-response as a multistatus and loses it; keep the raw body.
captured = {}
original = caldav.davclient.DAVResponse.find_objects_and_props
def keep_raw(self):
    captured["body"] = self._raw.decode() if isinstance(self._raw, bytes) else str(self._raw)
    return original(self)
caldav.davclient.DAVResponse.find_objects_and_props = keep_raw
alice_principal.freebusy_request(
    datetime.datetime(2030, 3, 1, 0, 0, tzinfo=datetime.timezone.utc),
    datetime.datetime(2030, 3, 2, 0, 0, tzinfo=datetime.timezone.utc),
    [bob_principal.get_vcal_address()])
out["freebusy"] = captured.get("body", "")
print(json.dumps(out))
`;

describe('python caldav client scheduling (RFC 6638)', () => {
  let server: RunningServer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orrery-pysched-'));
    const url = `file:${join(dir, 'py.db')}`;
    const { client, store } = await openDatabase({ url });
    await addUser(store, 'alice', 'alice-pw', 'alice@example.com', Date.now());
    await addUser(store, 'bob', 'bob-pw', 'bob@example.com', Date.now());
    client.close();
    server = await startServer({ host: '127.0.0.1', port: 0, database: { url }, config: parseConfig({ defaultdomain: 'example.com' }) }, { quiet: true });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the organizer\'s invitation reaches the attendee, whose acceptance reaches the organizer', async () => {
    const { stdout } = await run('/usr/bin/python3', ['-c', SCRIPT, `http://127.0.0.1:${server.port}/`], { timeout: 60_000 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(result.bob_sees).toBe('Python planning');
    expect(result.bob_partstat_before).toEqual(['NEEDS-ACTION']);
    expect(result.invites).toEqual(['py-meeting-1']);
    expect(result.alice_sees_bob).toEqual(['ACCEPTED']);
    expect(result.alice_inbox).toEqual(['REPLY']);
    // Bob's copy of the meeting is busy time in the Outbox answer.
    expect(result.freebusy).toContain('schedule-response');
    expect(result.freebusy).toContain('2.0;Success');
    expect(String(result.freebusy).replace(/\r\n /g, '')).toContain('FREEBUSY;FBTYPE=BUSY:20300301T090000Z/20300301T100000Z');
  }, 90_000);
});
