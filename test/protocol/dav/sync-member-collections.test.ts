// RFC 6578 sync-collection on a collection whose members are collections: a calendar home reports
// its calendars as members, created, changed, renamed and removed ones alike, at sync-level 1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus } from '../../helpers/multistatus.ts';

const HOME = '/dav/calendars/user/alice/';
const ICS = { 'Content-Type': 'text/calendar' };
let t: TestApp;

beforeAll(async () => {
  t = await makeTestApp();
  await t.request('PROPFIND', HOME, { headers: { Depth: '0' }, expect: 207 });
});
afterAll(() => t.close());

const query = (token: string) =>
  `<D:sync-collection xmlns:D="DAV:"><D:sync-token>${token}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`;

async function sync(path: string, token: string): Promise<{ responses: ReturnType<typeof parseMultistatus>; token: string }> {
  const text = await (await t.request('REPORT', path, { body: query(token), headers: { Depth: '0' }, expect: 207 })).text();
  return { responses: parseMultistatus(text), token: /<D:sync-token>([^<]+)<\/D:sync-token>/.exec(text)![1]! };
}

describe('sync-collection on a calendar home (RFC 6578 §3.2, sync-level 1)', () => {
  it('an initial sync with DAV:limit whose first change records are calendars answers 507 and a token that resumes', async () => {
    // The home's first change records name its calendars, which an initial sync with a limit
    // leaves out of the page: the page can be empty, and the next token must still move on.
    const limited = `<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:limit><D:nresults>1</D:nresults></D:limit><D:prop><D:getetag/></D:prop></D:sync-collection>`;
    const text = await (await t.request('REPORT', HOME, { body: limited, headers: { Depth: '0' }, expect: 207 })).text();
    expect(parseMultistatus(text).get(HOME)?.status).toBe(507);
    const token = /<D:sync-token>([^<]+)<\/D:sync-token>/.exec(text)![1]!;
    await sync(HOME, token);
  });

  it('an initial sync lists the calendars of the home, not the home itself nor what is in them', async () => {
    await t.request('MKCALENDAR', `${HOME}initial/`, { expect: 201 });
    await t.request('PUT', `${HOME}initial/a.ics`, { body: event('home-sync-a'), headers: ICS, expect: 201 });
    const { responses } = await sync(HOME, '');
    expect([...responses.keys()]).toEqual(expect.arrayContaining([`${HOME}Default/`, `${HOME}Inbox/`, `${HOME}Outbox/`, `${HOME}initial/`]));
    expect(responses.has(HOME)).toBe(false);
    expect(responses.has(`${HOME}initial/a.ics`)).toBe(false);
    expect(responses.get(`${HOME}initial/`)?.props.get('{DAV:}getetag')?.status).toBe(200);
  });

  it('a calendar created after the token is reported', async () => {
    const { token } = await sync(HOME, '');
    await t.request('MKCALENDAR', `${HOME}created/`, { expect: 201 });
    const { responses } = await sync(HOME, token);
    expect([...responses.keys()]).toEqual([`${HOME}created/`]);
  });

  it('a calendar whose contents or properties changed is reported, the others are not', async () => {
    await t.request('MKCALENDAR', `${HOME}busy/`, { expect: 201 });
    const first = await sync(HOME, '');
    await t.request('PUT', `${HOME}busy/b.ics`, { body: event('home-sync-b'), headers: ICS, expect: 201 });
    const afterPut = await sync(HOME, first.token);
    expect([...afterPut.responses.keys()]).toEqual([`${HOME}busy/`]);
    const proppatch = '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>Renamed</D:displayname></D:prop></D:set></D:propertyupdate>';
    await t.request('PROPPATCH', `${HOME}initial/`, { body: proppatch, expect: 207 });
    const afterPatch = await sync(HOME, afterPut.token);
    expect([...afterPatch.responses.keys()]).toEqual([`${HOME}initial/`]);
    const quiet = await sync(HOME, afterPatch.token);
    expect(quiet.responses.size).toBe(0);
  });

  it('a removed calendar is reported as 404; made again, it is reported as a member', async () => {
    await t.request('MKCALENDAR', `${HOME}doomed/`, { expect: 201 });
    const before = await sync(HOME, '');
    await t.request('DELETE', `${HOME}doomed/`, { expect: 204 });
    const afterDelete = await sync(HOME, before.token);
    expect(afterDelete.responses.get(`${HOME}doomed/`)?.status).toBe(404);
    await t.request('MKCALENDAR', `${HOME}doomed/`, { expect: 201 });
    const again = await sync(HOME, before.token);
    expect(again.responses.get(`${HOME}doomed/`)?.status).toBeUndefined();
    expect(again.responses.get(`${HOME}doomed/`)?.props.get('{DAV:}getetag')?.status).toBe(200);
    const fromDelete = await sync(HOME, afterDelete.token);
    expect(fromDelete.responses.get(`${HOME}doomed/`)?.props.get('{DAV:}getetag')?.status).toBe(200);
  });

  it('a renamed calendar is reported gone under its old name and present under its new one', async () => {
    await t.request('MKCALENDAR', `${HOME}old-name/`, { expect: 201 });
    const before = await sync(HOME, '');
    await t.request('MOVE', `${HOME}old-name/`, { headers: { Destination: `http://orrery.test${HOME}new-name/` }, expect: 201 });
    const { responses } = await sync(HOME, before.token);
    expect(responses.get(`${HOME}old-name/`)?.status).toBe(404);
    expect(responses.get(`${HOME}new-name/`)?.props.get('{DAV:}getetag')?.status).toBe(200);
  });

  it('a calendar sync still lists only its own resources', async () => {
    const { responses } = await sync(`${HOME}busy/`, '');
    expect([...responses.keys()]).toEqual([`${HOME}busy/b.ics`]);
  });
});

