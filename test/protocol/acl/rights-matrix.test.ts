// The seed's "Mapping of IMAP Rights to WebDAV Privileges & HTTP Methods", row by row: bob holds
// exactly one row's rights (each letter alone, and the rows that pair letters) on a collection of
// alice's of every kind, and can do exactly the methods the seed lists for them, nothing more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RIGHT_LETTERS } from '../../../src/acl/rights.ts';
import { event, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus } from '../../helpers/multistatus.ts';
import { ALICE_HOME, classify, FIXTURES, prepare, type Fixture, type Outcome } from './fixtures.ts';

interface Operation {
  name: string;
  /** The rights the seed's table asks for. */
  needs: string;
  kinds?: readonly string[];
  run(t: TestApp, fixture: Fixture, n: number): Promise<Response>;
  classify?(response: Response): Promise<Outcome>;
}

const LOCKINFO = '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>';
const DEAD_PROP = '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><X:note xmlns:X="urn:x-orrery-test">1</X:note></D:prop></D:set></D:propertyupdate>';
const ACL_BODY = '<D:acl xmlns:D="DAV:"><D:ace><D:principal><D:href>/dav/principals/user/bob/</D:href></D:principal><D:grant><D:privilege><D:read/></D:privilege></D:grant></D:ace></D:acl>';
const VPATCH = (n: number) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery tests//EN', 'BEGIN:VPATCH', 'UID:p', 'DTSTAMP:20260101T000000Z', 'BEGIN:PATCH', 'PATCH-TARGET:/VCALENDAR/VEVENT', `SUMMARY:patched ${n}`, 'END:PATCH', 'END:VPATCH', 'END:VCALENDAR', ''].join('\r\n');
const bob = (t: TestApp, method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}) => t.request(method, path, { user: 'bob', ...options });
const member = (f: Fixture) => f.path + f.member;

async function lockHeldBy(t: TestApp, f: Fixture, principal: string): Promise<string> {
  const token = `opaquelocktoken:${crypto.randomUUID()}`;
  await t.store.locks.create({ token, path: member(f), depthInfinity: false, exclusive: true, ownerXml: null, principal, timeoutSeconds: 600, expiresAt: Date.now() + 3_600_000 }, Date.now());
  return token;
}

