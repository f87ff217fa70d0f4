// Every row of the two Cyrus CalDAV tables the seed specifies, checked against the rights model.
import { describe, expect, it } from 'vitest';
import { caldav, cyrus, dav } from '../../../src/dav/xml/names.ts';
import type { ClarkName } from '../../../src/dav/xml/names.ts';
import {
  isOperationAllowed,
  operationsForMethod,
  requiredRights,
  type AclOperation,
  type DavMethodName,
} from '../../../src/acl/evaluate.ts';
import {
  DEFAULT_ACLS,
  defaultAcl,
  privilegesFromRights,
  rightsForPrivileges,
  type CollectionKind,
} from '../../../src/acl/privileges.ts';
import { hasAllRights, parseRights, subtractRights } from '../../../src/acl/rights.ts';

interface MappingRow {
  rights: string;
  kind: CollectionKind;
  /** The privileges the seed lists for these letters, as current-user-privilege-set shows them. */
  privileges: ClarkName[];
  operation: AclOperation | null;
  methods: [DavMethodName, string][];
}

const MAPPING: MappingRow[] = [
  {
    rights: 'lr', kind: 'calendar', privileges: [dav('read')], operation: 'read',
    methods: [['GET', 'default'], ['HEAD', 'default'], ['COPY', 'source'], ['MOVE', 'source-resource'],
      ['MOVE', 'source-collection'], ['PROPFIND', 'default'], ['REPORT', 'default']],
  },
  { rights: 's', kind: 'calendar', privileges: [], operation: null, methods: [] },
  {
    rights: 'w', kind: 'calendar', privileges: [cyrus('write-properties-collection')], operation: 'write-properties',
    methods: [['PROPPATCH', 'default'], ['COPY', 'destination-collection'], ['MOVE', 'destination-collection']],
  },
  {
    rights: 'n', kind: 'calendar', privileges: [cyrus('write-properties-resource')], operation: 'write-properties-resource',
    methods: [['PROPPATCH', 'resource'], ['COPY', 'destination-resource'], ['MOVE', 'destination-resource']],
  },
  {
    rights: 'i', kind: 'calendar', privileges: [dav('write-content')], operation: 'write-content',
    methods: [['PUT', 'default'], ['PATCH', 'default'], ['COPY', 'destination-resource'],
      ['MOVE', 'destination-resource'], ['LOCK', 'default'], ['UNLOCK', 'lock-owner']],
  },
  {
    rights: 'p', kind: 'calendar', privileges: [dav('bind'), cyrus('add-resource')], operation: 'bind',
    methods: [['POST', 'default']],
  },
  {
    rights: 'k', kind: 'home', privileges: [cyrus('make-collection')], operation: 'make-collection',
    methods: [['MKCOL', 'default'], ['MKCALENDAR', 'default'], ['COPY', 'destination-collection'],
      ['MOVE', 'destination-collection']],
  },
  {
    rights: 'x', kind: 'home', privileges: [cyrus('remove-collection')], operation: 'remove-collection',
    methods: [['DELETE', 'collection'], ['MOVE', 'source-collection']],
  },
  {
    rights: 'te', kind: 'calendar', privileges: [dav('unbind'), cyrus('remove-resource')], operation: 'remove-resource',
    methods: [['DELETE', 'resource'], ['MOVE', 'source-resource']],
  },
  {
    rights: 'a', kind: 'calendar', privileges: [cyrus('admin')], operation: 'admin',
    methods: [['ACL', 'default'], ['PROPFIND', 'acl-property']],
  },
  { rights: 'a', kind: 'calendar', privileges: [cyrus('admin')], operation: 'unlock-any', methods: [['UNLOCK', 'any-lock']] },
  {
    rights: '9', kind: 'calendar', privileges: [caldav('read-free-busy')], operation: 'read-free-busy',
    methods: [['REPORT', 'free-busy-query'], ['GET', 'freebusy-url'], ['HEAD', 'freebusy-url']],
  },
  {
    rights: '9', kind: 'schedule-outbox', privileges: [caldav('schedule-send-freebusy')],
    operation: 'schedule-send-freebusy', methods: [['POST', 'outbox']],
  },
  {
    rights: '8', kind: 'schedule-outbox', privileges: [caldav('schedule-send-invite')], operation: 'schedule-send-invite',
    methods: [['PUT', 'organizer'], ['PATCH', 'organizer'], ['DELETE', 'organizer']],
  },
  {
    rights: '7', kind: 'schedule-outbox', privileges: [caldav('schedule-send-reply')], operation: 'schedule-send-reply',
    methods: [['PUT', 'attendee'], ['PATCH', 'attendee'], ['DELETE', 'attendee']],
  },
  { rights: '789', kind: 'schedule-outbox', privileges: [caldav('schedule-send')], operation: null, methods: [] },
  {
    rights: '9', kind: 'schedule-inbox', privileges: [caldav('schedule-query-freebusy')],
    operation: 'schedule-query-freebusy', methods: [],
  },
  {
    rights: '8', kind: 'schedule-inbox', privileges: [caldav('schedule-deliver-invite')],
    operation: 'schedule-deliver-invite', methods: [],
  },
  {
    rights: '7', kind: 'schedule-inbox', privileges: [caldav('schedule-deliver-reply')],
    operation: 'schedule-deliver-reply', methods: [],
  },
  { rights: '789', kind: 'schedule-inbox', privileges: [caldav('schedule-deliver')], operation: null, methods: [] },
];

