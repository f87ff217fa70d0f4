// Shares of collections with other users and their subscriptions (draft-pot-webdav-resource-
// sharing §4, Cyrus mailbox subscriptions). An accepted share is seen by the sharee as a
// collection at its alias path: the sharer's collection record with the path replaced.
import { guard, prefixUpperBound, queryRow, queryRows, writeBatch, type DbClient, type InStatement, type Row } from './db.ts';
import { AlreadyExistsError, StorageConflictError } from './errors.ts';
import { toCollection, toShare, type CollectionRecord, type ShareRecord } from './records.ts';

const ACCEPTED_JOIN = `SELECT c.*, s.alias_path AS share_alias FROM shares s JOIN collections c ON c.id = s.collection_id
  WHERE s.status = 'invite-accepted' AND s.alias_path IS NOT NULL`;

export class ShareRepo {
  constructor(private readonly db: DbClient) {}

  async get(collectionId: number, sharee: string): Promise<ShareRecord | undefined> {
    const row = await queryRow(this.db, 'SELECT * FROM shares WHERE collection_id = ? AND sharee = ?', [collectionId, sharee]);
    return row ? toShare(row) : undefined;
  }

  async listForCollection(collectionId: number): Promise<ShareRecord[]> {
    return (await queryRows(this.db, 'SELECT * FROM shares WHERE collection_id = ? ORDER BY sharee', [collectionId])).map(toShare);
  }

  async listForSharee(sharee: string): Promise<ShareRecord[]> {
    return (await queryRows(this.db, 'SELECT * FROM shares WHERE sharee = ? ORDER BY collection_id', [sharee])).map(toShare);
  }

  /** Records an invitation; a repeated invitation keeps the answer already given. */
  async invite(collectionId: number, sharee: string, comment: string | null, now: number): Promise<void> {
    await writeBatch(this.db, [
      {
        sql: `INSERT INTO shares (collection_id, sharee, status, alias_path, comment, created_at, modified_at)
              VALUES (?, ?, 'invite-noresponse', NULL, ?, ?, ?)
              ON CONFLICT (collection_id, sharee) DO UPDATE SET comment = excluded.comment, modified_at = excluded.modified_at`,
        args: [collectionId, sharee, comment, now, now],
      },
    ]);
  }

  /**
   * Accepts an invitation: the share appears at `aliasPath`, starting with a copy of the shared
   * collection's dead properties (the sharee's own from then on, as Cyrus keeps them per user)
   * overlaid with `overrides`.
   */
  async accept(collectionId: number, sharee: string, aliasPath: string, sourcePath: string, overrides: ReadonlyMap<string, string>, now: number): Promise<void> {
    const statements: InStatement[] = [
      guard('EXISTS (SELECT 1 FROM shares WHERE collection_id = ? AND sharee = ?)', [collectionId, sharee]),
      ...aliasCleanup(aliasPath),
      {
        sql: `UPDATE shares SET status = 'invite-accepted', alias_path = ?, modified_at = ? WHERE collection_id = ? AND sharee = ?`,
        args: [aliasPath, now, collectionId, sharee],
      },
      { sql: 'INSERT INTO properties (path, name, value) SELECT ?, name, value FROM properties WHERE path = ?', args: [aliasPath, sourcePath] },
    ];
    for (const [name, value] of overrides) {
      statements.push({ sql: 'INSERT OR REPLACE INTO properties (path, name, value) VALUES (?, ?, ?)', args: [aliasPath, name, value] });
    }
    try {
      await writeBatch(this.db, statements);
    } catch (error) {
      if (error instanceof StorageConflictError) throw new AlreadyExistsError(`${aliasPath} is already used by another share`);
      throw error;
    }
  }

  /** Declines an invitation or ends a subscription; the sharee's properties of the alias go with it. */
  async decline(collectionId: number, sharee: string, now: number): Promise<void> {
    const share = await this.get(collectionId, sharee);
    if (!share) return;
    await writeBatch(this.db, [
      ...(share.aliasPath ? aliasCleanup(share.aliasPath) : []),
      {
        sql: `UPDATE shares SET status = 'invite-declined', alias_path = NULL, modified_at = ? WHERE collection_id = ? AND sharee = ?`,
        args: [now, collectionId, sharee],
      },
    ]);
  }

  /** Forgets a share entirely (the sharer revoked it). */
  async remove(collectionId: number, sharee: string): Promise<void> {
    const share = await this.get(collectionId, sharee);
    if (!share) return;
    await writeBatch(this.db, [
      ...(share.aliasPath ? aliasCleanup(share.aliasPath) : []),
      { sql: 'DELETE FROM shares WHERE collection_id = ? AND sharee = ?', args: [collectionId, sharee] },
    ]);
  }

  /** The shared collection seen at an alias path, if a share was accepted there and the collection still exists. */
  async findByAlias(aliasPath: string): Promise<CollectionRecord | undefined> {
    const row = await queryRow(this.db, `${ACCEPTED_JOIN} AND s.alias_path = ?`, [aliasPath]);
    return row ? aliased(row) : undefined;
  }

  /** Every collection a user has accepted, each at its alias path. */
  async listSubscriptions(sharee: string): Promise<CollectionRecord[]> {
    return (await queryRows(this.db, `${ACCEPTED_JOIN} AND s.sharee = ? ORDER BY s.alias_path`, [sharee])).map(aliased);
  }
}

// --- Internal helpers ---

function aliased(row: Row): CollectionRecord {
  const aliasPath = String(row.share_alias);
  const trimmed = aliasPath.slice(0, -1);
  return { ...toCollection(row), path: aliasPath, parentPath: trimmed.slice(0, trimmed.lastIndexOf('/') + 1) };
}

/** Removes what a sharee kept at an alias path (their properties of the share, locks). */
export function aliasCleanup(aliasPath: string): InStatement[] {
  const range = [aliasPath, prefixUpperBound(aliasPath)];
  return [
    { sql: 'DELETE FROM properties WHERE path >= ? AND path < ?', args: range },
    { sql: 'DELETE FROM locks WHERE path >= ? AND path < ?', args: range },
  ];
}
