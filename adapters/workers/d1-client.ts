// A Cloudflare D1 binding behind the storage layer's DbClient seam (execute + atomic batch), so
// the same repositories run on D1 as on libSQL.
import type { InStatement, InValue, ResultSet, Row } from '@libsql/client/web';
import type { DbClient } from '../../src/storage/index.ts';

// The slice of the D1 binding API this adapter uses (workers-types' D1Database, narrowed).
export interface D1Result {
  results?: Record<string, unknown>[];
  meta: { changes?: number; last_row_id?: number };
}
export interface D1PreparedStatement {
  bind(...values: unknown[]): D1PreparedStatement;
  all(): Promise<D1Result>;
}
export interface D1Database {
  prepare(sql: string): D1PreparedStatement;
  batch(statements: D1PreparedStatement[]): Promise<D1Result[]>;
}

export function d1Client(db: D1Database): DbClient {
  return {
    async execute(statement: InStatement): Promise<ResultSet> {
      return toResultSet(await prepare(db, statement).all());
    },
    // D1 runs a batch as one transaction: a failing statement rolls back the ones before it,
    // which is the atomicity writeBatch() and the write guards rely on. D1 has no lock modes, so
    // the mode argument has nothing to select.
    async batch(statements: InStatement[]): Promise<ResultSet[]> {
      if (statements.length === 0) return [];
      const results = await db.batch(statements.map((statement) => prepare(db, statement)));
      return results.map(toResultSet);
    },
  };
}

// --- Internal helpers ---

function prepare(db: D1Database, statement: InStatement): D1PreparedStatement {
  const { sql, args = [] } = typeof statement === 'string' ? { sql: statement } : statement;
  if (!Array.isArray(args)) throw new TypeError('D1 takes positional (?) arguments only');
  const prepared = db.prepare(sql);
  return args.length === 0 ? prepared : prepared.bind(...args.map(toD1Value));
}

function toD1Value(value: InValue): unknown {
  if (typeof value === 'bigint') {
    // D1 binds JavaScript numbers; larger integers keep their digits as text.
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.valueOf();
  return value;
}

function toResultSet(result: D1Result): ResultSet {
  const objects = result.results ?? [];
  const columns = objects[0] ? Object.keys(objects[0]) : [];
  const rows = objects.map((object) => toRow(object, columns));
  const lastRowId = result.meta.last_row_id;
  return {
    columns,
    columnTypes: columns.map(() => ''),
    rows,
    rowsAffected: result.meta.changes ?? 0,
    lastInsertRowid: lastRowId === undefined || lastRowId === null ? undefined : BigInt(lastRowId),
    toJSON: () => ({ columns, rows: rows.map((row) => Array.from({ length: row.length }, (_, i) => row[i])) }),
  };
}

/** A row readable by column name and by index, as libSQL's rows are; only the names enumerate. */
function toRow(object: Record<string, unknown>, columns: string[]): Row {
  const row: Record<string | number, unknown> = {};
  Object.defineProperty(row, 'length', { value: columns.length, enumerable: false });
  columns.forEach((column, index) => {
    const value = fromD1Value(object[column]);
    row[column] = value;
    Object.defineProperty(row, index, { value, enumerable: false });
  });
  return row as unknown as Row;
}

function fromD1Value(value: unknown): unknown {
  // D1 returns BLOB columns as arrays of byte values; SQLite itself never yields an array.
  if (Array.isArray(value)) return new Uint8Array(value as number[]).buffer;
  if (value instanceof Uint8Array) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  return value;
}