describe('sync-collection Depth and DAV:sync-level (RFC 6578 §3.3)', () => {
  const report = (body: string, depth?: string) => t.request('REPORT', HOME, { body, ...(depth ? { headers: { Depth: depth } } : {}) });
  const withLevel = (level: string) => `<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>${level}</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`;
  const withoutLevel = '<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:prop><D:getetag/></D:prop></D:sync-collection>';

  it('DAV:sync-level decides whatever Depth a draft-era client adds', async () => {
    for (const depth of [undefined, '0', '1', 'infinity']) {
      const response = await report(withLevel('1'), depth);
      expect(response.status, `Depth: ${depth}`).toBe(207);
      expect(parseMultistatus(await response.text()).has(`${HOME}Default/`)).toBe(true);
    }
    expect((await report(withLevel('infinity'), '0')).status).toBe(403);
  });

  it('without DAV:sync-level, Depth: 1 means sync-level 1 and Depth: infinity an infinite sync, which is refused', async () => {
    const one = await report(withoutLevel, '1');
    expect(one.status).toBe(207);
    expect(parseMultistatus(await one.text()).has(`${HOME}Default/`)).toBe(true);
    expect((await report(withoutLevel, 'infinity')).status).toBe(403);
  });

  it('Prefer: return=minimal leaves out the properties members do not have (RFC 8144 §2.1)', async () => {
    const body = '<D:sync-collection xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop><D:getetag/><C:nonesuch/></D:prop></D:sync-collection>';
    const full = await (await t.request('REPORT', HOME, { body, expect: 207 })).text();
    expect(full).toContain('nonesuch');
    const minimal = await t.request('REPORT', HOME, { body, headers: { Prefer: 'return=minimal' }, expect: 207 });
    expect(minimal.headers.get('Preference-Applied')).toBe('return=minimal');
    const text = await minimal.text();
    expect(text).not.toContain('nonesuch');
    expect(parseMultistatus(text).get(`${HOME}Default/`)?.props.get('{DAV:}getetag')?.status).toBe(200);
  });

  it('a sync-level that is neither 1 nor infinity, or a malformed Depth, is a bad request', async () => {
    expect((await report(withLevel('2'), '0')).status).toBe(400);
    expect((await report(withoutLevel, 'deep')).status).toBe(400);
  });
});
