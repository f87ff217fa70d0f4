// The single error renderer: DavError → status + <D:error> with the RFC condition and a readable
// message; anything else is logged and answered with a bare 500.
import type { Logger } from '../dav/context.ts';
import { DavError, type Precondition } from '../dav/errors.ts';
import { el, type XmlElement } from '../dav/xml/element.ts';
import { dav, orrery } from '../dav/xml/names.ts';
import { toXml } from '../dav/xml/serialize.ts';

export function errorResponse(error: unknown, logger: Logger, request?: Request): Response {
  if (error instanceof DavError) {
    const headers = new Headers(error.headers);
    if (error.status >= 500) logger.error(error.message, { method: request?.method, url: request?.url });
    if (request?.method === 'HEAD' || error.status === 304) return new Response(null, { status: error.status, headers });
    if (error.precondition) {
      headers.set('Content-Type', 'application/xml; charset=utf-8');
      const body = el(dav('error'), [preconditionElement(error.precondition), el(orrery('message'), error.message)]);
      return new Response(toXml(body), { status: error.status, headers });
    }
    headers.set('Content-Type', 'text/plain; charset=utf-8');
    return new Response(`${error.message}\n`, { status: error.status, headers });
  }
  logger.error('Unexpected error', { method: request?.method, url: request?.url, error: error instanceof Error ? error.stack ?? error.message : String(error) });
  return new Response('Internal server error\n', { status: 500, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

export function preconditionElement(precondition: Precondition): XmlElement {
  switch (precondition.name) {
    case '{DAV:}need-privileges':
      return el(
        precondition.name,
        precondition.resources.map((r) => el(dav('resource'), [el(dav('href'), r.href), el(dav('privilege'), el(r.privilege))])),
      );
    case '{urn:ietf:params:xml:ns:caldav}no-uid-conflict':
    case '{urn:ietf:params:xml:ns:caldav}unique-scheduling-object-resource':
      return el(precondition.name, el(dav('href'), precondition.href));
    case '{DAV:}lock-token-submitted':
    case '{DAV:}no-conflicting-lock':
      return el(precondition.name, precondition.hrefs.map((href) => el(dav('href'), href)));
    default:
      return el(precondition.name);
  }
}
