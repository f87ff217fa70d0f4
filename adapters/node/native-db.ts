// The storage layer's DbClient directly on the native libSQL driver, for embedded files on Node and
// on Deno (which loads the same npm driver).
// @libsql/client prepares every statement afresh (about 150 µs per point query here); a cache of
// prepared statements brings that to about 20 µs, which is most of a GET's database time. Remote
// URLs and embedded replicas keep using @libsql/client.
import { setImmediate } from 'node:timers';
import Database from 'libsql';
import type { InStatement, InValue, ResultSet } from '@libsql/client';
import type { DbClient } from '../../src/storage/index.ts';

/** SQLite's page cache, in KiB (see openNativeDb). */
const PAGE_CACHE_KIB = 8192;

/** Statements with many placeholders (IN lists) vary; beyond this many the cache starts over. */
const STATEMENT_CACHE_LIMIT = 256;

type Statement = ReturnType<InstanceType<typeof Database>['prepare']>;

/** A cached statement; `columns` names the columns of one that returns rows. */
interface Prepared {
  statement: Statement;
  columns: string[] | null;
}

export interface NativeDbClient extends DbClient {
  close(): void;
}

export function openNativeDb(path: string): NativeDbClient {
  const db = new Database(path, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  // WAL with synchronous=NORMAL stays consistent after a crash; it can lose only the last
  // commits on power loss, and is several times faster than FULL for small writes.
  db.pragma('synchronous = NORMAL');
  // SQLite's own page cache is 2 MiB by default. Reports and GETs read rows all over the file (the
  // objects of one week lie wherever they were written), so beyond 2 MiB most pages are read again
  // from the operating system on each query: at 10,000 events a one-week query took about a
  // quarter less CPU once they stayed cached. 8 MiB holds such a calendar's database nearly whole;
  // the memory is taken only as pages are read.
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  const cache = new Map<string, Prepared>();
  const prepare = (sql: string): Prepared => {
    let prepared = cache.get(sql);
    if (!prepared) {
      if (cache.size >= STATEMENT_CACHE_LIMIT) cache.clear();
      const statement = db.prepare(sql);
      // Rows are read as arrays and made into objects here: the driver sets each property of a
      // row object through a native call, which costs more than the row itself.
      prepared = statement.reader ? { statement: statement.raw(true), columns: statement.columns().map((column) => column.name) } : { statement, columns: null };
      cache.set(sql, prepared);
    }
    return prepared;
  };
  const bound = (input: InStatement): { prepared: Prepared; values: InValue[] } => {
    const { sql, args } = typeof input === 'string' ? { sql: input, args: [] } : input;
    if (!Array.isArray(args) && args !== undefined) throw new TypeError('Only positional arguments are used by the storage layer');
    return { prepared: prepare(sql), values: Array.isArray(args) ? args : [] };
  };
  const run = (input: InStatement): ResultSet => {
    const { prepared, values } = bound(input);
    const { statement, columns } = prepared;
    if (columns) return resultSet(rowObjects(statement.all(values) as unknown[][], columns), 0, undefined);
    const info = statement.run(values) as { changes: number; lastInsertRowid: number | bigint };
    return resultSet([], info.changes, BigInt(info.lastInsertRowid));
  };
  // Group commit: batches that arrive while the event loop is busy with other requests are
  // written in one transaction at the next turn, each inside a savepoint of its own so that it
  // still succeeds or fails alone. A commit writes every page the transaction changed to the WAL,
  // and concurrent writes to one calendar change mostly the same pages (the collection's row, the
  // upper levels of each index), so eight writers share one commit instead of paying eight.
  // No batch is answered before the commit that holds it.
  let pending: PendingBatch[] = [];
  const commitPending = () => {
    const group = pending;
    pending = [];
    let outcomes: Outcome[];
    try {
      outcomes = commitGroup(db, group, run);
    } catch (error) {
      // The transaction itself failed (the commit, or the database went away): nothing of the
      // group was written, and every batch in it fails with that error.
      outcomes = group.map(() => ({ error }));
    }
    group.forEach((batch, i) => {
      const outcome = outcomes[i]!;
      if ('error' in outcome) batch.reject(outcome.error);
      else batch.resolve(outcome.results);
    });
  };
  return {
    async execute(statement) {
      return run(statement);
    },
    async executeFirst(input) {
      const { prepared, values } = bound(input);
      const { statement, columns } = prepared;
      if (!columns) {
        statement.run(values);
        return undefined;
      }
      // A statement with RETURNING makes all its changes in its first step (SQLite's documented
      // behaviour), so reading one row of it leaves nothing undone.
      const row = statement.get(values) as unknown[] | undefined;
      return row === undefined ? undefined : rowObject(row, columns);
    },
    batch(statements) {
      return new Promise<ResultSet[]>((resolve, reject) => {
        if (pending.length === 0) setImmediate(commitPending);
        pending.push({ statements, resolve, reject });
      });
    },
    close() {
      db.close();
    },
  };
}

interface PendingBatch {
  statements: InStatement[];
  resolve(results: ResultSet[]): void;
  reject(error: unknown): void;
}

type Outcome = { results: ResultSet[] } | { error: unknown };

/** Runs the batches in one transaction, each in a savepoint; throws when the transaction fails as a whole. */
function commitGroup(db: InstanceType<typeof Database>, group: readonly PendingBatch[], run: (statement: InStatement) => ResultSet): Outcome[] {
  const outcomes: Outcome[] = [];
  db.exec('BEGIN IMMEDIATE');
  try {
    for (const batch of group) {
      db.exec('SAVEPOINT batch');
      try {
        outcomes.push({ results: batch.statements.map(run) });
        db.exec('RELEASE batch');
      } catch (error) {
        // This batch is undone and fails alone (a guard that did not hold, a UNIQUE conflict).
        db.exec('ROLLBACK TO batch');
        db.exec('RELEASE batch');
        outcomes.push({ error });
      }
    }
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
  return outcomes;
}

function rowObjects(rows: unknown[][], columns: readonly string[]): Record<string, unknown>[] {
  return rows.map((values) => rowObject(values, columns));
}

function rowObject(values: readonly unknown[], columns: readonly string[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i];
  return row;
}

function resultSet(rows: Record<string, unknown>[], rowsAffected: number, lastInsertRowid: bigint | undefined): ResultSet {
  return { rows: rows as unknown as ResultSet['rows'], columns: [], columnTypes: [], rowsAffected, lastInsertRowid, toJSON: () => ({ rows, rowsAffected }) };
}
