// Rights enforcement: the one place a request's principal is checked against a resource's ACL.
// A refusal is 403 DAV:need-privileges; a resource the principal may not even look up is a 404,
// so that names do not leak; an anonymous refusal is a 401 challenge.
import { basicChallenge } from '../http/basic-credentials.ts';
import type { AppConfig } from '../config.ts';
import type { DavContext } from '../dav/context.ts';
import { DavError, needPrivileges, notFound } from '../dav/errors.ts';
import { encodePath } from '../dav/path.ts';
import type { ListedResource } from '../dav/resource.ts';
import type { CollectionRecord, CollectionKind as StoredKind } from '../storage/index.ts';
import { effectiveRights, isOperationAllowed, METHOD_PRIVILEGES, privilegeForOperation, type AclOperation } from './evaluate.ts';
import type { CollectionKind } from './privileges.ts';
import { ALL_RIGHTS, hasAllRights, type Rights } from './rights.ts';

export type { AclOperation };

/** The rights model's collection kind for a stored collection kind. */
export function aclKind(kind: StoredKind): CollectionKind {
  switch (kind) {
    case 'calendar-home':
      return 'home';
    case 'drive-home':
    case 'folder':
      return 'drive';
    default:
      return kind;
  }
}

export function collectionRights(ctx: DavContext, collection: CollectionRecord): Rights {
  return rightsOfUser(collection, ctx.principal, ctx.deps.config);
}

/**
 * The rights a given user (null: anonymous) holds on a collection. Scheduling and free-busy ask
 * this for someone other than the request's principal: the sender of an invitation, the asker
 * of a free-busy lookup.
 */
export function rightsOfUser(collection: CollectionRecord, user: { name: string; isAdmin: boolean } | null, config: AppConfig): Rights {
  if (user?.isAdmin) return ALL_RIGHTS;
  const kind = aclKind(collection.kind);
  const isOwner = user !== null && user.name === collection.owner;
  // Every request evaluates the ACL of the collection it touches, and a listing evaluates it per
  // member; the answer depends only on these inputs, and a server sees few distinct combinations.
  const key = `${kind}\t${isOwner ? 1 : 0}\t${config.implicit_owner_rights}\t${user?.name ?? ''}\t${user === null ? 0 : 1}\t${collection.acl}`;
  const known = EVALUATED.get(key);
  if (known !== undefined) return known;
  const rights = effectiveRights(collection.acl, { user: user?.name ?? null, groups: [], isServerAdmin: false, isOwner }, { kind, implicitOwnerRights: config.implicit_owner_rights });
  if (EVALUATED.size >= EVALUATED_LIMIT) EVALUATED.clear();
  EVALUATED.set(key, rights);
  return rights;
}

const EVALUATED = new Map<string, Rights>();
const EVALUATED_LIMIT = 4096;

/** The IMAP rights letters the request's principal holds on a resource. */
export function rightsOn(ctx: DavContext, resource: ListedResource): string {
  const principal = ctx.principal;
  switch (resource.kind) {
    case 'virtual':
      return principal ? 'lr' : '';
    case 'principal':
      if (principal && (principal.isAdmin || principal.name === resource.user.name)) return 'lrwna';
      return principal ? 'lr' : '';
    case 'collection':
    case 'resource':
      return collectionRights(ctx, resource.collection);
    case 'missing':
      return resource.parent ? collectionRights(ctx, resource.parent) : principal ? 'lr' : '';
  }
}

export function hasAccess(ctx: DavContext, resource: ListedResource, operation: AclOperation): boolean {
  if (ctx.principal?.isAdmin) return true;
  const rights = rightsOn(ctx, resource);
  const kind = kindOf(resource);
  const effective = effectiveOperation(resource, operation);
  if (kind === null) return effective === 'read' ? hasAllRights(rights, 'lr') : effective === 'write-properties' || effective === 'admin' ? hasAllRights(rights, 'a') : false;
  return isOperationAllowed(effective, kind, rights);
}

/**
 * Throws unless the principal may perform `operation` on `resource`. Without the lookup right on
 * an existing resource the answer is 404 rather than 403, as if it were not there.
 */
export function requireAccess(ctx: DavContext, resource: ListedResource, operation: AclOperation): void {
  if (hasAccess(ctx, resource, operation)) return;
  if (!ctx.principal) throw unauthorized(ctx);
  const rights = rightsOn(ctx, resource);
  const canLookUp = rights.includes('l') || (operation === 'read-free-busy' && rights.includes('9'));
  if (resource.kind !== 'virtual' && resource.kind !== 'principal' && !canLookUp) throw notFound();
  const kind = kindOf(resource) ?? 'principal';
  throw needPrivileges(encodePath(privilegeTarget(resource)), privilegeForOperation(effectiveOperation(resource, operation), kind));
}

/** 403 need-privileges for `operation` on the collection at `href`, judged without looking at it. */
export function refusedAt(href: string, operation: AclOperation): DavError {
  return needPrivileges(href, METHOD_PRIVILEGES[operation].privilege);
}

export function unauthorized(ctx: DavContext): DavError {
  return basicChallenge(ctx.deps.config.caldav_realm);
}

// --- Internal helpers ---

/** PROPPATCH needs `w` on a collection and `n` on a member resource (the seed's two CY: privileges). */
function effectiveOperation(resource: ListedResource, operation: AclOperation): AclOperation {
  return operation === 'write-properties' && resource.kind === 'resource' ? 'write-properties-resource' : operation;
}

function kindOf(resource: ListedResource): CollectionKind | null {
  switch (resource.kind) {
    case 'collection':
    case 'resource':
      return aclKind(resource.collection.kind);
    case 'missing':
      return resource.parent ? aclKind(resource.parent.kind) : null;
    default:
      return null;
  }
}

function privilegeTarget(resource: ListedResource): string {
  return resource.kind === 'missing' && resource.parent ? resource.parent.path : resource.path;
}
