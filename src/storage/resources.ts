// Resources inside collections: calendar objects (with their indexed calendar metadata) and files.
// Every change bumps the collection's modseq, which is what sync tokens, CTags and collection
// ETags are made of (RFC 6578), and leaves a tombstone when a name disappears.
import { guard, queryRow, queryRows, writeBatch, type DbClient, type InStatement, type Row } from './db.ts';
import { PreconditionFailedError, StorageConflictError, UidConflictError } from './errors.ts';
import { copyReferencesStatement, referenceStatements } from './attachments.ts';
import { collectionChangedStatements } from './member-collections.ts';
import { schedulingEffectStatements } from './scheduling-jobs.ts';
import { busyInstancesSql, busyOf, clearSpansStatement, overlappingSql, replaceSpansStatements, spansFromRows, SPANS_OF_RESOURCE_SQL, type RangeQuery } from './time-index.ts';
import {
  MEMBER_META_COLUMNS,
  RESOURCE_META_COLUMNS,
  memberMetaFromValues,
  storedIndexOf,
  toResource,
  toResourceMeta,
  resourceDataOf,
  type CalendarObjectIndex,
  type CollectionRecord,
  type MemberMeta,
  type ResourceMeta,
  type ResourceRecord,
  type SchedulingEffects,
} from './records.ts';

const MEMBER_META_COLUMN_LIST = MEMBER_META_COLUMNS.split(', ');
/** The member columns qualified for queries that join `resources r`. */
const MEMBER_OF_R = MEMBER_META_COLUMN_LIST.map((column) => `r.${column}`).join(', ');
const MEMBER_COLUMN_COUNT = MEMBER_META_COLUMN_LIST.length;

export interface ResourceWrite {
  contentType: string;
  data: string | Uint8Array;
  etag: string;
  size: number;
  index?: CalendarObjectIndex | null;
  scheduleTag?: string | null;
  /** Scheduling messages this write causes or records, committed in the same batch. */
  scheduling?: SchedulingEffects | undefined;
}

/** One resource write of a multi-resource batch (putAll). */
export interface ResourcePut {
  collection: CollectionRecord;
  name: string;
  write: ResourceWrite;
  expect: WriteExpectation;
}

/** What the stored resource must look like for a write to go ahead (If-Match, If-None-Match: *). */
export type WriteExpectation = { etag: string } | { absent: true } | { any: true };

/**
 * A candidate of a time-range query, as reports and free-busy use it: what a listing reads of it,
 * its component type, whether the index settled it, and (unless only unsettled bodies were asked
 * for) its data.
 */
export interface MaybeReadCandidate extends MemberMeta {
  componentType: string | null;
  /** The index has decided that the object has an instance overlapping the range (time-index.ts). */
  rangeSettled: boolean;
  /** Null for a settled candidate of a `data: 'unsettled'` query: its data was not read. */
  data: string | Uint8Array | null;
}

/** A candidate read with its data. */
export interface RangeCandidate extends MaybeReadCandidate {
  data: string | Uint8Array;
}

/**
 * A candidate from its values: the member columns, then component_type and settled. Queries select
 * only these (and data), since a report reads hundreds of rows and each column of each row is a
 * value the driver converts.
 */
function candidateOf(values: readonly unknown[], data: string | Uint8Array | null): MaybeReadCandidate {
  const candidate = memberMetaFromValues(values) as MaybeReadCandidate;
  candidate.componentType = values[MEMBER_COLUMN_COUNT] === null ? null : String(values[MEMBER_COLUMN_COUNT]);
  candidate.rangeSettled = Number(values[MEMBER_COLUMN_COUNT + 1]) === 1;
  candidate.data = data;
  return candidate;
}

/** A candidate from its row, read with its data. */
function rangeCandidateOf(row: Row): RangeCandidate {
  return candidateOf([...MEMBER_META_COLUMN_LIST.map((column) => row[column]), row.component_type, row.settled], resourceDataOf(row.data)) as RangeCandidate;
}

