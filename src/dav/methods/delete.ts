// DELETE (RFC 4918 §9.6): a resource, or a collection with everything in it.
import { requireAccess } from '../../acl/check.ts';
import { writeExpectation } from '../../http/conditional.ts';
import type { DavContext } from '../context.ts';
import { badRequest, methodNotAllowed, notFound } from '../errors.ts';
import { requireUnlocked } from '../locking.ts';
import { collectionEtag } from '../properties/webdav.ts';
import type { DavServices } from '../services.ts';
import { checkScheduleTagMatch, mapWriteError } from './put.ts';
import type { ResourceRecord } from '../../storage/index.ts';

export async function handleDelete(ctx: DavContext, services: DavServices): Promise<Response> {
  const resource = ctx.resource;
  if (resource.kind === 'missing') throw notFound();
  if (resource.kind === 'virtual' || resource.kind === 'principal') throw methodNotAllowed(['OPTIONS', 'PROPFIND'], 'This resource cannot be deleted');
  const now = ctx.deps.now();
  if (resource.kind === 'resource') {
    requireAccess(ctx, resource, 'remove-resource');
    const meta = resource.meta;
    const expect = writeExpectation(ctx.request, { exists: true, etag: meta.etag, lastModifiedMs: meta.modifiedAt });
    checkScheduleTagMatch(ctx.request, meta);
    await requireUnlocked(ctx, resource.path, { membership: true });
    await services.checkDeletable(ctx, resource);
    const policy = services.content(resource.collection.kind);
    const event = { collection: resource.collection, name: resource.name, previous: meta as ResourceRecord };
    const effects = policy.prepareDelete ? await policy.prepareDelete(ctx, event) : undefined;
    try {
      await ctx.deps.store.resources.delete(resource.collection, resource.name, expect, now, effects);
    } catch (error) {
      throw mapWriteError(error);
    }
    if (policy.afterDelete) await policy.afterDelete(ctx, event);
    return new Response(null, { status: 204 });
  }
  const depth = ctx.request.headers.get('depth');
  if (depth !== null && depth.trim().toLowerCase() !== 'infinity') throw badRequest('DELETE of a collection must have Depth: infinity (RFC 4918 §9.6.1)');
  requireAccess(ctx, resource, 'remove-collection');
  writeExpectation(ctx.request, { exists: true, etag: collectionEtag(resource.collection), lastModifiedMs: resource.collection.modifiedAt });
  await requireUnlocked(ctx, resource.path, { membership: true, descendants: true });
  await services.checkDeletable(ctx, resource);
  await ctx.deps.store.collections.delete(resource.path);
  return new Response(null, { status: 204 });
}
