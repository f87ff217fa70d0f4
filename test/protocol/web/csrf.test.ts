// Request forgery: a browser sends form-encoded and text/plain POSTs to another site without a
// CORS preflight, with the Basic credentials it has cached. The DAV area refuses those when
// Origin or Sec-Fetch-Site show a cross-site request; everything the page itself sends needs a
// preflight (MKCOL, PROPPATCH, PUT, DELETE, POST of application/davsharing+xml).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../helpers/app.ts';
import { SHARE, SHARING_TYPE } from './page-helpers.ts';

const CAL = '/dav/calendars/user/alice/Default/';
const ORIGIN = 'http://orrery.test';
let t: TestApp;

async function aclOf(path: string): Promise<string> {
  return (await t.store.collections.get(path))!.acl;
}

beforeAll(async () => {
  t = await makeTestApp({ caldav_allowcalendaradmin: 'on' });
  for (const user of ['alice', 'bob']) await t.request('PROPFIND', `/dav/calendars/user/${user}/`, { user, headers: { Depth: '0' }, expect: 207 });
});
afterAll(() => t.close());

describe('cross-site form POSTs to the DAV area', () => {
  it('refuses a form-encoded POST from another origin with 403 and changes nothing', async () => {
    const before = await aclOf(CAL);
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain']) {
      const response = await t.request('POST', CAL, { headers: { 'Content-Type': type, Origin: 'https://evil.example' }, body: SHARE('DAV:all', 'read') });
      expect(response.status, type).toBe(403);
      expect(await response.text()).toMatch(/cross-site/i);
    }
    expect(await aclOf(CAL)).toBe(before);
  });

  it('refuses when Sec-Fetch-Site says cross-site or same-site, whatever Origin says', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const response = await t.request('POST', `${CAL}?action=add-member`, { headers: { 'Content-Type': 'text/plain', 'Sec-Fetch-Site': site, Origin: ORIGIN }, body: 'x' });
      expect(response.status, site).toBe(403);
      expect(await response.text()).toMatch(/cross-site/i);
    }
  });

  it('refuses an opaque origin ("null", as from a sandboxed frame)', async () => {
    const response = await t.request('POST', CAL, { headers: { 'Content-Type': 'text/plain', Origin: 'null' }, body: 'x' });
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/cross-site/i);
  });

  it('lets a same-origin POST through to the handler (which then decides)', async () => {
    const response = await t.request('POST', CAL, { headers: { 'Content-Type': 'text/plain', Origin: ORIGIN, 'Sec-Fetch-Site': 'same-origin' }, body: 'x' });
    expect(await response.text()).not.toMatch(/cross-site/i);
  });

  it('leaves DAV clients, which send neither header, alone', async () => {
    const response = await t.request('POST', CAL, { headers: SHARING_TYPE, body: SHARE('/dav/principals/user/bob/', 'read'), expect: 204 });
    expect(response.status).toBe(204);
    expect(await aclOf(CAL)).toContain('bob\t');
  });

  it('does not judge non-form types, which a browser cannot send cross-site without a preflight', async () => {
    const response = await t.request('POST', CAL, { headers: { ...SHARING_TYPE, Origin: ORIGIN }, body: SHARE('/dav/principals/user/bob/', 'no-access'), expect: 204 });
    expect(response.status).toBe(204);
  });
});
