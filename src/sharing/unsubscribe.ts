// DELETE of a shared calendar in the sharee's home ends the subscription and leaves the
// sharer's calendar alone (Cyrus: DELETE on "<owner>.<calendar>" unsubscribes).
import type { DavContext } from '../dav/context.ts';
import { notFound } from '../dav/errors.ts';
import type { MethodHandler } from '../dav/mount.ts';
import { isAliasResource } from './alias.ts';

/** Wraps the DELETE handler: aliases of shared calendars are unsubscribed, everything else deleted. */
export function withUnsubscribe(handleDelete: MethodHandler): MethodHandler {
  return (ctx) => (isAliasResource(ctx.resource) ? unsubscribe(ctx, ctx.resource) : handleDelete(ctx));
}

async function unsubscribe(ctx: DavContext, resource: Extract<DavContext['resource'], { kind: 'collection' }>): Promise<Response> {
  const sharee = /^\/dav\/calendars\/user\/([^/]+)\//.exec(resource.path)![1]!;
  // The subscription is the sharee's own: no right on the sharer's calendar is needed to drop
  // it, and nobody else may see that it exists.
  if (ctx.principal?.name !== sharee && !ctx.principal?.isAdmin) throw notFound();
  await ctx.deps.store.shares.decline(resource.collection.id, sharee, ctx.deps.now());
  return new Response(null, { status: 204 });
}
