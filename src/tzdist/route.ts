// The TZDist service (RFC 7808) as a Hono sub-app with routes relative to its context path; the
// composition root mounts it (at /tzdist) and redirects /.well-known/timezone to it (§4.2.1).
import { Hono } from 'hono';
import { handleCapabilities } from './capabilities.ts';
import { handleLeapSeconds } from './leapseconds.ts';
import { handleExpand } from './observances.ts';
import { problemResponse, TzdistError } from './problem.ts';
import { handleZoneGet } from './zone-get.ts';
import { handleZones } from './zones-list.ts';

export interface TzdistOptions {
  /** The path the sub-app is mounted at; used for the TZURL of served VTIMEZONEs. Default "/tzdist". */
  tzdistPath?: string;
  /**
   * This server's configured scheme://host[:port] (http/public-url.ts), for TZURL; without one
   * zones have no TZURL, since the request's Host header is not to be trusted with it.
   */
  origin?: string | null;
}

const ALLOW = 'GET, HEAD, OPTIONS';

export function createTzdistApp(options: TzdistOptions = {}): Hono {
  const tzdistPath = options.tzdistPath ?? '/tzdist';
  const origin = options.origin ?? null;
  const app = new Hono();

  app.get('/capabilities', (c) => answer(() => handleCapabilities(c.req.raw)));
  app.get('/leapseconds', (c) => answer(() => handleLeapSeconds(c.req.raw)));
  app.get('/zones', (c) => answer(() => handleZones(c.req.raw, new URL(c.req.url))));
  // A tzid has up to three "/"-separated segments ("America/Argentina/Buenos_Aires").
  app.get('/zones/:tzid{.+}', (c) =>
    answer(() => {
      const url = new URL(c.req.url);
      const path = c.req.param('tzid');
      const expand = /^(.+)\/observances\/?$/.exec(path);
      return expand
        ? handleExpand(c.req.raw, url, expand[1] as string)
        : handleZoneGet(c.req.raw, url, path.replace(/\/$/, ''), tzdistPath, origin);
    }),
  );
  app.options('*', () => new Response(null, { status: 204, headers: { Allow: ALLOW } }));
  app.all('*', (c) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      return new Response(null, { status: 405, headers: { Allow: ALLOW } });
    }
    return problemResponse(new TzdistError('invalid-action', `no TZDist action at ${new URL(c.req.url).pathname}`));
  });
  return app;
}

/** Client mistakes become RFC 7807 problems; anything else goes on to the app's error handler. */
function answer(handler: () => Response): Response {
  try {
    return handler();
  } catch (error) {
    if (error instanceof TzdistError) return problemResponse(error);
    throw error;
  }
}