describe('seed: Mapping of IMAP Rights to WebDAV Privileges & HTTP Methods', () => {
  describe.each(MAPPING)('$rights on $kind', (row) => {
    it('grants the privileges of the row', () => {
      const granted = privilegesFromRights(row.rights, row.kind);
      for (const privilege of row.privileges) expect(granted).toContain(privilege);
      if (row.privileges.length === 0) expect(granted).toEqual([]);
    });

    it('is what granting the row’s privilege sets', () => {
      const leaf = row.privileges.at(-1);
      if (leaf === undefined) return;
      const expected = row.rights === 'lr' ? 'lr9' : row.rights;
      expect(rightsForPrivileges([leaf], row.kind)).toBe(parseRights(expected));
    });

    it('allows the row’s operation with exactly these letters', () => {
      if (row.operation === null) return;
      expect(requiredRights(row.operation, row.kind)).toBe(row.rights);
      expect(isOperationAllowed(row.operation, row.kind, row.rights)).toBe(true);
      for (const letter of row.rights) {
        expect(isOperationAllowed(row.operation, row.kind, subtractRights(row.rights, letter))).toBe(false);
      }
    });

    it.each(row.methods)('%s (%s) checks the operation', (method, variant) => {
      expect(operationsForMethod(method, variant as never)).toContain(row.operation);
    });
  });
});

interface DefaultRow {
  kind: CollectionKind;
  who: 'owner' | 'anyone';
  privileges: ClarkName[];
  /** The letters as printed in the seed. */
  seedRights: string;
}

const DEFAULTS: DefaultRow[] = [
  { kind: 'calendar', who: 'owner', privileges: [dav('all'), caldav('read-free-busy')], seedRights: 'lrwipkxtan9' },
  { kind: 'calendar', who: 'anyone', privileges: [caldav('read-free-busy')], seedRights: '9' },
  { kind: 'attachments', who: 'owner', privileges: [dav('all')], seedRights: 'lrwipkxtan' },
  { kind: 'attachments', who: 'anyone', privileges: [dav('read')], seedRights: 'lr' },
  { kind: 'schedule-inbox', who: 'owner', privileges: [dav('all'), caldav('schedule-deliver')], seedRights: 'lrwipkxtan789' },
  { kind: 'schedule-inbox', who: 'anyone', privileges: [caldav('schedule-deliver')], seedRights: '789' },
  { kind: 'schedule-outbox', who: 'owner', privileges: [dav('all'), caldav('schedule-send')], seedRights: 'lrwipkxtan789' },
];

describe('seed: Default WebDAV Privileges by Collection', () => {
  describe.each(DEFAULTS)('$kind, $who', (row) => {
    const entry = () => defaultAcl(row.kind, 'alice').find((e) => e.identifier === (row.who === 'owner' ? 'alice' : 'anyone'));

    it('is the rights of the privilege column', () => {
      expect(entry()?.rights).toBe(rightsForPrivileges(row.privileges, row.kind));
      const granted = privilegesFromRights(entry()?.rights ?? '', row.kind);
      for (const privilege of row.privileges) expect(granted).toContain(privilege);
    });

    it('holds the seed’s letters, adding only the e that DAV:all needs and the seed omits', () => {
      const rights = entry()?.rights ?? '';
      expect(hasAllRights(rights, row.seedRights)).toBe(true);
      expect(subtractRights(rights, row.seedRights)).toBe(row.who === 'owner' ? 'e' : '');
    });
  });

  it('gives the Outbox no anyone entry', () => {
    expect(defaultAcl('schedule-outbox', 'alice').map((e) => e.identifier)).toEqual(['alice']);
  });

  it('gives the calendar home what the Default calendar gets (inventory §7c)', () => {
    expect(DEFAULT_ACLS.home).toEqual(DEFAULT_ACLS.calendar);
    expect(defaultAcl('home', 'alice')).toEqual([
      { identifier: 'alice', rights: 'lrwipkxtean9', negative: false },
      { identifier: 'anyone', rights: '9', negative: false },
    ]);
  });

  it('starts an ownerless (shared-namespace) collection with an empty ACL', () => {
    expect(defaultAcl('calendar', null)).toEqual([]);
  });
});
