// The storage contract on the Node adapter's own client: the native libSQL driver with cached
// prepared statements (adapters/node/native-db.ts), which is what `npm start` uses for a file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openNativeDb, type NativeDbClient } from '../../adapters/node/native-db.ts';
import { defineStoreContract } from './contract.ts';

defineStoreContract('Node native driver (cached statements)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-store-'));
  const client = openNativeDb(join(dir, 'store.db'));
  return {
    db: client,
    close: async () => {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('Node native driver: batches written together', () => {
  let dir: string;
  let client: NativeDbClient;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orrery-group-'));
    client = openNativeDb(join(dir, 'group.db'));
    await client.execute('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
  });
  afterEach(() => {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits concurrent batches each on its own: one that fails is undone whole, the others are kept', async () => {
    const writes = Array.from({ length: 8 }, (_, i) =>
      client.batch([
        { sql: 'INSERT INTO t (k, v) VALUES (?, ?)', args: [`a${i}`, i] },
        // The fourth batch then collides with the first one's key: its own first row must go too.
        { sql: 'INSERT INTO t (k, v) VALUES (?, ?)', args: [i === 3 ? 'a0' : `b${i}`, i] },
      ]),
    );
    const outcomes = await Promise.allSettled(writes);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(String((outcomes[3] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    const keys = (await client.execute('SELECT k FROM t ORDER BY k')).rows.map((row) => row.k);
    expect(keys).toEqual(['a0', 'a1', 'a2', 'a4', 'a5', 'a6', 'a7', 'b0', 'b1', 'b2', 'b4', 'b5', 'b6', 'b7']);
  });

  it('answers each batch with its own results', async () => {
    const [first, second] = await Promise.all([
      client.batch([{ sql: 'INSERT INTO t (k, v) VALUES (?, ?)', args: ['x', 1] }, { sql: 'SELECT v FROM t WHERE k = ?', args: ['x'] }]),
      client.batch([{ sql: 'INSERT INTO t (k, v) VALUES (?, ?)', args: ['y', 2] }, { sql: 'SELECT count(*) AS n FROM t', args: [] }]),
    ]);
    expect(first![1]!.rows[0]).toMatchObject({ v: 1 });
    expect(second![0]!.rowsAffected).toBe(1);
    // Batches run in the order they were asked for: the second sees the first's row.
    expect(second![1]!.rows[0]).toMatchObject({ n: 2 });
  });

  it('fails a batch still waiting when the database is closed, without bringing the process down', async () => {
    const waiting = client.batch([{ sql: 'INSERT INTO t (k, v) VALUES (?, ?)', args: ['z', 1] }]);
    client.close();
    await expect(waiting).rejects.toThrow();
    client = openNativeDb(join(dir, 'group.db'));
    expect((await client.execute('SELECT count(*) AS n FROM t')).rows[0]).toMatchObject({ n: 0 });
  });
});

describe('Node native driver: reading the first row', () => {
  let dir: string;
  let client: NativeDbClient;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orrery-first-'));
    client = openNativeDb(join(dir, 'first.db'));
    await client.execute('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
    await client.batch([1, 2, 3].map((v) => ({ sql: 'INSERT INTO t (k, v) VALUES (?, ?)', args: [`k${v}`, v] })));
  });
  afterEach(() => {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the first row as execute would, with the columns by name, or undefined when there is none', async () => {
    const sql = 'SELECT k, v FROM t WHERE v >= ? ORDER BY v';
    expect(await client.executeFirst!({ sql, args: [2] })).toEqual((await client.execute({ sql, args: [2] })).rows[0]);
    expect(await client.executeFirst!({ sql, args: [2] })).toEqual({ k: 'k2', v: 2 });
    expect(await client.executeFirst!({ sql, args: [9] })).toBeUndefined();
  });

  it('makes every change of a write it reads one row of, RETURNING or not', async () => {
    expect(await client.executeFirst!({ sql: 'UPDATE t SET v = v + 10 RETURNING v', args: [] })).toEqual({ v: expect.any(Number) });
    expect((await client.execute('SELECT v FROM t ORDER BY v')).rows.map((row) => row.v)).toEqual([11, 12, 13]);
    expect(await client.executeFirst!({ sql: 'DELETE FROM t WHERE v > ?', args: [11] })).toBeUndefined();
    expect((await client.execute('SELECT count(*) AS n FROM t')).rows[0]).toEqual({ n: 1 });
  });
});

describe('Node native driver: how the file is opened', () => {
  it('in WAL mode, with a page cache of 8 MiB rather than SQLite’s 2 MiB', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orrery-open-'));
    const client = openNativeDb(join(dir, 'open.db'));
    try {
      expect((await client.execute('PRAGMA journal_mode')).rows[0]).toEqual({ journal_mode: 'wal' });
      // Negative: a size in KiB rather than in pages.
      expect((await client.execute('PRAGMA cache_size')).rows[0]).toEqual({ cache_size: -8192 });
    } finally {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