type RangeCandidateQuery = RangeQuery & { componentType?: string | undefined; unlistedOnly?: boolean };

export interface ChangeEntry {
  name: string;
  modseq: number;
  deleted: boolean;
}

export class ResourceRepo {
  constructor(private readonly db: DbClient) {}

  async get(collectionId: number, name: string): Promise<ResourceRecord | undefined> {
    const row = await queryRow(this.db, `SELECT ${RESOURCE_META_COLUMNS}, data FROM resources WHERE collection_id = ? AND name = ?`, [collectionId, name]);
    return row ? toResource(row) : undefined;
  }

  async getMeta(collectionId: number, name: string): Promise<ResourceMeta | undefined> {
    const row = await queryRow(this.db, `SELECT ${RESOURCE_META_COLUMNS} FROM resources WHERE collection_id = ? AND name = ?`, [collectionId, name]);
    return row ? toResourceMeta(row) : undefined;
  }

  /**
   * The members' metadata, without data, a page at a time in name order: a listing of any size
   * (PROPFIND Depth 1, an initial sync) holds one page in memory. Each page is one query returning
   * one JSON text, because the client libraries build an object per row and column, which costs
   * more than the query itself. Pages are separate reads, so members written meanwhile may or may
   * not appear, as with any listing taken while the collection changes.
   */
  async *iterateMeta(collectionId: number, pageSize = 1000): AsyncGenerator<MemberMeta[]> {
    let after = '';
    for (;;) {
      const row = await queryRow(
        this.db,
        `SELECT json_group_array(json_array(${MEMBER_META_COLUMNS})) AS listing
         FROM (SELECT ${MEMBER_META_COLUMNS} FROM resources WHERE collection_id = ? AND name > ? ORDER BY name LIMIT ?)`,
        [collectionId, after, pageSize],
      );
      const page = (JSON.parse(String(row?.listing ?? '[]')) as unknown[][]).map(memberMetaFromValues);
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      after = page[page.length - 1]!.name;
    }
  }

  async getMany(collectionId: number, names: readonly string[]): Promise<ResourceRecord[]> {
    return (await this.rowsByName(collectionId, names, `${RESOURCE_META_COLUMNS}, data`)).map(toResource);
  }

  /** Metadata of the named members (sync-collection reports etags, not bodies). */
  async getManyMeta(collectionId: number, names: readonly string[]): Promise<MemberMeta[]> {
    return (await this.rowsByName(collectionId, names, MEMBER_META_COLUMNS)).map((row) => memberMetaFromValues(MEMBER_META_COLUMN_LIST.map((column) => row[column])));
  }

  /** The named members' rows, in chunks that stay below SQLite's limit on bound parameters. */
  private async rowsByName(collectionId: number, names: readonly string[], columns: string): Promise<Row[]> {
    const found: Row[] = [];
    for (let offset = 0; offset < names.length; offset += 500) {
      const chunk = names.slice(offset, offset + 500);
      const rows = await queryRows(this.db, `SELECT ${columns} FROM resources WHERE collection_id = ? AND name IN (${chunk.map(() => '?').join(',')})`, [
        collectionId,
        ...chunk,
      ]);
      found.push(...rows);
    }
    return found;
  }

  /** All members with data, a page at a time (name order), for exports and full scans. */
  async *iterate(collectionId: number, pageSize = 500): AsyncGenerator<ResourceRecord> {
    let after = '';
    for (;;) {
      const rows = await queryRows(
        this.db,
        `SELECT ${RESOURCE_META_COLUMNS}, data FROM resources WHERE collection_id = ? AND name > ? ORDER BY name LIMIT ?`,
        [collectionId, after, pageSize],
      );
      for (const row of rows) yield toResource(row);
      if (rows.length < pageSize) return;
      after = String(rows[rows.length - 1]!.name);
    }
  }

  async countAndSize(collectionId: number): Promise<{ count: number; bytes: number }> {
    const row = await queryRow(this.db, 'SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM resources WHERE collection_id = ?', [collectionId]);
    return { count: Number(row?.n ?? 0), bytes: Number(row?.bytes ?? 0) };
  }

