// RFC 4918 / RFC 4791 core behaviour through app.fetch against a real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, ics, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus, propText } from '../../helpers/multistatus.ts';

const CAL = '/dav/calendars/user/alice/Default/';
let t: TestApp;

beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('authentication and discovery', () => {
  it('answers 401 with a Basic challenge without credentials', async () => {
    const response = await t.request('PROPFIND', '/dav/calendars/user/alice/', { user: null, expect: 401 });
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="Orrery"/);
  });

  it('answers 401 for a wrong password', async () => {
    await t.request('PROPFIND', '/dav/', { password: 'nope', expect: 401 });
  });

  it('RFC 6764 §5: /.well-known/caldav redirects to the calendar context path', async () => {
    const response = await t.request('GET', '/.well-known/caldav', { user: null, expect: 301 });
    expect(new URL(response.headers.get('location')!, 'http://x').pathname).toBe('/dav/calendars/');
  });

  it('PROPFIND on / gives current-user-principal (RFC 5397)', async () => {
    const body = '<propfind xmlns="DAV:"><prop><current-user-principal/><principal-collection-set/></prop></propfind>';
    const response = await t.request('PROPFIND', '/', { body, headers: { Depth: '0' }, expect: 207 });
    const ms = parseMultistatus(await response.text());
    expect(propText(ms.get('/'), '{DAV:}current-user-principal')).toBe('/dav/principals/user/alice/');
  });

  it('principal properties point at the home, Inbox and Outbox', async () => {
    const body = `<propfind xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><prop><C:calendar-home-set/><C:schedule-inbox-URL/><C:schedule-outbox-URL/><C:calendar-user-address-set/><resourcetype/></prop></propfind>`;
    const response = await t.request('PROPFIND', '/dav/principals/user/alice/', { body, headers: { Depth: '0' }, expect: 207 });
    const r = parseMultistatus(await response.text()).get('/dav/principals/user/alice/');
    expect(propText(r, '{urn:ietf:params:xml:ns:caldav}calendar-home-set')).toBe('/dav/calendars/user/alice/');
    expect(propText(r, '{urn:ietf:params:xml:ns:caldav}schedule-inbox-URL')).toBe('/dav/calendars/user/alice/Inbox/');
    expect(propText(r, '{urn:ietf:params:xml:ns:caldav}calendar-user-address-set')).toContain('mailto:alice@example.com');
  });
});

describe('auto-provisioning on first login', () => {
  it('creates Default, Inbox, Outbox and Attachments', async () => {
    const response = await t.request('PROPFIND', '/dav/calendars/user/alice/', { headers: { Depth: '1' }, expect: 207 });
    const hrefs = [...parseMultistatus(await response.text()).keys()].sort();
    expect(hrefs).toEqual(['/dav/calendars/user/alice/', '/dav/calendars/user/alice/Attachments/', '/dav/calendars/user/alice/Default/', '/dav/calendars/user/alice/Inbox/', '/dav/calendars/user/alice/Outbox/']);
  });

  it('honours caldav_create_default/sched/attach = off', async () => {
    const other = await makeTestApp({ caldav_create_default: 'off', caldav_create_sched: 'off', caldav_create_attach: 'off' });
    try {
      const response = await other.request('PROPFIND', '/dav/calendars/user/alice/', { headers: { Depth: '1' }, expect: 207 });
      expect([...parseMultistatus(await response.text()).keys()]).toEqual(['/dav/calendars/user/alice/']);
    } finally {
      other.close();
    }
  });

  it('is idempotent under concurrent first requests', async () => {
    const other = await makeTestApp();
    try {
      const responses = await Promise.all(Array.from({ length: 8 }, () => other.request('PROPFIND', '/dav/calendars/user/bob/', { user: 'bob', headers: { Depth: '1' } })));
      expect(responses.map((r) => r.status)).toEqual(Array(8).fill(207));
      const rows = await other.store.collections.listByOwner('bob');
      expect(rows.map((c) => c.path).sort()).toEqual(['/dav/calendars/user/bob/', '/dav/calendars/user/bob/Attachments/', '/dav/calendars/user/bob/Default/', '/dav/calendars/user/bob/Inbox/', '/dav/calendars/user/bob/Outbox/', '/dav/drive/user/bob/']);
    } finally {
      other.close();
    }
  });
});

