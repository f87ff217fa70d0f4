// Change records for member collections (RFC 6578 on a collection whose members are collections,
// such as a calendar home). A member collection counts as changed when it is created, removed,
// renamed, or when anything in it or on it changes (its sync token, CTag and ETag are its own live
// properties). Its parent then takes a new modseq and keeps one row per member name in
// `tombstones`, named with the trailing slash ("work/") that no resource name can have. Whether
// the member still exists is read from `collections` when the changes are listed, so one row
// serves for created, changed and removed alike. Only the direct parent is told: a change deep in
// a tree shows at sync-level 1, not further up.
import type { InArgs, InStatement } from './db.ts';

/**
 * Statements recording, in its parent, a change of each collection selected by `where` (an SQL
 * condition on `c`, an alias of `collections`). They do nothing for a collection without a
 * stored parent, and nothing when the condition selects no row (an INSERT OR IGNORE that found
 * the collection already there).
 */
export function memberChangedStatements(where: string, args: InArgs, now: number): InStatement[] {
  const list = Array.isArray(args) ? args : [];
  return [
    {
      sql: `UPDATE collections SET modseq = modseq + 1, modified_at = ? WHERE path IN (SELECT c.parent_path FROM collections c WHERE ${where})`,
      args: [now, ...list],
    },
    {
      sql: `INSERT OR REPLACE INTO tombstones (collection_id, name, modseq)
            SELECT p.id, substr(c.path, length(p.path) + 1), p.modseq FROM collections c JOIN collections p ON p.path = c.parent_path WHERE ${where}`,
      args: list,
    },
  ];
}

/** A new modseq for the collection, which is also a change of it as a member of its parent. */
export function collectionChangedStatements(collectionId: number, now: number): InStatement[] {
  return [
    { sql: 'UPDATE collections SET modseq = modseq + 1, modified_at = ? WHERE id = ?', args: [now, collectionId] },
    ...memberChangedStatements('c.id = ?', [collectionId], now),
  ];
}

/** Statements recording, in its parent, that the collection at `path` is gone (deleted or moved away). */
export function memberRemovedStatements(path: string, now: number): InStatement[] {
  const parent = parentPathOf(path);
  if (parent === null) return [];
  const name = path.slice(parent.length);
  return [
    { sql: 'UPDATE collections SET modseq = modseq + 1, modified_at = ? WHERE path = ?', args: [now, parent] },
    { sql: 'INSERT OR REPLACE INTO tombstones (collection_id, name, modseq) SELECT id, ?, modseq FROM collections WHERE path = ?', args: [name, parent] },
  ];
}

/** "/a/b/c/" → "/a/b/"; null for the root. */
function parentPathOf(path: string): string | null {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  const slash = trimmed.lastIndexOf('/');
  return slash < 0 || trimmed === '' ? null : trimmed.slice(0, slash + 1);
}
