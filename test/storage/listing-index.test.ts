// Member listings are answered from the resources_listing index alone (migration 0010): a column
// added to the member metadata but not to the index would send every listing back to the table
// rows, which hold the objects' text, and cost a third more time in SQLite at 10,000 members.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEMBER_META_COLUMNS, migrate } from '../../src/storage/index.ts';

describe('the member listing index', () => {
  let dir: string;
  let client: Client;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orrery-listing-'));
    client = createClient({ url: `file:${join(dir, 'store.db')}` });
    await migrate(client);
  });
  afterAll(() => {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function planOf(sql: string): Promise<string> {
    const rows = await client.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args: [1, 'a.ics', 1000] });
    return rows.rows.map((row) => String(row.detail)).join('\n');
  }

  it('covers a page of members in name order (PROPFIND Depth 1, initial sync)', async () => {
    // The inner query of ResourceRepo.iterateMeta.
    const plan = await planOf(`SELECT ${MEMBER_META_COLUMNS} FROM resources WHERE collection_id = ? AND name > ? ORDER BY name LIMIT ?`);
    expect(plan).toContain('USING COVERING INDEX resources_listing');
    expect(plan).not.toContain('TEMP B-TREE');
  });
});
