// HTTP behaviour shared by all TZDist actions: caching and conditional requests (RFC 7808 §4.1,
// RFC 9110 §13), methods, and RFC 7807 problem documents for requests that map to no action.
import { describe, expect, it } from 'vitest';
import { makeTzdistApp, problem, request } from './tzdist-app.ts';

const app = makeTzdistApp();

const ACTIONS = [
  '/capabilities',
  '/zones',
  '/zones?pattern=Paris',
  '/zones/Europe/Paris',
  '/zones/Europe/Paris?start=2020-01-01T00:00:00Z',
  '/zones/Europe/Paris?format=application/tzif',
  '/zones/Europe/Paris/observances?start=2020-01-01T00:00:00Z&end=2021-01-01T00:00:00Z',
  '/leapseconds',
];

describe('RFC 7808 §4.1.2 caching', () => {
  it.each(ACTIONS)('%s has a strong ETag, a day of public caching and Vary: Accept', async (path) => {
    const response = await request(app, path);
    expect(response.status).toBe(200);
    expect(response.headers.get('ETag')).toMatch(/^"[^"]+"$/);
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=86400');
    expect(response.headers.get('Vary')).toBe('Accept');
    expect(Number.isNaN(Date.parse(response.headers.get('Last-Modified') ?? ''))).toBe(false);
  });

  it.each(ACTIONS)('%s answers If-None-Match with its ETag by 304 and no body', async (path) => {
    const etag = (await request(app, path)).headers.get('ETag') as string;
    const response = await request(app, path, { headers: { 'If-None-Match': `"other", W/${etag}` } });
    expect(response.status).toBe(304);
    expect(response.headers.get('ETag')).toBe(etag);
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=86400');
    expect(await response.text()).toBe('');
  });

  it('gives every representation of a zone its own ETag', async () => {
    const tags = await Promise.all([
      '/zones/Europe/Paris',
      '/zones/Europe/Paris?format=application/calendar%2Bjson',
      '/zones/Europe/Paris?format=application/calendar%2Bxml',
      '/zones/Europe/Paris?format=application/tzif',
      '/zones/Europe/Paris?format=application/tzif-leap',
      '/zones/Europe/Paris?start=2020-01-01T00:00:00Z',
      '/zones/Europe/Paris?end=2030-01-01T00:00:00Z',
    ].map(async (path) => (await request(app, path)).headers.get('ETag')));
    expect(new Set(tags).size).toBe(tags.length);
  });

  it('serves the body again for a stale ETag, and honours If-Modified-Since otherwise', async () => {
    const stale = await request(app, '/zones/Europe/Paris', { headers: { 'If-None-Match': '"stale"' } });
    expect(stale.status).toBe(200);
    const lastModified = stale.headers.get('Last-Modified') as string;
    const since = await request(app, '/zones/Europe/Paris', { headers: { 'If-Modified-Since': lastModified } });
    expect(since.status).toBe(304);
    const before = await request(app, '/zones/Europe/Paris', { headers: { 'If-Modified-Since': 'Thu, 01 Jan 2015 00:00:00 GMT' } });
    expect(before.status).toBe(200);
    // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    const both = await request(app, '/zones/Europe/Paris', { headers: { 'If-None-Match': '"stale"', 'If-Modified-Since': lastModified } });
    expect(both.status).toBe(200);
  });
});

describe('methods and unknown actions', () => {
  it('answers HEAD like GET without a body', async () => {
    const response = await request(app, '/zones/Europe/Paris', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('ETag')).toMatch(/^"/);
    expect(await response.text()).toBe('');
  });

  it('lists its methods for OPTIONS and refuses writes with 405', async () => {
    const options = await request(app, '/zones', { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('Allow')).toBe('GET, HEAD, OPTIONS');
    for (const method of ['PUT', 'POST', 'DELETE']) {
      const response = await request(app, '/zones/Europe/Paris', { method, body: 'x' });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('Allow')).toBe('GET, HEAD, OPTIONS');
    }
  });

  it('answers paths that name no action with 400 invalid-action', async () => {
    for (const path of ['', '/', '/timezones', '/capabilities/extra', '/leapseconds/2016']) {
      const response = await request(app, path);
      expect(response.status, path).toBe(400);
      const body = await problem(response);
      expect(body).toMatchObject({ type: 'urn:ietf:params:tzdist:error:invalid-action', status: 400 });
      expect(body.title.length).toBeGreaterThan(0);
    }
  });
});
