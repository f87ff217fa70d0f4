// RFC 3744 access control entries (§5.5 DAV:acl, §8.1 ACL method) to and from Cyrus ACL
// entries, following Cyrus `propfind_acl` and `meth_acl`; XML parsing and hrefs stay with callers.
import type { ClarkName } from '../dav/xml/names.ts';
import { privilegesFromRights, rightsForPrivileges, UnsupportedPrivilege } from './privileges.ts';
import type { CollectionKind } from './privileges.ts';
import { aclEntry, entryKey, GROUP_PREFIX, InvalidAcl, unionRights, validateIdentifier } from './rights.ts';
import type { AclEntry } from './rights.ts';

/** RFC 3744 §5.5.1 principals; `user`/`group` stand for a resolved principal URL. */
export type AcePrincipal =
  | { readonly type: 'all' }
  | { readonly type: 'authenticated' }
  | { readonly type: 'unauthenticated' }
  | { readonly type: 'self' }
  | { readonly type: 'owner' }
  | { readonly type: 'user'; readonly name: string }
  | { readonly type: 'group'; readonly name: string };

export interface Ace {
  readonly principal: AcePrincipal;
  readonly deny: boolean;
  readonly privileges: readonly ClarkName[];
}

export interface AceContext {
  readonly kind: CollectionKind;
  /** The collection's owner; null for collections in the shared namespace. */
  readonly owner: string | null;
  /** The authenticated user making the request (DAV:self). */
  readonly currentUser: string | null;
}

export type AceCondition = 'no-abstract' | 'not-supported-privilege' | 'grant-only' | 'recognized-principal';

/** An ACL request the server refuses; `condition` is the RFC 3744 §8.1.1 precondition element. */
export class AceRejected extends Error {
  override readonly name = 'AceRejected';
  constructor(readonly condition: AceCondition, message: string) {
    super(message);
  }
}

/**
 * The ACEs of `DAV:acl` for an ACL. Each entry's privileges are listed compactly (DAV:all rather
 * than its parts). The current user's entry is DAV:self and takes precedence over DAV:owner, as
 * in Cyrus; the owner's positive entry shows CY:admin, which owners always hold over DAV.
 * Entries whose rights map to no privilege (only `s`, say) are left out: an ACE needs one.
 */
export function acesFromAcl(acl: readonly AclEntry[], context: AceContext): Ace[] {
  const aces: Ace[] = [];
  for (const entry of acl) {
    const isOwner = entry.identifier === context.owner;
    const rights = isOwner && !entry.negative ? unionRights(entry.rights, 'a') : entry.rights;
    const privileges = privilegesFromRights(rights, context.kind, 'compact');
    if (privileges.length === 0) continue;
    aces.push({ principal: principalFor(entry.identifier, isOwner, context), deny: entry.negative, privileges });
  }
  return aces;
}

/**
 * The ACL an ACL request sets: the whole ACL is replaced (RFC 3744 §8.1). DAV:all becomes
 * `anyone`, DAV:unauthenticated `anonymous`, and DAV:authenticated, which Cyrus cannot name, a
 * grant to `anyone` plus the same rights denied to `anonymous` (so it can only be granted:
 * DAV:grant-only). ACEs for the same identifier are merged.
 */
export function aclFromAces(aces: readonly Ace[], context: AceContext): AclEntry[] {
  const merged = new Map<string, AclEntry>();
  const add = (identifier: string, negative: boolean, rights: string): void => {
    if (rights === '') return;
    const key = entryKey({ identifier, negative });
    const previous = merged.get(key);
    merged.set(key, aclEntry(key, previous === undefined ? rights : unionRights(previous.rights, rights)));
  };
  for (const ace of aces) {
    const rights = aceRights(ace, context.kind);
    if (ace.principal.type === 'authenticated') {
      if (ace.deny) throw new AceRejected('grant-only', 'DAV:authenticated can only be granted privileges');
      add('anyone', false, rights);
      add('anonymous', true, rights);
    } else {
      add(identifierFor(ace.principal, context), ace.deny, rights);
    }
  }
  return [...merged.values()];
}

// --- Internal helpers ---

function principalFor(identifier: string, isOwner: boolean, context: AceContext): AcePrincipal {
  if (identifier === context.currentUser) return { type: 'self' };
  if (isOwner) return { type: 'owner' };
  if (identifier === 'anyone') return { type: 'all' };
  if (identifier === 'anonymous') return { type: 'unauthenticated' };
  if (identifier.startsWith(GROUP_PREFIX)) return { type: 'group', name: identifier.slice(GROUP_PREFIX.length) };
  return { type: 'user', name: identifier };
}

function identifierFor(principal: Exclude<AcePrincipal, { type: 'authenticated' }>, context: AceContext): string {
  switch (principal.type) {
    case 'all':
      return 'anyone';
    case 'unauthenticated':
      return 'anonymous';
    case 'self':
      return known(context.currentUser, 'DAV:self names nobody in an unauthenticated request');
    case 'owner':
      return known(context.owner, 'This collection has no owner for DAV:owner to name');
    case 'user':
      if (principal.name.startsWith(GROUP_PREFIX)) {
        throw new AceRejected('recognized-principal', `"${principal.name}" is not a user`);
      }
      return checked(principal.name);
    case 'group':
      return checked(`${GROUP_PREFIX}${principal.name}`);
  }
}

function aceRights(ace: Ace, kind: CollectionKind): string {
  try {
    return rightsForPrivileges(ace.privileges, kind, ace.deny ? 'deny' : 'grant');
  } catch (error) {
    if (error instanceof UnsupportedPrivilege) throw new AceRejected(error.condition, error.message);
    throw error;
  }
}

function known(identifier: string | null, message: string): string {
  if (identifier === null) throw new AceRejected('recognized-principal', message);
  return identifier;
}

function checked(identifier: string): string {
  if (identifier === 'anyone' || identifier === 'anonymous') {
    throw new AceRejected('recognized-principal', `"${identifier}" is not a user`);
  }
  try {
    return validateIdentifier(identifier);
  } catch (error) {
    if (error instanceof InvalidAcl) throw new AceRejected('recognized-principal', error.message);
    throw error;
  }
}
