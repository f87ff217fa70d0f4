import { describe, expect, it } from 'vitest';
import { caldav, cyrus, dav, splitClark } from '../../../src/dav/xml/names.ts';
import {
  ABSTRACT_PRIVILEGES,
  COLLECTION_KINDS,
  RIGHTS_TO_PRIVILEGES,
  UnsupportedPrivilege,
  privilegesFromRights,
  rightsForPrivilege,
  rightsForPrivileges,
  shareAccessFromRights,
  shareAccessRights,
  supportedPrivilegeSet,
  withImpliedRights,
  type PrivilegeNode,
} from '../../../src/acl/privileges.ts';
import { hasAllRights, parseRights, subtractRights } from '../../../src/acl/rights.ts';

/** The tree as nested local names, abstract ones marked with `*`. */
function shape(node: PrivilegeNode): unknown {
  const label = `${splitClark(node.name).local}${node.abstract ? '*' : ''}`;
  return node.children.length === 0 ? label : { [label]: node.children.map(shape) };
}

const base = (read: unknown[], extra: unknown[] = []) => ({
  all: [
    { read: ['read-current-user-privilege-set*', ...read] },
    {
      write: [
        'write-content',
        { 'write-properties': ['write-properties-collection', 'write-properties-resource'] },
        { bind: ['make-collection', 'add-resource'] },
        { unbind: ['remove-collection', 'remove-resource'] },
      ],
    },
    { admin: ['read-acl*', 'write-acl*', 'unlock*', 'share*'] },
    ...extra,
  ],
});

describe('RFC 3744 §5.3 DAV:supported-privilege-set per collection kind', () => {
  it.each([
    ['calendar', base(['read-free-busy'])],
    ['home', base(['read-free-busy'])],
    ['schedule-inbox', base([], [{ 'schedule-deliver': ['schedule-deliver-invite', 'schedule-deliver-reply', 'schedule-query-freebusy'] }])],
    ['schedule-outbox', base([], [{ 'schedule-send': ['schedule-send-invite', 'schedule-send-reply', 'schedule-send-freebusy'] }])],
    ['attachments', base([])],
    ['principal', base([])],
    ['drive', base([])],
    ['notifications', base([])],
  ] as const)('%s has the Cyrus tree', (kind, expected) => {
    expect(shape(supportedPrivilegeSet(kind))).toEqual(expected);
  });

  it('uses the right namespaces', () => {
    const names = RIGHTS_TO_PRIVILEGES['schedule-inbox'].map((row) => row.privilege);
    expect(names).toContain(cyrus('admin'));
    expect(names).toContain(cyrus('add-resource'));
    expect(names).toContain(caldav('schedule-deliver'));
    expect(RIGHTS_TO_PRIVILEGES.calendar.map((row) => row.privilege)).toContain(caldav('read-free-busy'));
  });

  it('marks exactly the five RFC 3744 abstract privileges abstract, all of them leaves', () => {
    for (const kind of COLLECTION_KINDS) {
      const abstract = RIGHTS_TO_PRIVILEGES[kind].filter((row) => row.abstract).map((row) => row.privilege);
      expect(new Set(abstract)).toEqual(ABSTRACT_PRIVILEGES);
    }
  });

  it('describes every privilege', () => {
    const visit = (node: PrivilegeNode): void => {
      expect(node.description).not.toBe('');
      node.children.forEach(visit);
    };
    COLLECTION_KINDS.forEach((kind) => visit(supportedPrivilegeSet(kind)));
  });
});

describe('RFC 3744 §5.4 current-user-privilege-set from rights', () => {
  it('lists every granted aggregate and contained privilege for the owner of a calendar', () => {
    expect(privilegesFromRights('lrwipkxtean9', 'calendar')).toEqual([
      dav('all'),
      dav('read'),
      caldav('read-free-busy'),
      dav('write'),
      dav('write-content'),
      dav('write-properties'),
      cyrus('write-properties-collection'),
      cyrus('write-properties-resource'),
      dav('bind'),
      cyrus('make-collection'),
      cyrus('add-resource'),
      dav('unbind'),
      cyrus('remove-collection'),
      cyrus('remove-resource'),
      cyrus('admin'),
    ]);
  });

  it('lists only the outermost privileges in compact mode (ACEs, need-privileges)', () => {
    expect(privilegesFromRights('lrwipkxtean9', 'calendar', 'compact')).toEqual([dav('all')]);
    expect(privilegesFromRights('lrwn', 'calendar', 'compact')).toEqual([dav('read'), dav('write-properties')]);
  });

  it('grants an aggregate only when all its letters are held', () => {
    const withoutN = privilegesFromRights('lrwipkxtea9', 'calendar');
    expect(withoutN).not.toContain(dav('all'));
    expect(withoutN).not.toContain(dav('write'));
    expect(withoutN).not.toContain(dav('write-properties'));
    expect(withoutN).toContain(cyrus('write-properties-collection'));
  });

  it('DAV:all on Inbox and Outbox also needs 789 (Cyrus add_privs)', () => {
    expect(privilegesFromRights('lrwipkxtean', 'schedule-inbox', 'compact')).toEqual([
      dav('read'),
      dav('write'),
      cyrus('admin'),
    ]);
    expect(privilegesFromRights('lrwipkxtean789', 'schedule-outbox', 'compact')).toEqual([dav('all')]);
  });

  it('in collections without subcollections, p alone is DAV:bind and te DAV:unbind', () => {
    expect(privilegesFromRights('p', 'calendar')).toEqual([dav('bind'), cyrus('add-resource')]);
    expect(privilegesFromRights('te', 'schedule-inbox')).toEqual([dav('unbind'), cyrus('remove-resource')]);
    expect(privilegesFromRights('p', 'home')).toEqual([cyrus('add-resource')]);
    expect(privilegesFromRights('p', 'calendar', 'compact')).toEqual([cyrus('add-resource')]);
  });

  it('maps s, and lone l or r, to nothing', () => {
    expect(privilegesFromRights('s', 'calendar')).toEqual([]);
    expect(privilegesFromRights('l', 'drive')).toEqual([]);
  });

  it('reads 9 as read-free-busy on calendars but as the scheduling free-busy privilege on Inbox/Outbox', () => {
    expect(privilegesFromRights('9', 'calendar')).toEqual([caldav('read-free-busy')]);
    expect(privilegesFromRights('9', 'schedule-inbox')).toEqual([caldav('schedule-query-freebusy')]);
    expect(privilegesFromRights('9', 'schedule-outbox')).toEqual([caldav('schedule-send-freebusy')]);
    expect(privilegesFromRights('9', 'attachments')).toEqual([]);
  });
});

