// GET of a notification: the stored DAV form for clients that ask for application/davsharing+xml
// (or davnotification+xml), the CalendarServer form otherwise, as Cyrus `notify_get` decides:
// Apple clients fetch notifications without an Accept header.
import { requireAccess } from '../acl/check.ts';
import type { DavContext } from '../dav/context.ts';
import type { MethodHandler } from '../dav/mount.ts';
import { parseXml } from '../dav/xml/parse.ts';
import { toXml } from '../dav/xml/serialize.ts';
import { legacyNotification } from './documents.ts';

export function withNotificationNegotiation(next: MethodHandler): MethodHandler {
  return async (ctx) => {
    const resource = ctx.resource;
    if (resource.kind !== 'resource' || resource.collection.kind !== 'notifications' || wantsDavForm(ctx)) return next(ctx);
    requireAccess(ctx, resource, 'read');
    const record = await ctx.deps.store.resources.get(resource.collection.id, resource.name);
    const legacy = record && typeof record.data === 'string' ? legacyNotification(parseXml(record.data), resource.name, resource.collection.owner ?? '') : null;
    if (!legacy) return next(ctx);
    const body = toXml(legacy);
    const headers = { 'Content-Type': 'application/xml; charset=utf-8', ETag: `W/${resource.meta.etag}`, Vary: 'Accept' };
    return new Response(ctx.request.method === 'HEAD' ? null : body, { status: 200, headers });
  };
}

function wantsDavForm(ctx: DavContext): boolean {
  const accept = ctx.request.headers.get('accept') ?? '';
  return /application\/dav(sharing|notification)\+xml/i.test(accept);
}
