// WebDAV locks (RFC 4918 §6–7), kept in the database so every server instance sees them.
import { prefixUpperBound, queryRows, writeBatch, type DbClient } from './db.ts';
import { toLock, type LockRecord } from './records.ts';

export class LockRepo {
  constructor(private readonly db: DbClient) {}

  /**
   * Live locks that cover `path`: locks on the path itself, depth-infinity locks on an ancestor,
   * (with `includeDescendants`) locks anywhere below it, and (with `parent`) any lock on its parent,
   * whose membership a new or removed member changes.
   */
  async covering(path: string, now: number, includeDescendants = false, parent?: string): Promise<LockRecord[]> {
    const ancestors = ancestorPaths(path);
    const args: (string | number)[] = [now, path, ...ancestors];
    let sql = `SELECT * FROM locks WHERE expires_at > ? AND (path = ? OR (depth_infinity = 1 AND path IN (${ancestors.map(() => '?').join(',') || "''"}))`;
    if (parent !== undefined) {
      sql += ' OR path = ?';
      args.push(parent);
    }
    if (includeDescendants && path.endsWith('/')) {
      sql += ' OR (path >= ? AND path < ?)';
      args.push(path, prefixUpperBound(path));
    }
    sql += ')';
    return (await queryRows(this.db, sql, args)).map(toLock);
  }

  async get(token: string, now: number): Promise<LockRecord | undefined> {
    const rows = await queryRows(this.db, 'SELECT * FROM locks WHERE token = ? AND expires_at > ?', [token, now]);
    return rows[0] ? toLock(rows[0]) : undefined;
  }

  async create(lock: LockRecord, now: number): Promise<void> {
    await writeBatch(this.db, [
      { sql: 'DELETE FROM locks WHERE expires_at <= ?', args: [now] },
      {
        sql: 'INSERT INTO locks (token, path, depth_infinity, exclusive, owner_xml, principal, timeout_seconds, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        args: [lock.token, lock.path, lock.depthInfinity ? 1 : 0, lock.exclusive ? 1 : 0, lock.ownerXml, lock.principal, lock.timeoutSeconds, lock.expiresAt],
      },
    ]);
  }

  async refresh(token: string, timeoutSeconds: number, expiresAt: number): Promise<void> {
    await writeBatch(this.db, [{ sql: 'UPDATE locks SET timeout_seconds = ?, expires_at = ? WHERE token = ?', args: [timeoutSeconds, expiresAt, token] }]);
  }

  async delete(token: string): Promise<void> {
    await writeBatch(this.db, [{ sql: 'DELETE FROM locks WHERE token = ?', args: [token] }]);
  }
}

/** "/a/b/c" → ["/", "/a/", "/a/b/"]; "/a/b/" → ["/", "/a/"]. */
function ancestorPaths(path: string): string[] {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  const result: string[] = [];
  let index = trimmed.indexOf('/');
  while (index !== -1) {
    result.push(trimmed.slice(0, index + 1));
    index = trimmed.indexOf('/', index + 1);
  }
  return result;
}
