// The time-range index (table `instances`, migration 0005): which objects of a collection can
// overlap a time range, found with a few bounded index range scans.
//
// Overlap of intervals cannot be found with one B-tree range: `start < rangeEnd AND end > rangeStart`
// bounds the start from above only, so a plain index scan reads everything that began before the
// range ends. Every span is therefore filed under a length class; a span of class k is no longer
// than CLASS_LIMITS_MS[k], so it can only overlap the range if it starts at most that long before
// it, and each class becomes one scan of `span_start` between two bounds. The last class (spans
// over two years: unbounded series, undated to-dos, very long events) is small and scanned by its
// start alone.
import type { InStatement } from './db.ts';
import type { IndexedSpan, TimeIndex } from './records.ts';

const DAY_MS = 86_400_000;
const CLASS_LIMITS_MS = [DAY_MS, 7 * DAY_MS, 62 * DAY_MS, 732 * DAY_MS];
const OPEN_CLASS = CLASS_LIMITS_MS.length;

/** Stand-ins for an unbounded side: the extremes of ECMAScript dates, well inside SQLite's integers. */
const EARLIEST = -8_640_000_000_000_000;
const LATEST = 8_640_000_000_000_000;

export interface RangeQuery {
  startUtcMs?: number | undefined;
  endUtcMs?: number | undefined;
}

/** Statements that replace a resource's index rows; the resource row must already be written. */
export function replaceSpansStatements(collectionId: number, name: string, index: TimeIndex | null): InStatement[] {
  const statements = [clearSpansStatement(collectionId, name)];
  if (!index || index.spans.length === 0) return statements;
  const rows = index.spans.map((span) => {
    const start = span.start ?? EARLIEST;
    const end = span.end ?? LATEST;
    return [spanClass(start, end), start, end, span.exact ? 1 : 0, span.busy ?? null];
  });
  statements.push({
    // One statement whatever the number of instances: the rows travel as one JSON array.
    sql: `INSERT INTO instances (resource_id, collection_id, span_class, span_start, span_end, exact, busy)
          SELECT r.id, r.collection_id, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'),
                 json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]')
          FROM resources r, json_each(?) j WHERE r.collection_id = ? AND r.name = ?`,
    args: [JSON.stringify(rows), collectionId, name],
  });
  return statements;
}

export function clearSpansStatement(collectionId: number, name: string): InStatement {
  return { sql: 'DELETE FROM instances WHERE resource_id = (SELECT id FROM resources WHERE collection_id = ? AND name = ?)', args: [collectionId, name] };
}

/** The stored index rows of a resource, to carry over when it is copied or moved. */
export const SPANS_OF_RESOURCE_SQL = 'SELECT span_start, span_end, exact, busy FROM instances WHERE resource_id = ?';

export function spansFromRows(rows: readonly Record<string, unknown>[]): TimeIndex {
  const spans: IndexedSpan[] = rows.map((row) => {
    const start = Number(row.span_start);
    const end = Number(row.span_end);
    return { start: start === EARLIEST ? null : start, end: end === LATEST ? null : end, exact: Number(row.exact) === 1, busy: busyOf(row.busy) };
  });
  return { spans };
}

/**
 * A query selecting `resource_id`, `settled` and `unlisted` for every object of the collection that
 * can overlap the range. Rows are candidates when their span meets the range widened by 1 ms on
 * each side, so that inclusive comparisons (a to-do due at the range's end) are never lost; exact
 * rows must also pass RFC 4791 §9.9's VEVENT test: (start < end' AND end > start') for a span,
 * (start <= start' AND start < end') for a point. `settled` is 1 when an exact row passed: an
 * instance overlaps, the time-range condition holds without parsing. `unlisted` is 1 when an
 * inexact row passed: some of the object's time in the range is not listed instance by instance.
 */
export function overlappingSql(collectionId: number, range: RangeQuery): { sql: string; args: (number | string)[] } {
  const { scans, args } = rangeScans(collectionId, range);
  const s = range.startUtcMs ?? EARLIEST - 1;
  const e = range.endUtcMs ?? LATEST + 1;
  return {
    sql: `SELECT resource_id, max(exact) AS settled, max(exact = 0) AS unlisted FROM (${scans})
          WHERE exact = 0 OR (span_start < ? AND (span_end > ? OR (span_end = span_start AND span_start >= ?)))
          GROUP BY resource_id`,
    args: [...args, e, s, s],
  };
}

/** One bounded index scan per length class, for rows meeting the range widened by 1 ms on each side. */
function rangeScans(collectionId: number, range: RangeQuery): { scans: string; args: number[] } {
  const wideStart = (range.startUtcMs ?? EARLIEST - 1) - 1;
  const wideEnd = (range.endUtcMs ?? LATEST + 1) + 1;
  const columns = 'SELECT resource_id, exact, busy, span_start, span_end FROM instances WHERE collection_id = ? AND span_class = ?';
  const scans: string[] = [];
  const args: number[] = [];
  CLASS_LIMITS_MS.forEach((limit, spanClass) => {
    scans.push(`${columns} AND span_start >= ? AND span_start < ? AND span_end > ?`);
    args.push(collectionId, spanClass, wideStart - limit, wideEnd, wideStart);
  });
  scans.push(`${columns} AND span_start < ? AND span_end > ?`);
  args.push(collectionId, OPEN_CLASS, wideEnd, wideStart);
  return { scans: scans.join(' UNION ALL '), args };
}

/**
 * Busy time of the exact event instances overlapping the range: `span_start`, `span_end` and
 * `busy` of each, for free-busy lookups that need not parse those objects.
 */
export function busyInstancesSql(collectionId: number, range: RangeQuery): { sql: string; args: (number | string)[] } {
  const { scans, args } = rangeScans(collectionId, range);
  const s = range.startUtcMs ?? EARLIEST - 1;
  const e = range.endUtcMs ?? LATEST + 1;
  return {
    sql: `SELECT span_start, span_end, busy FROM (${scans}) WHERE exact = 1 AND busy IS NOT NULL AND span_start < ? AND span_end > ?`,
    args: [...args, e, s],
  };
}

export function busyOf(value: unknown): 'BUSY' | 'BUSY-TENTATIVE' | null {
  return value === 'BUSY' || value === 'BUSY-TENTATIVE' ? value : null;
}

function spanClass(start: number, end: number): number {
  const length = end - start;
  const index = CLASS_LIMITS_MS.findIndex((limit) => length <= limit);
  return index === -1 ? OPEN_CLASS : index;
}