describe('RFC 3744 §8.1 privileges named in an ACL request to rights', () => {
  it.each([
    [dav('all'), 'calendar', 'lrwipkxtean9'],
    [dav('all'), 'home', 'lrwipkxtean9'],
    [dav('all'), 'schedule-inbox', 'lrwipkxtean789'],
    [dav('all'), 'schedule-outbox', 'lrwipkxtean789'],
    [dav('all'), 'attachments', 'lrwipkxtean'],
    [dav('read'), 'calendar', 'lr9'],
    [dav('read'), 'schedule-inbox', 'lr'],
    [dav('write'), 'calendar', 'wipkxten'],
    [dav('write-properties'), 'drive', 'wn'],
    [dav('bind'), 'drive', 'pk'],
    [dav('unbind'), 'drive', 'xte'],
    [cyrus('admin'), 'calendar', 'a'],
    [caldav('schedule-deliver'), 'schedule-inbox', '987'],
    [caldav('schedule-send-invite'), 'schedule-outbox', '8'],
  ] as const)('%s on %s sets %s', (privilege, kind, rights) => {
    expect(rightsForPrivilege(privilege, kind)).toBe(parseRights(rights));
  });

  it('denying DAV:all removes every right (Cyrus ACL_FULL)', () => {
    expect(rightsForPrivilege(dav('all'), 'calendar', 'deny')).toBe('lrswipkxtean987');
    expect(rightsForPrivilege(dav('read'), 'calendar', 'deny')).toBe('lr9');
  });

  it.each([...ABSTRACT_PRIVILEGES])('refuses the abstract %s with DAV:no-abstract', (privilege) => {
    expect(() => rightsForPrivilege(privilege, 'calendar')).toThrow(
      expect.objectContaining({ condition: 'no-abstract', privilege }),
    );
  });

  it.each([
    [caldav('read-free-busy'), 'schedule-inbox'],
    [caldav('schedule-send'), 'calendar'],
    [caldav('schedule-deliver'), 'schedule-outbox'],
    [dav('bogus'), 'calendar'],
    ['{urn:example}read', 'calendar'],
  ] as const)('refuses %s on %s with DAV:not-supported-privilege', (privilege, kind) => {
    expect(() => rightsForPrivilege(privilege, kind)).toThrow(UnsupportedPrivilege);
    expect(() => rightsForPrivilege(privilege, kind)).toThrow(
      expect.objectContaining({ condition: 'not-supported-privilege' }),
    );
  });

  it('maps every supported privilege back to itself (compact)', () => {
    for (const kind of COLLECTION_KINDS) {
      for (const row of RIGHTS_TO_PRIVILEGES[kind].filter((entry) => !entry.abstract)) {
        const back = privilegesFromRights(row.rights, kind, 'compact');
        expect(back, `${row.privilege} on ${kind}`).toEqual([row.privilege]);
      }
    }
  });

  it.each([
    ['calendar', 'lrwipkxtean9'],
    ['schedule-inbox', 'lrwipkxtean789'],
  ] as const)('rights → compact privileges → rights loses only half-pairs of l/r, t/e (%s)', (kind, letters) => {
    for (let mask = 0; mask < 1 << letters.length; mask++) {
      const rights = parseRights([...letters].filter((_, bit) => mask & (1 << bit)).join(''));
      const implied = withImpliedRights(rights, kind);
      const back = rightsForPrivileges(privilegesFromRights(rights, kind, 'compact'), kind);
      expect(hasAllRights(implied, back), `${rights} gave back ${back}`).toBe(true);
      const lost = subtractRights(implied, back);
      const allowed = (hasAllRights(rights, 'lr') ? '' : 'lr') + (hasAllRights(rights, 'te') ? '' : 'te');
      expect(hasAllRights(allowed, lost), `${rights} lost ${lost}`).toBe(true);
    }
  });
});

describe('draft-pot-webdav-resource-sharing §4.1 share access (Cyrus set_share_access)', () => {
  it('read is lrw9 (DACL_SHARE) and read-write adds i, n, t, e (DACL_SHARERW)', () => {
    expect(shareAccessRights('read')).toBe('lrw9');
    expect(shareAccessRights('read-write')).toBe('lrwiten9');
  });

  it('reads the access back from an entry', () => {
    expect(shareAccessFromRights('lrw9')).toBe('read');
    expect(shareAccessFromRights('lrwipkxtean9')).toBe('read-write');
    expect(shareAccessFromRights('9')).toBe('no-access');
  });
});