  async findByUid(collectionId: number, uid: string): Promise<ResourceMeta | undefined> {
    const row = await queryRow(this.db, `SELECT ${RESOURCE_META_COLUMNS} FROM resources WHERE collection_id = ? AND uid = ?`, [collectionId, uid]);
    return row ? toResourceMeta(row) : undefined;
  }

  /**
   * Candidates for a query on the component type and time range: every object of the type that can
   * have an instance overlapping the range (RFC 4791 §9.9), from the time-range index, so that the
   * cost follows the size of the answer rather than of the calendar. Without a range, every object
   * of the type. With `unlistedOnly`, only those with time in the range that the index does not
   * list instance by instance (what a free-busy lookup must still parse). With `data: 'unsettled'`,
   * only the candidates the index has not settled come with their data: a query asking for ETags
   * alone then reads no body it does not need to match.
   */
  async candidatesInRange(collectionId: number, query: RangeCandidateQuery & { data?: 'all' }): Promise<RangeCandidate[]>;
  async candidatesInRange(collectionId: number, query: RangeCandidateQuery & { data: 'all' | 'unsettled' }): Promise<MaybeReadCandidate[]>;
  async candidatesInRange(collectionId: number, query: RangeCandidateQuery & { data?: 'all' | 'unsettled' }): Promise<MaybeReadCandidate[]> {
    const typeArgs = query.componentType ? [query.componentType] : [];
    if (query.startUtcMs === undefined && query.endUtcMs === undefined) {
      const typeClause = query.componentType ? ' AND r.component_type = ?' : '';
      const rows = await queryRows(this.db, `SELECT ${MEMBER_OF_R}, r.component_type, 0 AS settled, r.data FROM resources r WHERE r.collection_id = ?${typeClause} ORDER BY r.name`, [
        collectionId,
        ...typeArgs,
      ]);
      return rows.map(rangeCandidateOf);
    }
    const overlapping = overlappingSql(collectionId, query);
    const conditions = [...(query.unlistedOnly ? ['hits.unlisted = 1'] : []), ...(query.componentType ? ['r.component_type = ?'] : [])];
    // CROSS JOIN keeps the hits as the outer loop: left to itself, SQLite's planner prefers to scan
    // the whole collection and probe the hits, which costs as much as the old full scan.
    const candidates = (columns: string) => `WITH hits AS (${overlapping.sql})
       SELECT ${columns} FROM hits CROSS JOIN resources r ON r.id = hits.resource_id
       ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY r.name`;
    const args = [...overlapping.args, ...typeArgs];
    if (query.data !== 'unsettled') {
      return (await queryRows(this.db, candidates(`${MEMBER_OF_R}, r.component_type, hits.settled AS settled, r.data AS data`), args)).map(rangeCandidateOf);
    }
    // The metadata as one JSON text (as iterateMeta reads pages: cheaper than a row object per
    // candidate), then the bodies of the unsettled ones, which are few.
    const listing = await queryRow(
      this.db,
      `SELECT json_group_array(json_array(${MEMBER_META_COLUMNS}, component_type, settled)) AS listing FROM (${candidates(`${MEMBER_OF_R}, r.component_type, hits.settled AS settled`)})`,
      args,
    );
    const found = (JSON.parse(String(listing?.listing ?? '[]')) as unknown[][]).map((values) => candidateOf(values, null));
    const unsettled = found.filter((candidate) => !candidate.rangeSettled);
    if (unsettled.length > 0) {
      const bodies = new Map((await this.rowsByName(collectionId, unsettled.map((c) => c.name), 'name, data')).map((row) => [String(row.name), row.data]));
      // A candidate removed between the two reads has no body: it is left out, as if read after.
      for (const candidate of unsettled) candidate.data = bodies.has(candidate.name) ? resourceDataOf(bodies.get(candidate.name)) : null;
      return found.filter((candidate) => candidate.rangeSettled || candidate.data !== null);
    }
    return found;
  }

