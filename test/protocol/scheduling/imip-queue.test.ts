// The outbound iMIP queue with a transport that fails on demand: SCHEDULE-STATUS 5.1 while a
// message waits for a retry, 5.2 when it is refused for good, 1.1 once sent; the PUT always stands.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.ts';
import { processOutbox } from '../../../src/scheduling/imip/queue.ts';
import { TransportError, type MessageTransport, type OutgoingMail } from '../../../src/scheduling/imip/transport.ts';
import { SILENT_LOGGER } from '../../../src/dav/context.ts';
import { makeTestApp, PASSWORD, type TestApp } from '../../helpers/app.ts';
import { ALICE, calendarPath, copyOf, master, meeting, scheduleStatusOf } from './support.ts';

const DANA = 'mailto:dana@elsewhere.example';

class ScriptedTransport implements MessageTransport {
  sent: OutgoingMail[] = [];
  failures: (TransportError | null)[] = [];
  async send(mail: OutgoingMail): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(mail);
  }
}

describe('iMIP outbound queue (RFC 6638 §3.2.9 statuses for remote recipients)', () => {
  let t: TestApp;
  let transport: ScriptedTransport;
  let app: ReturnType<typeof createApp>;

  beforeEach(async () => {
    t = await makeTestApp();
    transport = new ScriptedTransport();
    app = createApp(t.config, t.store, { transport });
  });
  afterEach(() => t.close());

  const invite = () =>
    app.fetch(new Request(`http://orrery.test${calendarPath('alice')}ext.ics`, {
      method: 'PUT',
      body: meeting({ uid: 'ext', attendees: [`ATTENDEE:${ALICE}`, `ATTENDEE:${DANA}`] }),
      headers: { 'Content-Type': 'text/calendar', Authorization: `Basic ${btoa(`alice:${PASSWORD}`)}` },
    }));
  const statusOfDana = async () => scheduleStatusOf(master((await copyOf(t, 'alice', 'ext'))!.calendar), 'attendee', DANA);
  const outbox = () => ({ store: t.store, config: t.config, logger: SILENT_LOGGER, transport });

  it('sent at once: 1.1', async () => {
    expect((await invite()).status).toBe(201);
    expect(transport.sent.map((m) => m.to)).toEqual([['dana@elsewhere.example']]);
    expect(await statusOfDana()).toBe('1.1');
  });

  it('a temporary failure is 5.1 and is retried with backoff until it is sent', async () => {
    transport.failures = [new TransportError('421 busy', false), new TransportError('421 busy', false)];
    expect((await invite()).status).toBe(201);
    expect(await statusOfDana()).toBe('5.1');
    const start = Date.now();
    expect(await processOutbox(outbox(), start + 30_000)).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(await processOutbox(outbox(), start + 61_000)).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect(await processOutbox(outbox(), start + 61_000 + 4 * 60_000)).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(await processOutbox(outbox(), start + 61_000 + 5 * 60_000 + 1000)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(transport.sent).toHaveLength(1);
    expect(await statusOfDana()).toBe('1.1');
  });

  it('a permanent refusal is 5.2 and never retried', async () => {
    transport.failures = [new TransportError('550 no such user', true)];
    expect((await invite()).status).toBe(201);
    expect(await statusOfDana()).toBe('5.2');
    expect(await processOutbox(outbox(), Date.now() + 86_400_000)).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(transport.sent).toHaveLength(0);
  });

  it('a message that keeps failing is given up after the last retry', async () => {
    transport.failures = Array.from({ length: 20 }, () => new TransportError('connection refused', false));
    await invite();
    let now = Date.now();
    let failed = 0;
    for (let run = 0; run < 12 && failed === 0; run++) {
      now += 2 * 86_400_000;
      failed = (await processOutbox(outbox(), now)).failed;
    }
    expect(failed).toBe(1);
    expect(await statusOfDana()).toBe('5.2');
    expect(await processOutbox(outbox(), now + 30 * 86_400_000)).toEqual({ sent: 0, retried: 0, failed: 0 });
  });

  it('without any transport, outside attendees get 3.7 and nothing is queued', async () => {
    const bare = createApp(t.config, t.store);
    const response = await bare.fetch(new Request(`http://orrery.test${calendarPath('alice')}ext.ics`, {
      method: 'PUT',
      body: meeting({ uid: 'ext', attendees: [`ATTENDEE:${ALICE}`, `ATTENDEE:${DANA}`] }),
      headers: { 'Content-Type': 'text/calendar', Authorization: `Basic ${btoa(`alice:${PASSWORD}`)}` },
    }));
    expect(response.status).toBe(201);
    expect(await statusOfDana()).toBe('3.7');
    expect(await t.store.outbound.due(Date.now() + 86_400_000, 10)).toEqual([]);
  });
});
