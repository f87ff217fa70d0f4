// PUT (RFC 4918 §9.7, RFC 4791 §5.3.2): create or replace a member resource. The content policy
// of the target collection validates the body; the write re-checks If-Match atomically. With
// Prefer: return=representation (RFC 7240 §4.2, RFC 8144 §3.2) the answer carries what is stored.
import { hasAccess, requireAccess, type AclOperation } from '../../acl/check.ts';
import { writeExpectation } from '../../http/conditional.ts';
import { readBodyBytes } from '../../http/body.ts';
import { PreconditionFailedError, UidConflictError, type CollectionRecord, type ResourceMeta, type ResourceRecord, type ResourceWrite, type WriteExpectation } from '../../storage/index.ts';
import type { ContentPolicy } from '../content.ts';
import type { DavContext } from '../context.ts';
import { conditionError, conflict, DavError, methodNotAllowed, preconditionFailed } from '../errors.ts';
import { requireUnlocked } from '../locking.ts';
import { encodePath } from '../path.ts';
import { preferences } from '../prefer.ts';
import type { DavResource } from '../resource.ts';
import type { DavServices } from '../services.ts';

export type CreateEmptyResource = (ctx: DavContext, resource: Extract<DavResource, { kind: 'missing' }>) => Promise<void>;

/**
 * `operation` is what the request needs on the target: write-content (`i`) for PUT, bind (`p`,
 * CY:add-resource) when POST add-member creates the member (the seed lists POST under `p` alone).
 */
export async function handlePut(ctx: DavContext, services: DavServices, operation: AclOperation = 'write-content'): Promise<Response> {
  const resource = ctx.resource;
  if (resource.kind === 'collection' || resource.kind === 'virtual' || resource.kind === 'principal') {
    throw methodNotAllowed(['OPTIONS', 'GET', 'HEAD', 'PROPFIND', 'PROPPATCH', 'DELETE'], 'PUT is not allowed on a collection');
  }
  if (resource.kind === 'missing' && !resource.parent) throw conflict('The parent collection does not exist (RFC 4918 §9.7.1)');
  if (resource.kind === 'missing' && resource.path.endsWith('/')) throw conflict('A resource name cannot end with a slash');
  if (ctx.request.headers.has('content-range')) throw new DavError(400, undefined, 'Content-Range is not supported on PUT (RFC 9110 §14.5)');
  const collection = resource.kind === 'resource' ? resource.collection : resource.parent!;
  const name = resource.name;
  requireAccess(ctx, resource, operation);
  const existing = resource.kind === 'resource' ? resource.meta : null;
  const wantsRepresentation = preferences(ctx.request).returnRepresentation && hasAccess(ctx, resource, 'read');
  let expect: ReturnType<typeof writeExpectation>;
  try {
    expect = writeExpectation(ctx.request, { exists: existing !== null, etag: existing?.etag ?? null, lastModifiedMs: existing?.modifiedAt ?? null });
    checkScheduleTagMatch(ctx.request, existing);
  } catch (error) {
    // RFC 8144 §3.2: a failed conditional PUT may answer with the current representation, which
    // saves the client the GET it would make next.
    if (wantsRepresentation && existing && error instanceof DavError && error.status === 412) {
      const current = await representation(ctx, services, collection.id, resource, 412, {});
      if (current) return current;
    }
    throw error;
  }
  await requireUnlocked(ctx, resource.path, { membership: existing === null });
  const policy = services.content(collection.kind);
  const maxBytes = policy.maxBytes(ctx);
  let body: Uint8Array;
  try {
    body = await readBodyBytes(ctx.request, maxBytes, 'resource');
  } catch (error) {
    if (collection.kind === 'calendar' && error instanceof DavError && error.status === 413) {
      throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}max-resource-size' }, `Calendar objects may be at most ${maxBytes} bytes`);
    }
    throw error;
  }
  const write = await policy.prepare(ctx, collection, name, body, ctx.request.headers.get('content-type'));
  const headers = await storeWrite(ctx, policy, collection, name, write, expect, existing as ResourceRecord | null);
  if (!existing) headers.Location = encodePath(resource.path);
  if (wantsRepresentation) {
    // What was stored, which implicit scheduling may have rewritten, with the ETag of that data.
    delete headers.ETag;
    const stored = await representation(ctx, services, collection.id, resource, existing ? 200 : 201, headers);
    if (stored) return stored;
  }
  return new Response(null, { status: existing ? 204 : 201, headers });
}

