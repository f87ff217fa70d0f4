// Collections of every kind owned by alice, reset to a given ACL for bob before each request,
// and the classification of an answer as "the ACL allowed it" or "the ACL refused it".
import { aclEntry, formatAclString } from '../../../src/acl/rights.ts';
import type { CollectionKind } from '../../../src/storage/index.ts';
import { event, type TestApp } from '../../helpers/app.ts';

export const OWNER_RIGHTS = 'lrswipkxtean987';
export const ALICE_HOME = '/dav/calendars/user/alice/';

export interface Fixture {
  kind: CollectionKind;
  path: string;
  parentPath: string;
  member: string;
}

export const FIXTURES: Fixture[] = [
  { kind: 'calendar', path: `${ALICE_HOME}m/`, parentPath: ALICE_HOME, member: 'r.ics' },
  { kind: 'calendar-home', path: ALICE_HOME, parentPath: '/dav/calendars/user/', member: 'r' },
  { kind: 'schedule-inbox', path: `${ALICE_HOME}Inbox/`, parentPath: ALICE_HOME, member: 'r' },
  { kind: 'schedule-outbox', path: `${ALICE_HOME}Outbox/`, parentPath: ALICE_HOME, member: 'r' },
  { kind: 'attachments', path: `${ALICE_HOME}Attachments/`, parentPath: ALICE_HOME, member: 'r' },
  { kind: 'folder', path: '/dav/drive/user/alice/m/', parentPath: '/dav/drive/user/alice/', member: 'r.txt' },
  { kind: 'notifications', path: '/dav/notifications/user/alice/', parentPath: '/dav/notifications/user/', member: 'r.xml' },
];

/**
 * Puts a fixture back as it started: the collection exists with its member, holds no locks or
 * leftovers of earlier requests, and its ACL is alice's full rights plus `rights` for bob (and
 * nothing for anyone, so that only those letters are in play).
 */
export async function prepare(t: TestApp, fixture: Fixture, rights: string): Promise<void> {
  const now = Date.UTC(2026, 0, 2);
  const full = formatAclString([aclEntry('alice', OWNER_RIGHTS)]);
  let collection = await t.store.collections.get(fixture.path);
  if (!collection) {
    await t.store.collections.ensure([{ path: fixture.path, parentPath: fixture.parentPath, owner: 'alice', kind: fixture.kind, acl: full }], now);
    collection = (await t.store.collections.get(fixture.path))!;
  }
  await t.client.execute({ sql: 'DELETE FROM locks WHERE path >= ? AND path < ?', args: [fixture.path, `${fixture.path}\uffff`] });
  for (const leftover of await t.store.collections.listChildren(fixture.path)) {
    if (leftover.path.endsWith('/mk/')) await t.store.collections.delete(leftover.path);
  }
  for (const name of ['in.txt', 'in.ics']) await t.store.resources.delete(collection, name, { any: true }, now);
  if (!(await t.store.resources.getMeta(collection.id, fixture.member))) {
    await t.store.collections.setAcl(fixture.path, full, now);
    if (fixture.kind === 'calendar' || fixture.kind === 'folder') {
      const body = fixture.kind === 'calendar' ? event('matrix-1') : 'plain text\n';
      await t.request('PUT', fixture.path + fixture.member, { user: 'alice', body, headers: { 'Content-Type': fixture.kind === 'calendar' ? 'text/calendar' : 'text/plain' }, expect: 201 });
    } else {
      const data = fixture.kind === 'notifications' ? '<D:notification xmlns:D="DAV:"><D:dtstamp>2026-01-01T00:00:00Z</D:dtstamp><D:systemstatus/></D:notification>' : event('stray-1');
      await t.store.resources.put(collection, fixture.member, { contentType: 'application/xml', data, etag: '"fixture"', size: data.length, index: null }, { any: true }, now);
    }
  }
  const acl = [aclEntry('alice', OWNER_RIGHTS), ...(rights === '' ? [] : [aclEntry('bob', rights)])];
  await t.store.collections.setAcl(fixture.path, formatAclString(acl), now);
}

export type Outcome = 'allowed' | 'refused';

/** Refused by the ACL: hidden (404), or 403 DAV:need-privileges. Any other answer got past the ACL. */
export async function classify(response: Response): Promise<Outcome> {
  const body = await response.text();
  if (response.status >= 500) throw new Error(`Server error ${response.status}: ${body}`);
  if (response.status === 404 || response.status === 401) return 'refused';
  if (response.status === 403 && body.includes('need-privileges')) return 'refused';
  return 'allowed';
}

/** A snapshot of everything stored, to prove a refused request changed nothing. */
export async function snapshot(t: TestApp): Promise<string> {
  const tables = ['users', 'collections', 'resources', 'tombstones', 'properties', 'locks', 'shares'];
  const dump: Record<string, unknown> = {};
  for (const table of tables) dump[table] = (await t.client.execute(`SELECT * FROM ${table} ORDER BY 1, 2`)).rows.map((row) => JSON.stringify(row));
  return JSON.stringify(dump);
}
