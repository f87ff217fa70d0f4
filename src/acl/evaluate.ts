// Access decisions: a subject's effective rights from an ACL (Cyrus `cyrus_acl_myrights` +
// `httpd_myrights`) and what each operation needs, from the seed's rights/methods table.
import { caldav, cyrus, dav } from '../dav/xml/names.ts';
import type { ClarkName } from '../dav/xml/names.ts';
import { withImpliedRights } from './privileges.ts';
import type { CollectionKind } from './privileges.ts';
import {
  ALL_RIGHTS, GROUP_PREFIX, NO_RIGHTS, hasAllRights, parseAclString, subtractRights, unionRights,
} from './rights.ts';
import type { AclEntry, Rights } from './rights.ts';

/** Who is asking. `user` is null for an unauthenticated request; `groups` are bare group names. */
export interface AclSubject {
  readonly user: string | null;
  readonly groups: readonly string[];
  readonly isServerAdmin: boolean;
  readonly isOwner: boolean;
}

export interface EvaluationOptions {
  /** When given, rights the kind implies are added (`9` from `lr` on calendars and homes). */
  readonly kind?: CollectionKind;
  /** Cyrus `implicit_owner_rights`. */
  readonly implicitOwnerRights?: string;
}

export const DEFAULT_IMPLICIT_OWNER_RIGHTS = 'lkxan';

/**
 * The rights a subject holds: the union of the matching positive entries minus the union of the
 * matching negative ones (RFC 4314 §2, Cyrus `acl_afs.c`). The owner then gets the implicit owner
 * rights and always `a` ("we always allow admin by the owner in DAV"); as in Cyrus these are
 * added after the negative entries, so no ACL can lock owners out of administering their own
 * collections. Server admins hold every right.
 */
export function effectiveRights(
  acl: readonly AclEntry[] | string,
  subject: AclSubject,
  options: EvaluationOptions = {},
): Rights {
  if (subject.isServerAdmin) return ALL_RIGHTS;
  const entries = typeof acl === 'string' ? parseAclString(acl) : acl;
  let granted: Rights = NO_RIGHTS;
  let denied: Rights = NO_RIGHTS;
  for (const entry of entries) {
    if (!identifierMatches(entry.identifier, subject)) continue;
    if (entry.negative) denied = unionRights(denied, entry.rights);
    else granted = unionRights(granted, entry.rights);
  }
  let rights = subtractRights(granted, denied);
  if (subject.isOwner && subject.user !== null) {
    rights = unionRights(rights, options.implicitOwnerRights ?? DEFAULT_IMPLICIT_OWNER_RIGHTS, 'a');
  }
  return options.kind === undefined ? rights : withImpliedRights(rights, options.kind);
}

/**
 * Whether an ACL identifier names the subject: `anyone` names everybody, anonymous included;
 * `anonymous` only unauthenticated requests; `group:<g>` members of g; anything else one user.
 */
export function identifierMatches(identifier: string, subject: AclSubject): boolean {
  if (identifier === 'anyone') return true;
  if (identifier === 'anonymous') return subject.user === null;
  if (subject.user === null) return false;
  if (identifier.startsWith(GROUP_PREFIX)) {
    const group = identifier.slice(GROUP_PREFIX.length);
    return subject.groups.some((member) => member === group || member === identifier);
  }
  return identifier === subject.user;
}

// --- Operations: what each request needs (the seed's "HTTP methods" column) ---

export type AclOperation =
  | 'read'
  | 'read-free-busy'
  | 'write-properties'
  | 'write-properties-resource'
  | 'write-content'
  | 'bind'
  | 'make-collection'
  | 'remove-collection'
  | 'remove-resource'
  | 'admin'
  | 'unlock-any'
  | 'schedule-send-invite'
  | 'schedule-send-reply'
  | 'schedule-send-freebusy'
  | 'schedule-deliver-invite'
  | 'schedule-deliver-reply'
  | 'schedule-query-freebusy';

export interface OperationRule {
  /** Every one of these letters is needed. */
  readonly rights: string;
  /** The privilege named in `DAV:need-privileges` when they are missing (RFC 3744 §7.1.1). */
  readonly privilege: ClarkName;
  /** The kinds of collection the operation exists on; `null` means all of them. */
  readonly kinds: readonly CollectionKind[] | null;
}

/**
 * `write-properties` is PROPPATCH of a collection (`w`) and `write-properties-resource` of a
 * member resource (`n`): the seed gives the two letters separate CY: privileges under one row.
 * `bind` is POST to add a member (`p`); PUT, even one that creates, needs only `i`, as the seed
 * lists PUT under `i` alone.
 * `remove-resource` needs both `t` and `e`, matching the privilege, where Cyrus's DELETE accepts
 * either letter.
 */
