// Collections: calendar homes, calendars, scheduling Inbox/Outbox, attachments and WebDAV folders.
import { guard, prefixUpperBound, queryRow, queryRows, writeBatch, type DbClient, type InStatement } from './db.ts';
import { AlreadyExistsError, StorageConflictError } from './errors.ts';
import { memberChangedStatements, memberRemovedStatements } from './member-collections.ts';
import { RESOURCE_META_COLUMNS, resourceDataOf, resourceMetaFromValues, toCollection, type CollectionKind, type CollectionRecord, type ResourceRecord, type SchedulingEffects } from './records.ts';
import { schedulingEffectStatements } from './scheduling-jobs.ts';
import { aliasCleanup } from './shares.ts';

export interface NewCollection {
  path: string;
  parentPath: string | null;
  owner: string | null;
  kind: CollectionKind;
  acl: string;
  /** Dead properties to store with it: Clark name → serialized value. */
  properties?: ReadonlyMap<string, string>;
}

/** What a request path names: a collection, or else a member of the collection one level up. */
export interface PathTarget {
  /** The collection at the path itself. */
  collection?: CollectionRecord;
  /** The collection one level up, when there is none at the path itself. */
  parent?: CollectionRecord;
  /** The parent's member named by the path's last segment, with its data. */
  member?: ResourceRecord;
}

const RESOURCE_COLUMN_LIST = RESOURCE_META_COLUMNS.split(', ');
const MEMBER_AS_PREFIXED = [...RESOURCE_COLUMN_LIST, 'data'].map((column) => `r.${column} AS r_${column}`).join(', ');
const NO_MEMBER = [...RESOURCE_COLUMN_LIST, 'data'].map((column) => `NULL AS r_${column}`).join(', ');

export class CollectionRepo {
  constructor(private readonly db: DbClient) {}

  async get(path: string): Promise<CollectionRecord | undefined> {
    const row = await queryRow(this.db, 'SELECT * FROM collections WHERE path = ?', [path]);
    return row ? toCollection(row) : undefined;
  }

  /** Several collections by path in one query (resolving a member path needs it and its parent). */
  async getMany(paths: readonly string[]): Promise<Map<string, CollectionRecord>> {
    const rows = await queryRows(this.db, `SELECT * FROM collections WHERE path IN (${paths.map(() => '?').join(',')})`, [...paths]);
    return new Map(rows.map((row) => [String(row.path), toCollection(row)]));
  }

  /**
   * The collection at `path`, or else the collection at `parentPath` with its member `name`: every
   * request resolves its path, so this is one single-row read (the first branch with a row wins),
   * each further statement costing about as much as the lookup itself.
   */
  async findPathTarget(path: string, parentPath: string, name: string): Promise<PathTarget> {
    const row = await queryRow(
      this.db,
      `SELECT 0 AS branch, c.*, ${NO_MEMBER} FROM collections c WHERE c.path = ?
       UNION ALL
       SELECT 1 AS branch, c.*, ${MEMBER_AS_PREFIXED} FROM collections c LEFT JOIN resources r ON r.collection_id = c.id AND r.name = ? WHERE c.path = ?
       ORDER BY branch LIMIT 1`,
      [path, name, parentPath],
    );
    if (!row) return {};
    if (Number(row.branch) === 0) return { collection: toCollection(row) };
    if (row.r_id === null || row.r_id === undefined) return { parent: toCollection(row) };
    const member = resourceMetaFromValues(RESOURCE_COLUMN_LIST.map((column) => row[`r_${column}`])) as ResourceRecord;
    member.data = resourceDataOf(row.r_data);
    return { parent: toCollection(row), member };
  }

  async getById(id: number): Promise<CollectionRecord | undefined> {
    const row = await queryRow(this.db, 'SELECT * FROM collections WHERE id = ?', [id]);
    return row ? toCollection(row) : undefined;
  }

  async listChildren(parentPath: string): Promise<CollectionRecord[]> {
    return (await queryRows(this.db, 'SELECT * FROM collections WHERE parent_path = ? ORDER BY path', [parentPath])).map(toCollection);
  }

  async listByOwner(owner: string, kinds?: readonly CollectionKind[]): Promise<CollectionRecord[]> {
    const rows = await queryRows(this.db, 'SELECT * FROM collections WHERE owner = ? ORDER BY path', [owner]);
    return rows.map(toCollection).filter((c) => !kinds || kinds.includes(c.kind));
  }

