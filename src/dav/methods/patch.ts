// PATCH (RFC 5789): applies a patch document to an existing member resource. The area of the
// collection says which document type it takes (VPATCH for calendar objects); the patched result
// then goes through the collection's content policy exactly as a PUT body would, and the write
// re-checks the ETag it was computed from, so a concurrent change makes it fail rather than be lost.
import { requireAccess } from '../../acl/check.ts';
import { readBodyBytes } from '../../http/body.ts';
import { writeExpectation } from '../../http/conditional.ts';
import type { DavContext } from '../context.ts';
import { DavError, methodNotAllowed, notFound } from '../errors.ts';
import { requireUnlocked } from '../locking.ts';
import type { DavServices } from '../services.ts';
import { allowedMethods } from './options.ts';
import { checkScheduleTagMatch, storeWrite } from './put.ts';

export async function handlePatch(ctx: DavContext, services: DavServices): Promise<Response> {
  const resource = ctx.resource;
  // RFC 5789 §2: the server may create a resource, but a patch document here always describes
  // changes to an existing one (draft-daboo-icalendar-vpatch §13), so a missing target is 404.
  if (resource.kind === 'missing') throw notFound('PATCH changes an existing resource; create it with PUT');
  if (resource.kind !== 'resource') throw methodNotAllowed(allowedMethods(resource, services), 'PATCH applies to member resources, not collections');
  const format = services.patchFormat?.(resource.collection.kind) ?? null;
  if (!format) throw methodNotAllowed(allowedMethods(resource, services), 'Resources in this collection cannot be patched');
  const contentType = ctx.request.headers.get('content-type');
  if (!format.accepts(contentType)) {
    // RFC 5789 §2.2: an unsupported patch document is 415, with Accept-Patch saying what is supported.
    throw new DavError(415, undefined, `PATCH takes ${format.acceptPatch} here, not ${contentType ?? 'a body without a Content-Type'}`, { 'Accept-Patch': format.acceptPatch });
  }
  requireAccess(ctx, resource, 'write-content');
  const { collection, name } = resource;
  const current = await ctx.deps.store.resources.get(collection.id, name);
  if (!current) throw notFound();
  const expect = writeExpectation(ctx.request, { exists: true, etag: current.etag, lastModifiedMs: current.modifiedAt });
  checkScheduleTagMatch(ctx.request, current);
  await requireUnlocked(ctx, resource.path);
  const policy = services.content(collection.kind);
  const patch = await readBodyBytes(ctx.request, policy.maxBytes(ctx), 'patch document');
  const patched = await format.apply(ctx, current, patch);
  if (!patched) {
    // Nothing changed, so nothing is written and the validators stay as they were.
    return new Response(null, { status: 204, headers: { ETag: current.etag, 'Last-Modified': new Date(current.modifiedAt).toUTCString() } });
  }
  let write;
  try {
    write = await policy.prepare(ctx, collection, name, patched, current.contentType);
  } catch (error) {
    throw asUnprocessable(error);
  }
  const headers = await storeWrite(ctx, policy, collection, name, write, expect, current);
  return new Response(null, { status: 204, headers });
}

// --- Internal helpers ---

/**
 * RFC 5789 §2.2: a patch that would leave the resource invalid is 422, not the 403 a PUT of the
 * same content gets; the precondition element (CALDAV:valid-calendar-object-resource…) is kept.
 * Cyrus maps its PUT refusals the same way. Access refusals stay 403.
 */
function asUnprocessable(error: unknown): unknown {
  if (!(error instanceof DavError) || error.status !== 403 || error.precondition?.name === '{DAV:}need-privileges') return error;
  return new DavError(422, error.precondition, error.message, error.headers);
}
