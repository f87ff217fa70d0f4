// GET and HEAD of a managed attachment (RFC 8607 §3.7): the body streamed from storage a chunk at a
// time, with the type and file name it was uploaded with. Access is the Attachments collection's
// ACL (anyone `lr` by default, the seed's rights table, so that attendees, here or elsewhere, can
// follow the ATTACH URL); the unguessable MANAGED-ID in the URL is what keeps it private.
import { requireAccess } from '../acl/check.ts';
import type { MethodHandler } from '../dav/mount.ts';
import { notFound } from '../dav/errors.ts';
import { checkReadConditions } from '../http/conditional.ts';

export function withAttachmentDownload(next: MethodHandler): MethodHandler {
  return async (ctx) => {
    const resource = ctx.resource;
    if (resource.kind !== 'missing' || resource.parent?.kind !== 'attachments' || resource.path.endsWith('/')) return next(ctx);
    requireAccess(ctx, resource, 'read');
    const attachment = await ctx.deps.store.attachments.get(resource.name);
    if (!attachment || attachment.owner !== resource.parent.owner) throw notFound();
    const etag = `"${attachment.hash.slice(0, 40)}"`;
    checkReadConditions(ctx.request, { exists: true, etag, lastModifiedMs: attachment.createdAt });
    const headers: Record<string, string> = {
      'Content-Type': attachment.contentType,
      'Content-Length': String(attachment.size),
      'Content-Disposition': contentDisposition(attachment.filename),
      ETag: etag,
      'Last-Modified': new Date(attachment.createdAt).toUTCString(),
      // Whatever type the uploader claimed, a browser must not run it on this origin.
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, max-age=3600',
    };
    if (ctx.request.method === 'HEAD') return new Response(null, { status: 200, headers });
    const chunks = ctx.deps.store.attachments.readBlob(attachment.blobId);
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        } catch (error) {
          ctx.deps.logger.error('Reading an attachment failed', { managedId: attachment.managedId, error: String(error) });
          controller.error(error);
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    });
    return new Response(body, { status: 200, headers });
  };
}

/** RFC 6266: `attachment`, the name as a quoted ASCII fallback and, if it needs it, as filename* in UTF-8. */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  if (ascii === filename) return `attachment; filename="${ascii}"`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
