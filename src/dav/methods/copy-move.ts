// COPY and MOVE (RFC 4918 §9.8, §9.9): resources anywhere the target collection's content policy
// accepts them; collections where the area allows (calendars move, folders copy and move).
import { refusedAt, requireAccess } from '../../acl/check.ts';
import { operationsForMethod } from '../../acl/evaluate.ts';
import { writeExpectation } from '../../http/conditional.ts';
import { AlreadyExistsError } from '../../storage/index.ts';
import type { DavContext } from '../context.ts';
import { badRequest, conflict, DavError, methodNotAllowed, notFound, preconditionFailed } from '../errors.ts';
import { requireUnlocked } from '../locking.ts';
import { encodePath, hrefToPath, parentPath } from '../path.ts';
import { collectionEtag } from '../properties/webdav.ts';
import { resolveResource } from '../resolve.ts';
import type { DavResource } from '../resource.ts';
import type { DavServices } from '../services.ts';
import { checkScheduleTagMatch, mapWriteError } from './put.ts';

export async function handleCopyMove(ctx: DavContext, services: DavServices, mode: 'copy' | 'move'): Promise<Response> {
  const source = ctx.resource;
  if (source.kind === 'missing') throw notFound();
  if (source.kind === 'virtual' || source.kind === 'principal') throw methodNotAllowed(['OPTIONS', 'PROPFIND'], `This resource cannot be ${mode === 'copy' ? 'copied' : 'moved'}`);
  const destinationHeader = ctx.request.headers.get('destination');
  if (!destinationHeader) throw badRequest(`${mode.toUpperCase()} needs a Destination header`);
  const destinationPath = hrefToPath(destinationHeader, ctx.url);
  if (destinationPath === null) throw new DavError(502, undefined, 'The destination is on another server');
  const overwrite = (ctx.request.headers.get('overwrite') ?? 'T').trim().toUpperCase();
  if (overwrite !== 'T' && overwrite !== 'F') throw badRequest('Overwrite must be T or F');
  const isCollection = source.kind === 'collection';
  const normalisedTarget = isCollection && !destinationPath.endsWith('/') ? `${destinationPath}/` : destinationPath;
  if (normalisedTarget === source.path || (isCollection && normalisedTarget.startsWith(source.path))) {
    throw new DavError(403, undefined, 'The destination is the source or inside it');
  }
  const destinationPathname = encodePath(destinationPath);
  const destination = await services.visible(ctx, await resolveResource(ctx.deps.store, ctx.deps.config, destinationPathname), destinationPathname);
  // A destination the principal may not know of is refused the same way whatever is there: the
  // privilege to create there is what they lack, on a collection named by the path alone. (404 would
  // tell the client that its source is gone; 409 would say that a collection on the way is missing.)
  if (destination.hidden) {
    throw refusedAt(encodePath(parentPath(destinationPath)), isCollection ? 'make-collection' : 'write-content');
  }
  const target = destination.resource;
  const targetParent = target.kind === 'missing' ? target.parent : await parentOf(ctx, target);
  if (!targetParent) throw conflict('The destination collection does not exist (RFC 4918 §9.8.5)');
  const exists = target.kind !== 'missing';
  if (exists && overwrite === 'F') throw preconditionFailed('The destination exists and Overwrite is F');
  if (exists && (target.kind === 'virtual' || target.kind === 'principal')) throw new DavError(403, undefined, 'The destination cannot be replaced');

  requireAccess(ctx, source, 'read');
  if (mode === 'move') requireAccess(ctx, source, isCollection ? 'remove-collection' : 'remove-resource');
  // The request's target is the source, so its conditions are checked against the source
  // (RFC 9110 §13.1, RFC 4918 §10.4.1), If-Schedule-Tag-Match included (RFC 6638 §8.3).
  if (source.kind === 'resource') {
    writeExpectation(ctx.request, { exists: true, etag: source.meta.etag, lastModifiedMs: source.meta.modifiedAt });
    checkScheduleTagMatch(ctx.request, source.meta);
  } else {
    writeExpectation(ctx.request, { exists: true, etag: collectionEtag(source.collection), lastModifiedMs: source.collection.modifiedAt });
  }
  const targetForAccess: DavResource = target.kind === 'missing' ? target : { kind: 'missing', path: target.path, parent: targetParent, name: '', area: 'other' };
  // The seed's destination rows (METHOD_OPERATIONS): n + i into a collection for a resource,
  // w + k for a collection. Replacing a resource is a write like PUT over it; replacing a
  // collection also removes one, which needs `x` there.
  for (const operation of operationsForMethod(mode === 'copy' ? 'COPY' : 'MOVE', isCollection ? 'destination-collection' : 'destination-resource')) {
    requireAccess(ctx, targetForAccess, operation);
  }
  if (exists && target.kind === 'collection') requireAccess(ctx, target, 'remove-collection');
  if (mode === 'move') await requireUnlocked(ctx, source.path, { membership: true, descendants: isCollection });
  await requireUnlocked(ctx, target.path, { membership: true, descendants: target.kind === 'collection' });
  if (exists) await services.checkDeletable(ctx, target);

  const now = ctx.deps.now();
  if (source.kind === 'resource') {
    const policy = services.content(targetParent.kind);
    const name = target.kind === 'missing' ? target.name : lastName(target.path);
    const index = await policy.acceptTransfer(ctx, source.meta, targetParent, name);
    if (target.kind === 'collection') await ctx.deps.store.collections.delete(target.path);
    try {
      await ctx.deps.store.resources.transfer(
        { collection: source.collection, name: source.name, etag: source.meta.etag },
        { collection: targetParent, name, index },
        mode,
        now,
      );
    } catch (error) {
      throw mapWriteError(error);
    }
    return new Response(null, { status: exists ? 204 : 201, headers: exists ? {} : { Location: encodePath(targetParent.path + name) } });
  }

  const targetParentResource: DavResource = { kind: 'collection', path: targetParent.path, collection: targetParent };
  if (!services.canContain(targetParentResource, source.collection.kind)) {
    throw new DavError(403, undefined, 'A collection of this kind cannot be placed there');
  }
  if (mode === 'copy' && !services.content(source.collection.kind).allowsSubcollections && source.collection.kind !== 'folder') {
    throw methodNotAllowed(['OPTIONS', 'PROPFIND', 'MOVE', 'DELETE'], 'Calendar collections cannot be copied; copy their objects instead');
  }
  if (mode === 'move') await services.checkDeletable(ctx, source);
  if (exists && target.kind === 'resource') await ctx.deps.store.resources.delete(target.collection, target.name, { any: true }, now);
  const depth = (ctx.request.headers.get('depth') ?? 'infinity').trim().toLowerCase();
  if (depth !== '0' && depth !== 'infinity') throw badRequest('Depth must be 0 or infinity');
  if (mode === 'move' && depth !== 'infinity') throw badRequest('MOVE of a collection must have Depth: infinity (RFC 4918 §9.9.2)');
  try {
    if (mode === 'move') await ctx.deps.store.collections.move(source.path, normalisedTarget, targetParent.path, target.kind === 'collection', now);
    else await ctx.deps.store.collections.copyTree(source.path, normalisedTarget, targetParent.path, targetParent.owner, depth === 'infinity', target.kind === 'collection', now);
  } catch (error) {
    if (error instanceof AlreadyExistsError) throw preconditionFailed('The destination exists');
    throw error;
  }
  return new Response(null, { status: exists ? 204 : 201, headers: exists ? {} : { Location: encodePath(normalisedTarget) } });
}

async function parentOf(ctx: DavContext, resource: DavResource) {
  if (resource.kind === 'resource') return resource.collection;
  if (resource.kind === 'collection') return (await ctx.deps.store.collections.get(parentPath(resource.path))) ?? null;
  return null;
}

function lastName(path: string): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
