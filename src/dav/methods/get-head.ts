// GET and HEAD (RFC 4918 §9.4): resources as stored; collections through the area's exporter.
import { requireAccess } from '../../acl/check.ts';
import { checkReadConditions } from '../../http/conditional.ts';
import type { DavContext } from '../context.ts';
import { methodNotAllowed, notFound } from '../errors.ts';
import type { DavResource } from '../resource.ts';
import type { ResourceRecord } from '../../storage/index.ts';
import { encodeUtf8 } from '../../bytes/utf8.ts';

/** Renders a collection for GET (calendar export, web page, folder listing); null means 405. */
export type CollectionRenderer = (ctx: DavContext, resource: DavResource) => Promise<Response | null>;

/**
 * Rewrites a stored body on its way out (RFC 7809 puts referenced time zones back). `vary` names
 * the request headers the result depends on, whether or not this request changed anything: a
 * shared cache must not hand one form to a client that asked for the other. `contentType` is set
 * when the body is sent in another form than stored (jCal or xCal chosen by Accept).
 */
export type BodyTransform = (ctx: DavContext, record: ResourceRecord) => { body: string | Uint8Array; vary?: string; contentType?: string };

export async function handleGetHead(ctx: DavContext, renderCollection: CollectionRenderer, transformBody?: BodyTransform): Promise<Response> {
  const resource = ctx.resource;
  if (resource.kind === 'missing') {
    // An anonymous caller gets the chance to authenticate before being told there is nothing.
    if (!ctx.principal && resource.parent) requireAccess(ctx, resource, 'read');
    throw notFound();
  }
  if (resource.kind !== 'resource') {
    const rendered = await renderCollection(ctx, resource);
    if (rendered) return ctx.request.method === 'HEAD' ? new Response(null, { status: rendered.status, headers: rendered.headers }) : rendered;
    if (resource.kind === 'collection') requireAccess(ctx, resource, 'read');
    throw methodNotAllowed(['OPTIONS', 'PROPFIND'], 'This collection has no GET representation');
  }
  requireAccess(ctx, resource, 'read');
  const meta = resource.meta;
  checkReadConditions(ctx.request, { exists: true, etag: meta.etag, lastModifiedMs: meta.modifiedAt });
  const headers: Record<string, string> = {
    'Content-Type': meta.contentType,
    'Content-Length': String(meta.size),
    ETag: meta.etag,
    'Last-Modified': new Date(meta.modifiedAt).toUTCString(),
  };
  if (meta.scheduleTag) headers['Schedule-Tag'] = meta.scheduleTag;
  // Resolution loaded the whole record; fetch again only if something handed us metadata alone.
  const record = 'data' in meta ? (meta as ResourceRecord) : await ctx.deps.store.resources.get(resource.collection.id, resource.name);
  if (!record) throw notFound();
  const out = transformBody ? transformBody(ctx, record) : { body: record.data };
  if (out.vary) headers.Vary = out.vary;
  if (out.contentType) headers['Content-Type'] = out.contentType;
  let body = out.body;
  if (body !== record.data) {
    if (typeof body === 'string') body = encodeUtf8(body);
    headers['Content-Length'] = String(body.byteLength);
  }
  if (ctx.request.method === 'HEAD') return new Response(null, { status: 200, headers });
  return new Response(body as BodyInit, { status: 200, headers });
}

