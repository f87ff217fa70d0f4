// Rights enforcement: the one place a request's principal is checked against a resource's ACL.
// A refusal is 403 DAV:need-privileges; a resource the principal may not even look up is a 404,
// so that names do not leak; an anonymous refusal is a 401 challenge.
import type { DavContext } from '../dav/context.ts';
import { DavError, needPrivileges, notFound } from '../dav/errors.ts';
import { encodePath } from '../dav/path.ts';
import type { DavResource } from '../dav/resource.ts';
import type { CollectionRecord } from '../storage/index.ts';
import { effectiveRightsFor, operationPrivilege, operationRights, type AclOperation } from './rights-bridge.ts';

/** The IMAP rights letters the request's principal holds on a resource. */
export function rightsOn(ctx: DavContext, resource: DavResource): string {
  const principal = ctx.principal;
  switch (resource.kind) {
    case 'virtual':
      return principal ? 'lr' : '';
    case 'principal':
      if (principal && (principal.isAdmin || principal.name === resource.user.name)) return 'lrwa';
      return principal ? 'lr' : '';
    case 'collection':
      return collectionRights(ctx, resource.collection);
    case 'resource':
      return collectionRights(ctx, resource.collection);
    case 'missing':
      return resource.parent ? collectionRights(ctx, resource.parent) : principal ? 'lr' : '';
  }
}

export function collectionRights(ctx: DavContext, collection: CollectionRecord): string {
  return effectiveRightsFor(collection.acl, collection.owner, ctx.principal, collection.kind);
}

export function hasAccess(ctx: DavContext, resource: DavResource, operation: AclOperation): boolean {
  const rights = rightsOn(ctx, resource);
  return [...operationRights(operation, resourceKind(resource))].every((letter) => rights.includes(letter));
}

/**
 * Throws unless the principal may perform `operation` on `resource`. Without the lookup right on
 * an existing resource the answer is 404 rather than 403, as if it were not there.
 */
export function requireAccess(ctx: DavContext, resource: DavResource, operation: AclOperation): void {
  if (hasAccess(ctx, resource, operation)) return;
  if (!ctx.principal) throw unauthorized(ctx);
  const rights = rightsOn(ctx, resource);
  if (resource.kind !== 'virtual' && !rights.includes('l') && !(operation === 'read-free-busy' && rights.includes('9'))) {
    throw notFound();
  }
  throw needPrivileges(encodePath(privilegeTarget(resource)), operationPrivilege(operation, resourceKind(resource)));
}

export function unauthorized(ctx: DavContext): DavError {
  const realm = ctx.deps.config.caldav_realm.replace(/["\\]/g, '');
  return new DavError(401, undefined, 'Authentication required', { 'WWW-Authenticate': `Basic realm="${realm}", charset="UTF-8"` });
}

function resourceKind(resource: DavResource): CollectionRecord['kind'] | 'principal' | 'virtual' {
  switch (resource.kind) {
    case 'collection':
      return resource.collection.kind;
    case 'resource':
      return resource.collection.kind;
    case 'missing':
      return resource.parent?.kind ?? 'virtual';
    default:
      return resource.kind;
  }
}

function privilegeTarget(resource: DavResource): string {
  return resource.kind === 'missing' && resource.parent ? resource.parent.path : resource.path;
}
