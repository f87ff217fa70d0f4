import { describe, expect, it } from 'vitest';
import { caldav, cyrus, dav } from '../../../src/dav/xml/names.ts';
import {
  effectiveRights,
  identifierMatches,
  isOperationAllowed,
  privilegeForOperation,
  requiredRights,
  type AclSubject,
} from '../../../src/acl/evaluate.ts';
import { parseAclString } from '../../../src/acl/rights.ts';

const user = (name: string, groups: string[] = []): AclSubject => ({
  user: name,
  groups,
  isServerAdmin: false,
  isOwner: false,
});
const anonymous: AclSubject = { user: null, groups: [], isServerAdmin: false, isOwner: false };
const owner = (name: string): AclSubject => ({ ...user(name), isOwner: true });

describe('RFC 4314 §2 effective rights: positive entries minus negative entries', () => {
  it('unions every matching positive entry', () => {
    const acl = parseAclString('anyone\t9\tbob\tlr\tgroup:staff\tw\t');
    expect(effectiveRights(acl, user('bob', ['staff']))).toBe('lrw9');
  });

  it('removes the rights of matching negative entries, whatever their position', () => {
    expect(effectiveRights(parseAclString('-bob\tw\tbob\tlrw\t'), user('bob'))).toBe('lr');
    expect(effectiveRights(parseAclString('anyone\tlr\t-bob\tr\t'), user('bob'))).toBe('l');
    expect(effectiveRights(parseAclString('anyone\tlr\t-bob\tr\t'), user('carol'))).toBe('lr');
  });

  it('applies a negative entry for anyone to everybody', () => {
    const acl = parseAclString('bob\tlrw\t-anyone\tw\t');
    expect(effectiveRights(acl, user('bob'))).toBe('lr');
  });

  it('gives nothing when nothing matches', () => {
    expect(effectiveRights(parseAclString('bob\tlr\t'), user('carol'))).toBe('');
    expect(effectiveRights([], anonymous)).toBe('');
  });

  it('accepts the stored ACL text directly', () => {
    expect(effectiveRights('bob\tlr\t', user('bob'))).toBe('lr');
  });

  it('compares user names exactly', () => {
    expect(effectiveRights(parseAclString('Bob\tlr\t'), user('bob'))).toBe('');
  });
});

describe('anyone, anonymous and groups (Cyrus auth_memberof)', () => {
  it('anyone matches authenticated and unauthenticated requests alike', () => {
    expect(identifierMatches('anyone', user('bob'))).toBe(true);
    expect(identifierMatches('anyone', anonymous)).toBe(true);
  });

  it('anonymous matches only unauthenticated requests', () => {
    expect(identifierMatches('anonymous', anonymous)).toBe(true);
    expect(identifierMatches('anonymous', user('bob'))).toBe(false);
  });

  it('"authenticated" spelt anyone + -anonymous excludes only the unauthenticated', () => {
    const acl = parseAclString('anyone\tlr\t-anonymous\tlr\t');
    expect(effectiveRights(acl, user('bob'))).toBe('lr');
    expect(effectiveRights(acl, anonymous)).toBe('');
  });

  it('group:<g> matches members of g, given bare or prefixed', () => {
    const acl = parseAclString('group:staff\tlr\t');
    expect(effectiveRights(acl, user('bob', ['staff']))).toBe('lr');
    expect(effectiveRights(acl, user('bob', ['group:staff']))).toBe('lr');
    expect(effectiveRights(acl, user('bob', ['sales']))).toBe('');
    expect(effectiveRights(acl, anonymous)).toBe('');
  });

  it('a user entry does not match a group of the same name', () => {
    expect(effectiveRights(parseAclString('staff\tlr\t'), user('bob', ['staff']))).toBe('');
  });

  it('negative group entries remove rights from members', () => {
    const acl = parseAclString('anyone\tlrw\t-group:interns\tw\t');
    expect(effectiveRights(acl, user('ivy', ['interns']))).toBe('lr');
  });
});

