// The storage layer's DbClient directly on the native libSQL driver, for embedded files on Node.
// @libsql/client prepares every statement afresh (about 150 µs per point query here); a cache of
// prepared statements brings that to about 20 µs, which is most of a GET's database time. Remote
// URLs and embedded replicas keep using @libsql/client.
import Database from 'libsql';
import type { InStatement, ResultSet } from '@libsql/client';
import type { DbClient } from '../../src/storage/index.ts';

/** Statements with many placeholders (IN lists) vary; beyond this many the cache starts over. */
const STATEMENT_CACHE_LIMIT = 256;

type Statement = ReturnType<InstanceType<typeof Database>['prepare']>;

export interface NativeDbClient extends DbClient {
  close(): void;
}

export function openNativeDb(path: string): NativeDbClient {
  const db = new Database(path, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  // WAL with synchronous=NORMAL stays consistent after a crash; it can lose only the last
  // commits on power loss, and is several times faster than FULL for small writes.
  db.pragma('synchronous = NORMAL');
  const cache = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let statement = cache.get(sql);
    if (!statement) {
      if (cache.size >= STATEMENT_CACHE_LIMIT) cache.clear();
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
  const run = (input: InStatement): ResultSet => {
    const { sql, args } = typeof input === 'string' ? { sql: input, args: [] } : input;
    const values = Array.isArray(args) ? args : [];
    if (!Array.isArray(args) && args !== undefined) throw new TypeError('Only positional arguments are used by the storage layer');
    const statement = prepare(sql);
    if (statement.reader) return resultSet(statement.all(values) as Record<string, unknown>[], 0, undefined);
    const info = statement.run(values) as { changes: number; lastInsertRowid: number | bigint };
    return resultSet([], info.changes, BigInt(info.lastInsertRowid));
  };
  return {
    async execute(statement) {
      return run(statement);
    },
    async batch(statements) {
      // The driver is synchronous: nothing else runs on this connection until COMMIT or ROLLBACK.
      db.exec('BEGIN IMMEDIATE');
      try {
        const results = statements.map(run);
        db.exec('COMMIT');
        return results;
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    close() {
      db.close();
    },
  };
}

function resultSet(rows: Record<string, unknown>[], rowsAffected: number, lastInsertRowid: bigint | undefined): ResultSet {
  return { rows: rows as unknown as ResultSet['rows'], columns: [], columnTypes: [], rowsAffected, lastInsertRowid, toJSON: () => ({ rows, rowsAffected }) };
}