describe('RFC 4791 §5.3.2 PUT of calendar objects', () => {
  it('stores an event (201 + strong ETag) and returns it unchanged on GET', async () => {
    const body = event('put-1');
    const put = await t.request('PUT', `${CAL}put-1.ics`, { body, headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const etag = put.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    const get = await t.request('GET', `${CAL}put-1.ics`, { expect: 200 });
    expect(await get.text()).toBe(body);
    expect(get.headers.get('etag')).toBe(etag);
  });

  it('If-None-Match: * refuses to overwrite (412)', async () => {
    await t.request('PUT', `${CAL}put-1.ics`, { body: event('put-1'), headers: { 'Content-Type': 'text/calendar', 'If-None-Match': '*' }, expect: 412 });
  });

  it('If-Match with a stale ETag is 412; with the current one, 204 and a new ETag', async () => {
    await t.request('PUT', `${CAL}put-1.ics`, { body: event('put-1'), headers: { 'Content-Type': 'text/calendar', 'If-Match': '"stale"' }, expect: 412 });
    const current = (await t.request('HEAD', `${CAL}put-1.ics`)).headers.get('etag')!;
    const response = await t.request('PUT', `${CAL}put-1.ics`, { body: event('put-1', '20260111T100000Z', '20260111T110000Z'), headers: { 'Content-Type': 'text/calendar', 'If-Match': current }, expect: 204 });
    expect(response.headers.get('etag')).not.toBe(current);
  });

  it('refuses a second object with the same UID: 409 + C:no-uid-conflict with the href', async () => {
    const response = await t.request('PUT', `${CAL}other.ics`, { body: event('put-1'), headers: { 'Content-Type': 'text/calendar' }, expect: 409 });
    const text = await response.text();
    expect(text).toContain('no-uid-conflict');
    expect(text).toContain(`${CAL}put-1.ics`);
  });

  it.each([
    ['wrong content type', 'text/plain', event('x1'), 415, 'supported-calendar-data'],
    ['not iCalendar', 'text/calendar', 'hello world', 403, 'valid-calendar-data'],
    ['METHOD present', 'text/calendar', ics(['METHOD:REQUEST', 'BEGIN:VEVENT', 'UID:m', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260101T100000Z', 'END:VEVENT']), 403, 'valid-calendar-object-resource'],
    ['two UIDs', 'text/calendar', ics(['BEGIN:VEVENT', 'UID:a', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260101T100000Z', 'END:VEVENT', 'BEGIN:VEVENT', 'UID:b', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260101T100000Z', 'END:VEVENT']), 403, 'valid-calendar-object-resource'],
    ['after max-date-time', 'text/calendar', event('x4', '20400101T100000Z', '20400101T110000Z'), 403, 'max-date-time'],
  ])('refuses %s with the RFC precondition', async (_label, type, body, status, condition) => {
    const response = await t.request('PUT', `${CAL}bad.ics`, { body, headers: { 'Content-Type': type }, expect: status });
    expect(await response.text()).toContain(condition);
  });

  it('refuses components the calendar does not support (supported-calendar-component)', async () => {
    const mk = `<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><C:supported-calendar-component-set><C:comp name="VTODO"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>`;
    await t.request('MKCALENDAR', '/dav/calendars/user/alice/tasks/', { body: mk, expect: 201 });
    const response = await t.request('PUT', '/dav/calendars/user/alice/tasks/e.ics', { body: event('comp-1'), headers: { 'Content-Type': 'text/calendar' }, expect: 403 });
    expect(await response.text()).toContain('supported-calendar-component');
  });

  it('refuses objects in the home, Inbox and Outbox (calendar-collection-location-ok)', async () => {
    for (const path of ['/dav/calendars/user/alice/x.ics', '/dav/calendars/user/alice/Inbox/x.ics', '/dav/calendars/user/alice/Outbox/x.ics']) {
      const response = await t.request('PUT', path, { body: event('loc'), headers: { 'Content-Type': 'text/calendar' }, expect: 403 });
      expect(await response.text()).toContain('calendar-collection-location-ok');
    }
  });

  it('refuses an oversized object with max-resource-size', async () => {
    const small = await makeTestApp({ icalendar_max_size: '1K' });
    try {
      const body = event('big', undefined, undefined, [`DESCRIPTION:${'x'.repeat(2000)}`]);
      const response = await small.request('PUT', `${CAL}big.ics`, { body, headers: { 'Content-Type': 'text/calendar' }, expect: 413 });
      expect(await response.text()).toContain('max-resource-size');
    } finally {
      small.close();
    }
  });
});

describe('collections', () => {
  it('MKCALENDAR creates a calendar with initial properties; a second one is 405', async () => {
    const body = `<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>Work</D:displayname><C:calendar-description>Office</C:calendar-description></D:prop></D:set></C:mkcalendar>`;
    await t.request('MKCALENDAR', '/dav/calendars/user/alice/work/', { body, expect: 201 });
    await t.request('MKCALENDAR', '/dav/calendars/user/alice/work/', { body, expect: 405 });
    const response = await t.request('PROPFIND', '/dav/calendars/user/alice/work/', { headers: { Depth: '0' }, body: '<propfind xmlns="DAV:"><prop><displayname/><resourcetype/><calendar-description xmlns="urn:ietf:params:xml:ns:caldav"/></prop></propfind>', expect: 207 });
    const r = parseMultistatus(await response.text()).get('/dav/calendars/user/alice/work/');
    expect(propText(r, '{DAV:}displayname')).toBe('Work');
    expect(propText(r, '{urn:ietf:params:xml:ns:caldav}calendar-description')).toBe('Office');
    expect(r?.props.get('{DAV:}resourcetype')?.element.children.length).toBe(2);
  });

  it('RFC 5689 extended MKCOL creates a calendar', async () => {
    const body = `<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:resourcetype><D:collection/><C:calendar/></D:resourcetype><D:displayname>Ext</D:displayname></D:prop></D:set></D:mkcol>`;
    await t.request('MKCOL', '/dav/calendars/user/alice/ext/', { body, headers: { 'Content-Type': 'application/xml' }, expect: 201 });
    await t.request('PUT', '/dav/calendars/user/alice/ext/a.ics', { body: event('ext-1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
  });

  it('MKCALENDAR only as a child of a calendar home', async () => {
    await t.request('MKCALENDAR', '/dav/calendars/user/alice/work/nested/', { expect: 403 });
    await t.request('MKCALENDAR', '/dav/calendars/user/alice/nope/nested/', { expect: 409 });
  });

  it('the default calendar cannot be deleted (C:default-calendar-needed)', async () => {
    const response = await t.request('DELETE', CAL, { expect: 403 });
    expect(await response.text()).toContain('default-calendar-needed');
  });

  it('DELETE removes a calendar with its objects', async () => {
    await t.request('MKCALENDAR', '/dav/calendars/user/alice/gone/', { expect: 201 });
    await t.request('PUT', '/dav/calendars/user/alice/gone/a.ics', { body: event('gone-1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    await t.request('DELETE', '/dav/calendars/user/alice/gone/', { expect: 204 });
    await t.request('GET', '/dav/calendars/user/alice/gone/a.ics', { expect: 404 });
  });

  it('GET on a calendar exports the whole calendar as one VCALENDAR', async () => {
    const response = await t.request('GET', CAL, { expect: 200 });
    const text = await response.text();
    expect(text.match(/BEGIN:VCALENDAR/g)?.length).toBe(1);
    expect(text).toContain('UID:put-1');
  });

  it('PROPPATCH refuses protected properties with cannot-modify-protected-property and 424 for the rest', async () => {
    const body = `<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:getetag>"x"</D:getetag><D:displayname>New</D:displayname></D:prop></D:set></D:propertyupdate>`;
    const response = await t.request('PROPPATCH', CAL, { body, expect: 207 });
    const r = parseMultistatus(await response.text()).get(CAL)!;
    expect(r.props.get('{DAV:}getetag')?.status).toBe(403);
    expect(r.props.get('{DAV:}displayname')?.status).toBe(424);
  });

  it('getctag and sync-token change when a member changes', async () => {
    const body = '<propfind xmlns="DAV:"><prop><getctag xmlns="http://calendarserver.org/ns/"/><sync-token/></prop></propfind>';
    const before = parseMultistatus(await (await t.request('PROPFIND', CAL, { body, headers: { Depth: '0' } })).text()).get(CAL);
    await t.request('PUT', `${CAL}ctag.ics`, { body: event('ctag-1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
    const after = parseMultistatus(await (await t.request('PROPFIND', CAL, { body, headers: { Depth: '0' } })).text()).get(CAL);
    expect(propText(after, '{http://calendarserver.org/ns/}getctag')).not.toBe(propText(before, '{http://calendarserver.org/ns/}getctag'));
    expect(propText(after, '{DAV:}sync-token')).not.toBe(propText(before, '{DAV:}sync-token'));
  });
});

describe('bad input never produces a 500', () => {
  it.each([
    ['malformed XML', 'PROPFIND', '<propfind xmlns="DAV:"><prop></propfind>', 400],
    ['a DOCTYPE with entities', 'PROPFIND', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><propfind xmlns="DAV:"><allprop/></propfind>', 403],
    ['an undeclared prefix', 'PROPFIND', '<D:propfind><D:allprop/></D:propfind>', 400],
    ['a non-propfind root', 'PROPFIND', '<foo xmlns="DAV:"/>', 400],
    ['allprop and propname together (RFC 4918 §14.20)', 'PROPFIND', '<propfind xmlns="DAV:"><allprop/><propname/></propfind>', 400],
    ['prop and allprop together (RFC 4918 §14.20)', 'PROPFIND', '<propfind xmlns="DAV:"><prop><getetag/></prop><allprop/></propfind>', 400],
  ])('%s', async (_label, method, body, status) => {
    await t.request(method, CAL, { body, headers: { Depth: '0' }, expect: status });
  });

  it.each(['/dav/calendars/user/alice/%2e%2e/bob/', '/dav/calendars/user/alice/Default/%2Fetc', '/dav/calendars/user/alice/Default/a%00b', '/dav/calendars//user/alice/'])(
    'path trick %s is refused',
    async (path) => {
      const response = await t.request('PROPFIND', path, { headers: { Depth: '0' } });
      expect([400, 403, 404]).toContain(response.status);
    },
  );

  it('another user home without rights is not readable', async () => {
    await t.request('PROPFIND', '/dav/calendars/user/bob/', { user: 'bob', headers: { Depth: '0' }, expect: 207 });
    const response = await t.request('PROPFIND', '/dav/calendars/user/bob/Default/', { headers: { Depth: '0' } });
    expect([403, 404]).toContain(response.status);
    const get = await t.request('GET', '/dav/calendars/user/bob/Default/');
    expect([403, 404]).toContain(get.status);
  });

  it('an oversized XML body is 413', async () => {
    const body = `<propfind xmlns="DAV:"><prop>${'<displayname/>'.repeat(200_000)}</prop></propfind>`;
    await t.request('PROPFIND', CAL, { body, headers: { Depth: '0' }, expect: 413 });
  });
});

describe('supported-calendar-component-set changes (Cyrus: PROPPATCH with force="yes")', () => {
  const patch = (force: string) =>
    `<D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><C:supported-calendar-component-set${force}><C:comp name="VEVENT"/><C:comp name="VTODO"/></C:supported-calendar-component-set></D:prop></D:set></D:propertyupdate>`;

  it('is protected without force (RFC 4791 §5.2.3)', async () => {
    const response = await t.request('PROPPATCH', '/dav/calendars/user/alice/tasks/', { body: patch(''), expect: 207 });
    expect(parseMultistatus(await response.text()).get('/dav/calendars/user/alice/tasks/')?.props.get('{urn:ietf:params:xml:ns:caldav}supported-calendar-component-set')?.status).toBe(403);
  });

  it('changes with force="yes", and the calendar then accepts events', async () => {
    await t.request('PROPPATCH', '/dav/calendars/user/alice/tasks/', { body: patch(' force="yes"'), expect: 207 });
    await t.request('PUT', '/dav/calendars/user/alice/tasks/now-ok.ics', { body: event('force-1'), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
  });
});
