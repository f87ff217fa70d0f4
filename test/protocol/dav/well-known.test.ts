// RFC 6764 §5: /.well-known/caldav redirects every method to the context path, keeping the
// method and body where a client would otherwise drop them, and owns no paths below itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus, propText } from '../../helpers/multistatus.ts';

const PRINCIPAL_QUERY = '<propfind xmlns="DAV:"><prop><current-user-principal/></prop></propfind>';
let t: TestApp;

beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const locationPath = (response: Response) => new URL(response.headers.get('location')!, 'http://orrery.test').pathname;

describe('RFC 6764 §5 /.well-known/caldav', () => {
  it('redirects GET and HEAD with 301', async () => {
    for (const method of ['GET', 'HEAD']) {
      const response = await t.request(method, '/.well-known/caldav', { user: null, expect: 301 });
      expect(locationPath(response)).toBe('/dav/calendars/');
    }
  });

  it('redirects PROPFIND with 307, so the body survives, and the body answers at the target', async () => {
    const response = await t.request('PROPFIND', '/.well-known/caldav', { body: PRINCIPAL_QUERY, headers: { Depth: '0' }, expect: 307 });
    const target = locationPath(response);
    expect(target).toBe('/dav/calendars/');
    const followed = await t.request('PROPFIND', target, { body: PRINCIPAL_QUERY, headers: { Depth: '0' }, expect: 207 });
    expect(propText(parseMultistatus(await followed.text()).get(target), '{DAV:}current-user-principal')).toBe('/dav/principals/user/alice/');
  });

  it('treats the URI with a trailing slash as the same resource', async () => {
    const response = await t.request('PROPFIND', '/.well-known/caldav/', { body: PRINCIPAL_QUERY, headers: { Depth: '0' }, expect: 307 });
    expect(locationPath(response)).toBe('/dav/calendars/');
    await t.request('OPTIONS', '/.well-known/caldav', { expect: 307 });
  });

  it('answers 404 below the well-known URI instead of acting on another resource', async () => {
    for (const [method, path] of [
      ['MKCALENDAR', '/.well-known/caldav/holidays/'],
      ['PROPFIND', '/.well-known/caldav/holidays/'],
      ['PUT', '/.well-known/caldav/holidays/event.ics'],
      ['GET', '/.well-known/caldav/x'],
    ] as const) {
      const response = await t.request(method, path, { expect: 404 });
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('/.well-known/caldav only redirects');
    }
    const home = await t.request('PROPFIND', '/dav/calendars/user/alice/', { headers: { Depth: '1' }, expect: 207 });
    expect([...parseMultistatus(await home.text()).keys()].some((href) => href.includes('holidays'))).toBe(false);
  });
});

describe('RFC 7808 §4.1 /.well-known/timezone', () => {
  it('redirects GET to the TZDist context path with its query', async () => {
    const response = await t.request('GET', '/.well-known/timezone?action=capabilities', { user: null, expect: 301 });
    expect(response.headers.get('location')).toBe('/tzdist?action=capabilities');
  });
});
