// The server-information document (draft-douglass-server-info) as Cyrus 3.6 serves it: at
// /dav/principals/.server-info for signed-in users, announced by `Link: <...>; rel="server-info";
// token="..."` on OPTIONS and whenever a client's Server-Info-Token is out of date, listing what
// this configuration implements, with a token that changes when the configuration's features do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../helpers/app.ts';
import { childElements, findChild, parseXml, textContent } from '../../helpers/multistatus.ts';
import type { XmlElement } from '../../../src/dav/xml/element.ts';

const INFO = '/dav/principals/.server-info';
const DAV = 'DAV:';
const CALDAV = 'urn:ietf:params:xml:ns:caldav';
const LINK = /^<([^>]+)>; rel="server-info"; token="([^"]+)"$/;

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({ caldav_allowattach: 'on' });
});
afterAll(() => t.close());

function linkOf(response: Response): { target: string; token: string } | null {
  const link = response.headers.get('Link');
  if (link === null) return null;
  const match = LINK.exec(link);
  expect(match, link).not.toBeNull();
  return { target: match![1]!, token: match![2]! };
}

async function document(app: TestApp): Promise<{ root: XmlElement; etag: string | null }> {
  const response = await app.request('GET', INFO, { expect: 200 });
  expect(response.headers.get('Content-Type')).toBe('application/server-info+xml; charset=utf-8');
  return { root: parseXml(await response.text()), etag: response.headers.get('ETag') };
}

const names = (element: XmlElement | undefined) => (element ? childElements(element).map((child) => child.name) : []);

function application(root: XmlElement, name: string): XmlElement | undefined {
  return childElements(findChild(root, `{${DAV}}applications`)!).find((app) => textContent(findChild(app, `{${DAV}}name`)!) === name);
}

describe('the Link header', () => {
  it('OPTIONS on any DAV resource points to the document with its token', async () => {
    for (const path of ['/dav/calendars/user/alice/', '/dav/calendars/user/alice/Default/', '/dav/principals/user/alice/']) {
      const link = linkOf(await t.request('OPTIONS', path, { expect: 200 }));
      expect(link?.target).toBe(INFO);
    }
  });

  it('other methods carry it only when Server-Info-Token is absent-but-asked ("*") or out of date', async () => {
    const { token } = (linkOf(await t.request('OPTIONS', '/dav/calendars/user/alice/')))!;
    const propfind = (headers: Record<string, string>) => t.request('PROPFIND', '/dav/calendars/user/alice/', { headers: { Depth: '0', ...headers }, expect: 207 });
    expect(linkOf(await propfind({}))).toBeNull();
    expect(linkOf(await propfind({ 'Server-Info-Token': token }))).toBeNull();
    expect((linkOf(await propfind({ 'Server-Info-Token': 'an-old-token' })))?.token).toBe(token);
    expect((linkOf(await propfind({ 'Server-Info-Token': '*' })))?.token).toBe(token);
    // Failures carry it too: a 404, and a 415 thrown before anything is stored.
    expect(linkOf(await t.request('PROPFIND', '/dav/calendars/user/alice/nothing/', { headers: { Depth: '0', 'Server-Info-Token': 'an-old-token' }, expect: 404 }))?.token).toBe(token);
    expect(linkOf(await t.request('PUT', '/dav/calendars/user/alice/Default/x.ics', { body: 'x', headers: { 'Content-Type': 'text/plain', 'Server-Info-Token': '*' }, expect: 415 }))?.token).toBe(token);
    expect(linkOf(await t.request('PROPFIND', '/dav/calendars/user/alice/nothing/', { headers: { Depth: '0', 'Server-Info-Token': token }, expect: 404 }))).toBeNull();
    // A client that is up to date is not told again, on OPTIONS either.
    expect(linkOf(await t.request('OPTIONS', '/dav/calendars/user/alice/', { headers: { 'Server-Info-Token': token } }))).toBeNull();
  });
});

