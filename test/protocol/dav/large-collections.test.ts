// Listings of big collections are read a page at a time while the response streams (PROPFIND
// Depth 1, an initial sync-collection): across page boundaries every member appears exactly once,
// and the sync token still leads to the changes made after it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp, event } from '../../helpers/app.ts';
import { parseMultistatus, propText } from '../../helpers/multistatus.ts';

const HOME = '/dav/calendars/user/alice/';
const CAL = `${HOME}Default/`;
/** More than two pages of the storage listing (1,000 members each). */
const MEMBERS = 2_345;

describe('listings larger than a page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
    await t.request('PROPFIND', HOME, { headers: { Depth: '0' }, expect: 207 });
    const calendar = (await t.store.collections.get(CAL))!;
    // Written through the store: the listing is what is under test, not 2,345 PUTs.
    for (let i = 0; i < MEMBERS; i++) {
      const data = event(`member-${i}`);
      await t.store.resources.put(calendar, `m${String(i).padStart(5, '0')}.ics`, { contentType: 'text/calendar', data, etag: `"e${i}"`, size: data.length, index: null }, { absent: true }, 0);
    }
  }, 120_000);
  afterAll(() => t.close());

  const names = (responses: Map<string, unknown>) => [...responses.keys()].filter((path) => path !== CAL).sort();
  const expected = Array.from({ length: MEMBERS }, (_, i) => `${CAL}m${String(i).padStart(5, '0')}.ics`);

  it('PROPFIND Depth 1 lists every member once, with its own ETag', async () => {
    const response = await t.request('PROPFIND', CAL, { headers: { Depth: '1' }, body: '<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>', expect: 207 });
    const text = await response.text();
    expect((text.match(/<D:response>/g) ?? []).length).toBe(MEMBERS + 1);
    const responses = parseMultistatus(text);
    expect(names(responses)).toEqual(expected);
    expect(propText(responses.get(`${CAL}m01234.ics`), '{DAV:}getetag')).toBe('"e1234"');
  });

  it('an initial sync lists every member once, and its token leads to later changes only', async () => {
    const body = (token: string) => `<D:sync-collection xmlns:D="DAV:"><D:sync-token>${token}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`;
    const initial = await (await t.request('REPORT', CAL, { headers: { Depth: '1' }, body: body(''), expect: 207 })).text();
    expect((initial.match(/<D:response>/g) ?? []).length).toBe(MEMBERS);
    expect(names(parseMultistatus(initial))).toEqual(expected);
    const token = /<D:sync-token>([^<]+)<\/D:sync-token>/.exec(initial)![1]!;
    await t.request('PUT', `${CAL}later.ics`, { headers: { 'Content-Type': 'text/calendar' }, body: event('later'), expect: 201 });
    await t.request('DELETE', `${CAL}m00007.ics`, { expect: 204 });
    const next = parseMultistatus(await (await t.request('REPORT', CAL, { headers: { Depth: '1' }, body: body(token), expect: 207 })).text());
    expect(names(next)).toEqual([`${CAL}later.ics`, `${CAL}m00007.ics`]);
    expect(next.get(`${CAL}m00007.ics`)?.status).toBe(404);
  });
});

describe('GET on a WebDAV folder', () => {
  it('lists sub-folders, then files in name order, one per line', async () => {
    const t = await makeTestApp();
    try {
      const folder = '/dav/drive/user/alice/docs/';
      await t.request('PROPFIND', '/dav/drive/user/alice/', { headers: { Depth: '0' }, expect: 207 });
      await t.request('MKCOL', folder, { expect: 201 });
      await t.request('MKCOL', `${folder}old/`, { expect: 201 });
      for (const name of ['b.txt', 'a.txt']) await t.request('PUT', folder + name, { headers: { 'Content-Type': 'text/plain' }, body: name, expect: 201 });
      const response = await t.request('GET', folder, { expect: 200 });
      expect(response.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
      expect(await response.text()).toBe('old/\na.txt\nb.txt\n');
    } finally {
      t.close();
    }
  });
});
