// DELETE (RFC 4918 §9.6): a resource, or a collection with everything in it.
import { requireAccess } from '../../acl/check.ts';
import { writeExpectation } from '../../http/conditional.ts';
import type { DavContext } from '../context.ts';
import { badRequest, methodNotAllowed, notFound } from '../errors.ts';
import { requireUnlocked } from '../locking.ts';
import { collectionEtag } from '../properties/webdav.ts';
import type { DavServices } from '../services.ts';
import { checkScheduleTagMatch, mapWriteError } from './put.ts';
import type { CollectionRecord, NewSchedulingJob, ResourceRecord, SchedulingEffects } from '../../storage/index.ts';
import type { ContentPolicy, DeleteEvent } from '../content.ts';

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
  const removals = await memberRemovals(ctx, services, resource.collection);
  await ctx.deps.store.collections.delete(resource.path, now, removals.effects);
  for (const { policy, event } of removals.events) if (policy.afterDelete) await policy.afterDelete(ctx, event);
  return new Response(null, { status: 204 });
}

/**
 * A collection's DELETE acts as a DELETE of each member (RFC 4918 §9.6.1), so the areas that act
 * on a member's removal see each one: their effects (the CANCELs or declines of implicit
 * scheduling, RFC 6638 §3.2.1.3, §3.2.2.4) are stored with the deletion, in its batch. Only
 * members that carry a Schedule-Tag can have such effects, so only they are read.
 */
async function memberRemovals(ctx: DavContext, services: DavServices, collection: CollectionRecord): Promise<{ effects: SchedulingEffects | undefined; events: { policy: ContentPolicy; event: DeleteEvent }[] }> {
  const events: { policy: ContentPolicy; event: DeleteEvent }[] = [];
  const enqueue: NewSchedulingJob[] = [];
  const pending = [collection];
  while (pending.length > 0) {
    const current = pending.pop()!;
    pending.push(...(await ctx.deps.store.collections.listChildren(current.path)));
    const policy = services.content(current.kind);
    if (!policy.prepareDelete) continue;
    for await (const page of ctx.deps.store.resources.iterateMeta(current.id)) {
      const scheduled = page.filter((meta) => meta.scheduleTag !== null).map((meta) => meta.name);
      if (scheduled.length === 0) continue;
      for (const previous of await ctx.deps.store.resources.getMany(current.id, scheduled)) {
        const event: DeleteEvent = { collection: current, name: previous.name, previous };
        const effects = await policy.prepareDelete(ctx, event);
        enqueue.push(...(effects?.enqueue ?? []));
        events.push({ policy, event });
      }
    }
  }
  return { effects: enqueue.length > 0 ? { enqueue } : undefined, events };
}