  async listByKind(kind: CollectionKind): Promise<CollectionRecord[]> {
    return (await queryRows(this.db, 'SELECT * FROM collections WHERE kind = ? ORDER BY path', [kind])).map(toCollection);
  }

  /** Creates one collection (with its initial dead properties) atomically. */
  async create(collection: NewCollection, now: number): Promise<CollectionRecord> {
    try {
      await writeBatch(this.db, insertStatements(collection, now, false));
    } catch (error) {
      if (error instanceof StorageConflictError) throw new AlreadyExistsError(`${collection.path} already exists`);
      throw error;
    }
    return (await this.get(collection.path))!;
  }

  /** Creates whichever of these do not exist yet; safe when several requests race to do it. */
  async ensure(collections: readonly NewCollection[], now: number): Promise<void> {
    await writeBatch(this.db, collections.flatMap((c) => insertStatements(c, now, true)));
  }

  /**
   * Deletes a collection and everything below it, atomically, with the scheduling messages the
   * removal of its objects sends (`effects`) in the same batch.
   */
  async delete(path: string, now = Date.now(), effects?: SchedulingEffects): Promise<void> {
    await writeBatch(this.db, [...(await deleteTreeStatements(this.db, path, now)), ...schedulingEffectStatements(effects, now)]);
  }

  /** Renames a collection tree (MOVE); with `replace`, an existing destination tree is removed first. */
  async move(from: string, to: string, toParent: string, replace: boolean, now: number): Promise<void> {
    const statements: InStatement[] = replace ? await deleteTreeStatements(this.db, to, now) : [];
    const range = [from, prefixUpperBound(from)];
    const rewrite = `? || substr(path, ${from.length + 1})`;
    statements.push(
      // A rename is a removal from the old parent and an arrival in the new one (RFC 6578 §3.5).
      ...memberRemovedStatements(from, now),
      { sql: `UPDATE collections SET parent_path = ? || substr(parent_path, ${from.length + 1}) WHERE parent_path >= ? AND parent_path < ?`, args: [to, ...range] },
      { sql: `UPDATE collections SET path = ${rewrite}, modified_at = ? WHERE path >= ? AND path < ?`, args: [to, now, ...range] },
      { sql: 'UPDATE collections SET parent_path = ? WHERE path = ?', args: [toParent, to] },
      { sql: `UPDATE properties SET path = ${rewrite} WHERE path >= ? AND path < ?`, args: [to, ...range] },
      { sql: 'DELETE FROM locks WHERE path >= ? AND path < ?', args: range },
      ...memberChangedStatements('c.path = ?', [to], now),
    );
    try {
      await writeBatch(this.db, statements);
    } catch (error) {
      if (error instanceof StorageConflictError) throw new AlreadyExistsError(`${to} already exists`);
      throw error;
    }
  }

  /**
   * Copies a collection (RFC 4918 §9.8.3): with `deep`, everything below it; without, just the
   * collection and its properties. One batch; new collections get fresh sync identities.
   */
  async copyTree(from: string, to: string, toParent: string, owner: string | null, deep: boolean, replace: boolean, now: number): Promise<void> {
    const statements: InStatement[] = replace ? await deleteTreeStatements(this.db, to, now) : [];
    const range = deep ? [from, prefixUpperBound(from)] : [from, from + '\u0000'];
    const rewrite = `? || substr(path, ${from.length + 1})`;
    statements.push(
      {
        sql: `INSERT INTO collections (path, parent_path, owner, kind, sync_id, modseq, acl, created_at, modified_at)
              SELECT ${rewrite}, CASE WHEN path = ? THEN ? ELSE ? || substr(parent_path, ${from.length + 1}) END,
                     ?, kind, lower(hex(randomblob(16))), 1, acl, ?, ?
              FROM collections WHERE path >= ? AND path < ?`,
        // The copy belongs to whoever owns the place it lands in, not to the source's owner.
        args: [to, from, toParent, to, owner, now, now, ...range],
      },
      ...(deep ? [{
        sql: `INSERT INTO resources (collection_id, name, content_type, data, etag, size, modseq, created_at, modified_at,
                uid, component_type, first_start, last_end, is_recurring, organizer, schedule_tag)
              SELECT target.id, r.name, r.content_type, r.data, r.etag, r.size, 1, ?, ?, r.uid, r.component_type,
                r.first_start, r.last_end, r.is_recurring, r.organizer, r.schedule_tag
              FROM resources r JOIN collections source ON r.collection_id = source.id
              JOIN collections target ON target.path = ? || substr(source.path, ${from.length + 1})
              WHERE source.path >= ? AND source.path < ?`,
        args: [now, now, to, ...range],
      }, {
        // The copies occupy the same time as the originals (the `resources` rows just inserted).
        sql: `INSERT INTO instances (resource_id, collection_id, span_class, span_start, span_end, exact, busy)
              SELECT copy.id, copy.collection_id, i.span_class, i.span_start, i.span_end, i.exact, i.busy
              FROM instances i JOIN resources original ON i.resource_id = original.id
              JOIN collections source ON original.collection_id = source.id
              JOIN collections target ON target.path = ? || substr(source.path, ${from.length + 1})
              JOIN resources copy ON copy.collection_id = target.id AND copy.name = original.name
              WHERE source.path >= ? AND source.path < ?`,
        args: [to, ...range],
      }] : []),
      {
        sql: `INSERT INTO properties (path, name, value) SELECT ${rewrite}, name, value FROM properties WHERE path >= ? AND path < ?`,
        args: [to, ...range],
      },
      ...memberChangedStatements('c.path = ?', [to], now),
    );
    try {
      await writeBatch(this.db, statements);
    } catch (error) {
      if (error instanceof StorageConflictError) throw new AlreadyExistsError(`${to} already exists`);
      throw error;
    }
  }

