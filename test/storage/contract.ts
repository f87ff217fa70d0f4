// The storage contract: the same assertions about the Store run against every database the
// server supports (native libSQL file, libSQL over HTTP, Cloudflare D1), so dialect or driver
// drift shows up as a failing case here rather than as a protocol bug.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  PreconditionFailedError,
  UidConflictError,
  collectionExists,
  createStore,
  migrate,
  type CollectionRecord,
  type DbClient,
  type IndexedSpan,
  type ResourceWrite,
  type TimeIndex,
  type Store,
} from '../../src/storage/index.ts';

export interface ContractDatabase {
  db: DbClient;
  close(): Promise<void>;
}

const NOW = Date.UTC(2026, 2, 1);
// Names unique to this run, so the suite can also run against a long-lived server database.
const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
let sequence = 0;

export function defineStoreContract(backend: string, open: () => Promise<ContractDatabase>): void {
  describe(`Store contract on ${backend}`, () => {
    let database: ContractDatabase;
    let store: Store;

    beforeAll(async () => {
      database = await open();
      await migrate(database.db);
      store = createStore(database.db);
    });
    afterAll(async () => {
      await database?.close();
    });

    /** A fresh calendar under its own home, so cases never see each other's rows. */
    async function newCalendar(): Promise<CollectionRecord> {
      const owner = `u${RUN}-${++sequence}`;
      const home = `/dav/calendars/user/${owner}/`;
      await store.collections.ensure([{ path: home, parentPath: '/dav/calendars/user/', owner, kind: 'calendar-home', acl: '' }], NOW);
      return store.collections.create({ path: `${home}cal/`, parentPath: home, owner, kind: 'calendar', acl: '' }, NOW);
    }

    it('applies migrations idempotently (a second migrate() is a no-op)', async () => {
      await migrate(database.db);
      const versions = await database.db.execute('SELECT version FROM schema_migrations ORDER BY version');
      expect(versions.rows.map((row) => Number(row.version))).toEqual([...new Set(versions.rows.map((row) => Number(row.version)))]);
      expect(versions.rows.length).toBeGreaterThan(0);
    });

    it('creates a collection once; a second create of the path is AlreadyExistsError, ensure() is idempotent', async () => {
      const calendar = await newCalendar();
      expect(calendar).toMatchObject({ kind: 'calendar', modseq: 1, createdAt: NOW });
      expect(calendar.id).toBeTypeOf('number');
      expect((await store.collections.get(calendar.path))?.id).toBe(calendar.id);
      await expect(store.collections.create({ path: calendar.path, parentPath: calendar.parentPath, owner: null, kind: 'calendar', acl: '' }, NOW)).rejects.toBeInstanceOf(AlreadyExistsError);
      await store.collections.ensure([{ path: calendar.path, parentPath: calendar.parentPath, owner: null, kind: 'folder', acl: '' }], NOW + 1);
      expect((await store.collections.get(calendar.path))?.kind).toBe('calendar');
      expect((await store.collections.listChildren(calendar.parentPath!)).map((c) => c.path)).toEqual([calendar.path]);
    });

    it('RFC 4791 §5.3.2: puts, reads and lists calendar objects with ETag, UID index and modseq', async () => {
      const calendar = await newCalendar();
      const first = await store.resources.put(calendar, 'a.ics', calendarWrite('uid-a', '"e1"'), { absent: true }, NOW);
      expect(first).toMatchObject({ name: 'a.ics', etag: '"e1"', uid: 'uid-a', componentType: 'VEVENT', modseq: 2, firstStart: 1000, lastEnd: 2000 });
      await store.resources.put(calendar, 'b.ics', calendarWrite('uid-b', '"e2"'), { absent: true }, NOW);
      const read = await store.resources.get(calendar.id, 'a.ics');
      expect(read?.data).toBe(eventText('uid-a'));
      expect(read?.isRecurring).toBe(false);
      const pages: [string, string][][] = [];
      for await (const page of store.resources.iterateMeta(calendar.id, 1)) pages.push(page.map((m) => [m.name, m.etag]));
      expect(pages).toEqual([[['a.ics', '"e1"']], [['b.ics', '"e2"']]]);
      expect((await store.resources.getMany(calendar.id, ['b.ics', 'missing.ics'])).map((r) => r.name)).toEqual(['b.ics']);
      expect((await store.resources.findByUid(calendar.id, 'uid-b'))?.name).toBe('b.ics');
      expect((await store.collections.get(calendar.path))?.modseq).toBe(3);
    });

    it('stores binary resources byte for byte', async () => {
      const calendar = await newCalendar();
      const bytes = new Uint8Array([0, 1, 2, 253, 254, 255, 10, 13]);
      await store.resources.put(calendar, 'blob.bin', { contentType: 'application/octet-stream', data: bytes, etag: '"b"', size: bytes.length }, { any: true }, NOW);
      const read = await store.resources.get(calendar.id, 'blob.bin');
      expect(read?.data).toBeInstanceOf(Uint8Array);
      expect([...(read!.data as Uint8Array)]).toEqual([...bytes]);
    });

    it('finds what a path names in one read: the collection itself, else the parent with the named member', async () => {
      const calendar = await newCalendar();
      const home = calendar.parentPath!;
      const bytes = new Uint8Array([0, 255, 13]);
      await store.resources.put(calendar, 'a.ics', calendarWrite('uid-path', '"p1"'), { absent: true }, NOW);
      await store.resources.put(calendar, 'blob.bin', { contentType: 'application/octet-stream', data: bytes, etag: '"b"', size: 3 }, { any: true }, NOW);

      const asCollection = await store.collections.findPathTarget(calendar.path, home, 'cal');
      expect(asCollection).toEqual({ collection: await store.collections.get(calendar.path) });

      const member = await store.collections.findPathTarget(`${calendar.path}a.ics/`, calendar.path, 'a.ics');
      expect(member.collection).toBeUndefined();
      expect(member.parent?.id).toBe(calendar.id);
      expect(member.member).toEqual(await store.resources.get(calendar.id, 'a.ics'));
      expect(member.member).toMatchObject({ name: 'a.ics', etag: '"p1"', uid: 'uid-path', data: eventText('uid-path') });

      const binary = await store.collections.findPathTarget(`${calendar.path}blob.bin/`, calendar.path, 'blob.bin');
      expect([...(binary.member!.data as Uint8Array)]).toEqual([...bytes]);

      const absent = await store.collections.findPathTarget(`${calendar.path}none.ics/`, calendar.path, 'none.ics');
      expect(absent).toEqual({ parent: asCollection.collection });
      expect(await store.collections.findPathTarget(`${calendar.path}x/y/`, `${calendar.path}x/`, 'y')).toEqual({});
    });

    it('RFC 4791 §5.3.2.1: a second object with the same UID is UidConflictError naming the holder, and nothing is written', async () => {
      const calendar = await newCalendar();
      await store.resources.put(calendar, 'one.ics', calendarWrite('same-uid', '"1"'), { absent: true }, NOW);
      const error = await store.resources.put(calendar, 'two.ics', calendarWrite('same-uid', '"2"'), { absent: true }, NOW).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UidConflictError);
      expect((error as UidConflictError).existingName).toBe('one.ics');
      expect(await store.resources.get(calendar.id, 'two.ics')).toBeUndefined();
      expect((await store.collections.get(calendar.path))?.modseq).toBe(2);
      // The same UID in another calendar is fine.
      const other = await newCalendar();
      await expect(store.resources.put(other, 'two.ics', calendarWrite('same-uid', '"2"'), { absent: true }, NOW)).resolves.toMatchObject({ uid: 'same-uid' });
    });

    it('RFC 7232 §3.1-3.2: If-Match and If-None-Match guards fail atomically with PreconditionFailedError', async () => {
      const calendar = await newCalendar();
      await store.resources.put(calendar, 'x.ics', calendarWrite('uid-x', '"v1"'), { absent: true }, NOW);
      await expect(store.resources.put(calendar, 'x.ics', calendarWrite('uid-x', '"v2"'), { absent: true }, NOW)).rejects.toBeInstanceOf(PreconditionFailedError);
      await expect(store.resources.put(calendar, 'x.ics', calendarWrite('uid-x', '"v2"'), { etag: '"wrong"' }, NOW)).rejects.toBeInstanceOf(PreconditionFailedError);
      expect((await store.resources.getMeta(calendar.id, 'x.ics'))?.etag).toBe('"v1"');
      expect((await store.collections.get(calendar.path))?.modseq).toBe(2);
      await expect(store.resources.put(calendar, 'x.ics', calendarWrite('uid-x', '"v2"'), { etag: '"v1"' }, NOW)).resolves.toMatchObject({ etag: '"v2"', modseq: 3 });
      await expect(store.resources.delete(calendar, 'x.ics', { etag: '"v1"' }, NOW)).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(await store.resources.getMeta(calendar.id, 'x.ics')).toBeDefined();
    });

    // Regression: the guard compared NULL = etag for a missing resource, NOT(NULL) is NULL, so
    // the guard row was not inserted and the write went ahead. RFC 7232 §3.1 requires 412.
    it('RFC 7232 §3.1: If-Match on a resource that does not exist fails with PreconditionFailedError', async () => {
      const calendar = await newCalendar();
      await expect(store.resources.put(calendar, 'new.ics', calendarWrite('uid-new', '"v2"'), { etag: '"v1"' }, NOW)).rejects.toBeInstanceOf(PreconditionFailedError);
    });

    it('RFC 6578 §3.5: changesSince reports updates and deletions (tombstones) after a modseq, oldest first', async () => {
      const calendar = await newCalendar();
      await store.resources.put(calendar, 'keep.ics', calendarWrite('k', '"k1"'), { absent: true }, NOW);
      await store.resources.put(calendar, 'gone.ics', calendarWrite('g', '"g1"'), { absent: true }, NOW);
      const token = (await store.collections.get(calendar.path))!.modseq;
      await store.resources.delete(calendar, 'gone.ics', { etag: '"g1"' }, NOW);
      await store.resources.put(calendar, 'keep.ics', calendarWrite('k', '"k2"'), { etag: '"k1"' }, NOW);
      expect(await store.resources.changesSince(calendar.id, token)).toEqual([
        { name: 'gone.ics', modseq: token + 1, deleted: true },
        { name: 'keep.ics', modseq: token + 2, deleted: false },
      ]);
      expect((await store.resources.changesSince(calendar.id, 0)).map((c) => c.name)).toEqual(['gone.ics', 'keep.ics']);
      expect(await store.resources.changesSince(calendar.id, token, 1)).toHaveLength(1);
      // Re-creating a deleted name replaces its tombstone.
      await store.resources.put(calendar, 'gone.ics', calendarWrite('g', '"g2"'), { absent: true }, NOW);
      expect((await store.resources.changesSince(calendar.id, token)).filter((c) => c.deleted)).toEqual([]);
    });

    it('RFC 4918 §9.2: a property patch sets and removes atomically, and fails whole when its guard fails', async () => {
      const calendar = await newCalendar();
      const path = calendar.path;
      await store.properties.patch(path, new Map([['{DAV:}displayname', 'Work'], ['{urn:x}color', '#f00']]), []);
      await store.properties.patch(path, new Map([['{urn:x}color', '#0f0']]), ['{DAV:}displayname'], { bumpCollectionId: calendar.id, now: NOW });
      expect(await store.properties.get(path)).toEqual(new Map([['{urn:x}color', '#0f0']]));
      expect((await store.collections.get(path))?.modseq).toBe(2);
      const missing = `${path}nope/`;
      await expect(store.properties.patch(missing, new Map([['{urn:x}a', '1']]), [], { mustExist: collectionExists(missing) })).rejects.toBeInstanceOf(PreconditionFailedError);
      expect((await store.properties.get(missing)).size).toBe(0);
      const many = await store.properties.getForPaths([path, missing]);
      expect(many.get(path)?.get('{urn:x}color')).toBe('#0f0');
      expect(many.has(missing)).toBe(false);
    });

    it('RFC 4918 §6-7: locks cover their path and, at depth infinity, descendants; expired locks vanish', async () => {
      const calendar = await newCalendar();
      const base = { depthInfinity: false, exclusive: true, ownerXml: null, principal: 'u', timeoutSeconds: 60 };
      await store.locks.create({ ...base, token: `urn:uuid:a${RUN}-${sequence}`, path: calendar.path, depthInfinity: true, expiresAt: NOW + 60_000 }, NOW);
      await store.locks.create({ ...base, token: `urn:uuid:b${RUN}-${sequence}`, path: `${calendar.path}old.ics`, expiresAt: NOW - 1 }, NOW - 2);
      expect((await store.locks.covering(`${calendar.path}x.ics`, NOW)).map((l) => l.token)).toEqual([`urn:uuid:a${RUN}-${sequence}`]);
      expect(await store.locks.covering(`${calendar.path}old.ics`, NOW)).toHaveLength(1);
      expect(await store.locks.covering(calendar.parentPath!, NOW)).toEqual([]);
      expect(await store.locks.covering(calendar.parentPath!, NOW, true)).toHaveLength(1);
      const lock = await store.locks.get(`urn:uuid:a${RUN}-${sequence}`, NOW);
      expect(lock).toMatchObject({ depthInfinity: true, exclusive: true, principal: 'u' });
      await store.locks.refresh(lock!.token, 120, NOW + 120_000);
      expect((await store.locks.get(lock!.token, NOW + 90_000))?.timeoutSeconds).toBe(120);
      await store.locks.delete(lock!.token);
      expect(await store.locks.get(lock!.token, NOW)).toBeUndefined();
    });

    it('moves and deep-copies collection trees with their members and properties', async () => {
      const calendar = await newCalendar();
      await store.resources.put(calendar, 'm.ics', calendarWrite('uid-m', '"m"'), { absent: true }, NOW);
      await store.properties.patch(calendar.path, new Map([['{DAV:}displayname', 'Copy me']]), []);
      const copy = `${calendar.parentPath}copy/`;
      await store.collections.copyTree(calendar.path, copy, calendar.parentPath!, 'someone-else', true, false, NOW);
      const copied = (await store.collections.get(copy))!;
      expect(copied.syncId).not.toBe(calendar.syncId);
      expect(copied.owner).toBe('someone-else');
      expect((await store.resources.get(copied.id, 'm.ics'))?.data).toBe(eventText('uid-m'));
      expect((await store.properties.get(copy)).get('{DAV:}displayname')).toBe('Copy me');
      const moved = `${calendar.parentPath}moved/`;
      await store.collections.move(calendar.path, moved, calendar.parentPath!, false, NOW);
      expect(await store.collections.get(calendar.path)).toBeUndefined();
      expect((await store.collections.get(moved))?.id).toBe(calendar.id);
      await expect(store.collections.move(copy, moved, calendar.parentPath!, false, NOW)).rejects.toBeInstanceOf(AlreadyExistsError);
    });

    it('RFC 4791 §9.9: time-range candidates come from the time-range index, settled for exact objects', async () => {
      const calendar = await newCalendar();
      await store.resources.put(calendar, 'early.ics', calendarWrite('e', '"e"', 1000, 2000), { absent: true }, NOW);
      await store.resources.put(calendar, 'late.ics', calendarWrite('l', '"l"', 5000, 6000), { absent: true }, NOW);
      const hits = await store.resources.candidatesInRange(calendar.id, { componentType: 'VEVENT', startUtcMs: 4000, endUtcMs: 7000 });
      expect(hits.map((r) => [r.name, r.rangeSettled])).toEqual([['late.ics', true]]);
      expect((await store.resources.candidatesInRange(calendar.id, { componentType: 'VTODO', startUtcMs: 0, endUtcMs: 7000 })).length).toBe(0);
    });

    it('finds spans of every length class, unbounded ones included, and only overlapping instances of a series', async () => {
      const calendar = await newCalendar();
      const day = 86_400_000;
      const base = Date.UTC(2026, 5, 1);
      const spans: [string, IndexedSpan[]][] = [
        ['hour', [{ start: base - 3_600_000, end: base + 3_600_000, exact: true }]],
        ['week', [{ start: base - 6 * day, end: base + 1, exact: true }]],
        ['month', [{ start: base - 40 * day, end: base + day, exact: true }]],
        ['year', [{ start: base - 300 * day, end: base + day, exact: true }]],
        ['decade', [{ start: base - 3000 * day, end: base + day, exact: true }]],
        ['open', [{ start: base - 3000 * day, end: null, exact: false }]],
        ['ended', [{ start: base - 3000 * day, end: base - 1, exact: true }]],
        ['series', [{ start: base - 14 * day, end: base - 14 * day + 1000, exact: true }, { start: base + 7 * day, end: base + 7 * day + 1000, exact: true }]],
      ];
      for (const [uid, list] of spans) {
        await store.resources.put(calendar, `${uid}.ics`, calendarWrite(uid, `"${uid}"`, list[0]!.start, list.at(-1)!.end, { spans: list }), { absent: true }, NOW);
      }
      const names = async (startUtcMs: number, endUtcMs: number) =>
        (await store.resources.candidatesInRange(calendar.id, { startUtcMs, endUtcMs })).map((r) => r.name).sort();
      expect(await names(base, base + day)).toEqual(['decade.ics', 'hour.ics', 'month.ics', 'open.ics', 'week.ics', 'year.ics']);
      expect(await names(base + 6 * day, base + 8 * day)).toEqual(['open.ics', 'series.ics']);
      expect(await names(base - 10 * day, base - 9 * day)).toEqual(['decade.ics', 'ended.ics', 'month.ics', 'open.ics', 'year.ics']);
    });

    it('applies the point rule to zero-length instances, and keeps inexact objects as unsettled candidates', async () => {
      const calendar = await newCalendar();
      await store.resources.put(calendar, 'at-start.ics', calendarWrite('s', '"s"', 4000, 4000), { absent: true }, NOW);
      await store.resources.put(calendar, 'at-end.ics', calendarWrite('t', '"t"', 7000, 7000), { absent: true }, NOW);
      await store.resources.put(calendar, 'ends-at-start.ics', calendarWrite('u', '"u"', 3000, 4000), { absent: true }, NOW);
      await store.resources.put(calendar, 'vague.ics', calendarWrite('v', '"v"', 7000, 7000, { spans: [{ start: 7000, end: 7000, exact: false }] }), { absent: true }, NOW);
      const hits = await store.resources.candidatesInRange(calendar.id, { startUtcMs: 4000, endUtcMs: 7000 });
      expect(hits.map((r) => [r.name, r.rangeSettled])).toEqual([['at-start.ics', true], ['vague.ics', false]]);
    });

    it('reads the data of unsettled candidates only, when asked to', async () => {
      const calendar = await newCalendar();
      await store.resources.put(calendar, 'exact.ics', calendarWrite('x', '"x"', 4000, 5000), { absent: true }, NOW);
      await store.resources.put(calendar, 'vague.ics', calendarWrite('v', '"v"', 4000, 5000, { spans: [{ start: 4000, end: 5000, exact: false }] }), { absent: true }, NOW);
      const hits = await store.resources.candidatesInRange(calendar.id, { startUtcMs: 3000, endUtcMs: 6000, data: 'unsettled' });
      expect(hits.map((r) => [r.name, r.rangeSettled, r.data === null])).toEqual([['exact.ics', true, true], ['vague.ics', false, false]]);
      expect(hits.map((r) => r.etag)).toEqual(['"x"', '"v"']);
      const all = await store.resources.candidatesInRange(calendar.id, { startUtcMs: 3000, endUtcMs: 6000 });
      expect(all.every((r) => typeof r.data === 'string' && r.data.includes('BEGIN:VCALENDAR'))).toBe(true);
    });

    it('lists the busy time of exact event instances, leaving the other objects to be parsed', async () => {
      const calendar = await newCalendar();
      const spans: IndexedSpan[] = [
        { start: 1000, end: 2000, exact: true, busy: 'BUSY' }, { start: 3000, end: 4000, exact: true, busy: 'BUSY-TENTATIVE' }, { start: 5000, end: 6000, exact: true, busy: null },
      ];
      await store.resources.put(calendar, 'series.ics', calendarWrite('s', '"s"', 1000, 6000, { spans }), { absent: true }, NOW);
      await store.resources.put(calendar, 'vague.ics', calendarWrite('v', '"v"', 0, 9000, { spans: [{ start: 0, end: 9000, exact: false }] }), { absent: true }, NOW);
      // Listed instances inside a window, unlisted time after it (a long unbounded series).
      const partly: IndexedSpan[] = [{ start: 1000, end: 1500, exact: true, busy: 'BUSY' }, { start: 5000, end: null, exact: false }];
      await store.resources.put(calendar, 'partly.ics', calendarWrite('p', '"p"', 1000, null, { spans: partly }), { absent: true }, NOW);
      const busy = await store.resources.busyInstances(calendar.id, { startUtcMs: 1500, endUtcMs: 5500 });
      expect(busy.sort((a, b) => a.startUtcMs - b.startUtcMs)).toEqual([
        { startUtcMs: 1000, endUtcMs: 2000, type: 'BUSY' },
        { startUtcMs: 3000, endUtcMs: 4000, type: 'BUSY-TENTATIVE' },
      ]);
      const unlisted = await store.resources.candidatesInRange(calendar.id, { startUtcMs: 1500, endUtcMs: 5500, unlistedOnly: true });
      expect(unlisted.map((r) => r.name)).toEqual(['partly.ics', 'vague.ics']);
      const inWindow = await store.resources.candidatesInRange(calendar.id, { startUtcMs: 1200, endUtcMs: 1300 });
      expect(inWindow.map((r) => [r.name, r.rangeSettled])).toEqual([['partly.ics', true], ['series.ics', true], ['vague.ics', false]]);
      const afterWindow = await store.resources.candidatesInRange(calendar.id, { startUtcMs: 7000, endUtcMs: 8000 });
      expect(afterWindow.map((r) => [r.name, r.rangeSettled])).toEqual([['partly.ics', false], ['vague.ics', false]]);
    });

    it('keeps the index rows of a rewrite without spans, and carries them over on COPY and MOVE', async () => {
      const calendar = await newCalendar();
      const other = await newCalendar();
      await store.resources.put(calendar, 'a.ics', calendarWrite('a', '"a1"', 5000, 6000), { absent: true }, NOW);
      const rewrite = calendarWrite('a', '"a2"', 5000, 6000);
      delete rewrite.index!.timeIndex;
      await store.resources.put(calendar, 'a.ics', rewrite, { etag: '"a1"' }, NOW);
      const inRange = async (collection: CollectionRecord) => (await store.resources.candidatesInRange(collection.id, { startUtcMs: 5500, endUtcMs: 5600 })).map((r) => r.name);
      expect(await inRange(calendar)).toEqual(['a.ics']);
      await store.resources.transfer({ collection: calendar, name: 'a.ics', etag: '"a2"' }, { collection: calendar, name: 'b.ics', index: null }, 'copy', NOW);
      expect(await inRange(calendar)).toEqual(['a.ics']);
      await store.resources.delete(calendar, 'b.ics', { any: true }, NOW);
      await store.resources.transfer({ collection: calendar, name: 'a.ics', etag: '"a2"' }, { collection: other, name: 'a.ics' }, 'move', NOW);
      expect([await inRange(calendar), await inRange(other)]).toEqual([[], ['a.ics']]);
      const copy = `${other.path.slice(0, -1)}-copy/`;
      await store.collections.copyTree(other.path, copy, other.parentPath!, null, true, false, NOW);
      expect(await inRange((await store.collections.get(copy))!)).toEqual(['a.ics']);
      await store.resources.delete(other, 'a.ics', { any: true }, NOW);
      expect(await inRange(other)).toEqual([]);
    });

    it('a share dies with its collection, and with its sharee', async () => {
      const calendar = await newCalendar();
      const sharee = `s${RUN}-${++sequence}`;
      const alias = `/dav/calendars/user/${sharee}/shared/`;
      await store.shares.invite(calendar.id, sharee, null, NOW);
      await store.shares.accept(calendar.id, sharee, alias, calendar.path, new Map([['{DAV:}displayname', 'Shared']]), NOW);
      expect((await store.shares.listSubscriptions(sharee)).map((c) => c.path)).toEqual([alias]);
      await store.collections.delete(calendar.path);
      expect(await store.shares.listForSharee(sharee)).toEqual([]);
      expect(await store.shares.findByAlias(alias)).toBeUndefined();
      expect((await store.properties.get(alias)).size).toBe(0);

      const other = await newCalendar();
      await store.users.create({ name: sharee, passwordHash: 'h', email: null, displayname: null }, NOW);
      await store.shares.invite(other.id, sharee, null, NOW);
      await store.shares.accept(other.id, sharee, alias, other.path, new Map(), NOW);
      await store.users.delete(sharee, [`/dav/calendars/user/${sharee}/`]);
      expect(await store.shares.listForCollection(other.id)).toEqual([]);
    });

    it('RFC 6638 §3.2: scheduling jobs commit with their write, complete once, and settle their group', async () => {
      const calendar = await newCalendar();
      const inbox = await newCalendar();
      const groupId = `g${RUN}-${++sequence}`;
      const job = (recipient: string) => ({
        groupId, sender: 'alice', method: 'REQUEST', uid: 'm1', originator: 'mailto:alice@example.com', recipient, itip: 'BEGIN:VCALENDAR', refresh: false,
        statusTarget: { path: calendar.path, name: 'm1.ics', scheduleTag: '"t1"', property: 'attendee' as const }, nextAttemptAt: NOW + 10_000,
      });
      // A write that fails its precondition stores no jobs either.
      await expect(store.resources.put(calendar, 'm1.ics', { ...calendarWrite('m1', '"e1"'), scheduling: { enqueue: [job('mailto:x@example.com')] } }, { etag: '"nope"' }, NOW))
        .rejects.toBeInstanceOf(PreconditionFailedError);
      expect(await store.schedulingJobs.group(groupId)).toEqual([]);
      await store.resources.put(calendar, 'm1.ics', { ...calendarWrite('m1', '"e1"'), scheduling: { enqueue: [job('mailto:bob@example.com'), job('mailto:carol@example.com')] } }, { absent: true }, NOW);
      const [bob, carol] = await store.schedulingJobs.group(groupId);
      expect(bob).toMatchObject({ state: 'pending', attempts: 0, status: null, statusesRecorded: false, statusTarget: { scheduleTag: '"t1"' } });
      // Leased to the writing request: not due before the lease runs out.
      expect((await store.schedulingJobs.due(NOW, 100)).some((j) => j.groupId === groupId)).toBe(false);
      expect((await store.schedulingJobs.due(NOW + 10_000, 100)).filter((j) => j.groupId === groupId)).toHaveLength(2);
      expect(await store.schedulingJobs.claim(bob!, NOW + 60_000)).toBe(true);
      expect(await store.schedulingJobs.claim(bob!, NOW + 60_000)).toBe(false);

      const item = { collection: inbox, name: 'item-1.ics', write: { ...calendarWrite('item', '"i1"'), index: null }, expect: { absent: true } as const };
      await store.resources.putAll([item], { complete: { id: bob!.id, status: '1.2' } }, NOW);
      // Completing a job twice fails whole: the second Inbox item is not written.
      await expect(store.resources.putAll([{ ...item, name: 'item-2.ics' }], { complete: { id: bob!.id, status: '1.2' } }, NOW)).rejects.toBeInstanceOf(PreconditionFailedError);
      expect((await store.resources.countAndSize(inbox.id)).count).toBe(1);
      expect(await store.schedulingJobs.unrecordedGroups(100)).not.toContain(groupId);

      await store.schedulingJobs.commit({ complete: { id: carol!.id, status: '3.7' } }, NOW);
      expect(await store.schedulingJobs.unrecordedGroups(100)).toContain(groupId);
      await store.schedulingJobs.commit({ statusesRecordedFor: groupId }, NOW);
      expect((await store.schedulingJobs.group(groupId)).map((j) => [j.state, j.status, j.statusesRecorded])).toEqual([['done', '1.2', true], ['done', '3.7', true]]);
      await store.schedulingJobs.purge(NOW + 1);
      expect(await store.schedulingJobs.group(groupId)).toEqual([]);
    });

    it('creates, updates and deletes users (with their homes) atomically', async () => {
      const name = `user${RUN}-${++sequence}`;
      await store.users.create({ name, passwordHash: 'h', email: `${name}@example.com`, displayname: null }, NOW);
      await expect(store.users.create({ name, passwordHash: 'h', email: null, displayname: null }, NOW)).rejects.toBeInstanceOf(AlreadyExistsError);
      await store.users.update(name, { displayname: 'Someone' });
      expect(await store.users.findByEmail(`${name.toUpperCase()}@EXAMPLE.COM`)).toMatchObject({ name, displayname: 'Someone', createdAt: NOW });
      const home = `/dav/calendars/user/${name}/`;
      await store.collections.ensure([{ path: home, parentPath: '/dav/calendars/user/', owner: name, kind: 'calendar-home', acl: '' }], NOW);
      await store.users.delete(name, [home]);
      expect(await store.users.get(name)).toBeUndefined();
      expect(await store.collections.get(home)).toBeUndefined();
    });
  });
}

// --- Internal helpers ---

function eventText(uid: string): string {
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
}

function calendarWrite(uid: string, etag: string, firstStart: number | null = 1000, lastEnd: number | null = 2000, timeIndex?: TimeIndex): ResourceWrite {
  const data = eventText(uid);
  return {
    contentType: 'text/calendar; charset=utf-8',
    data,
    etag,
    size: data.length,
    index: {
      uid, componentType: 'VEVENT', firstStart, lastEnd, isRecurring: false, organizer: null,
      timeIndex: timeIndex ?? { spans: [{ start: firstStart, end: lastEnd, exact: true }] },
    },
  };
}
