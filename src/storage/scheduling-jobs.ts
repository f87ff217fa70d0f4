// Implicit scheduling messages waiting for delivery (see migration 0006). Rows are claimed with a
// lease (next_attempt_at moved ahead in a guarded UPDATE), so that servers sharing a database do
// not work on one message at once; exactly-once delivery itself rests on the guarded completion
// that schedulingEffectStatements() adds to the delivering write's batch.
import { guard, queryRow, queryRows, writeBatch, type DbClient, type InStatement } from './db.ts';
import { toSchedulingJob, type NewSchedulingJob, type SchedulingEffects, type SchedulingJobRecord } from './records.ts';

export class SchedulingJobRepo {
  constructor(private readonly db: DbClient) {}

  async get(id: number): Promise<SchedulingJobRecord | undefined> {
    const row = await queryRow(this.db, 'SELECT * FROM scheduling_jobs WHERE id = ?', [id]);
    return row ? toSchedulingJob(row) : undefined;
  }

  /** The messages of one write, in the order they were computed. */
  async group(groupId: string): Promise<SchedulingJobRecord[]> {
    return (await queryRows(this.db, 'SELECT * FROM scheduling_jobs WHERE group_id = ? ORDER BY id', [groupId])).map(toSchedulingJob);
  }

  /** Pending messages whose next attempt is due, oldest first. */
  async due(now: number, limit: number): Promise<SchedulingJobRecord[]> {
    const rows = await queryRows(
      this.db,
      "SELECT * FROM scheduling_jobs WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
      [now, limit],
    );
    return rows.map(toSchedulingJob);
  }

  /** Groups with every message done whose SCHEDULE-STATUS is not recorded yet. */
  async unrecordedGroups(limit: number): Promise<string[]> {
    const rows = await queryRows(
      this.db,
      `SELECT DISTINCT group_id FROM scheduling_jobs j WHERE statuses_recorded = 0
       AND NOT EXISTS (SELECT 1 FROM scheduling_jobs p WHERE p.group_id = j.group_id AND p.state = 'pending') LIMIT ?`,
      [limit],
    );
    return rows.map((row) => String(row.group_id));
  }

  /** Takes a message until `leaseUntil`; false when another worker took it or it is done. */
  async claim(job: SchedulingJobRecord, leaseUntil: number): Promise<boolean> {
    const [result] = await writeBatch(this.db, [
      {
        sql: "UPDATE scheduling_jobs SET next_attempt_at = ?, attempts = attempts + 1 WHERE id = ? AND state = 'pending' AND next_attempt_at = ? AND attempts = ?",
        args: [leaseUntil, job.id, job.nextAttemptAt, job.attempts],
      },
    ]);
    return Number(result!.rowsAffected) === 1;
  }

  /** Applies effects that need no resource write (a message refused, or statuses with no copy left). */
  async commit(effects: SchedulingEffects, now: number): Promise<void> {
    await writeBatch(this.db, schedulingEffectStatements(effects, now));
  }

  /** The outcome of a message that is already done (an iMIP message's first send attempt). */
  async setStatus(id: number, status: string): Promise<void> {
    await writeBatch(this.db, [{ sql: 'UPDATE scheduling_jobs SET status = ? WHERE id = ?', args: [status, id] }]);
  }

  async markRetry(id: number, nextAttemptAt: number, error: string): Promise<void> {
    await writeBatch(this.db, [{ sql: "UPDATE scheduling_jobs SET next_attempt_at = ?, last_error = ? WHERE id = ? AND state = 'pending'", args: [nextAttemptAt, error, id] }]);
  }

  /** Forgets settled groups created before `before`. */
  async purge(before: number): Promise<void> {
    await writeBatch(this.db, [{ sql: "DELETE FROM scheduling_jobs WHERE state = 'done' AND statuses_recorded = 1 AND created_at < ?", args: [before] }]);
  }
}

/** The statements that apply `effects` inside another write's batch. */
export function schedulingEffectStatements(effects: SchedulingEffects | undefined, now: number): InStatement[] {
  if (!effects) return [];
  const statements: InStatement[] = [];
  if (effects.complete) {
    const { id, status } = effects.complete;
    statements.push(guard("(SELECT state FROM scheduling_jobs WHERE id = ?) = 'pending'", [id]));
    statements.push({ sql: "UPDATE scheduling_jobs SET state = 'done', status = ?, last_error = NULL WHERE id = ?", args: [status, id] });
  }
  for (const job of effects.enqueue ?? []) statements.push(insertStatement(job, now));
  if (effects.statusesRecordedFor !== undefined) {
    statements.push({ sql: 'UPDATE scheduling_jobs SET statuses_recorded = 1 WHERE group_id = ?', args: [effects.statusesRecordedFor] });
  }
  return statements;
}

// --- Internal helpers ---

function insertStatement(job: NewSchedulingJob, now: number): InStatement {
  const target = job.statusTarget;
  return {
    sql: `INSERT INTO scheduling_jobs (group_id, created_at, next_attempt_at, attempts, state, sender, method, uid, originator, recipient,
            itip, refresh, status, status_path, status_name, status_schedule_tag, status_property, statuses_recorded)
          VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      job.groupId, now, job.nextAttemptAt, job.status === undefined ? 'pending' : 'done', job.sender, job.method, job.uid, job.originator,
      job.recipient, job.itip, job.refresh ? 1 : 0, job.status ?? null, target?.path ?? null, target?.name ?? null,
      target?.scheduleTag ?? null, target?.property ?? null, target ? 0 : 1,
    ],
  };
}
