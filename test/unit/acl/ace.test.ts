import { describe, expect, it } from 'vitest';
import { caldav, cyrus, dav } from '../../../src/dav/xml/names.ts';
import { AceRejected, aclFromAces, acesFromAcl, type Ace, type AceContext } from '../../../src/acl/ace.ts';
import { defaultAcl } from '../../../src/acl/privileges.ts';
import { formatAclString, parseAclString } from '../../../src/acl/rights.ts';

const asOwner: AceContext = { kind: 'calendar', owner: 'alice', currentUser: 'alice' };
const asAdmin: AceContext = { kind: 'calendar', owner: 'alice', currentUser: 'root' };

const grant = (principal: Ace['principal'], ...privileges: string[]): Ace => ({ principal, deny: false, privileges });
const deny = (principal: Ace['principal'], ...privileges: string[]): Ace => ({ principal, deny: true, privileges });

describe('RFC 3744 §5.5 DAV:acl from a Cyrus ACL (Cyrus propfind_acl)', () => {
  it('shows the default calendar ACL to its owner as self + all', () => {
    expect(acesFromAcl(defaultAcl('calendar', 'alice'), asOwner)).toEqual([
      grant({ type: 'self' }, dav('all')),
      grant({ type: 'all' }, caldav('read-free-busy')),
    ]);
  });

  it('names the owner DAV:owner for others, and always shows the owner as admin', () => {
    const acl = parseAclString('alice\tlr\t');
    expect(acesFromAcl(acl, asAdmin)).toEqual([grant({ type: 'owner' }, dav('read'), cyrus('admin'))]);
  });

  it('maps anonymous, groups, users and negative entries', () => {
    const acl = parseAclString('anonymous\tlr\tgroup:staff\tlrwn\t-bob\tw\tcarol\ts\t');
    expect(acesFromAcl(acl, asAdmin)).toEqual([
      grant({ type: 'unauthenticated' }, dav('read')),
      grant({ type: 'group', name: 'staff' }, dav('read'), dav('write-properties')),
      deny({ type: 'user', name: 'bob' }, cyrus('write-properties-collection')),
    ]);
  });
});

describe('RFC 3744 §8.1 ACL method: ACEs to a Cyrus ACL (Cyrus meth_acl)', () => {
  it('maps self, owner, all, unauthenticated, users and groups', () => {
    const acl = aclFromAces(
      [
        grant({ type: 'self' }, dav('all')),
        grant({ type: 'all' }, caldav('read-free-busy')),
        grant({ type: 'unauthenticated' }, dav('read')),
        grant({ type: 'user', name: 'bob' }, dav('read'), dav('write-content')),
        grant({ type: 'group', name: 'staff' }, dav('read')),
        deny({ type: 'user', name: 'eve' }, dav('write')),
      ],
      asOwner,
    );
    expect(formatAclString(acl)).toBe(
      'alice\tlrwipkxtean9\tanyone\t9\tanonymous\tlr9\tbob\tlri9\tgroup:staff\tlr9\t-eve\twipkxten\t',
    );
    expect(aclFromAces([grant({ type: 'owner' }, cyrus('admin'))], asAdmin)).toEqual([
      { identifier: 'alice', rights: 'a', negative: false },
    ]);
  });

  it('spells DAV:authenticated as anyone plus -anonymous', () => {
    expect(formatAclString(aclFromAces([grant({ type: 'authenticated' }, dav('read'))], asOwner))).toBe(
      'anyone\tlr9\t-anonymous\tlr9\t',
    );
  });

  it('refuses to deny DAV:authenticated: DAV:grant-only', () => {
    expect(() => aclFromAces([deny({ type: 'authenticated' }, dav('read'))], asOwner)).toThrow(
      expect.objectContaining({ condition: 'grant-only' }),
    );
  });

  it('denying DAV:all wipes every right', () => {
    expect(aclFromAces([deny({ type: 'user', name: 'eve' }, dav('all'))], asOwner)).toEqual([
      { identifier: 'eve', rights: 'lrswipkxtean987', negative: true },
    ]);
  });

  it('merges ACEs for the same principal', () => {
    const acl = aclFromAces(
      [grant({ type: 'user', name: 'bob' }, dav('read')), grant({ type: 'user', name: 'bob' }, dav('write-content'))],
      asOwner,
    );
    expect(formatAclString(acl)).toBe('bob\tlri9\t');
  });

  it.each([
    [grant({ type: 'user', name: 'bob' }, dav('read-acl')), 'no-abstract'],
    [grant({ type: 'user', name: 'bob' }, caldav('schedule-send')), 'not-supported-privilege'],
    [grant({ type: 'user', name: 'bob bob' }, dav('read')), 'recognized-principal'],
    [grant({ type: 'user', name: 'anyone' }, dav('read')), 'recognized-principal'],
    [grant({ type: 'user', name: 'group:staff' }, dav('read')), 'recognized-principal'],
  ] as const)('refuses %j with DAV:%s', (ace, condition) => {
    expect(() => aclFromAces([ace], asOwner)).toThrow(AceRejected);
    expect(() => aclFromAces([ace], asOwner)).toThrow(expect.objectContaining({ condition }));
  });

  it('refuses DAV:self without a user and DAV:owner without an owner', () => {
    const nobody: AceContext = { kind: 'calendar', owner: null, currentUser: null };
    expect(() => aclFromAces([grant({ type: 'self' }, dav('read'))], nobody)).toThrow(AceRejected);
    expect(() => aclFromAces([grant({ type: 'owner' }, dav('read'))], nobody)).toThrow(AceRejected);
  });

  it('round-trips every default ACL through DAV:acl', () => {
    for (const kind of ['calendar', 'home', 'attachments', 'schedule-inbox', 'schedule-outbox'] as const) {
      const context: AceContext = { kind, owner: 'alice', currentUser: 'root' };
      const acl = defaultAcl(kind, 'alice');
      expect(aclFromAces(acesFromAcl(acl, context), context), kind).toEqual(acl);
    }
  });
});
