// The database seam: the two calls every backend offers (libSQL native and remote, D1), and the
// translation of engine errors into storage-domain errors.
import type { InArgs, InStatement, ResultSet } from '@libsql/client';
import { PreconditionFailedError, StorageConflictError } from './errors.ts';

export type { InArgs, InStatement, ResultSet };

/**
 * What the storage layer needs from a database: single statements and atomic batches. libSQL's
 * `Client` satisfies it directly; a D1 binding is wrapped to it in the Workers adapter.
 * Interactive transactions are deliberately absent (D1 has none; remotely they cost round trips).
 */
export interface DbClient {
  execute(statement: InStatement): Promise<ResultSet>;
  batch(statements: InStatement[], mode?: 'write' | 'read' | 'deferred'): Promise<ResultSet[]>;
  /**
   * The first row of a statement's result, where the driver can read just that: the embedded
   * driver steps once instead of gathering a result set, which is most of a point lookup's cost.
   */
  executeFirst?(statement: InStatement): Promise<Row | undefined>;
}

export type Row = Record<string, unknown>;

export async function queryRows(db: DbClient, sql: string, args: InArgs = []): Promise<Row[]> {
  const result = await db.execute({ sql, args });
  return result.rows as unknown as Row[];
}

export async function queryRow(db: DbClient, sql: string, args: InArgs = []): Promise<Row | undefined> {
  if (db.executeFirst) return db.executeFirst({ sql, args });
  return (await queryRows(db, sql, args))[0];
}

/**
 * Runs statements atomically. A guard statement (see `guard`) that fails aborts the whole batch
 * and surfaces as PreconditionFailedError; a UNIQUE violation as StorageConflictError.
 */
export async function writeBatch(db: DbClient, statements: InStatement[]): Promise<ResultSet[]> {
  try {
    return await db.batch(statements, 'write');
  } catch (error) {
    throw translateDbError(error);
  }
}

/**
 * A statement that aborts its batch unless `condition` (an SQL boolean expression) holds when it
 * runs. Preconditions such as If-Match are checked this way inside the same atomic write, so two
 * servers sharing one database cannot both pass a check and then both write.
 */
export function guard(condition: string, args: InArgs = []): InStatement {
  // coalesce: a comparison with a missing row is NULL, and NOT NULL would let the write through.
  return { sql: `INSERT INTO write_guard (ok) SELECT 0 WHERE NOT coalesce((${condition}), 0)`, args };
}

export function translateDbError(error: unknown): unknown {
  const message = error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}` : String(error);
  if (/CHECK constraint failed/i.test(message) && /write_guard|ok = 1/i.test(message)) {
    return new PreconditionFailedError('The resource changed while the request was processed');
  }
  if (/UNIQUE constraint failed/i.test(message)) return new StorageConflictError(message);
  return error;
}

/** Upper bound for a prefix range scan: every string starting with `prefix` sorts below it. */
export function prefixUpperBound(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}
