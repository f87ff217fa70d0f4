// POST to a collection: RFC 5995 add-member (the server picks the name), else whatever an area
// handles (sharing, the scheduling Outbox, bulk import).
import { mediaType } from '../../http/body.ts';
import type { DavContext } from '../context.ts';
import { DavError, methodNotAllowed, notFound } from '../errors.ts';
import { resolveResource } from '../resolve.ts';
import type { DavServices } from '../services.ts';
import { encodePath } from '../path.ts';
import { handlePut } from './put.ts';

export async function handlePost(ctx: DavContext, services: DavServices): Promise<Response> {
  // Browsers send these cross-site without a CORS preflight, with the user's cached Basic
  // credentials: refuse them (request forgery). The calendar page itself posts XML types.
  if (isCrossSiteFormPost(ctx.request)) throw new DavError(403, undefined, 'Cross-site form submissions are refused');
  const resource = ctx.resource;
  if (resource.kind === 'missing') throw notFound();
  if (resource.kind === 'collection' && ctx.url.searchParams.get('action') === 'add-member') {
    const extension = resource.collection.kind === 'calendar' ? '.ics' : '';
    const path = `${resource.collection.path}${crypto.randomUUID()}${extension}`;
    const member = await resolveResource(ctx.deps.store, ctx.deps.config, encodePath(path));
    // The PUT answers 201 with the Location of the new member, which is what RFC 5995 §3.2 asks.
    return handlePut({ ...ctx, resource: member }, services, 'bind');
  }
  if (resource.kind === 'resource' && services.postResource) {
    const handled = await services.postResource(ctx);
    if (handled) return handled;
  }
  const handled = services.post ? await services.post(ctx) : null;
  if (handled) return handled;
  throw methodNotAllowed(['OPTIONS', 'GET', 'HEAD', 'PROPFIND'], 'POST is not supported on this resource');
}

// --- Internal helpers ---

/** Content types a page may POST to another site without a preflight (Fetch, CORS-safelisted Content-Type). */
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/** Only browsers send Sec-Fetch-Site and Origin, so DAV clients are never refused here. */
function isCrossSiteFormPost(request: Request): boolean {
  const type = mediaType(request.headers.get('content-type'));
  if (type !== null && !FORM_TYPES.has(type)) return false;
  const site = request.headers.get('sec-fetch-site');
  if (site !== null) return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.get('origin');
  if (origin === null) return false;
  try {
    return new URL(origin).host !== new URL(request.url).host;
  } catch {
    return true;
  }
}
