// POST to a collection: RFC 5995 add-member (the server picks the name), else whatever an area
// handles (sharing, the scheduling Outbox, bulk import).
import type { DavContext } from '../context.ts';
import { methodNotAllowed, notFound } from '../errors.ts';
import { resolveResource } from '../resolve.ts';
import type { DavServices } from '../services.ts';
import { encodePath } from '../path.ts';
import { handlePut } from './put.ts';

export async function handlePost(ctx: DavContext, services: DavServices): Promise<Response> {
  const resource = ctx.resource;
  if (resource.kind === 'missing') throw notFound();
  if (resource.kind === 'collection' && ctx.url.searchParams.get('action') === 'add-member') {
    const extension = resource.collection.kind === 'calendar' ? '.ics' : '';
    const path = `${resource.collection.path}${crypto.randomUUID()}${extension}`;
    const member = await resolveResource(ctx.deps.store, ctx.deps.config, encodePath(path));
    // The PUT answers 201 with the Location of the new member, which is what RFC 5995 §3.2 asks.
    return handlePut({ ...ctx, resource: member }, services, 'bind');
  }
  const handled = services.post ? await services.post(ctx) : null;
  if (handled) return handled;
  throw methodNotAllowed(['OPTIONS', 'GET', 'HEAD', 'PROPFIND'], 'POST is not supported on this resource');
}