  /**
   * Busy time of the collection's exact event instances overlapping the range (not clipped); the
   * rest of the busy time is in the candidates `candidatesInRange` returns with `unlistedOnly`.
   */
  async busyInstances(collectionId: number, range: RangeQuery): Promise<{ startUtcMs: number; endUtcMs: number; type: 'BUSY' | 'BUSY-TENTATIVE' }[]> {
    const query = busyInstancesSql(collectionId, range);
    const rows = await queryRows(this.db, query.sql, query.args);
    return rows.flatMap((row) => {
      const type = busyOf(row.busy);
      return type ? [{ startUtcMs: Number(row.span_start), endUtcMs: Number(row.span_end), type }] : [];
    });
  }

  /** Creates or replaces a resource, atomically checking `expect` and the collection-wide UID rule. */
  async put(collection: CollectionRecord, name: string, write: ResourceWrite, expect: WriteExpectation, now: number): Promise<ResourceMeta> {
    const statements: InStatement[] = [expectationGuard(collection.id, name, expect), ...collectionChangedStatements(collection.id, now)];
    const upsertAt = statements.push(upsertStatement(collection.id, name, write, now, true)) - 1;
    statements.push(...attachmentReferenceStatements(collection.id, name, write));
    // An index without timeIndex rewrites an object whose instances have not changed.
    if (!write.index || write.index.timeIndex) statements.push(...replaceSpansStatements(collection.id, name, write.index?.timeIndex ?? null));
    statements.push({ sql: 'DELETE FROM tombstones WHERE collection_id = ? AND name = ?', args: [collection.id, name] });
    statements.push(...schedulingEffectStatements(write.scheduling, now));
    let results;
    try {
      results = await writeBatch(this.db, statements);
    } catch (error) {
      if (error instanceof StorageConflictError && write.index) {
        const holder = await this.findByUid(collection.id, write.index.uid);
        if (holder && holder.name !== name) throw new UidConflictError(holder.name, collection.path);
      }
      throw error;
    }
    // Every driver returns the RETURNING row; reading it back is only a fallback.
    const written = results[upsertAt]?.rows[0];
    return written ? toResourceMeta(written as unknown as Record<string, unknown>) : (await this.getMeta(collection.id, name))!;
  }

  /**
   * Replaces the indexed columns and time-range rows of an object whose content is unchanged (a
   * reindex): no new modseq, ETag or tombstone, since clients see nothing new. Returns false when
   * the object changed meanwhile (its own write indexed it) or is gone.
   */
  async reindex(collection: CollectionRecord, name: string, etag: string, index: CalendarObjectIndex): Promise<boolean> {
    try {
      await writeBatch(this.db, [
        expectationGuard(collection.id, name, { etag }),
        {
          sql: `UPDATE resources SET uid = ?, component_type = ?, first_start = ?, last_end = ?, is_recurring = ?, organizer = ?
                WHERE collection_id = ? AND name = ?`,
          args: [index.uid, index.componentType, index.firstStart, index.lastEnd, index.isRecurring ? 1 : 0, index.organizer, collection.id, name],
        },
        ...replaceSpansStatements(collection.id, name, index.timeIndex ?? null),
      ]);
      return true;
    } catch (error) {
      if (error instanceof PreconditionFailedError) return false;
      throw error;
    }
  }

  /** With `effects`, the scheduling messages the removal causes are stored in the same batch. */
  async delete(collection: CollectionRecord, name: string, expect: WriteExpectation, now: number, effects?: SchedulingEffects): Promise<void> {
    const path = collection.path + name;
    await writeBatch(this.db, [
      expectationGuard(collection.id, name, expect),
      ...removalStatements(collection.id, name, now),
      { sql: 'DELETE FROM properties WHERE path = ?', args: [path] },
      { sql: 'DELETE FROM locks WHERE path = ?', args: [path] },
      ...schedulingEffectStatements(effects, now),
    ]);
  }

