// RFC 3744 §8.1 ACL request bodies read into ACEs: principals of every form, grant and deny,
// the ACEs a request may not set (protected, inherited) skipped, DAV:invert refused.
import { describe, expect, it } from 'vitest';
import { parseAclRequest } from '../../../src/acl/acl-method.ts';
import { DavError } from '../../../src/dav/errors.ts';

const URL_BASE = new URL('http://orrery.test/dav/calendars/user/alice/Default/');
const parse = (aces: string) => parseAclRequest(`<D:acl xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">${aces}</D:acl>`, URL_BASE);

describe('RFC 3744 §8.1 ACL request parsing', () => {
  it('reads every principal form', () => {
    const aces = parse(['<D:all/>', '<D:authenticated/>', '<D:unauthenticated/>', '<D:self/>', '<D:property><D:owner/></D:property>',
      '<D:href>/dav/principals/user/bob/</D:href>', '<D:href>http://orrery.test/dav/principals/group/staff/</D:href>']
      .map((p) => `<D:ace><D:principal>${p}</D:principal><D:grant><D:privilege><D:read/></D:privilege></D:grant></D:ace>`).join(''));
    expect(aces.map((a) => a.principal)).toEqual([
      { type: 'all' }, { type: 'authenticated' }, { type: 'unauthenticated' }, { type: 'self' }, { type: 'owner' },
      { type: 'user', name: 'bob' }, { type: 'group', name: 'staff' },
    ]);
  });

  it('reads grant and deny with several privileges', () => {
    const [ace] = parse('<D:ace><D:principal><D:all/></D:principal><D:deny><D:privilege><D:write-content/></D:privilege><D:privilege><C:read-free-busy/></D:privilege></D:deny></D:ace>');
    expect(ace).toEqual({ principal: { type: 'all' }, deny: true, privileges: ['{DAV:}write-content', '{urn:ietf:params:xml:ns:caldav}read-free-busy'] });
  });

  it('skips protected and inherited ACEs, which a request cannot set', () => {
    const aces = parse(`<D:ace><D:principal><D:all/></D:principal><D:grant><D:privilege><D:read/></D:privilege></D:grant><D:protected/></D:ace>
      <D:ace><D:principal><D:all/></D:principal><D:grant><D:privilege><D:read/></D:privilege></D:grant><D:inherited><D:href>/x/</D:href></D:inherited></D:ace>`);
    expect(aces).toEqual([]);
  });

  it('refuses DAV:invert (no-invert), foreign principal hrefs (recognized-principal) and malformed ACEs (400)', () => {
    const cases: [string, number, string][] = [
      ['<D:ace><D:invert><D:principal><D:all/></D:principal></D:invert><D:grant><D:privilege><D:read/></D:privilege></D:grant></D:ace>', 403, 'no-invert'],
      ['<D:ace><D:principal><D:href>/dav/calendars/user/bob/</D:href></D:principal><D:grant><D:privilege><D:read/></D:privilege></D:grant></D:ace>', 403, 'recognized-principal'],
      ['<D:ace><D:principal><D:all/></D:principal></D:ace>', 400, ''],
      ['<D:ace><D:principal><D:all/></D:principal><D:grant/></D:ace>', 400, ''],
    ];
    for (const [body, status, condition] of cases) {
      try {
        parse(body);
        expect.unreachable(body);
      } catch (error) {
        expect(error).toBeInstanceOf(DavError);
        expect((error as DavError).status).toBe(status);
        if (condition) expect((error as DavError).precondition?.name).toBe(`{DAV:}${condition}`);
      }
    }
  });
});
