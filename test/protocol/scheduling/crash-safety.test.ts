// Implicit scheduling survives the request that should deliver it (RFC 6638 §3.2): the messages are
// stored with the write, so a request that stops after the write (here: the test hook throws where a
// crash would kill the process) leaves them pending, and the background run delivers each exactly
// once, records SCHEDULE-STATUS, and does nothing more when run again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.ts';
import { SILENT_LOGGER } from '../../../src/dav/context.ts';
import { attemptJob, type Scheduler } from '../../../src/scheduling/deliver.ts';
import { processOutbox } from '../../../src/scheduling/imip/queue.ts';
import type { MessageTransport, OutgoingMail } from '../../../src/scheduling/imip/transport.ts';
import { processSchedulingJobs } from '../../../src/scheduling/jobs.ts';
import { makeTestApp, PASSWORD, type TestApp } from '../../helpers/app.ts';
import { ALICE, BOB, CAROL, calendarPath, copyOf, inboxSummary, master, meeting, scheduleStatusOf } from './support.ts';

const DANA = 'mailto:dana@elsewhere.example';
/** Past the writing request's lease on its jobs (REQUEST_LEASE_MS). */
const LATER_MS = 11_000;

class RecordingTransport implements MessageTransport {
  sent: OutgoingMail[] = [];
  async send(mail: OutgoingMail): Promise<void> {
    this.sent.push(mail);
  }
}