  /**
   * Writes several resources and the scheduling effects in one atomic batch: a local delivery
   * (the recipient's copy and their Inbox item) together with the completion of its message.
   * Each write's own `scheduling` is ignored here; `effects` applies once.
   */
  async putAll(puts: readonly ResourcePut[], effects: SchedulingEffects, now: number): Promise<void> {
    const statements: InStatement[] = [];
    for (const { collection, name, write, expect } of puts) {
      statements.push(expectationGuard(collection.id, name, expect), ...collectionChangedStatements(collection.id, now), upsertStatement(collection.id, name, write, now));
      statements.push(...attachmentReferenceStatements(collection.id, name, write));
      if (!write.index || write.index.timeIndex) statements.push(...replaceSpansStatements(collection.id, name, write.index?.timeIndex ?? null));
      statements.push({ sql: 'DELETE FROM tombstones WHERE collection_id = ? AND name = ?', args: [collection.id, name] });
    }
    statements.push(...schedulingEffectStatements(effects, now));
    await writeBatch(this.db, statements);
  }

  /**
   * Copies or moves a resource (with its dead properties) to another collection or name in one
   * batch, replacing whatever is at the destination.
   */
  async transfer(
    source: { collection: CollectionRecord; name: string; etag: string },
    target: { collection: CollectionRecord; name: string; index?: CalendarObjectIndex | null },
    mode: 'copy' | 'move',
    now: number,
  ): Promise<void> {
    const record = await this.get(source.collection.id, source.name);
    if (!record) throw new StorageConflictError('The source resource disappeared');
    let index = target.index === undefined ? storedIndexOf(record) : target.index;
    // The copy occupies the same time as the source: its index rows are carried over.
    if (index && !index.timeIndex) index = { ...index, timeIndex: spansFromRows(await queryRows(this.db, SPANS_OF_RESOURCE_SQL, [record.id])) };
    const sourcePath = source.collection.path + source.name;
    const targetPath = target.collection.path + target.name;
    const write: ResourceWrite = {
      contentType: record.contentType,
      data: record.data,
      etag: record.etag,
      size: record.size,
      index,
      scheduleTag: record.scheduleTag,
    };
    const statements: InStatement[] = [expectationGuard(source.collection.id, source.name, { etag: source.etag })];
    // Clear the destination first so that a UID moving within one collection does not collide with
    // itself; then the copy takes over the source's attachment references (RFC 8607), before a
    // MOVE's removal of the source would drop the last of them.
    statements.push(clearSpansStatement(target.collection.id, target.name));
    statements.push({ sql: 'DELETE FROM resources WHERE collection_id = ? AND name = ?', args: [target.collection.id, target.name] });
    statements.push(copyReferencesStatement({ collectionId: source.collection.id, name: source.name }, { collectionId: target.collection.id, name: target.name }));
    if (mode === 'move') {
      statements.push(...removalStatements(source.collection.id, source.name, now));
      statements.push({ sql: 'DELETE FROM locks WHERE path = ?', args: [sourcePath] });
    }
    statements.push(...collectionChangedStatements(target.collection.id, now));
    statements.push(upsertStatement(target.collection.id, target.name, write, now));
    statements.push(...replaceSpansStatements(target.collection.id, target.name, index?.timeIndex ?? null));
    statements.push({ sql: 'DELETE FROM tombstones WHERE collection_id = ? AND name = ?', args: [target.collection.id, target.name] });
    statements.push({ sql: 'DELETE FROM properties WHERE path = ?', args: [targetPath] });
    statements.push({ sql: 'INSERT INTO properties (path, name, value) SELECT ?, name, value FROM properties WHERE path = ?', args: [targetPath, sourcePath] });
    if (mode === 'move') statements.push({ sql: 'DELETE FROM properties WHERE path = ?', args: [sourcePath] });
    try {
      await writeBatch(this.db, statements);
    } catch (error) {
      if (error instanceof StorageConflictError && write.index) {
        const holder = await this.findByUid(target.collection.id, write.index.uid);
        if (holder) throw new UidConflictError(holder.name, target.collection.path);
      }
      throw error;
    }
  }

