// OPTIONS (RFC 4918 §10.1, RFC 4791 §5.1): the methods a resource allows and the DAV compliance
// classes that actually work here.
import type { AppConfig } from '../../config.ts';
import type { DavContext } from '../context.ts';
import type { DavResource } from '../resource.ts';
import type { DavServices } from '../services.ts';

export function davComplianceHeader(ctx: DavContext): string {
  return davComplianceClasses(ctx.deps.config, ctx.resource.kind === 'collection').join(', ');
}

/**
 * The DAV compliance classes (RFC 4918 §18) this configuration supports; `collection` adds those
 * that only collections have. The server-info document lists the same (src/server-info).
 */
export function davComplianceClasses(config: AppConfig, collection: boolean): string[] {
  // resource-sharing and calendarserver-sharing: Apple clients offer sharing only when they see them.
  const classes = ['1', '2', '3', 'access-control', 'extended-mkcol', 'add-member', 'resource-sharing'];
  if (config.httpmodules.has('caldav')) {
    classes.push('calendar-access');
    // RFC 6638 §2 and RFC 7953 §7.1: implicit scheduling, and availability on the scheduling Inbox.
    if (config.caldav_allowscheduling !== 'off') classes.push('calendar-auto-schedule', 'calendar-availability');
    if (config.httpmodules.has('tzdist')) classes.push('calendar-no-timezone');
    // RFC 8607 §3.1; rid is supported, so no calendar-managed-attachments-no-recurrence.
    if (config.caldav_allowattach) classes.push('calendar-managed-attachments');
    classes.push('calendarserver-sharing');
  }
  // WebDAV-Push draft §2: collections take push-register (src/push).
  if (config.webdav_push && collection) classes.push('webdav-push');
  return classes;
}

/** `services.patchFormat` says which members take PATCH: the WebDAV core knows no document format of its own. */
export function allowedMethods(resource: DavResource, services: Pick<DavServices, 'patchFormat'>): string[] {
  const read = ['OPTIONS', 'GET', 'HEAD', 'PROPFIND', 'REPORT'];
  switch (resource.kind) {
    case 'virtual':
    case 'principal':
      return ['OPTIONS', 'PROPFIND', 'REPORT'];
    case 'missing':
      return resource.parent ? ['OPTIONS', 'PUT', 'MKCOL', 'MKCALENDAR', 'LOCK'] : ['OPTIONS', 'MKCALENDAR'];
    case 'resource':
      return [...read, 'PUT', ...(services.patchFormat?.(resource.collection.kind) ? ['PATCH'] : []), 'DELETE', 'PROPPATCH', 'COPY', 'MOVE', 'LOCK', 'UNLOCK'];
    case 'collection':
      return [...read, 'POST', 'DELETE', 'PROPPATCH', 'COPY', 'MOVE', 'MKCOL', 'LOCK', 'UNLOCK', 'ACL'];
  }
}

/** `acceptPatch`: the patch documents the resource, or the members of the collection, take (RFC 5789 §3.1). */
export function handleOptions(ctx: DavContext, services: Pick<DavServices, 'patchFormat'>, acceptPatch: string | null = null): Response {
  const headers: Record<string, string> = { Allow: allowedMethods(ctx.resource, services).join(', '), DAV: davComplianceHeader(ctx), 'Content-Length': '0' };
  if (acceptPatch) headers['Accept-Patch'] = acceptPatch;
  return new Response(null, { status: 200, headers });
}