describe('the document', () => {
  it('names its token (the ETag and the Link token), the WebDAV features and CalDAV with its features', async () => {
    const { token } = (linkOf(await t.request('OPTIONS', '/dav/calendars/user/alice/')))!;
    const { root, etag } = await document(t);
    expect(root.name).toBe(`{${DAV}}server-info`);
    expect(textContent(findChild(root, `{${DAV}}token`)!)).toBe(token);
    expect(etag).toBe(`"${token}"`);
    const features = names(findChild(root, `{${DAV}}features`));
    for (const feature of ['class-1', 'class-2', 'class-3', 'access-control', 'extended-mkcol', 'add-member', 'quota', 'sync-collection']) expect(features).toContain(`{${DAV}}${feature}`);
    const caldav = application(root, 'caldav')!;
    const caldavFeatures = names(findChild(caldav, `{${DAV}}features`));
    for (const feature of ['calendar-access', 'calendar-auto-schedule', 'calendar-availability', 'calendar-no-timezone', 'calendar-managed-attachments', 'supported-calendar-data']) {
      expect(caldavFeatures).toContain(`{${CALDAV}}${feature}`);
    }
    const forms = childElements(childElements(findChild(caldav, `{${DAV}}features`)!).find((f) => f.name === `{${CALDAV}}supported-calendar-data`)!).map((f) => f.attributes['content-type']);
    expect(forms).toEqual(['text/calendar', 'application/calendar+json', 'application/calendar+xml']);
    expect(application(root, 'timezone')).toBeDefined();
  });

  it('is the same at /.well-known/server-info; HEAD answers its headers alone', async () => {
    const direct = await (await t.request('GET', INFO, { expect: 200 })).text();
    expect(await (await t.request('GET', '/.well-known/server-info', { expect: 200 })).text()).toBe(direct);
    const head = await t.request('HEAD', INFO, { expect: 200 });
    expect(head.headers.get('Content-Length')).toBe(String(new TextEncoder().encode(direct).byteLength));
    expect(await head.text()).toBe('');
  });

  it('revalidates by its token: If-None-Match with it is 304', async () => {
    const { etag } = await document(t);
    const response = await t.request('GET', INFO, { headers: { 'If-None-Match': etag! } });
    expect(response.status).toBe(304);
    expect((await t.request('GET', INFO, { headers: { 'If-None-Match': '"other"' } })).status).toBe(200);
  });

  it('needs a signed-in user (401 with a challenge), an Accept that admits it (406), and is only read (405)', async () => {
    const anonymous = await t.request('GET', INFO, { user: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('WWW-Authenticate')).toMatch(/^Basic /);
    expect((await t.request('GET', INFO, { headers: { Accept: 'text/html' } })).status).toBe(406);
    expect((await t.request('GET', INFO, { headers: { Accept: 'application/server-info+xml' } })).status).toBe(200);
    const put = await t.request('PUT', INFO, { body: '<x/>' });
    expect(put.status).toBe(405);
    expect(put.headers.get('Allow')).toContain('GET');
  });
});

describe('the token follows the configuration', () => {
  it('is stable for one configuration and changes, with the features listed, when a feature is switched', async () => {
    const same = await makeTestApp({ caldav_allowattach: 'on' });
    const without = await makeTestApp({ caldav_allowattach: 'off', caldav_allowscheduling: 'off' });
    try {
      const tokens = await Promise.all([t, same, without].map(async (app) => (linkOf(await app.request('OPTIONS', '/dav/calendars/user/alice/')))!.token));
      expect(tokens[1]).toBe(tokens[0]);
      expect(tokens[2]).not.toBe(tokens[0]);
      const features = names(findChild(application((await document(without)).root, 'caldav')!, `{${DAV}}features`));
      expect(features).not.toContain(`{${CALDAV}}calendar-managed-attachments`);
      expect(features).not.toContain(`{${CALDAV}}calendar-auto-schedule`);
      expect(features).toContain(`{${CALDAV}}calendar-access`);
    } finally {
      same.close();
      without.close();
    }
  });
});
