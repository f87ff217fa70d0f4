// OPTIONS (RFC 4918 §10.1, RFC 4791 §5.1): the methods a resource allows and the DAV compliance
// classes that actually work here.
import type { DavContext } from '../context.ts';
import type { DavResource } from '../resource.ts';

export function davComplianceHeader(ctx: DavContext): string {
  // resource-sharing and calendarserver-sharing: Apple clients offer sharing only when they see them.
  const classes = ['1', '2', '3', 'access-control', 'extended-mkcol', 'add-member', 'resource-sharing'];
  if (ctx.deps.config.httpmodules.has('caldav')) {
    classes.push('calendar-access');
    // RFC 6638 §2 and RFC 7953 §7.1: implicit scheduling, and availability on the scheduling Inbox.
    if (ctx.deps.config.caldav_allowscheduling !== 'off') classes.push('calendar-auto-schedule', 'calendar-availability');
    if (ctx.deps.config.httpmodules.has('tzdist')) classes.push('calendar-no-timezone');
    classes.push('calendarserver-sharing');
  }
  return classes.join(', ');
}

export function allowedMethods(resource: DavResource): string[] {
  const read = ['OPTIONS', 'GET', 'HEAD', 'PROPFIND', 'REPORT'];
  switch (resource.kind) {
    case 'virtual':
    case 'principal':
      return ['OPTIONS', 'PROPFIND', 'REPORT'];
    case 'missing':
      return resource.parent ? ['OPTIONS', 'PUT', 'MKCOL', 'MKCALENDAR', 'LOCK'] : ['OPTIONS', 'MKCALENDAR'];
    case 'resource':
      return [...read, 'PUT', 'DELETE', 'PROPPATCH', 'COPY', 'MOVE', 'LOCK', 'UNLOCK'];
    case 'collection':
      return [...read, 'POST', 'DELETE', 'PROPPATCH', 'COPY', 'MOVE', 'MKCOL', 'LOCK', 'UNLOCK', 'ACL'];
  }
}

export function handleOptions(ctx: DavContext): Response {
  return new Response(null, {
    status: 200,
    headers: { Allow: allowedMethods(ctx.resource).join(', '), DAV: davComplianceHeader(ctx), 'Content-Length': '0' },
  });
}
