// The calendar management page at the calendar home (Cyrus caldav_allowcalendaradmin): browsers
// asking for HTML get the page, DAV clients keep the DAV answers on the same URL, and the page
// is off unless configured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus } from '../../helpers/multistatus.ts';
import { BROWSER_ACCEPT, cardHrefs, getPage, mkcalendarBody } from './page-helpers.ts';

const HOME = '/dav/calendars/user/alice/';
let on: TestApp;
let off: TestApp;

beforeAll(async () => {
  [on, off] = await Promise.all([makeTestApp({ caldav_allowcalendaradmin: 'on' }), makeTestApp()]);
  await on.request('MKCOL', `${HOME}work/`, {
    headers: { 'Content-Type': 'application/xml' },
    body: mkcalendarBody('<D:displayname>Work</D:displayname><A:calendar-order>1</A:calendar-order>'),
    expect: 201,
  });
});
afterAll(() => {
  on.close();
  off.close();
});

describe('caldav_allowcalendaradmin off (the default)', () => {
  it('answers a browser 404 at the calendar home', async () => {
    const page = await getPage(off);
    expect(page.status).toBe(404);
    expect(page.html).not.toContain('<html');
  });

  it('leaves the DAV answer to GET without text/html unchanged (405, no representation)', async () => {
    const response = await off.request('GET', HOME);
    expect(response.status).toBe(405);
  });
});

describe('caldav_allowcalendaradmin on: the page at /dav/calendars/user/<user>/', () => {
  it('serves HTML to a browser, with and without the trailing slash', async () => {
    for (const path of [HOME, HOME.slice(0, -1)]) {
      const page = await getPage(on, 'alice', path);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.html).toMatch(/^<!doctype html>/);
      expect(page.html).toContain('id="create-form"');
    }
  });

  it('lists calendars by calendar-order then name, hiding Inbox, Outbox and Attachments', async () => {
    const hrefs = cardHrefs((await getPage(on)).html);
    expect(hrefs).toEqual([`${HOME}work/`, `${HOME}Default/`]);
  });

  it('marks the default calendar and offers no Delete for it', async () => {
    const html = (await getPage(on)).html;
    const start = html.indexOf(`data-href="${HOME}Default/"`);
    const defaultCard = html.slice(start, html.indexOf('</article>', start));
    expect(defaultCard).toContain('class="badge default"');
    expect(defaultCard).not.toContain('data-action="delete"');
  });

  it('shows each calendar\'s subscribe, download and free-busy links', async () => {
    const html = (await getPage(on)).html;
    // No servername is configured: the page script completes the subscribe address from the browser's location.
    expect(html).toContain(`href="${HOME}work/" data-link="webcal" data-path="${HOME}work/"`);
    expect(html).toContain(`href="${HOME}work/" download="Work.ics"`);
    expect(html).toContain('href="/freebusy/user/alice/work"');
  });

  it('answers HEAD like GET without a body', async () => {
    const response = await on.request('HEAD', HOME, { headers: { Accept: BROWSER_ACCEPT }, expect: 200 });
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toBe('');
  });

  it('keeps DAV answers for DAV clients on the same URL: GET 405, PROPFIND 207', async () => {
    for (const accept of [undefined, '*/*', 'application/xml', 'text/html;q=0']) {
      const response = await on.request('GET', HOME, { headers: accept ? { Accept: accept } : {} });
      expect(response.status, String(accept)).toBe(405);
    }
    const response = await on.request('PROPFIND', HOME, { headers: { Depth: '1', Accept: BROWSER_ACCEPT }, expect: 207 });
    expect(parseMultistatus(await response.text()).has(`${HOME}work/`)).toBe(true);
  });

  it('challenges an anonymous browser with 401 Basic', async () => {
    const page = await getPage(on, null, HOME);
    expect(page.status).toBe(401);
    expect(page.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  });

  it('answers 404 for another user\'s home, as DAV does when the lookup right is missing', async () => {
    expect((await getPage(on, 'bob', HOME)).status).toBe(404);
  });

  it('answers 403 for another user\'s home that the user may read', async () => {
    const home = (await on.store.collections.get(HOME))!;
    await on.store.collections.setAcl(HOME, `${home.acl}bob\tlr\t`, Date.now());
    expect((await getPage(on, 'bob', HOME)).status).toBe(403);
  });

  it('sends a CSP with one nonce for its one style sheet and one script, and no inline handlers or style attributes', async () => {
    const page = await getPage(on);
    const csp = page.headers.get('content-security-policy')!;
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)![1]!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src 'nonce-${nonce}'`);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("img-src 'self' data:");
    expect(page.html.match(/<script/g)).toHaveLength(1);
    expect(page.html).toContain(`<script nonce="${nonce}">`);
    expect(page.html).toContain(`<style nonce="${nonce}">`);
    expect(page.html).not.toMatch(/\sstyle="/);
    expect(page.html).not.toMatch(/\son[a-z]+="/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('vary')).toContain('Accept');
    const again = await getPage(on);
    expect(again.headers.get('content-security-policy')).not.toBe(csp);
  });
});
