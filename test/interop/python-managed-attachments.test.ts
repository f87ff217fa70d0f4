// Managed attachments (RFC 8607) from a client library nobody here wrote: Python's requests (Debian
// python3-requests) sends the requests as Apple Calendar does against a real `orrery serve`
// process: add, update and remove, the attachment read by its owner, another user and anonymously
// (the Attachments collection is anyone `lr`), one attachment shared by two instances of a series,
// and the attendee of an invitation following its ATTACH URL.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrreryServe, type OrreryServe } from '../support/orrery-serve.ts';

const run = promisify(execFile);
const SCRIPT = new URL('./python/managed_attachments.py', import.meta.url).pathname;
const PASSWORDS = { alice: 'alice-secret', bob: 'bob-secret' };

describe('RFC 8607 managed attachments with python requests, as Apple Calendar sends them', () => {
  let server: OrreryServe;
  let origin: string;

  beforeAll(async () => {
    // Absolute ATTACH URLs, as a deployment with a public origin writes them.
    server = await startOrreryServe(PASSWORDS, (serverOrigin) => ({ ORRERY_HTTP_BASEURL: serverOrigin }));
    origin = server.origin;
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('adds, reads, updates and removes attachments; shares one across instances; the attendee reads the invitation\'s', async () => {
    const { stdout } = await run('/usr/bin/python3', [SCRIPT, origin, PASSWORDS.alice, PASSWORDS.bob], { timeout: 60_000 });
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!);

    expect(r.put).toBe(201);
    // The object's ETag guards the action as it guards a PUT.
    expect(r.add_stale_if_match).toBe(412);
    expect(r.add.status).toBe(201);
    expect(r.add.managed_id).toMatch(/^[0-9a-f]{32}$/);
    expect(r.add.location).toBe(`${origin}/dav/calendars/user/alice/Attachments/${r.add.managed_id}`);
    expect(r.add.etag_changed).toBe(true);
    expect(r.add.attach).toEqual([expect.stringMatching(new RegExp(`^ATTACH;(?=.*MANAGED-ID=${r.add.managed_id})(?=.*FILENAME=photo\\.png)(?=.*SIZE=16384)(?=.*FMTTYPE=image/png).*:${r.add.location}$`))]);

    expect(r.get_owner).toEqual({ status: 200, same_bytes: true, type: 'image/png', disposition: 'attachment; filename="photo.png"' });
    expect(r.get_other_user).toEqual({ status: 200, same_bytes: true });
    expect(r.get_anonymous).toBe(200);

    expect(r.update.status).toBe(200);
    expect(r.update.new_id_differs).toBe(true);
    expect(r.update.attach).toHaveLength(1);
    expect(r.update.attach[0]).toContain('FILENAME=photo.txt');
    expect(r.old_after_update).toBe(404);
    expect(r.new_after_update).toBe('second version');
    expect(r.remove).toBe(204);
    expect(r.object_after_remove).toEqual([]);
    expect(r.new_after_remove).toBe(404);
    expect(r.remove_again).toEqual({ status: 403, condition: true });

    expect(r.rid_add.status).toBe(201);
    expect(r.rid_add.overrides).toEqual(['20300303T090000Z', '20300304T090000Z']);
    // The master keeps none; each of the two overrides names the one attachment.
    expect(r.rid_add.attach_per_component).toEqual([0, 1, 1]);
    expect(r.rid_add.same_id_in_both).toBe(true);
    expect(r.rid_remove_one).toEqual({ status: 204, still_served: 'agenda for two days' });
    expect(r.rid_remove_last).toEqual({ status: 204, served: 404 });

    expect(r.meeting_add).toBe(201);
    expect(r.attendee_copy_attach).toHaveLength(1);
    expect(r.attendee_url_is_location).toBe(true);
    expect(r.attendee_get).toEqual({ status: 200, text: 'slides for the review' });
  }, 90_000);
});