describe('server admins and owners (Cyrus httpd_myrights, implicit_owner_rights)', () => {
  it('server admins hold every right, even against negative entries', () => {
    const admin: AclSubject = { ...user('root'), isServerAdmin: true };
    expect(effectiveRights(parseAclString('-root\tlr\t'), admin)).toBe('lrswipkxtean987');
  });

  it('the owner holds lkxan and admin with an empty ACL', () => {
    expect(effectiveRights([], owner('alice'))).toBe('lkxan');
  });

  it('negative entries cannot take the implicit owner rights away', () => {
    const acl = parseAclString('alice\tlrwipkxtean9\t-alice\tlrwa\t');
    expect(effectiveRights(acl, owner('alice'))).toBe('lipkxtean9');
  });

  it('honours a configured implicit_owner_rights, keeping admin regardless', () => {
    expect(effectiveRights([], owner('alice'), { implicitOwnerRights: '' })).toBe('a');
    expect(effectiveRights([], owner('alice'), { implicitOwnerRights: 'lr' })).toBe('lra');
  });

  it('never makes an unauthenticated request an owner', () => {
    expect(effectiveRights([], { ...anonymous, isOwner: true })).toBe('');
  });
});

describe('RFC 4791 §6.1.1 read implies read-free-busy on calendars', () => {
  const acl = parseAclString('bob\tlr\t');

  it('adds 9 to lr on calendars and calendar homes when the kind is given', () => {
    expect(effectiveRights(acl, user('bob'), { kind: 'calendar' })).toBe('lr9');
    expect(effectiveRights(acl, user('bob'), { kind: 'home' })).toBe('lr9');
  });

  it('does not on Inbox, Outbox or plain collections, where 9 means something else', () => {
    expect(effectiveRights(acl, user('bob'), { kind: 'schedule-inbox' })).toBe('lr');
    expect(effectiveRights(acl, user('bob'), { kind: 'attachments' })).toBe('lr');
  });

  it('isOperationAllowed applies the same implication', () => {
    expect(isOperationAllowed('read-free-busy', 'calendar', 'lr')).toBe(true);
    expect(isOperationAllowed('read-free-busy', 'calendar', '9')).toBe(true);
    expect(isOperationAllowed('read-free-busy', 'calendar', 'l')).toBe(false);
  });
});

describe('operations (seed: Mapping of IMAP Rights to WebDAV Privileges & HTTP Methods)', () => {
  it.each([
    ['read', 'calendar', 'lr', dav('read')],
    ['read-free-busy', 'calendar', '9', caldav('read-free-busy')],
    ['read-free-busy', 'home', '9', caldav('read-free-busy')],
    ['write-properties', 'calendar', 'w', cyrus('write-properties-collection')],
    ['write-properties-resource', 'calendar', 'n', cyrus('write-properties-resource')],
    ['write-content', 'calendar', 'i', dav('write-content')],
    ['bind', 'calendar', 'p', cyrus('add-resource')],
    ['make-collection', 'home', 'k', cyrus('make-collection')],
    ['remove-collection', 'calendar', 'x', cyrus('remove-collection')],
    ['remove-resource', 'calendar', 'te', cyrus('remove-resource')],
    ['admin', 'calendar', 'a', cyrus('admin')],
    ['unlock-any', 'drive', 'a', cyrus('admin')],
    ['schedule-send-invite', 'schedule-outbox', '8', caldav('schedule-send-invite')],
    ['schedule-send-reply', 'schedule-outbox', '7', caldav('schedule-send-reply')],
    ['schedule-send-freebusy', 'schedule-outbox', '9', caldav('schedule-send-freebusy')],
    ['schedule-deliver-invite', 'schedule-inbox', '8', caldav('schedule-deliver-invite')],
    ['schedule-deliver-reply', 'schedule-inbox', '7', caldav('schedule-deliver-reply')],
    ['schedule-query-freebusy', 'schedule-inbox', '9', caldav('schedule-query-freebusy')],
  ] as const)('%s on %s needs %s and reports %s', (operation, kind, rights, privilege) => {
    expect(requiredRights(operation, kind)).toBe(rights);
    expect(privilegeForOperation(operation, kind)).toBe(privilege);
    expect(isOperationAllowed(operation, kind, rights)).toBe(true);
    expect(isOperationAllowed(operation, kind, '')).toBe(false);
  });

  it('DELETE of a resource needs both t and e', () => {
    expect(isOperationAllowed('remove-resource', 'calendar', 't')).toBe(false);
    expect(isOperationAllowed('remove-resource', 'calendar', 'e')).toBe(false);
  });

  it.each([
    ['read-free-busy', 'schedule-inbox'],
    ['read-free-busy', 'attachments'],
    ['schedule-send-invite', 'calendar'],
    ['schedule-send-invite', 'schedule-inbox'],
    ['schedule-deliver-invite', 'schedule-outbox'],
    ['schedule-query-freebusy', 'calendar'],
  ] as const)('refuses to answer for %s on a %s collection', (operation, kind) => {
    expect(() => requiredRights(operation, kind)).toThrow(RangeError);
  });
});
