// The Freebusy URL (CalConnect CC/S 0903 §4, as Cyrus serves it): every query parameter and their
// combinations, the errors, formats, and access with and without "anyone" holding right 9.
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ics, makeTestApp, type TestApp } from '../../helpers/app.ts';

const DAY = 86_400_000;

function busyOf(text: string): string[] {
  const vfreebusy = new ICAL.Component(ICAL.parse(text) as unknown[]).getFirstSubcomponent('vfreebusy')!;
  return vfreebusy.getAllProperties('freebusy').map((p) => `${p.getParameter('fbtype') ?? 'BUSY'} ${p.getFirstValue().toString()}`);
}

function rangeOf(text: string): [string, string] {
  const vfreebusy = new ICAL.Component(ICAL.parse(text) as unknown[]).getFirstSubcomponent('vfreebusy')!;
  return [vfreebusy.getFirstPropertyValue('dtstart')!.toString(), vfreebusy.getFirstPropertyValue('dtend')!.toString()];
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('Freebusy URL /freebusy/user/<user>[/<calendar>]', () => {
  let t: TestApp;
  const get = (query: string, user: string | null = null, method = 'GET') => t.request(method, `/freebusy/user/alice${query}`, { user });

  beforeAll(async () => {
    t = await makeTestApp();
    const put = (calendar: string, uid: string, lines: string[]) =>
      t.request('PUT', `/dav/calendars/user/alice/${calendar}/${uid}.ics`, {
        body: ics(['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20300101T000000Z', ...lines, 'END:VEVENT']),
        headers: { 'Content-Type': 'text/calendar' },
        expect: 201,
      });
    await put('Default', 'busy', ['DTSTART:20300110T100000Z', 'DTEND:20300110T110000Z']);
    await put('Default', 'maybe', ['DTSTART:20300110T120000Z', 'DTEND:20300110T130000Z', 'STATUS:TENTATIVE']);
    await put('Default', 'free', ['DTSTART:20300110T140000Z', 'DTEND:20300110T150000Z', 'TRANSP:TRANSPARENT']);
    await put('Default', 'off', ['DTSTART:20300110T160000Z', 'DTEND:20300110T170000Z', 'STATUS:CANCELLED']);
    await t.request('MKCALENDAR', '/dav/calendars/user/alice/holidays/', { expect: 201 });
    await t.request('PROPPATCH', '/dav/calendars/user/alice/holidays/', {
      body: '<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><C:schedule-calendar-transp><C:transparent/></C:schedule-calendar-transp></D:prop></D:set></D:propertyupdate>',
      headers: { 'Content-Type': 'application/xml' },
      expect: 207,
    });
    await put('holidays', 'trip', ['DTSTART:20300110T180000Z', 'DTEND:20300110T190000Z']);
  });
  afterAll(() => t.close());

  it('§4 start and end select the range; opaque events are BUSY, tentative BUSY-TENTATIVE', async () => {
    const response = await get('?start=2030-01-10T00:00:00Z&end=2030-01-11T00:00:00Z');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/calendar; charset=utf-8');
    expect(response.headers.get('Content-Disposition')).toContain('alice.ifb');
    const text = await response.text();
    expect(rangeOf(text)).toEqual(['2030-01-10T00:00:00Z', '2030-01-11T00:00:00Z']);
    // TRANSP:TRANSPARENT, STATUS:CANCELLED and the transparent calendar add nothing.
    expect(busyOf(text)).toEqual(['BUSY 2030-01-10T10:00:00Z/2030-01-10T11:00:00Z', 'BUSY-TENTATIVE 2030-01-10T12:00:00Z/2030-01-10T13:00:00Z']);
    const vcalendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
    expect(vcalendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    // Without a configured servername there is no absolute URL to give (http/public-url.ts).
    expect(vcalendar.getFirstSubcomponent('vfreebusy')!.getFirstPropertyValue('url')).toBeNull();
  });

  it('§4 one calendar by name: only its events, even when it is transparent', async () => {
    const holidays = await get('/holidays?start=2030-01-10T00:00:00Z&end=2030-01-11T00:00:00Z');
    expect(busyOf(await holidays.text())).toEqual(['BUSY 2030-01-10T18:00:00Z/2030-01-10T19:00:00Z']);
    const main = await get('/Default?start=2030-01-10T00:00:00Z&end=2030-01-11T00:00:00Z');
    expect(busyOf(await main.text())).toHaveLength(2);
  });

  it('§4.3 period instead of end', async () => {
    const text = await (await get('?start=2030-01-10T10:30:00Z&period=PT2H')).text();
    expect(rangeOf(text)).toEqual(['2030-01-10T10:30:00Z', '2030-01-10T12:30:00Z']);
    expect(busyOf(text)).toEqual(['BUSY 2030-01-10T10:30:00Z/2030-01-10T11:00:00Z', 'BUSY-TENTATIVE 2030-01-10T12:00:00Z/2030-01-10T12:30:00Z']);
    expect(rangeOf(await (await get('?start=2030-01-10T00:00:00Z&period=P1W')).text())).toEqual(['2030-01-10T00:00:00Z', '2030-01-17T00:00:00Z']);
    expect(rangeOf(await (await get('?start=2030-01-10T00:00:00Z&period=P1DT12H')).text())).toEqual(['2030-01-10T00:00:00Z', '2030-01-11T12:00:00Z']);
  });

  it('§4.1 start with a numeric offset, with and without the colon', async () => {
    expect(rangeOf(await (await get('?start=2030-01-10T09:00:00%2B01:00&period=PT1H')).text())[0]).toBe('2030-01-10T08:00:00Z');
    expect(rangeOf(await (await get('?start=2030-01-10T09:00:00-0800&period=PT1H')).text())[0]).toBe('2030-01-10T17:00:00Z');
  });

  it('defaults as Cyrus: from the start of today (UTC) for 42 days; start alone runs 42 days', async () => {
    const today = Math.floor(Date.now() / DAY) * DAY;
    expect(rangeOf(await (await get('')).text())).toEqual([iso(today), iso(today + 42 * DAY)]);
    expect(rangeOf(await (await get('?end=2099-01-01T00:00:00Z')).text())).toEqual([iso(today), '2099-01-01T00:00:00Z']);
    expect(rangeOf(await (await get('?start=2030-01-10T00:00:00Z')).text())).toEqual(['2030-01-10T00:00:00Z', '2030-02-21T00:00:00Z']);
  });

  it('§4.4 format=application/calendar+json answers jCal', async () => {
    const response = await get('?start=2030-01-10T00:00:00Z&end=2030-01-11T00:00:00Z&format=application/calendar%2Bjson');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/calendar+json; charset=utf-8');
    expect(response.headers.get('Content-Disposition')).toContain('alice.jfb');
    const jcal = (await response.json()) as unknown[];
    expect(jcal[0]).toBe('vcalendar');
    expect(busyOf(ICAL.stringify(jcal as never))).toHaveLength(2);
    expect((await get('?format=text/calendar')).status).toBe(200);
  });

  it('406 for an unknown format', async () => {
    expect((await get('?format=text/html')).status).toBe(406);
    expect((await get('?format=application/json')).status).toBe(406);
  });

  it.each([
    ['end and period together', '?start=2030-01-10T00:00:00Z&end=2030-01-11T00:00:00Z&period=P1D'],
    ['start twice', '?start=2030-01-10T00:00:00Z&start=2030-01-11T00:00:00Z'],
    ['end twice', '?end=2030-01-10T00:00:00Z&end=2030-01-11T00:00:00Z'],
    ['period twice', '?period=P1D&period=P2D'],
    ['format twice', '?format=text/calendar&format=text/calendar'],
    ['a date without time', '?start=2030-01-10'],
    ['a compact iCalendar date-time', '?start=20300110T000000Z'],
    ['fractional seconds', '?start=2030-01-10T00:00:00.5Z'],
    ['an impossible date', '?start=2030-02-30T00:00:00Z'],
    ['a malformed end', '?end=tomorrow'],
    ['a malformed period', '?period=42D'],
    ['an empty period', '?period=P'],
    ['a negative period', '?period=-P1D'],
    ['end before start', '?start=2030-01-11T00:00:00Z&end=2030-01-10T00:00:00Z'],
    ['end equal to start', '?start=2030-01-10T00:00:00Z&end=2030-01-10T00:00:00Z'],
  ])('400 for %s', async (_label, query) => {
    expect((await get(query)).status).toBe(400);
  });

  it('an unknown user or calendar is answered like one whose busy time is not shared (401 anonymous, 404 signed in); 405 for other methods', async () => {
    expect((await t.request('GET', '/freebusy/user/nobody', { user: null })).status).toBe(401);
    expect((await get('/nope')).status).toBe(401);
    expect((await get('/Inbox')).status).toBe(401);
    expect((await t.request('GET', '/freebusy/user/nobody', { user: 'bob' })).status).toBe(404);
    expect((await get('/nope', 'bob')).status).toBe(404);
    expect((await get('/nope', 'alice')).status).toBe(404);
    expect((await t.request('GET', '/freebusy/', { user: null })).status).toBe(404);
    expect((await get('', null, 'POST')).status).toBe(405);
  });

  it('HEAD answers the headers without a body', async () => {
    const response = await get('?start=2030-01-10T00:00:00Z&end=2030-01-11T00:00:00Z', null, 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/calendar; charset=utf-8');
    expect(await response.text()).toBe('');
  });
});

describe('Freebusy URL access (the seed: right 9 on the home; anonymous when "anyone" has it)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
    await t.request('PROPFIND', '/dav/calendars/user/alice/', { headers: { Depth: '0' }, expect: 207 });
  });
  afterAll(() => t.close());

  const setHomeAcl = (aces: string) =>
    t.request('ACL', '/dav/calendars/user/alice/', {
      body: `<?xml version="1.0"?><D:acl xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:ace><D:principal><D:property><D:owner/></D:property></D:principal><D:grant><D:privilege><D:all/></D:privilege></D:grant></D:ace>${aces}</D:acl>`,
      headers: { 'Content-Type': 'application/xml' },
      expect: 200,
    });

  it('anonymous is served while anyone holds 9 (the default)', async () => {
    expect((await t.request('GET', '/freebusy/user/alice', { user: null })).status).toBe(200);
  });

  it('without anyone 9: anonymous gets a 401 challenge, another user what a user who does not exist gets (404), the owner 200', async () => {
    await setHomeAcl('');
    const anonymous = await t.request('GET', '/freebusy/user/alice', { user: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('WWW-Authenticate')).toMatch(/^Basic realm=/);
    const bob = await t.request('GET', '/freebusy/user/alice', { user: 'bob' });
    const nobody = await t.request('GET', '/freebusy/user/nobody', { user: 'bob' });
    expect(bob.status).toBe(404);
    expect([nobody.status, await nobody.text()]).toEqual([bob.status, await bob.text()]);
    expect((await t.request('GET', '/freebusy/user/alice', { user: 'alice' })).status).toBe(200);
    expect((await t.request('GET', '/freebusy/user/alice', { user: 'alice', password: 'wrong' })).status).toBe(401);
  });

  it('granting read-free-busy to one user lets that user in', async () => {
    await setHomeAcl('<D:ace><D:principal><D:href>/dav/principals/user/bob/</D:href></D:principal><D:grant><D:privilege><C:read-free-busy/></D:privilege></D:grant></D:ace>');
    expect((await t.request('GET', '/freebusy/user/alice', { user: 'bob' })).status).toBe(200);
    expect((await t.request('GET', '/freebusy/user/alice', { user: 'carol' })).status).toBe(404);
    expect((await t.request('GET', '/freebusy/user/alice', { user: null })).status).toBe(401);
  });

  it('a calendar URL is judged by the calendar\'s own ACL', async () => {
    // The Default calendar still grants anyone 9 even though the home no longer does.
    expect((await t.request('GET', '/freebusy/user/alice/Default', { user: null })).status).toBe(200);
  });
});
