// RFC 8607 managed attachments over an object's life: instances sharing one attachment (rid),
// COPY, MOVE and DELETE carrying or dropping references, client PUTs that keep, change or drop a
// managed ATTACH, scheduling messages that carry it, and bodies streamed in chunks.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { event, ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseXml } from '../../helpers/multistatus.ts';

const CAL = '/dav/calendars/user/alice/Default/';
const OBJECT = `${CAL}e1.ics`;
const CALDAV = 'urn:ietf:params:xml:ns:caldav';

let t: TestApp;

beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

async function put(path: string, body: string, expect = 201, user = 'alice') {
  return t.request('PUT', path, { body, headers: { 'Content-Type': 'text/calendar' }, expect, user });
}

async function add(path: string, body: string | Uint8Array, query = '', expect = 201) {
  return t.request('POST', `${path}?action=attachment-add${query}`, {
    body,
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Disposition': 'attachment; filename=data.bin' },
    expect,
  });
}

async function text(path: string, user = 'alice'): Promise<string> {
  return (await (await t.request('GET', path, { expect: 200, user })).text()).replace(/\r\n[ \t]/g, '');
}

async function count(sql: string): Promise<number> {
  return Number((await t.client.execute(sql)).rows[0]!.n);
}

const blobs = () => count('SELECT count(*) AS n FROM attachment_blobs');

function recurring(uid: string, extra: string[] = []): string {
  return ics(['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', 'DTSTART:20270110T100000Z', 'DTEND:20270110T110000Z', 'RRULE:FREQ=DAILY;COUNT=5', 'SUMMARY:Daily', ...extra, 'END:VEVENT']);
}

