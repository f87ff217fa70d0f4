// Managed attachments (RFC 8607): bodies stored once per owner and SHA-256, written and read a chunk
// at a time; attachments (MANAGED-IDs) naming a body; references from calendar objects. Removal
// cascades through the triggers of migration 0008, so nothing here has to follow every path by
// which an object disappears.
import { guard, queryRow, queryRows, writeBatch, type DbClient, type InStatement } from './db.ts';
import { PreconditionFailedError } from './errors.ts';

export interface AttachmentRecord {
  managedId: string;
  owner: string;
  blobId: number;
  /** Hex SHA-256 of the body. */
  hash: string;
  size: number;
  filename: string;
  contentType: string;
  createdAt: number;
}

export type NewAttachment = Omit<AttachmentRecord, 'createdAt'>;

/** A body whose chunks are being written; `finish` files it under its hash. */
export interface BlobUpload {
  blobId: number;
  owner: string;
}

export class AttachmentRepo {
  constructor(private readonly db: DbClient) {}

  /** Starts a body for `owner`; its chunks go in with appendChunk. */
  async beginBlob(owner: string, now: number): Promise<BlobUpload> {
    const row = await queryRow(this.db, 'INSERT INTO attachment_blobs (owner, created_at) VALUES (?, ?) RETURNING blob_id', [owner, now]);
    return { blobId: Number(row!.blob_id), owner };
  }

  /**
   * Appends chunks numbered from `firstSeq` in one transaction: a commit costs far more than the
   * rows (about 11 ms on a local file), so the caller hands over a few at a time.
   */
  async appendChunks(upload: BlobUpload, firstSeq: number, chunks: readonly Uint8Array[]): Promise<void> {
    if (chunks.length === 0) return;
    const bytes = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
    await writeBatch(this.db, [
      ...chunks.map((data, i) => ({ sql: 'INSERT INTO attachment_chunks (blob_id, seq, data) VALUES (?, ?, ?)', args: [upload.blobId, firstSeq + i, data] })),
      { sql: 'UPDATE attachment_blobs SET size = size + ?, chunks = chunks + ? WHERE blob_id = ?', args: [bytes, chunks.length, upload.blobId] },
    ]);
  }

  /**
   * Files a written body under its hash and returns the body to use: this one, or the owner's
   * existing body with the same content, in which case the one just written is dropped.
   */
  async finishBlob(upload: BlobUpload, hash: string): Promise<number> {
    const existing = await queryRow(this.db, 'SELECT blob_id FROM attachment_blobs WHERE owner = ? AND hash = ?', [upload.owner, hash]);
    if (existing) {
      await this.discardBlob(upload);
      return Number(existing.blob_id);
    }
    try {
      await writeBatch(this.db, [{ sql: 'UPDATE attachment_blobs SET hash = ? WHERE blob_id = ?', args: [hash, upload.blobId] }]);
      return upload.blobId;
    } catch (error) {
      // A concurrent upload of the same content filed its body first.
      const winner = await queryRow(this.db, 'SELECT blob_id FROM attachment_blobs WHERE owner = ? AND hash = ?', [upload.owner, hash]);
      if (!winner) throw error;
      await this.discardBlob(upload);
      return Number(winner.blob_id);
    }
  }

  /** Drops a body no attachment names (an upload that failed or was refused). */
  async discardBlob(upload: BlobUpload): Promise<void> {
    await writeBatch(this.db, [
      guard('NOT EXISTS (SELECT 1 FROM attachments WHERE blob_id = ?)', [upload.blobId]),
      { sql: 'DELETE FROM attachment_chunks WHERE blob_id = ?', args: [upload.blobId] },
      { sql: 'DELETE FROM attachment_blobs WHERE blob_id = ?', args: [upload.blobId] },
    ]).catch((error) => {
      if (!(error instanceof PreconditionFailedError)) throw error;
    });
  }

  /** Bytes of bodies `owner` stores, counting each content once (bodies being written included). */
  async usedBytes(owner: string): Promise<number> {
    const row = await queryRow(this.db, 'SELECT coalesce(sum(size), 0) AS bytes FROM attachment_blobs WHERE owner = ?', [owner]);
    return Number(row?.bytes ?? 0);
  }

