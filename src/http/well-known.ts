// Well-known URIs (RFC 6764 §5 for CalDAV, RFC 7808 §4.1 for TZDist) redirect to the service's
// context path. GET and HEAD get 301, which browsers and every client have always followed.
// Any other method gets 307: after a 301 many HTTP libraries (Python requests, which the caldav
// library and vdirsyncer use) repeat a PROPFIND without its body, which the server must read
// as allprop, so current-user-principal never comes back and the client takes the well-known
// URL itself for its principal. 307 keeps the method and the body (RFC 9110 §15.4.8), is one of
// the statuses RFC 6764 §5 names, and, being temporary, keeps clients bootstrapping through the
// well-known URI if the context path moves. Apple Calendar and DAVx5 follow it for PROPFIND too.
import type { Context } from 'hono';
import { notFound } from '../dav/errors.ts';

/** Handler for the well-known URI itself (with or without a trailing slash). */
export function redirectToContextPath(contextPath: string): (c: Context) => Response {
  return (c) => {
    const method = c.req.method;
    const status = method === 'GET' || method === 'HEAD' ? 301 : 307;
    return c.redirect(`${contextPath}${new URL(c.req.url).search}`, status);
  };
}

/**
 * Handler for paths below a well-known URI. RFC 6764 registers only the URI itself; a client
 * that builds a path under it (a calendar to create, an object to store) has taken it for a
 * collection, and sending it elsewhere would make a request meant for one resource act on another.
 */
export function refuseBelowWellKnown(c: Context): never {
  const path = new URL(c.req.url).pathname;
  const base = path.split('/').slice(0, 3).join('/');
  throw notFound(`${path} does not exist: ${base} only redirects to the service; discover the principal and calendar home from there`);
}