describe('RFC 6638 §3.2 implicit scheduling is delivered exactly once across crashes', () => {
  let t: TestApp;
  let transport: RecordingTransport;
  /** The app whose requests stop between the write and its deliveries. */
  let crashing: ReturnType<typeof createApp>;

  beforeEach(async () => {
    t = await makeTestApp();
    transport = new RecordingTransport();
    crashing = createApp(t.config, t.store, {
      transport,
      beforeSchedulingDelivery: () => {
        throw new Error('simulated crash after the write');
      },
    });
  });
  afterEach(() => t.close());

  const outbox = () => ({ store: t.store, config: t.config, logger: SILENT_LOGGER, transport });
  const scheduler = (): Scheduler => ({ deps: { store: t.store, config: t.config, logger: SILENT_LOGGER, now: Date.now }, transport });
  const runLater = () => processSchedulingJobs(outbox(), Date.now() + LATER_MS);

  async function crashingRequest(method: string, path: string, body?: string): Promise<void> {
    const response = await crashing.fetch(new Request(`http://orrery.test${path}`, {
      method,
      body: body ?? null,
      headers: { 'Content-Type': 'text/calendar', Authorization: `Basic ${btoa(`alice:${PASSWORD}`)}` },
    }));
    expect(response.status).toBe(500);
  }

  async function jobsOf(uid: string) {
    const rows = await t.client.execute({ sql: 'SELECT group_id FROM scheduling_jobs WHERE uid = ? ORDER BY id', args: [uid] });
    return t.store.schedulingJobs.group(String(rows.rows[0]!.group_id));
  }

  it('a delivered write leaves its jobs done and its statuses recorded', async () => {
    await t.request('PUT', `${calendarPath('alice')}m.ics`, { body: meeting({ uid: 'm' }), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const jobs = await jobsOf('m');
    expect(jobs.map((j) => [j.recipient, j.state, j.status, j.statusesRecorded])).toEqual([
      [BOB, 'done', '1.2', true],
      [CAROL, 'done', '1.2', true],
    ]);
    expect(await runLater()).toEqual({ delivered: 0, pending: 0, recorded: 0 });
  });

  it('a write whose request stopped before delivering is delivered once by the next run, with SCHEDULE-STATUS', async () => {
    await crashingRequest('PUT', `${calendarPath('alice')}m.ics`, meeting({ uid: 'm' }));
    // The write stands with its messages pending; nobody has the invitation yet.
    expect(await copyOf(t, 'alice', 'm')).toBeDefined();
    expect(await copyOf(t, 'bob', 'm')).toBeUndefined();
    expect((await jobsOf('m')).map((j) => j.state)).toEqual(['pending', 'pending']);
    // Within the writing request's lease, a background run leaves them alone.
    expect(await processSchedulingJobs(outbox(), Date.now())).toEqual({ delivered: 0, pending: 0, recorded: 0 });

    expect(await runLater()).toEqual({ delivered: 2, pending: 0, recorded: 1 });
    for (const user of ['bob', 'carol']) {
      expect(await copyOf(t, user, 'm'), `${user}'s calendar`).toBeDefined();
      expect(await inboxSummary(t, user)).toEqual(['REQUEST m']);
    }
    const organizer = master((await copyOf(t, 'alice', 'm'))!.calendar);
    expect(scheduleStatusOf(organizer, 'attendee', BOB)).toBe('1.2');
    expect(scheduleStatusOf(organizer, 'attendee', CAROL)).toBe('1.2');

    // Run again: nothing left to do, nothing delivered twice.
    expect(await runLater()).toEqual({ delivered: 0, pending: 0, recorded: 0 });
    expect(await inboxSummary(t, 'bob')).toEqual(['REQUEST m']);
    expect(await inboxSummary(t, 'carol')).toEqual(['REQUEST m']);
  });

  it('a write delivered half-way is completed by the next run without duplicates', async () => {
    await crashingRequest('PUT', `${calendarPath('alice')}m.ics`, meeting({ uid: 'm' }));
    const [toBob, toCarol] = await jobsOf('m');
    // The crash came after bob's delivery committed, before carol's.
    expect(await attemptJob(scheduler(), toBob!)).toBe('1.2');
    expect(await runLater()).toEqual({ delivered: 1, pending: 0, recorded: 1 });
    expect(await inboxSummary(t, 'bob')).toEqual(['REQUEST m']);
    expect(await inboxSummary(t, 'carol')).toEqual(['REQUEST m']);
    // A worker still holding the stale pending record finds the job done and writes nothing.
    expect(await attemptJob(scheduler(), toCarol!)).toBe('1.2');
    expect(await inboxSummary(t, 'carol')).toEqual(['REQUEST m']);
    expect(await copyOf(t, 'carol', 'm')).toBeDefined();
  });

  it('two workers running one job at once deliver it once', async () => {
    await crashingRequest('PUT', `${calendarPath('alice')}m.ics`, meeting({ uid: 'm' }));
    const [toBob] = await jobsOf('m');
    const outcomes = await Promise.all([attemptJob(scheduler(), toBob!), attemptJob(scheduler(), toBob!), attemptJob(scheduler(), toBob!)]);
    expect(outcomes).toEqual(['1.2', '1.2', '1.2']);
    expect(await inboxSummary(t, 'bob')).toEqual(['REQUEST m']);
    expect(await copyOf(t, 'bob', 'm')).toBeDefined();
  });

  it('§3.2.1.3 a DELETE whose request stopped still cancels, once', async () => {
    await t.request('PUT', `${calendarPath('alice')}m.ics`, { body: meeting({ uid: 'm' }), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    await crashingRequest('DELETE', `${calendarPath('alice')}m.ics`);
    expect(await inboxSummary(t, 'bob')).toEqual(['REQUEST m']);
    expect(await runLater()).toMatchObject({ delivered: 2, pending: 0 });
    expect(await runLater()).toMatchObject({ delivered: 0, pending: 0 });
    for (const user of ['bob', 'carol']) {
      expect(await inboxSummary(t, user)).toEqual(['CANCEL m', 'REQUEST m']);
      expect(String(master((await copyOf(t, user, 'm'))!.calendar).getFirstPropertyValue('status'))).toBe('CANCELLED');
    }
  });

  it('RFC 6047: an iMIP message of a stopped request is queued once and sent once', async () => {
    await crashingRequest('PUT', `${calendarPath('alice')}ext.ics`, meeting({ uid: 'ext', attendees: [`ATTENDEE:${ALICE}`, `ATTENDEE:${DANA}`] }));
    expect(transport.sent).toHaveLength(0);
    expect(await runLater()).toEqual({ delivered: 1, pending: 0, recorded: 1 });
    expect(await runLater()).toEqual({ delivered: 0, pending: 0, recorded: 0 });
    await processOutbox(outbox(), Date.now() + 3600_000);
    expect(transport.sent.map((mail) => mail.recipient)).toEqual([DANA]);
    const queued = await t.client.execute("SELECT count(*) AS n FROM outbound_messages WHERE recipient = 'mailto:dana@elsewhere.example'");
    expect(Number(queued.rows[0]!.n)).toBe(1);
    expect(scheduleStatusOf(master((await copyOf(t, 'alice', 'ext'))!.calendar), 'attendee', DANA)).toBe('1.1');
  });
});