  /**
   * Records an attachment before any object references it; the write that adds its ATTACH makes
   * the reference. Throws PreconditionFailedError if its body was removed meanwhile.
   */
  async create(attachment: NewAttachment, now: number): Promise<AttachmentRecord> {
    await writeBatch(this.db, [
      guard('EXISTS (SELECT 1 FROM attachment_blobs WHERE blob_id = ? AND hash IS NOT NULL)', [attachment.blobId]),
      {
        sql: `INSERT INTO attachments (managed_id, owner, blob_id, hash, size, filename, content_type, created_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        args: [attachment.managedId, attachment.owner, attachment.blobId, attachment.hash, attachment.size, attachment.filename, attachment.contentType, now],
      },
    ]);
    return { ...attachment, createdAt: now };
  }

  async get(managedId: string): Promise<AttachmentRecord | undefined> {
    const row = await queryRow(this.db, `SELECT ${COLUMNS} FROM attachments WHERE managed_id = ?`, [managedId]);
    return row ? toAttachment(row) : undefined;
  }

  async getMany(managedIds: readonly string[]): Promise<Map<string, AttachmentRecord>> {
    const found = new Map<string, AttachmentRecord>();
    const unique = [...new Set(managedIds)];
    for (let offset = 0; offset < unique.length; offset += 500) {
      const chunk = unique.slice(offset, offset + 500);
      const rows = await queryRows(this.db, `SELECT ${COLUMNS} FROM attachments WHERE managed_id IN (${chunk.map(() => '?').join(',')})`, chunk);
      for (const row of rows) found.set(String(row.managed_id), toAttachment(row));
    }
    return found;
  }

  /** Removes an attachment nothing references (its ATTACH never got stored). */
  async deleteUnreferenced(managedId: string): Promise<void> {
    await this.db.execute({
      sql: 'DELETE FROM attachments WHERE managed_id = ? AND NOT EXISTS (SELECT 1 FROM attachment_refs WHERE managed_id = ?)',
      args: [managedId, managedId],
    });
  }

  /** How many objects reference an attachment. */
  async referenceCount(managedId: string): Promise<number> {
    const row = await queryRow(this.db, 'SELECT count(*) AS n FROM attachment_refs WHERE managed_id = ?', [managedId]);
    return Number(row?.n ?? 0);
  }

  /** The body's chunks in order, one query each, so that a reader holds one chunk at a time. */
  async *readBlob(blobId: number): AsyncGenerator<Uint8Array> {
    const meta = await queryRow(this.db, 'SELECT chunks FROM attachment_blobs WHERE blob_id = ?', [blobId]);
    const chunks = Number(meta?.chunks ?? 0);
    for (let seq = 0; seq < chunks; seq++) {
      const row = await queryRow(this.db, 'SELECT data FROM attachment_chunks WHERE blob_id = ? AND seq = ?', [blobId, seq]);
      if (!row) throw new Error(`Attachment body ${blobId} lost chunk ${seq}`);
      yield new Uint8Array(row.data as ArrayBuffer);
    }
  }

  /**
   * Forgets what a stopped server or an abandoned request left behind before `cutoff`: bodies
   * never finished, attachments whose object write never happened, bodies no attachment names.
   */
  async sweep(owner: string, cutoff: number): Promise<void> {
    await writeBatch(this.db, [
      {
        sql: `DELETE FROM attachments WHERE owner = ? AND created_at < ?
                AND NOT EXISTS (SELECT 1 FROM attachment_refs r WHERE r.managed_id = attachments.managed_id)`,
        args: [owner, cutoff],
      },
      {
        sql: `DELETE FROM attachment_chunks WHERE blob_id IN (SELECT b.blob_id FROM attachment_blobs b WHERE b.owner = ? AND b.created_at < ?
                AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.blob_id = b.blob_id))`,
        args: [owner, cutoff],
      },
      {
        sql: `DELETE FROM attachment_blobs WHERE owner = ? AND created_at < ?
                AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.blob_id = attachment_blobs.blob_id)`,
        args: [owner, cutoff],
      },
    ]);
  }
}

/**
 * Statements that make an object reference exactly `managedIds`: those that exist and belong to
 * the owner of the object's calendar (an invitation's copy of the organizer's attachment does not
 * keep it alive; references a COPY or MOVE brought along stay while the object names them). Run
 * in the object's own write batch. New references go in before old ones go out, so that an attachment
 * the object keeps is never briefly unreferenced (and removed by the trigger).
 */
export function referenceStatements(collectionId: number, name: string, managedIds: readonly string[]): InStatement[] {
  const ids = [...new Set(managedIds)];
  const statements: InStatement[] = [];
  if (ids.length > 0) {
    statements.push({
      sql: `INSERT OR IGNORE INTO attachment_refs (managed_id, collection_id, name)
            SELECT managed_id, ?, ? FROM attachments WHERE managed_id IN (${ids.map(() => '?').join(',')})
              AND owner = (SELECT owner FROM collections WHERE id = ?)`,
      args: [collectionId, name, ...ids, collectionId],
    });
  }
  statements.push({
    sql: `DELETE FROM attachment_refs WHERE collection_id = ? AND name = ?${ids.length > 0 ? ` AND managed_id NOT IN (${ids.map(() => '?').join(',')})` : ''}`,
    args: [collectionId, name, ...ids],
  });
  return statements;
}

/** Gives the object at target the references of the object at source (COPY and MOVE). */
export function copyReferencesStatement(source: { collectionId: number; name: string }, target: { collectionId: number; name: string }): InStatement {
  return {
    sql: `INSERT OR IGNORE INTO attachment_refs (managed_id, collection_id, name)
          SELECT managed_id, ?, ? FROM attachment_refs WHERE collection_id = ? AND name = ?`,
    args: [target.collectionId, target.name, source.collectionId, source.name],
  };
}

// --- Internal helpers ---

const COLUMNS = 'managed_id, owner, blob_id, hash, size, filename, content_type, created_at';

function toAttachment(row: Record<string, unknown>): AttachmentRecord {
  return {
    managedId: String(row.managed_id),
    owner: String(row.owner),
    blobId: Number(row.blob_id),
    hash: String(row.hash),
    size: Number(row.size),
    filename: String(row.filename),
    contentType: String(row.content_type),
    createdAt: Number(row.created_at),
  };
}
