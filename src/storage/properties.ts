// Dead properties (RFC 4918 §4): stored per path as serialized XML values, keyed by Clark name.
import { guard, queryRows, writeBatch, type DbClient, type InStatement } from './db.ts';
import { collectionChangedStatements } from './member-collections.ts';

export class PropertyRepo {
  constructor(private readonly db: DbClient) {}

  async get(path: string): Promise<Map<string, string>> {
    const rows = await queryRows(this.db, 'SELECT name, value FROM properties WHERE path = ?', [path]);
    return new Map(rows.map((row) => [String(row.name), String(row.value)]));
  }

  /** Dead properties of many paths at once (PROPFIND Depth 1), as path → name → value. */
  async getForPaths(paths: readonly string[]): Promise<Map<string, Map<string, string>>> {
    const result = new Map<string, Map<string, string>>();
    for (let offset = 0; offset < paths.length; offset += 500) {
      const chunk = paths.slice(offset, offset + 500);
      const rows = await queryRows(this.db, `SELECT path, name, value FROM properties WHERE path IN (${chunk.map(() => '?').join(',')})`, chunk);
      for (const row of rows) {
        const path = String(row.path);
        let props = result.get(path);
        if (!props) result.set(path, (props = new Map()));
        props.set(String(row.name), String(row.value));
      }
    }
    return result;
  }

  /** Sets and removes properties in one atomic batch (PROPPATCH is all-or-nothing, RFC 4918 §9.2). */
  async patch(
    path: string,
    set: ReadonlyMap<string, string>,
    remove: readonly string[],
    options: { bumpCollectionId?: number; mustExist?: InStatement; now?: number } = {},
  ): Promise<void> {
    const statements: InStatement[] = [];
    if (options.mustExist) statements.push(options.mustExist);
    for (const name of remove) statements.push({ sql: 'DELETE FROM properties WHERE path = ? AND name = ?', args: [path, name] });
    for (const [name, value] of set) {
      statements.push({ sql: 'INSERT OR REPLACE INTO properties (path, name, value) VALUES (?, ?, ?)', args: [path, name, value] });
    }
    if (options.bumpCollectionId !== undefined) {
      // A collection's properties are part of it as a member of its parent (a calendar in its home).
      statements.push(...collectionChangedStatements(options.bumpCollectionId, options.now ?? Date.now()));
    }
    if (statements.length > 0) await writeBatch(this.db, statements);
  }
}

/** The collection exists, or an accepted share makes it appear at this path (its sharee's properties live there). */
export const collectionExists = (path: string): InStatement =>
  guard('EXISTS (SELECT 1 FROM collections WHERE path = ?) OR EXISTS (SELECT 1 FROM shares WHERE alias_path = ?)', [path, path]);