const OPERATIONS: Operation[] = [
  { name: 'PROPFIND', needs: 'lr', run: (t, f) => bob(t, 'PROPFIND', f.path, { headers: { Depth: '0' } }) },
  { name: 'GET member', needs: 'lr', run: (t, f) => bob(t, 'GET', member(f)) },
  {
    name: 'HEAD member', needs: 'lr', run: (t, f) => bob(t, 'HEAD', member(f)),
    // A HEAD answer has no body to carry need-privileges: any 403 is the ACL's.
    classify: async (response) => (response.status === 403 ? 'refused' : classify(response)),
  },
  {
    name: 'REPORT sync-collection', needs: 'lr',
    run: (t, f) => bob(t, 'REPORT', f.path, { headers: { Depth: '1' }, body: '<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop/></D:sync-collection>' }),
  },
  { name: 'COPY member (source)', needs: 'lr', run: (t, f, n) => bob(t, 'COPY', member(f), { headers: { Destination: `/dav/drive/user/bob/out-${n}` } }) },
  {
    name: 'REPORT free-busy-query', needs: '9', kinds: ['calendar'],
    run: (t, f) => bob(t, 'REPORT', f.path, { headers: { Depth: '1' }, body: '<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="20260101T000000Z" end="20260201T000000Z"/></C:free-busy-query>' }),
  },
  { name: 'GET Freebusy URL', needs: '9', kinds: ['calendar'], run: (t) => bob(t, 'GET', '/freebusy/user/alice/m?start=2026-01-01T00:00:00Z&end=2026-02-01T00:00:00Z') },
  { name: 'PROPPATCH collection', needs: 'w', run: (t, f) => bob(t, 'PROPPATCH', f.path, { body: DEAD_PROP }) },
  { name: 'PROPPATCH member', needs: 'n', run: (t, f) => bob(t, 'PROPPATCH', member(f), { body: DEAD_PROP }) },
  {
    name: 'PUT member', needs: 'i',
    run: (t, f) => bob(t, 'PUT', member(f), { body: f.kind === 'folder' ? 'changed\n' : event('matrix-1', '20260112T100000Z', '20260112T110000Z'), headers: { 'Content-Type': f.kind === 'folder' ? 'text/plain' : 'text/calendar' } }),
  },
  {
    name: 'PATCH member', needs: 'i', kinds: ['calendar'],
    run: (t, f, n) => bob(t, 'PATCH', member(f), { body: VPATCH(n), headers: { 'Content-Type': 'text/calendar; component=VPATCH' } }),
  },
  { name: 'LOCK member', needs: 'i', run: (t, f) => bob(t, 'LOCK', member(f), { body: LOCKINFO }) },
  { name: 'UNLOCK own lock', needs: 'i', run: async (t, f) => bob(t, 'UNLOCK', member(f), { headers: { 'Lock-Token': `<${await lockHeldBy(t, f, 'bob')}>` } }) },
  { name: 'COPY into collection (destination resource)', needs: 'in', run: (t, f) => bob(t, 'COPY', '/dav/drive/user/bob/src.txt', { headers: { Destination: `${f.path}in.txt` } }) },
  { name: 'POST add-member', needs: 'p', run: (t, f) => bob(t, 'POST', `${f.path}?action=add-member`, { body: event(`post-${f.kind}`), headers: { 'Content-Type': 'text/calendar' } }) },
  { name: 'MKCALENDAR', needs: 'k', kinds: ['calendar-home'], run: (t, f) => bob(t, 'MKCALENDAR', `${f.path}mk/`) },
  { name: 'MKCOL', needs: 'k', kinds: ['folder'], run: (t, f) => bob(t, 'MKCOL', `${f.path}mk/`) },
  { name: 'DELETE collection', needs: 'x', run: (t, f) => bob(t, 'DELETE', f.path) },
  { name: 'DELETE member', needs: 'te', run: (t, f) => bob(t, 'DELETE', member(f)) },
  { name: 'MOVE member (source)', needs: 'lrte', run: (t, f, n) => bob(t, 'MOVE', member(f), { headers: { Destination: `/dav/drive/user/bob/moved-${n}` } }) },
  { name: 'ACL', needs: 'a', run: (t, f) => bob(t, 'ACL', f.path, { body: ACL_BODY }) },
  { name: 'UNLOCK another user’s lock', needs: 'a', run: async (t, f) => bob(t, 'UNLOCK', member(f), { headers: { 'Lock-Token': `<${await lockHeldBy(t, f, 'alice')}>` } }) },
  {
    name: 'PROPFIND DAV:acl', needs: 'lra',
    run: (t, f) => bob(t, 'PROPFIND', f.path, { headers: { Depth: '0' }, body: '<D:propfind xmlns:D="DAV:"><D:prop><D:acl/></D:prop></D:propfind>' }),
    classify: async (response) => {
      if (response.status !== 207) return classify(response);
      const props = [...parseMultistatus(await response.text()).values()][0]!.props;
      return props.get('{DAV:}acl')?.status === 200 ? 'allowed' : 'refused';
    },
  },
];

/** Each letter alone, then the rows of the seed's table that take several letters together. */
const ROWS = [...RIGHT_LETTERS, 'lr', 'wn', 'te', 'lra', RIGHT_LETTERS];

/** The letters held: `lr` also gives read-free-busy on calendars and homes (RFC 4791 §6.1.1, Cyrus). */
function held(rights: string, kind: string): string {
  return (kind === 'calendar' || kind === 'calendar-home') && rights.includes('l') && rights.includes('r') ? `${rights}9` : rights;
}

let t: TestApp;
let counter = 0;

beforeAll(async () => {
  t = await makeTestApp({}, ['alice', 'bob']);
  await t.request('PROPFIND', ALICE_HOME, { user: 'alice', headers: { Depth: '0' }, expect: 207 });
  await t.request('PUT', '/dav/drive/user/bob/src.txt', { user: 'bob', body: 'from bob\n', headers: { 'Content-Type': 'text/plain' }, expect: 201 });
});
afterAll(() => t.close());

describe.each(FIXTURES)('seed rights mapping on a $kind collection', (fixture) => {
  it.each(ROWS)('bob holding only "%s" can do exactly what the seed lists', async (rights) => {
    const expected: Record<string, Outcome> = {};
    const actual: Record<string, Outcome> = {};
    for (const operation of OPERATIONS) {
      if (operation.kinds && !operation.kinds.includes(fixture.kind)) continue;
      await prepare(t, fixture, rights);
      const letters = held(rights, fixture.kind);
      expected[operation.name] = [...operation.needs].every((letter) => letters.includes(letter)) ? 'allowed' : 'refused';
      const response = await operation.run(t, fixture, counter++);
      actual[operation.name] = await (operation.classify ?? classify)(response);
    }
    expect(actual).toEqual(expected);
  });
});