/**
 * Stores a prepared write under the expectation the request's conditions gave, runs the policy's
 * afterWrite hook (implicit scheduling) and returns the validators to answer with (PUT, PATCH).
 */
export async function storeWrite(
  ctx: DavContext,
  policy: ContentPolicy,
  collection: CollectionRecord,
  name: string,
  write: ResourceWrite,
  expect: WriteExpectation,
  previous: ResourceRecord | null,
): Promise<Record<string, string>> {
  let stored: ResourceMeta;
  try {
    stored = await ctx.deps.store.resources.put(collection, name, write, expect, ctx.deps.now());
  } catch (error) {
    throw mapWriteError(error);
  }
  const extra = policy.afterWrite ? await policy.afterWrite(ctx, { collection, name, stored, data: write.data, previous }) : undefined;
  const headers: Record<string, string> = { ETag: stored.etag, 'Last-Modified': new Date(stored.modifiedAt).toUTCString(), ...(extra ?? {}) };
  // A hook withdraws a header with an empty value: after implicit scheduling rewrote the stored data
  // the client's ETag would be wrong (RFC 6638 §3.2, RFC 4791 §5.3.4).
  for (const [header, value] of Object.entries(headers)) if (value === '') delete headers[header];
  return headers;
}

/**
 * If-Schedule-Tag-Match (RFC 6638 §8.3): the write goes ahead only when the resource exists with
 * that Schedule-Tag. An empty value matches a resource without one (Apple clients send it so).
 */
export function checkScheduleTagMatch(request: Request, existing: ResourceMeta | null): void {
  const wanted = request.headers.get('if-schedule-tag-match');
  if (wanted === null) return;
  const tag = wanted.trim();
  const current = existing?.scheduleTag ?? null;
  if (existing && (tag === '' ? current === null : current !== null && tag.split(',').some((t) => t.trim() === current))) return;
  throw preconditionFailed('If-Schedule-Tag-Match does not match the current Schedule-Tag');
}

/** Storage-domain write errors → protocol errors, for every method that writes resources. */
export function mapWriteError(error: unknown): unknown {
  if (error instanceof PreconditionFailedError) return preconditionFailed('The resource was changed by another request; fetch it again');
  if (error instanceof UidConflictError) {
    return conditionError(
      { name: '{urn:ietf:params:xml:ns:caldav}no-uid-conflict', href: encodePath(error.existingCollectionPath + error.existingName) },
      `Another resource in this calendar already uses this UID: ${error.existingName}`,
    );
  }
  if (error instanceof Error && error.name === 'StorageConflictError') return conflict('A concurrent request created the same resource');
  return error;
}

// --- Internal helpers ---

/** The stored resource as GET would give it, with Content-Location naming it (RFC 7240 §4.2). */
async function representation(
  ctx: DavContext,
  services: DavServices,
  collectionId: number,
  target: { path: string; name: string },
  status: number,
  headers: Record<string, string>,
): Promise<Response | null> {
  const record = await ctx.deps.store.resources.get(collectionId, target.name);
  if (!record) return null;
  const out = services.outgoingBody ? services.outgoingBody(ctx, record) : { body: record.data };
  const responseHeaders: Record<string, string> = {
    ...headers,
    'Content-Type': out.contentType ?? record.contentType,
    ETag: record.etag,
    'Last-Modified': new Date(record.modifiedAt).toUTCString(),
    'Content-Location': encodePath(target.path),
    'Preference-Applied': 'return=representation',
  };
  if (record.scheduleTag) responseHeaders['Schedule-Tag'] = record.scheduleTag;
  if (out.vary) responseHeaders.Vary = out.vary;
  return new Response(out.body as BodyInit, { status, headers: responseHeaders });
}
