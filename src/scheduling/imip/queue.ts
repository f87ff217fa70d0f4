// The outbound iMIP queue (RFC 6047): every message is stored before it is sent, sent at once when
// possible, and retried with backoff by processOutbox(), which the adapters call periodically.
// Final results are written back as SCHEDULE-STATUS on the sender's copy (RFC 6638 §7.3).
import type { AppConfig } from '../../config.ts';
import type { Logger } from '../../dav/context.ts';
import type { OutboundRecord, SchedulingEffects, Store, UserRecord } from '../../storage/index.ts';
import { findCopy, readCalendar, writeCopy } from '../copies.ts';
import { setScheduleStatus } from '../itip/merge.ts';
import type { ItipMessage } from '../itip/model.ts';
import { STATUS } from '../local.ts';
import { buildImipMessage, mailAddress } from './message.ts';
import { TransportError, type MessageTransport, type OutgoingMail } from './transport.ts';

export interface OutboxDeps {
  store: Store;
  config: AppConfig;
  logger: Logger;
  transport: MessageTransport | null;
}

/** Delays before the 2nd, 3rd, … attempt; after the last one the message is given up. */
const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000, 4 * 3600_000, 12 * 3600_000, 24 * 3600_000];
/** How long a worker may hold a message while sending it. */
const LEASE_MS = 5 * 60_000;
/** Finished messages are kept this long for diagnosis. */
const KEEP_MS = 7 * 86_400_000;

/** `delivered`: sent, and the transport learnt the recipient's status (iSchedule). */
type Outcome = 'sent' | 'retry' | 'failed' | 'busy' | { delivered: string };

/** Whether the message can go out by mail at all (a transport, and a mailto: recipient). */
export function imipDeliverable(deps: OutboxDeps, message: ItipMessage): boolean {
  return deps.transport !== null && mailAddress(message.recipient) !== null && (deps.transport.accepts?.(message.recipient) ?? true);
}

/**
 * Queues one iTIP message for a remote recipient and tries to send it now; returns the
 * SCHEDULE-STATUS. `effects` (the completion of the scheduling message) commit with the queueing,
 * so the message is queued once. The send itself can only be at-least-once: a crash between the
 * SMTP server accepting the mail and markSent() sends it again on retry, with the same Message-ID
 * (it is part of the stored message), by which receivers can recognise the duplicate.
 */
export async function sendImip(deps: OutboxDeps, message: ItipMessage, sender: UserRecord, now: number, effects?: SchedulingEffects): Promise<string> {
  if (!imipDeliverable(deps, message)) return STATUS.invalidUser;
  const built = buildImipMessage(message, {
    serviceSender: deps.config.imip_sender,
    originatorName: sender.displayname,
    servername: deps.config.servername,
    nowMs: now,
  });
  const id = await deps.store.outbound.enqueue(
    {
      sender: message.originator,
      recipient: message.recipient,
      method: message.method,
      envelopeFrom: built.envelopeFrom,
      message: built.raw,
      itip: message.calendar.toString(),
      statusOwner: sender.name,
      statusUid: message.uid,
      statusProperty: message.method === 'REPLY' ? 'organizer' : 'attendee',
    },
    now,
    effects,
  );
  const record = await deps.store.outbound.get(id);
  const outcome = record ? await attempt(deps, record, now) : 'retry';
  return statusOf(deps, message.recipient, outcome);
}

/** Sends what is due; call it every minute or so. Returns how many messages reached each outcome. */
export async function processOutbox(deps: OutboxDeps, now: number, limit = 100): Promise<{ sent: number; retried: number; failed: number }> {
  const counts = { sent: 0, retried: 0, failed: 0 };
  if (!deps.transport) return counts;
  for (const record of await deps.store.outbound.due(now, limit)) {
    const outcome = await attempt(deps, record, now);
    if (outcome === 'busy') continue;
    if (outcome === 'sent' || typeof outcome === 'object') counts.sent++;
    else if (outcome === 'failed') counts.failed++;
    else counts.retried++;
    if (outcome !== 'retry') await recordStatus(deps, record, statusOf(deps, record.recipient, outcome), now);
  }
  await deps.store.outbound.purge(now - KEEP_MS);
  return counts;
}

// --- Internal helpers ---

function statusOf(deps: OutboxDeps, recipient: string, outcome: Outcome): string {
  if (typeof outcome === 'object') return outcome.delivered;
  if (outcome === 'retry' || outcome === 'busy') return pendingStatus(deps, recipient);
  return outcome === 'sent' ? STATUS.sent : STATUS.permFailure;
}

/** What SCHEDULE-STATUS says while a message waits for a retry (the transport may know better than 5.1). */
export function pendingStatus(deps: Pick<OutboxDeps, 'transport'>, recipient: string): string {
  return deps.transport?.pendingStatus?.(recipient) ?? STATUS.tempFailure;
}

async function attempt(deps: OutboxDeps, record: OutboundRecord, now: number): Promise<Outcome> {
  if (!deps.transport) return 'retry';
  if (!(await deps.store.outbound.claim(record, now + LEASE_MS))) return 'busy';
  try {
    const status = await deps.transport.send(mailOf(record));
    await deps.store.outbound.markSent(record.id);
    deps.logger.info('Scheduling message sent', { id: record.id, method: record.method, recipient: record.recipient, status });
    return typeof status === 'string' ? { delivered: status } : 'sent';
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const permanent = error instanceof TransportError && error.permanent;
    const delay = RETRY_DELAYS_MS[record.attempts];
    if (permanent || delay === undefined) {
      await deps.store.outbound.markFailed(record.id, text);
      deps.logger.error('Scheduling message failed', { id: record.id, recipient: record.recipient, error: text });
      return 'failed';
    }
    await deps.store.outbound.markRetry(record.id, now + delay, text);
    deps.logger.info('Scheduling message will be retried', { id: record.id, recipient: record.recipient, error: text });
    return 'retry';
  }
}

function mailOf(record: OutboundRecord): OutgoingMail {
  return {
    envelopeFrom: record.envelopeFrom,
    to: [mailAddress(record.recipient) ?? record.recipient],
    raw: record.message,
    method: record.method,
    itip: record.itip,
    sender: record.sender,
    recipient: record.recipient,
  };
}

/** The final outcome of a retried message, written into the sender's copy if it is still there. */
async function recordStatus(deps: OutboxDeps, record: OutboundRecord, status: string, now: number): Promise<void> {
  if (!record.statusOwner || !record.statusUid || !record.statusProperty) return;
  try {
    const copy = await findCopy(deps.store, record.statusOwner, record.statusUid);
    if (!copy) return;
    const calendar = readCalendar(copy.record.data);
    if (!setScheduleStatus(calendar, record.statusProperty, record.recipient, status)) return;
    await writeCopy(deps.store, deps.config, {
      collection: copy.collection,
      name: copy.record.name,
      calendar,
      expect: { etag: copy.record.etag },
      scheduleTag: copy.record.scheduleTag,
    }, now);
  } catch (error) {
    // Losing a status update is harmless; the message itself was handled.
    deps.logger.error('Could not record SCHEDULE-STATUS', { id: record.id, error: error instanceof Error ? error.message : String(error) });
  }
}