describe('RFC 8607 §3.3 rid: one attachment shared by instances', () => {
  it('add with rid makes overrides that share one body; removing it from one instance keeps the body, from the last frees it', async () => {
    await put(OBJECT, recurring('r1'));
    const added = await add(OBJECT, 'agenda', '&rid=20270111T100000Z,20270112T100000Z');
    const managedId = added.headers.get('cal-managed-id')!;
    const data = await text(OBJECT);
    expect(data.match(/RECURRENCE-ID:2027011[12]T100000Z/g)).toHaveLength(2);
    expect(data.match(new RegExp(`MANAGED-ID=${managedId}`, 'g'))).toHaveLength(2);
    // The master has no ATTACH: only the named instances got it.
    const master = data.slice(0, data.indexOf('END:VEVENT'));
    expect(master).not.toContain('ATTACH');
    expect(data).toContain('DTSTART:20270111T100000Z');
    expect(data).toContain('DTEND:20270112T110000Z');
    expect(await blobs()).toBe(1);

    await t.request('POST', `${OBJECT}?action=attachment-remove&managed-id=${managedId}&rid=20270111T100000Z`, { expect: 204 });
    expect((await text(OBJECT)).match(new RegExp(`MANAGED-ID=${managedId}`, 'g'))).toHaveLength(1);
    expect(await (await t.request('GET', added.headers.get('location')!, { expect: 200 })).text()).toBe('agenda');

    await t.request('POST', `${OBJECT}?action=attachment-remove&managed-id=${managedId}&rid=20270112T100000Z`, { expect: 204 });
    await t.request('GET', added.headers.get('location')!, { expect: 404 });
    expect(await blobs()).toBe(0);
  });

  it('rid=M names the master; an existing override is reused; a time that is no instance is 403 CALDAV:valid-rid-parameter', async () => {
    const override = ['BEGIN:VEVENT', 'UID:r2', 'DTSTAMP:20260101T000000Z', 'RECURRENCE-ID:20270113T100000Z', 'DTSTART:20270113T120000Z', 'DTEND:20270113T130000Z', 'SUMMARY:Moved', 'END:VEVENT'];
    const body = recurring('r2').replace('END:VCALENDAR', `${override.join('\r\n')}\r\nEND:VCALENDAR`);
    await put(OBJECT, body);
    await add(OBJECT, 'both', '&rid=M,20270113T100000Z');
    const data = await text(OBJECT);
    expect(data.match(/RECURRENCE-ID/g)).toHaveLength(1);
    expect(data.match(/ATTACH;/g)).toHaveLength(2);
    expect(await (await add(OBJECT, 'x', '&rid=20270110T103000Z', 403)).text()).toContain('valid-rid-parameter');
    expect(await (await add(OBJECT, 'x', '&rid=yesterday', 403)).text()).toContain('valid-rid-parameter');
  });

  it('an override of a zoned series is made in the series\' zone', async () => {
    const body = ics(['BEGIN:VEVENT', 'UID:r3', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Europe/Berlin:20270710T100000', 'DTEND;TZID=Europe/Berlin:20270710T110000', 'RRULE:FREQ=DAILY;COUNT=3', 'SUMMARY:Berlin', 'END:VEVENT']);
    await put(OBJECT, body);
    await add(OBJECT, 'zoned', '&rid=20270711T080000Z');
    const data = await text(OBJECT);
    expect(data).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20270711T100000');
    expect(data).toContain('DTSTART;TZID=Europe/Berlin:20270711T100000');
  });
});

describe('RFC 8607 references follow the object: COPY, MOVE, DELETE', () => {
  beforeEach(async () => {
    await put(OBJECT, event('e1', '20270110T100000Z', '20270110T110000Z'));
  });

  it('COPY shares the attachment; it stays until both objects are gone', async () => {
    const location = (await add(OBJECT, 'copied')).headers.get('location')!;
    // The copy goes to another calendar: one calendar holds one object per UID (RFC 4791 §5.3.2.1).
    await t.request('MKCALENDAR', '/dav/calendars/user/alice/work/', { expect: 201 });
    await t.request('COPY', OBJECT, { headers: { Destination: '/dav/calendars/user/alice/work/e2.ics' }, expect: 201 });
    await t.request('DELETE', OBJECT, { expect: 204 });
    expect(await (await t.request('GET', location, { expect: 200 })).text()).toBe('copied');
    await t.request('DELETE', '/dav/calendars/user/alice/work/e2.ics', { expect: 204 });
    await t.request('GET', location, { expect: 404 });
    expect(await blobs()).toBe(0);
  });

  it('MOVE (to another calendar) keeps the attachment; deleting the moved object frees it', async () => {
    const location = (await add(OBJECT, 'moved')).headers.get('location')!;
    await t.request('MKCALENDAR', '/dav/calendars/user/alice/work/', { expect: 201 });
    await t.request('MOVE', OBJECT, { headers: { Destination: '/dav/calendars/user/alice/work/e1.ics' }, expect: 201 });
    expect(await (await t.request('GET', location, { expect: 200 })).text()).toBe('moved');
    await t.request('DELETE', '/dav/calendars/user/alice/work/e1.ics', { expect: 204 });
    await t.request('GET', location, { expect: 404 });
  });

  it('MOVE over an object that shares the attachment keeps it', async () => {
    const managedId = (await add(OBJECT, 'shared')).headers.get('cal-managed-id')!;
    await t.request('MKCALENDAR', '/dav/calendars/user/alice/work/', { expect: 201 });
    await t.request('COPY', OBJECT, { headers: { Destination: '/dav/calendars/user/alice/work/e1.ics' }, expect: 201 });
    await t.request('MOVE', '/dav/calendars/user/alice/work/e1.ics', { headers: { Destination: OBJECT, Overwrite: 'T' }, expect: 204 });
    expect(await t.store.attachments.referenceCount(managedId)).toBe(1);
    expect(await blobs()).toBe(1);
  });

  it('DELETE of the object, or of its calendar, drops its references', async () => {
    const first = (await add(OBJECT, 'one')).headers.get('location')!;
    await t.request('DELETE', OBJECT, { expect: 204 });
    await t.request('GET', first, { expect: 404 });
    await t.request('MKCALENDAR', '/dav/calendars/user/alice/trip/', { expect: 201 });
    await put('/dav/calendars/user/alice/trip/t.ics', event('t', '20270110T100000Z', '20270110T110000Z'));
    const second = (await add('/dav/calendars/user/alice/trip/t.ics', 'two')).headers.get('location')!;
    await t.request('DELETE', '/dav/calendars/user/alice/trip/', { expect: 204 });
    await t.request('GET', second, { expect: 404 });
    expect(await blobs()).toBe(0);
  });
});

describe('RFC 8607 §3.9 client PUTs of objects with managed attachments', () => {
  let location: string;
  let managedId: string;
  beforeEach(async () => {
    await put(OBJECT, event('e1', '20270110T100000Z', '20270110T110000Z'));
    const added = await add(OBJECT, 'kept');
    location = added.headers.get('location')!;
    managedId = added.headers.get('cal-managed-id')!;
  });

  it('a PUT that keeps the ATTACH keeps the attachment and gets an ETag', async () => {
    const current = await t.request('GET', OBJECT);
    const body = (await current.text()).replace('SUMMARY:Event e1', 'SUMMARY:Renamed');
    const response = await t.request('PUT', OBJECT, { body, headers: { 'Content-Type': 'text/calendar', 'If-Match': current.headers.get('etag')! }, expect: 204 });
    expect(response.headers.get('etag')).toBeTruthy();
    expect(await (await t.request('GET', location, { expect: 200 })).text()).toBe('kept');
  });

  it('a PUT that drops the ATTACH releases the attachment', async () => {
    await put(OBJECT, event('e1', '20270110T100000Z', '20270110T110000Z'), 204);
    await t.request('GET', location, { expect: 404 });
    expect(await blobs()).toBe(0);
  });

  it('a PUT that changes the ATTACH parameters or drops MANAGED-ID gets the server\'s values back, without an ETag', async () => {
    const changed = event('e1', '20270110T100000Z', '20270110T110000Z', [`ATTACH;MANAGED-ID=${managedId};FILENAME=evil.exe;SIZE=1:https://elsewhere.example/x`]);
    const response = await put(OBJECT, changed, 204);
    expect(response.headers.get('etag')).toBeNull();
    expect(await text(OBJECT)).toContain(`ATTACH;MANAGED-ID=${managedId};FILENAME=data.bin;SIZE=4;FMTTYPE=application/octet-stream:${location}`);
    await put(OBJECT, event('e1', '20270110T100000Z', '20270110T110000Z', [`ATTACH:${location}`]), 204);
    expect(await text(OBJECT)).toContain(`MANAGED-ID=${managedId}`);
    expect(await t.store.attachments.referenceCount(managedId)).toBe(1);
  });

  it('a PUT naming an unknown MANAGED-ID is 403 CALDAV:valid-managed-id', async () => {
    const response = await put(`${CAL}e9.ics`, event('e9', '20270110T100000Z', '20270110T110000Z', ['ATTACH;MANAGED-ID=1234;FMTTYPE=text/plain:http://example.com/x']), 403);
    expect(parseXml(await response.text()).children.some((c) => typeof c !== 'string' && c.name === `{${CALDAV}}valid-managed-id`)).toBe(true);
  });

  it('another user\'s object that copies the ATTACH loses MANAGED-ID and keeps nothing alive', async () => {
    const copied = event('b1', '20270110T100000Z', '20270110T110000Z', [`ATTACH;MANAGED-ID=${managedId};FMTTYPE=application/octet-stream;FILENAME=data.bin;SIZE=4:${location}`]);
    await put('/dav/calendars/user/bob/Default/b1.ics', copied, 201, 'bob');
    const stored = await text('/dav/calendars/user/bob/Default/b1.ics', 'bob');
    expect(stored).not.toContain('MANAGED-ID');
    expect(stored).toContain(`:${location}`);
    await t.request('DELETE', OBJECT, { expect: 204 });
    await t.request('GET', location, { expect: 404 });
  });
});

describe('RFC 8607 §3.8 scheduling', () => {
  it('an invitation carries the organizer\'s ATTACH URL; the attendee can read it but not change it by POST', async () => {
    const invite = event('m1', '20270110T100000Z', '20270110T110000Z', ['ORGANIZER:mailto:alice@example.com', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com', 'ATTENDEE;RSVP=TRUE:mailto:bob@example.com']);
    await t.request('GET', '/dav/calendars/user/bob/', { user: 'bob' });
    await put(OBJECT, invite);
    const added = await add(OBJECT, 'slides');
    const location = added.headers.get('location')!;
    const copy = (await t.client.execute({
      sql: "SELECT r.name, r.data FROM resources r JOIN collections c ON c.id = r.collection_id WHERE c.path = '/dav/calendars/user/bob/Default/'",
      args: [],
    })).rows[0]!;
    const data = String(copy.data).replace(/\r\n[ \t]/g, '');
    expect(data).toContain(`MANAGED-ID=${added.headers.get('cal-managed-id')}`);
    expect(data).toContain(`:${location}`);
    // The server made the change, so it raised SEQUENCE for the organizer's client: both copies say so.
    expect(data).toContain('SEQUENCE:1');
    expect(await text(OBJECT)).toContain('SEQUENCE:1');
    expect(await (await t.request('GET', location, { user: 'bob', expect: 200 })).text()).toBe('slides');
    await t.request('POST', `/dav/calendars/user/bob/Default/${String(copy.name)}?action=attachment-add`, {
      user: 'bob',
      body: 'mine',
      headers: { 'Content-Type': 'text/plain' },
      expect: 403,
    }).then(async (refused) => expect(await refused.text()).toContain('valid-attachment-add'));
    // The attendee's copy holds no reference: the organizer's removal frees the attachment.
    await t.request('POST', `${OBJECT}?action=attachment-remove&managed-id=${added.headers.get('cal-managed-id')}`, { expect: 204 });
    await t.request('GET', location, { user: 'bob', expect: 404 });
  });

  it('an attendee\'s PUT of their copy that adds, changes or drops managed attachments gets the organizer\'s back, without an ETag', async () => {
    const invite = event('m2', '20270110T100000Z', '20270110T110000Z', ['ORGANIZER:mailto:alice@example.com', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com', 'ATTENDEE;RSVP=TRUE:mailto:bob@example.com']);
    await t.request('GET', '/dav/calendars/user/bob/', { user: 'bob' });
    await put(OBJECT, invite);
    const organizers = (await add(OBJECT, 'slides')).headers.get('cal-managed-id')!;
    const copyRow = (await t.client.execute({
      sql: "SELECT r.name, r.data FROM resources r JOIN collections c ON c.id = r.collection_id WHERE c.path = '/dav/calendars/user/bob/Default/'",
      args: [],
    })).rows[0]!;
    const copyPath = `/dav/calendars/user/bob/Default/${String(copyRow.name)}`;
    const original = String(copyRow.data).replace(/\r\n[ \t]/g, '');
    const organizerAttach = original.split('\r\n').find((line) => line.startsWith('ATTACH'))!;
    // Bob's own attachment, on an event of his, which he then tries to put on the invitation.
    await put('/dav/calendars/user/bob/Default/own.ics', event('own'), 201, 'bob');
    const bobs = await t.request('POST', '/dav/calendars/user/bob/Default/own.ics?action=attachment-add', { user: 'bob', body: 'mine', headers: { 'Content-Type': 'text/plain' }, expect: 201 });
    const bobsAttach = `ATTACH;MANAGED-ID=${bobs.headers.get('cal-managed-id')};FILENAME=mine.txt:${bobs.headers.get('location')}`;
    const attempts = [
      original.replace(organizerAttach, `${organizerAttach}\r\n${bobsAttach}`),
      original.replace(organizerAttach, ''),
      original.replace(organizerAttach, organizerAttach.replace(/FILENAME=[^;:]+/, 'FILENAME=renamed.txt')),
    ];
    for (const attempt of attempts) {
      const stored = await t.request('PUT', copyPath, { user: 'bob', body: attempt.replace(/\r\n\r\n/g, '\r\n'), headers: { 'Content-Type': 'text/calendar' } });
      expect(stored.status).toBeLessThan(300);
      expect(stored.headers.get('etag')).toBeNull();
      const now = (await (await t.request('GET', copyPath, { user: 'bob', expect: 200 })).text()).replace(/\r\n[ \t]/g, '');
      expect(now.split('\r\n').filter((line) => line.startsWith('ATTACH'))).toEqual([organizerAttach]);
      expect(now).toContain(`MANAGED-ID=${organizers}`);
    }
  });
});

describe('large bodies are stored and served in chunks', () => {
  it.each([
    ['600 KiB', 600 * 1024, 3],
    // More than one write of 8 chunks: the rows of each write continue the numbering of the last.
    ['2.5 MiB', 2560 * 1024 + 5, 11],
  ])('a %s body takes its chunk rows and comes back byte for byte', async (_name, size, rows) => {
    await put(OBJECT, event('e1', '20270110T100000Z', '20270110T110000Z'));
    const body = new Uint8Array(size);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7919) % 251;
    const location = (await add(OBJECT, body)).headers.get('location')!;
    expect(await count('SELECT count(*) AS n FROM attachment_chunks')).toBe(rows);
    expect(await count('SELECT max(length(data)) AS n FROM attachment_chunks')).toBe(256 * 1024);
    expect(await count('SELECT max(seq) AS n FROM attachment_chunks')).toBe(rows - 1);
    expect(await count('SELECT size AS n FROM attachment_blobs')).toBe(size);
    const response = await t.request('GET', location, { expect: 200 });
    expect(response.headers.get('content-length')).toBe(String(body.length));
    const got = new Uint8Array(await response.arrayBuffer());
    // Compared by hand: a deep equality of megabytes element by element takes seconds.
    expect(got.byteLength).toBe(body.byteLength);
    expect(got.findIndex((byte, i) => byte !== body[i])).toBe(-1);
  });
});
