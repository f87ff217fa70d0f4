// The outbound message queue: iMIP messages with their delivery state. Rows are claimed with a
// lease (next_attempt_at moved ahead in a guarded UPDATE), so several servers sharing a database
// never send one message twice at the same time.
import { queryRow, queryRows, writeBatch, type DbClient } from './db.ts';
import { toOutboundMessage, type NewOutboundMessage, type OutboundRecord, type SchedulingEffects } from './records.ts';
import { schedulingEffectStatements } from './scheduling-jobs.ts';

export class OutboundRepo {
  constructor(private readonly db: DbClient) {}

  /** With `effects`, the scheduling message being delivered is completed in the same batch. */
  async enqueue(message: NewOutboundMessage, now: number, effects?: SchedulingEffects): Promise<number> {
    const [result] = await writeBatch(this.db, [
      {
        sql: `INSERT INTO outbound_messages (created_at, next_attempt_at, attempts, state, sender, recipient, method, envelope_from,
                message, itip, status_owner, status_uid, status_property) VALUES (?, ?, 0, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        args: [now, now, message.sender, message.recipient, message.method, message.envelopeFrom, message.message, message.itip,
          message.statusOwner, message.statusUid, message.statusProperty],
      },
      ...schedulingEffectStatements(effects, now),
    ]);
    return Number(result!.lastInsertRowid);
  }

  async get(id: number): Promise<OutboundRecord | undefined> {
    const row = await queryRow(this.db, 'SELECT * FROM outbound_messages WHERE id = ?', [id]);
    return row ? toOutboundMessage(row) : undefined;
  }

  /** Pending messages whose next attempt is due, oldest first. */
  async due(now: number, limit: number): Promise<OutboundRecord[]> {
    const rows = await queryRows(
      this.db,
      "SELECT * FROM outbound_messages WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
      [now, limit],
    );
    return rows.map(toOutboundMessage);
  }

  /** Takes a message for sending until `leaseUntil`; false when another worker took it first. */
  async claim(record: OutboundRecord, leaseUntil: number): Promise<boolean> {
    const [result] = await writeBatch(this.db, [
      {
        sql: "UPDATE outbound_messages SET next_attempt_at = ?, attempts = attempts + 1 WHERE id = ? AND state = 'pending' AND next_attempt_at = ? AND attempts = ?",
        args: [leaseUntil, record.id, record.nextAttemptAt, record.attempts],
      },
    ]);
    return Number(result!.rowsAffected) === 1;
  }

  async markSent(id: number): Promise<void> {
    await writeBatch(this.db, [{ sql: "UPDATE outbound_messages SET state = 'sent', last_error = NULL WHERE id = ?", args: [id] }]);
  }

  async markRetry(id: number, nextAttemptAt: number, error: string): Promise<void> {
    await writeBatch(this.db, [{ sql: 'UPDATE outbound_messages SET next_attempt_at = ?, last_error = ? WHERE id = ?', args: [nextAttemptAt, error, id] }]);
  }

  async markFailed(id: number, error: string): Promise<void> {
    await writeBatch(this.db, [{ sql: "UPDATE outbound_messages SET state = 'failed', last_error = ? WHERE id = ?", args: [error, id] }]);
  }

  /** Forgets finished messages older than `before` (sent ones are kept a while for diagnosis). */
  async purge(before: number): Promise<void> {
    await writeBatch(this.db, [{ sql: "DELETE FROM outbound_messages WHERE state <> 'pending' AND created_at < ?", args: [before] }]);
  }
}
