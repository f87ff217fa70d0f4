// Versioned schema migrations, applied in order at start-up; each one is a single atomic batch.
import { queryRows, type DbClient } from './db.ts';
import { MIGRATION_0001 } from './migrations/0001-initial.ts';
import { MIGRATION_0002 } from './migrations/0002-sharing.ts';
import { MIGRATION_0003 } from './migrations/0003-scheduling.ts';
import { MIGRATION_0004 } from './migrations/0004-floating-index.ts';
import { MIGRATION_0005 } from './migrations/0005-instance-index.ts';
import { MIGRATION_0006 } from './migrations/0006-scheduling-jobs.ts';
import { MIGRATION_0007 } from './migrations/0007-ischedule.ts';
import { MIGRATION_0008 } from './migrations/0008-attachments.ts';
import { MIGRATION_0009 } from './migrations/0009-push.ts';
import { MIGRATION_0010 } from './migrations/0010-listing-index.ts';

export const MIGRATIONS: readonly (readonly string[])[] = [MIGRATION_0001, MIGRATION_0002, MIGRATION_0003, MIGRATION_0004, MIGRATION_0005, MIGRATION_0006, MIGRATION_0007, MIGRATION_0008, MIGRATION_0009, MIGRATION_0010];

export async function migrate(db: DbClient): Promise<void> {
  await db.execute('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = new Set((await queryRows(db, 'SELECT version FROM schema_migrations')).map((row) => Number(row.version)));
  for (let index = 0; index < MIGRATIONS.length; index++) {
    const version = index + 1;
    if (applied.has(version)) continue;
    try {
      await db.batch(
        [
          ...MIGRATIONS[index]!.map((sql) => ({ sql, args: [] })),
          { sql: 'INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', args: [version, Date.now()] },
        ],
        'write',
      );
    } catch (error) {
      // Another instance sharing the database applied it first.
      const now = await queryRows(db, 'SELECT version FROM schema_migrations WHERE version = ?', [version]);
      if (now.length === 0) throw error;
    }
  }
}
