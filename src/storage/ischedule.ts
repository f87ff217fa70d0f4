// Received iSchedule message identifiers (see migration 0007), for refusing replays.
import { writeBatch, type DbClient } from './db.ts';

export class IscheduleRepo {
  constructor(private readonly db: DbClient) {}

  /**
   * Records a message as received; false when the domain sent this message ID before. The insert
   * itself is the check, so two servers sharing a database cannot both accept one message.
   */
  async remember(domain: string, messageId: string, expiresAt: number, now: number): Promise<boolean> {
    const [, inserted] = await writeBatch(this.db, [
      { sql: 'DELETE FROM ischedule_received WHERE expires_at < ?', args: [now] },
      { sql: 'INSERT OR IGNORE INTO ischedule_received (domain, message_id, expires_at) VALUES (?, ?, ?)', args: [domain.toLowerCase(), messageId, expiresAt] },
    ]);
    return Number(inserted!.rowsAffected) === 1;
  }
}