  async setAcl(path: string, acl: string, now: number): Promise<void> {
    await writeBatch(this.db, [
      guard('EXISTS (SELECT 1 FROM collections WHERE path = ?)', [path]),
      { sql: 'UPDATE collections SET acl = ?, modified_at = ? WHERE path = ?', args: [acl, now, path] },
    ]);
  }
}

// --- Internal helpers ---

function insertStatements(collection: NewCollection, now: number, ignoreExisting: boolean): InStatement[] {
  const verb = ignoreExisting ? 'INSERT OR IGNORE' : 'INSERT';
  const syncId = crypto.randomUUID();
  const statements: InStatement[] = [
    {
      sql: `${verb} INTO collections (path, parent_path, owner, kind, sync_id, modseq, acl, created_at, modified_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)`,
      args: [collection.path, collection.parentPath, collection.owner, collection.kind, syncId, collection.acl, now, now],
    },
    // A new member of its parent; the fresh sync identity tells an insert from one that was ignored.
    ...memberChangedStatements('c.path = ? AND c.sync_id = ?', [collection.path, syncId], now),
  ];
  // Properties left by an earlier collection at the same path must not reappear on a new one.
  if (!ignoreExisting) statements.push({ sql: 'DELETE FROM properties WHERE path = ?', args: [collection.path] });
  for (const [name, value] of collection.properties ?? []) {
    statements.push({ sql: `${verb} INTO properties (path, name, value) VALUES (?, ?, ?)`, args: [collection.path, name, value] });
  }
  return statements;
}

/**
 * Statements that remove a collection tree with everything in it, including the shares of its
 * collections and what their sharees kept at the aliases: a share dies with its collection, and a
 * new collection that reuses the id must not inherit it.
 */
export async function deleteTreeStatements(db: DbClient, path: string, now = Date.now()): Promise<InStatement[]> {
  const range = [path, prefixUpperBound(path)];
  const inTree = 'SELECT id FROM collections WHERE path >= ? AND path < ?';
  const aliases = await queryRows(db, `SELECT alias_path FROM shares WHERE alias_path IS NOT NULL AND collection_id IN (${inTree})`, range);
  return [
    ...aliases.flatMap((row) => aliasCleanup(String(row.alias_path))),
    { sql: `DELETE FROM shares WHERE collection_id IN (${inTree})`, args: range },
    { sql: `DELETE FROM instances WHERE collection_id IN (${inTree})`, args: range },
    { sql: `DELETE FROM resources WHERE collection_id IN (${inTree})`, args: range },
    { sql: `DELETE FROM tombstones WHERE collection_id IN (${inTree})`, args: range },
    { sql: 'DELETE FROM collections WHERE path >= ? AND path < ?', args: range },
    { sql: 'DELETE FROM properties WHERE path >= ? AND path < ?', args: range },
    { sql: 'DELETE FROM locks WHERE path >= ? AND path < ?', args: range },
    ...memberRemovedStatements(path, now),
  ];
}