export const METHOD_PRIVILEGES: Readonly<Record<AclOperation, OperationRule>> = {
  'read': rule('lr', dav('read')),
  'read-free-busy': rule('9', caldav('read-free-busy'), ['calendar', 'home']),
  'write-properties': rule('w', cyrus('write-properties-collection')),
  'write-properties-resource': rule('n', cyrus('write-properties-resource')),
  'write-content': rule('i', dav('write-content')),
  'bind': rule('p', cyrus('add-resource')),
  'make-collection': rule('k', cyrus('make-collection')),
  'remove-collection': rule('x', cyrus('remove-collection')),
  'remove-resource': rule('te', cyrus('remove-resource')),
  'admin': rule('a', cyrus('admin')),
  'unlock-any': rule('a', cyrus('admin')),
  'schedule-send-invite': rule('8', caldav('schedule-send-invite'), ['schedule-outbox']),
  'schedule-send-reply': rule('7', caldav('schedule-send-reply'), ['schedule-outbox']),
  'schedule-send-freebusy': rule('9', caldav('schedule-send-freebusy'), ['schedule-outbox']),
  'schedule-deliver-invite': rule('8', caldav('schedule-deliver-invite'), ['schedule-inbox']),
  'schedule-deliver-reply': rule('7', caldav('schedule-deliver-reply'), ['schedule-inbox']),
  'schedule-query-freebusy': rule('9', caldav('schedule-query-freebusy'), ['schedule-inbox']),
};

/** The letters an operation needs; throws if the operation does not exist on that kind. */
export function requiredRights(operation: AclOperation, kind: CollectionKind): string {
  return applicableRule(operation, kind).rights;
}

/** The privilege to report in `DAV:need-privileges` when the operation is refused. */
export function privilegeForOperation(operation: AclOperation, kind: CollectionKind): ClarkName {
  return applicableRule(operation, kind).privilege;
}

/** Whether rights (as computed by `effectiveRights`) allow the operation, read-free-busy implication included. */
export function isOperationAllowed(operation: AclOperation, kind: CollectionKind, rights: string): boolean {
  return hasAllRights(withImpliedRights(rights, kind), requiredRights(operation, kind));
}

/**
 * The seed's HTTP methods column: which operations each method checks, per case. Each case lists
 * everything it needs. `source-*`/`destination-*` are checked on the COPY/MOVE source or
 * destination collection; `organizer`/`attendee` (a scheduling PUT/PATCH/DELETE) and POST
 * `outbox` are checked on the sender's Outbox, on top of the method's own check.
 */
export const METHOD_OPERATIONS = {
  GET: { default: ['read'], 'freebusy-url': ['read-free-busy'] },
  HEAD: { default: ['read'], 'freebusy-url': ['read-free-busy'] },
  PROPFIND: { default: ['read'], 'acl-property': ['read', 'admin'] },
  REPORT: { default: ['read'], 'free-busy-query': ['read-free-busy'] },
  PROPPATCH: { default: ['write-properties'], resource: ['write-properties-resource'] },
  PUT: { default: ['write-content'], organizer: ['schedule-send-invite'], attendee: ['schedule-send-reply'] },
  PATCH: { default: ['write-content'], organizer: ['schedule-send-invite'], attendee: ['schedule-send-reply'] },
  POST: { default: ['bind'], outbox: ['schedule-send-freebusy'] },
  MKCOL: { default: ['make-collection'] },
  MKCALENDAR: { default: ['make-collection'] },
  DELETE: {
    collection: ['remove-collection'],
    resource: ['remove-resource'],
    organizer: ['schedule-send-invite'],
    attendee: ['schedule-send-reply'],
  },
  COPY: {
    source: ['read'],
    'destination-resource': ['write-properties-resource', 'write-content'],
    'destination-collection': ['write-properties', 'make-collection'],
  },
  MOVE: {
    'source-resource': ['read', 'remove-resource'],
    'source-collection': ['read', 'remove-collection'],
    'destination-resource': ['write-properties-resource', 'write-content'],
    'destination-collection': ['write-properties', 'make-collection'],
  },
  LOCK: { default: ['write-content'] },
  UNLOCK: { 'lock-owner': ['write-content'], 'any-lock': ['unlock-any'] },
  ACL: { default: ['admin'] },
} as const satisfies Record<string, Record<string, readonly AclOperation[]>>;

export type DavMethodName = keyof typeof METHOD_OPERATIONS;

export function operationsForMethod<M extends DavMethodName>(
  method: M,
  variant: keyof (typeof METHOD_OPERATIONS)[M],
): readonly AclOperation[] {
  return METHOD_OPERATIONS[method][variant] as readonly AclOperation[];
}

// --- Internal helpers ---

function rule(rights: string, privilege: ClarkName, kinds: readonly CollectionKind[] | null = null): OperationRule {
  return { rights, privilege, kinds };
}

function applicableRule(operation: AclOperation, kind: CollectionKind): OperationRule {
  const found = METHOD_PRIVILEGES[operation];
  if (found.kinds !== null && !found.kinds.includes(kind)) {
    throw new RangeError(`Operation ${operation} does not apply to a ${kind} collection`);
  }
  return found;
}
