// The TZDist sub-app mounted the way the composition root mounts it, plus a request helper.
import { Hono } from 'hono';
import { createTzdistApp } from '../../../src/tzdist/index.ts';

export const BASE = 'http://tz.example.org/tzdist';

/** As app.ts mounts it when servername (or http_baseurl) names this server tz.example.org. */
export function makeTzdistApp(origin: string | null = 'http://tz.example.org'): Hono {
  return new Hono().route('/tzdist', createTzdistApp({ tzdistPath: '/tzdist', origin }));
}

export function request(app: Hono, path: string, init: RequestInit = {}): Promise<Response> {
  return Promise.resolve(app.fetch(new Request(BASE + path, init)));
}

/** The parsed RFC 7807 body of a problem response, after checking its media type. */
export async function problem(response: Response): Promise<{ type: string; status: number; title: string; detail?: string }> {
  if (response.headers.get('Content-Type') !== 'application/problem+json; charset=utf-8') {
    throw new Error(`not a problem document: ${response.headers.get('Content-Type')} ${await response.text()}`);
  }
  return (await response.json()) as { type: string; status: number; title: string; detail?: string };
}
