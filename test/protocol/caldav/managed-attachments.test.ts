// RFC 8607 managed attachments: the three POST actions, their preconditions and rights, the
// attachment URL, and the properties and DAV token that advertise them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { event, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { findChild, parseMultistatus, parseXml, propText } from '../../helpers/multistatus.ts';

const CAL = '/dav/calendars/user/alice/Default/';
const OBJECT = `${CAL}e1.ics`;
const CALDAV = 'urn:ietf:params:xml:ns:caldav';

let t: TestApp;

beforeEach(async () => {
  t = await makeTestApp();
  await t.request('PUT', OBJECT, { body: event('e1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
});
afterEach(() => t.close());

async function add(body: string, options: { object?: string; filename?: string; type?: string; user?: string; prefer?: boolean; query?: string; expect?: number } = {}) {
  const headers: Record<string, string> = { 'Content-Type': options.type ?? 'text/plain', 'Content-Disposition': `attachment; filename=${options.filename ?? 'notes.txt'}` };
  if (options.prefer) headers.Prefer = 'return=representation';
  return t.request('POST', `${options.object ?? OBJECT}?action=attachment-add${options.query ?? ''}`, { body, headers, user: options.user ?? 'alice', expect: options.expect ?? 201 });
}

async function objectText(path = OBJECT): Promise<string> {
  const text = await (await t.request('GET', path, { expect: 200 })).text();
  return text.replace(/\r\n[ \t]/g, '');
}

async function errorCondition(response: Response): Promise<string | undefined> {
  const root = parseXml(await response.text());
  return root.children.find((c) => typeof c !== 'string' && !c.name.startsWith('{https://orrery.dev/'))?.name as string | undefined;
}

async function count(table: string): Promise<number> {
  return Number((await t.client.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
}

describe('RFC 8607 §3.1 discovery', () => {
  it('advertises calendar-managed-attachments in the DAV header (and no -no-recurrence: rid is supported)', async () => {
    const dav = (await t.request('OPTIONS', CAL, { expect: 200 })).headers.get('dav')!;
    expect(dav.split(/,\s*/)).toContain('calendar-managed-attachments');
    expect(dav).not.toContain('calendar-managed-attachments-no-recurrence');
  });

  it('§6: managed-attachments-server-URL on the home, the two limits on home and calendar', async () => {
    const body = `<?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:C="${CALDAV}"><D:prop><C:managed-attachments-server-URL/><C:max-attachment-size/><C:max-attachments-per-resource/></D:prop></D:propfind>`;
    const home = parseMultistatus(await (await t.request('PROPFIND', '/dav/calendars/user/alice/', { body, headers: { Depth: '0' }, expect: 207 })).text()).get('/dav/calendars/user/alice/');
    expect(home?.props.get(`{${CALDAV}}managed-attachments-server-URL`)?.status).toBe(200);
    expect(propText(home, `{${CALDAV}}max-attachment-size`)).toBe(String(50 * 1024 * 1024));
    expect(propText(home, `{${CALDAV}}max-attachments-per-resource`)).toBe('20');
    const calendar = parseMultistatus(await (await t.request('PROPFIND', CAL, { body, headers: { Depth: '0' }, expect: 207 })).text()).get(CAL);
    expect(propText(calendar, `{${CALDAV}}max-attachment-size`)).toBe(String(50 * 1024 * 1024));
  });
});

describe('RFC 8607 §3.3 attachment-add', () => {
  it('answers 201 with Cal-Managed-ID, the attachment Location and the object\'s new ETag, and adds ATTACH with MANAGED-ID, FILENAME, SIZE, FMTTYPE', async () => {
    const response = await add('hello world', { filename: 'hello.txt' });
    const managedId = response.headers.get('cal-managed-id')!;
    const location = response.headers.get('location')!;
    expect(managedId).toMatch(/^[0-9a-f]{32}$/);
    expect(location).toBe(`/dav/calendars/user/alice/Attachments/${managedId}`);
    const get = await t.request('GET', OBJECT, { expect: 200 });
    expect(response.headers.get('etag')).toBe(get.headers.get('etag'));
    const text = (await get.text()).replace(/\r\n[ \t]/g, '');
    expect(text).toContain(`ATTACH;MANAGED-ID=${managedId};FMTTYPE=text/plain;FILENAME=hello.txt;SIZE=11:${location}`);
  });

  it('with Prefer: return=representation answers the stored object', async () => {
    const response = await add('hello', { prefer: true });
    expect(response.headers.get('content-location')).toBe(OBJECT);
    expect(response.headers.get('preference-applied')).toBe('return=representation');
    expect(await response.text()).toContain(`MANAGED-ID=${response.headers.get('cal-managed-id')}`);
  });

  it('uses absolute URLs when the server knows its public origin', async () => {
    t.close();
    t = await makeTestApp({ http_baseurl: 'https://cal.example.com' });
    await t.request('PUT', OBJECT, { body: event('e1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const response = await add('hello');
    expect(response.headers.get('location')).toBe(`https://cal.example.com/dav/calendars/user/alice/Attachments/${response.headers.get('cal-managed-id')}`);
    expect(await objectText()).toContain(`:${response.headers.get('location')}`);
  });

  it('stores identical content once (content-addressed) while each add gets its own MANAGED-ID', async () => {
    const first = await add('same bytes');
    const second = await add('same bytes', { filename: 'copy.txt' });
    expect(first.headers.get('cal-managed-id')).not.toBe(second.headers.get('cal-managed-id'));
    expect(await count('attachment_blobs')).toBe(1);
    expect(await count('attachments')).toBe(2);
  });

  it('refuses a managed-id on add, an unknown action and an empty body (400)', async () => {
    await t.request('POST', `${OBJECT}?action=attachment-add&managed-id=x`, { body: 'x', headers: { 'Content-Type': 'text/plain' }, expect: 400 });
    await t.request('POST', `${OBJECT}?action=attachment-frobnicate`, { body: 'x', headers: { 'Content-Type': 'text/plain' }, expect: 400 });
    await t.request('POST', `${OBJECT}?action=attachment-add`, { body: '', headers: { 'Content-Type': 'text/plain' }, expect: 400 });
    expect(await count('attachment_blobs')).toBe(0);
  });

  it('is refused on a calendar collection and on a missing object', async () => {
    await t.request('POST', `${CAL}?action=attachment-add`, { body: 'x', headers: { 'Content-Type': 'text/plain' }, expect: 405 });
    await t.request('POST', `${CAL}nothing.ics?action=attachment-add`, { body: 'x', headers: { 'Content-Type': 'text/plain' }, expect: 404 });
  });

  it('honours If-Match like a PUT: a stale ETag is 412 and nothing is stored', async () => {
    await t.request('POST', `${OBJECT}?action=attachment-add`, { body: 'x', headers: { 'Content-Type': 'text/plain', 'If-Match': '"stale"' }, expect: 412 });
    expect(await count('attachments')).toBe(0);
    expect(await count('attachment_blobs')).toBe(0);
  });
});

describe('RFC 8607 §3.4 attachment-update and §3.5 attachment-remove', () => {
  it('update replaces the attachment: a new MANAGED-ID and body, the old one freed', async () => {
    const added = await add('version 1');
    const oldId = added.headers.get('cal-managed-id')!;
    const updated = await t.request('POST', `${OBJECT}?action=attachment-update&managed-id=${oldId}`, {
      body: 'version 2, longer',
      headers: { 'Content-Type': 'text/markdown', 'Content-Disposition': 'attachment; filename="notes v2.md"' },
      expect: 204,
    });
    const newId = updated.headers.get('cal-managed-id')!;
    expect(newId).not.toBe(oldId);
    expect(updated.headers.get('etag')).toBeTruthy();
    const text = await objectText();
    expect(text).not.toContain(oldId);
    expect(text).toContain(`MANAGED-ID=${newId};FMTTYPE=text/markdown;FILENAME=notes v2.md;SIZE=17:`);
    await t.request('GET', added.headers.get('location')!, { expect: 404 });
    expect(await (await t.request('GET', updated.headers.get('location')!, { expect: 200 })).text()).toBe('version 2, longer');
    expect(await count('attachment_blobs')).toBe(1);
  });

  it('update with Prefer: return=representation answers 200 with the object', async () => {
    const oldId = (await add('v1')).headers.get('cal-managed-id')!;
    const updated = await t.request('POST', `${OBJECT}?action=attachment-update&managed-id=${oldId}`, {
      body: 'v2',
      headers: { 'Content-Type': 'text/plain', Prefer: 'return=representation' },
      expect: 200,
    });
    expect(await updated.text()).toContain(`MANAGED-ID=${updated.headers.get('cal-managed-id')}`);
  });

  it('remove drops the ATTACH and, with the last reference, the attachment and its body', async () => {
    const added = await add('bye');
    const removed = await t.request('POST', `${OBJECT}?action=attachment-remove&managed-id=${added.headers.get('cal-managed-id')}`, { expect: 204 });
    expect(removed.headers.get('cal-managed-id')).toBeNull();
    expect(removed.headers.get('etag')).toBeTruthy();
    expect(await objectText()).not.toContain('ATTACH');
    await t.request('GET', added.headers.get('location')!, { expect: 404 });
    expect(await count('attachments')).toBe(0);
    expect(await count('attachment_blobs')).toBe(0);
    expect(await count('attachment_chunks')).toBe(0);
  });

  it('an unknown managed-id is 403 CALDAV:valid-managed-id-parameter, for update and remove, and changes nothing', async () => {
    await add('kept');
    const before = (await t.request('GET', OBJECT)).headers.get('etag');
    for (const action of ['attachment-update', 'attachment-remove']) {
      const response = await t.request('POST', `${OBJECT}?action=${action}&managed-id=0123456789abcdef0123456789abcdef`, { body: 'x', headers: { 'Content-Type': 'text/plain' }, expect: 403 });
      expect(await errorCondition(response)).toBe(`{${CALDAV}}valid-managed-id-parameter`);
    }
    expect((await t.request('GET', OBJECT)).headers.get('etag')).toBe(before);
    expect(await count('attachments')).toBe(1);
  });

  it('update and remove need exactly one managed-id (400)', async () => {
    await t.request('POST', `${OBJECT}?action=attachment-remove`, { expect: 400 });
    await t.request('POST', `${OBJECT}?action=attachment-update`, { body: 'x', headers: { 'Content-Type': 'text/plain' }, expect: 400 });
  });
});

describe('RFC 8607 §3.6 limits', () => {
  it('a body over caldav_attach_maxsize is 413 CALDAV:max-attachment-size and leaves nothing stored', async () => {
    t.close();
    t = await makeTestApp({ caldav_attach_maxsize: '1K' });
    await t.request('PUT', OBJECT, { body: event('e1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const response = await add('x'.repeat(2000), { expect: 413 });
    expect(await errorCondition(response)).toBe(`{${CALDAV}}max-attachment-size`);
    expect(await count('attachment_blobs')).toBe(0);
    expect(await count('attachment_chunks')).toBe(0);
    expect(await objectText()).not.toContain('ATTACH');
  });

  it('past caldav_attach_maxcount an add is 403 CALDAV:max-attachments', async () => {
    t.close();
    t = await makeTestApp({ caldav_attach_maxcount: '2' });
    await t.request('PUT', OBJECT, { body: event('e1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    await add('one');
    await add('two');
    const response = await add('three', { expect: 403 });
    expect(await errorCondition(response)).toBe(`{${CALDAV}}max-attachments`);
    expect(await count('attachments')).toBe(2);
  });

  it('past the owner\'s caldav_attach_quota an upload is 507 DAV:quota-not-exceeded; the quota properties count attachment storage', async () => {
    t.close();
    t = await makeTestApp({ caldav_attach_quota: '1K' });
    await t.request('PUT', OBJECT, { body: event('e1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    await add('a'.repeat(400));
    // The same content again costs nothing once stored (it is stored once); while it arrives it
    // must fit in what is left, as nothing can tell it is a duplicate before its end.
    await add('a'.repeat(400));
    const response = await add('b'.repeat(700), { expect: 507 });
    expect(await errorCondition(response)).toBe('{DAV:}quota-not-exceeded');
    const body = '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:quota-used-bytes/><D:quota-available-bytes/></D:prop></D:propfind>';
    const home = parseMultistatus(await (await t.request('PROPFIND', '/dav/calendars/user/alice/', { body, headers: { Depth: '0' }, expect: 207 })).text()).get('/dav/calendars/user/alice/');
    expect(propText(home, '{DAV:}quota-used-bytes')).toBe('400');
    expect(propText(home, '{DAV:}quota-available-bytes')).toBe('624');
    expect(await count('attachment_blobs')).toBe(1);
  });
});

describe('RFC 8607 rights: the actions need write-content on the object, reading follows the Attachments ACL', () => {
  it('a sharee with read only gets 403 need-privileges; a sharee with write-content stores in the owner\'s Attachments', async () => {
    await t.request('GET', '/dav/calendars/user/bob/', { user: 'bob' });
    await t.store.collections.setAcl(CAL, 'alice\tlrwipkxtean9\tbob\tlr\t', Date.now());
    const refused = await add('nope', { user: 'bob', expect: 403 });
    expect(await errorCondition(refused)).toBe('{DAV:}need-privileges');
    expect(await count('attachment_blobs')).toBe(0);
    await t.store.collections.setAcl(CAL, 'alice\tlrwipkxtean9\tbob\tlrwi\t', Date.now());
    const added = await add('from bob', { user: 'bob' });
    expect(added.headers.get('location')).toMatch(/^\/dav\/calendars\/user\/alice\/Attachments\//);
  });

  it('the attachment URL is readable by the owner, another user and anonymously (Attachments is anyone lr); HEAD and If-None-Match work', async () => {
    const location = (await add('shared text', { filename: 'Résumé.txt' })).headers.get('location')!;
    const owner = await t.request('GET', location, { expect: 200 });
    expect(owner.headers.get('content-type')).toBe('text/plain');
    expect(owner.headers.get('content-disposition')).toBe(`attachment; filename="R_sum_.txt"; filename*=UTF-8''R%C3%A9sum%C3%A9.txt`);
    expect(owner.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await owner.text()).toBe('shared text');
    expect(await (await t.request('GET', location, { user: 'bob', expect: 200 })).text()).toBe('shared text');
    expect(await (await t.request('GET', location, { user: null, expect: 200 })).text()).toBe('shared text');
    const head = await t.request('HEAD', location, { expect: 200 });
    expect(head.headers.get('content-length')).toBe('11');
    await t.request('GET', location, { headers: { 'If-None-Match': owner.headers.get('etag')! }, expect: 304 });
  });

  it('the Attachments collection has the seed\'s ACL: owner all rights, anyone lr; it takes no PUT', async () => {
    const attachments = await t.store.collections.get('/dav/calendars/user/alice/Attachments/');
    expect(attachments?.acl).toBe('alice\tlrwipkxtean\tanyone\tlr\t');
    await t.request('PUT', '/dav/calendars/user/alice/Attachments/x', { body: 'x', headers: { 'Content-Type': 'text/plain' }, expect: 403 });
  });

  it('with the Attachments collection closed to others, they get 404 (or a 401 challenge anonymously)', async () => {
    const location = (await add('private')).headers.get('location')!;
    await t.store.collections.setAcl('/dav/calendars/user/alice/Attachments/', 'alice\tlrwipkxtan\t', Date.now());
    await t.request('GET', location, { user: 'bob', expect: 404 });
    await t.request('GET', location, { user: null, expect: 401 });
    await t.request('GET', location, { expect: 200 });
  });

  it('an unknown attachment URL is 404, and another owner\'s MANAGED-ID under one\'s own collection is not served', async () => {
    await t.request('GET', '/dav/calendars/user/alice/Attachments/0123456789abcdef0123456789abcdef', { expect: 404 });
    const managedId = (await add('alice only')).headers.get('cal-managed-id')!;
    await t.request('GET', '/dav/calendars/user/bob/', { user: 'bob' });
    await t.request('GET', `/dav/calendars/user/bob/Attachments/${managedId}`, { user: 'bob', expect: 404 });
  });

  it('attachments are off with caldav_allowattach: off (405, no DAV token)', async () => {
    t.close();
    t = await makeTestApp({ caldav_allowattach: 'off' });
    await t.request('PUT', OBJECT, { body: event('e1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    await add('x', { expect: 405 });
    expect((await t.request('OPTIONS', CAL)).headers.get('dav')).not.toContain('managed-attachments');
  });
});

describe('error bodies', () => {
  it('carry the condition inside DAV:error', async () => {
    const response = await t.request('POST', `${OBJECT}?action=attachment-remove&managed-id=nope`, { expect: 403 });
    const root = parseXml(await response.text());
    expect(findChild(root, `{${CALDAV}}valid-managed-id-parameter`)).toBeTruthy();
  });
});