  /**
   * Members changed or removed after `modseq`, oldest first (RFC 6578 sync-collection). Member
   * collections are among them, named with a trailing slash; their change records say that they
   * changed, and whether they still exist is read here (member-collections.ts).
   */
  async changesSince(collectionId: number, modseq: number, limit?: number): Promise<ChangeEntry[]> {
    const rows = await queryRows(
      this.db,
      `SELECT name, modseq, 0 AS deleted FROM resources WHERE collection_id = ? AND modseq > ?
       UNION ALL SELECT t.name, t.modseq, NOT EXISTS (SELECT 1 FROM collections c WHERE c.path = p.path || t.name) AS deleted
         FROM tombstones t JOIN collections p ON p.id = t.collection_id WHERE t.collection_id = ? AND t.modseq > ?
       ORDER BY modseq${limit === undefined ? '' : ' LIMIT ?'}`,
      limit === undefined ? [collectionId, modseq, collectionId, modseq] : [collectionId, modseq, collectionId, modseq, limit],
    );
    return rows.map((row) => ({ name: String(row.name), modseq: Number(row.modseq), deleted: Number(row.deleted) === 1 }));
  }
}

// --- Internal helpers ---

/** A calendar write that says which attachments it references (RFC 8607) replaces the object's references. */
function attachmentReferenceStatements(collectionId: number, name: string, write: ResourceWrite): InStatement[] {
  const ids = write.index?.managedIds;
  return ids === undefined ? [] : referenceStatements(collectionId, name, ids);
}

function expectationGuard(collectionId: number, name: string, expect: WriteExpectation): InStatement {
  if ('any' in expect) return guard('1');
  if ('absent' in expect) return guard('NOT EXISTS (SELECT 1 FROM resources WHERE collection_id = ? AND name = ?)', [collectionId, name]);
  return guard('(SELECT etag FROM resources WHERE collection_id = ? AND name = ?) = ?', [collectionId, name, expect.etag]);
}

function removalStatements(collectionId: number, name: string, now: number): InStatement[] {
  return [
    ...collectionChangedStatements(collectionId, now),
    clearSpansStatement(collectionId, name),
    { sql: 'DELETE FROM resources WHERE collection_id = ? AND name = ?', args: [collectionId, name] },
    {
      sql: 'INSERT OR REPLACE INTO tombstones (collection_id, name, modseq) SELECT id, ?, modseq FROM collections WHERE id = ?',
      args: [name, collectionId],
    },
  ];
}

/** The insert-or-replace of a resource row; with `returning`, it yields the row as written (its metadata). */
function upsertStatement(collectionId: number, name: string, write: ResourceWrite, now: number, returning = false): InStatement {
  const index = write.index ?? null;
  return {
    sql: `INSERT INTO resources (collection_id, name, content_type, data, etag, size, modseq, created_at, modified_at,
            uid, component_type, first_start, last_end, is_recurring, organizer, schedule_tag)
          VALUES (?, ?, ?, ?, ?, ?, (SELECT modseq FROM collections WHERE id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (collection_id, name) DO UPDATE SET
            content_type = excluded.content_type, data = excluded.data, etag = excluded.etag, size = excluded.size,
            modseq = excluded.modseq, modified_at = excluded.modified_at, uid = excluded.uid,
            component_type = excluded.component_type, first_start = excluded.first_start, last_end = excluded.last_end,
            is_recurring = excluded.is_recurring, organizer = excluded.organizer, schedule_tag = excluded.schedule_tag${returning ? ` RETURNING ${RESOURCE_META_COLUMNS}` : ''}`,
    args: [
      collectionId, name, write.contentType, write.data, write.etag, write.size, collectionId, now, now,
      index?.uid ?? null, index?.componentType ?? null, index?.firstStart ?? null, index?.lastEnd ?? null,
      index?.isRecurring ? 1 : 0, index?.organizer ?? null, write.scheduleTag ?? null,
    ],
  };
}
