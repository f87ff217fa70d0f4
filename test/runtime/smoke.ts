// The HTTP-level smoke sequence every runtime adapter must pass against a real listening server:
// authentication, discovery (RFC 6764/5397), calendar creation (RFC 4791 §5.3.1), object
// PUT/GET/DELETE with ETags (RFC 4918 §9.7, RFC 7232), and sync-collection (RFC 6578 §3.2).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childElements, findChild, parseMultistatus, parseXml, propText, textContent, type ParsedResponse } from '../helpers/multistatus.ts';

export interface SmokeTarget {
  baseUrl: string;
  user: string;
  password: string;
  /** Create calendars with POST + X-HTTP-Method-Override (platforms that refuse MKCALENDAR). */
  mkcalendarOverride?: boolean;
  stop(): Promise<unknown>;
}

const DAV = 'DAV:';
const UID = 'smoke-0001@orrery.test';

export function defineSmokeSuite(runtime: string, start: () => Promise<SmokeTarget>): void {
  describe(`${runtime}: HTTP smoke sequence`, () => {
    let target: SmokeTarget;
    const home = () => `/dav/calendars/user/${target.user}/`;
    const calendar = () => `${home()}smoke/`;
    const object = () => `${calendar()}event.ics`;
    let etag = '';
    let syncToken = '';

    beforeAll(async () => {
      target = await start();
    });
    afterAll(async () => {
      await target?.stop();
    });

    const send = (method: string, path: string, init: { body?: string; headers?: Record<string, string>; password?: string } = {}) =>
      fetch(new URL(path, target.baseUrl), {
        method,
        body: init.body ?? null,
        headers: { Authorization: `Basic ${btoa(`${target.user}:${init.password ?? target.password}`)}`, ...init.headers },
      });

    it('RFC 7617: the bootstrap user authenticates, a wrong password gets 401 with a challenge', async () => {
      const wrong = await send('PROPFIND', '/', { password: 'not-the-password', headers: { Depth: '0' } });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic /);
      const right = await send('PROPFIND', '/', { headers: { Depth: '0' } });
      expect(right.status).toBe(207);
    });

    it('RFC 5397 §3: discovery PROPFIND on / returns current-user-principal', async () => {
      const response = await send('PROPFIND', '/', {
        headers: { Depth: '0', 'Content-Type': 'application/xml' },
        body: '<?xml version="1.0"?><propfind xmlns="DAV:"><prop><current-user-principal/></prop></propfind>',
      });
      expect(response.status).toBe(207);
      const root = parseMultistatus(await response.text()).get('/');
      expect(propText(root, `{${DAV}}current-user-principal`)?.trim()).toBe(`/dav/principals/user/${target.user}/`);
    });

    it('RFC 4918 §9.1: PROPFIND Depth 1 on the calendar home lists the Default calendar', async () => {
      const response = await send('PROPFIND', home(), {
        headers: { Depth: '1', 'Content-Type': 'application/xml' },
        body: '<?xml version="1.0"?><propfind xmlns="DAV:"><prop><resourcetype/></prop></propfind>',
      });
      expect(response.status).toBe(207);
      const listing = parseMultistatus(await response.text());
      expect([...listing.keys()]).toContain(`${home()}Default/`);
      expect(isCalendar(listing.get(`${home()}Default/`))).toBe(true);
    });

    it('RFC 4791 §5.3.1: MKCALENDAR creates a calendar', async () => {
      const body =
        '<?xml version="1.0"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">' +
        '<D:set><D:prop><D:displayname>Smoke</D:displayname></D:prop></D:set></C:mkcalendar>';
      const headers = { 'Content-Type': 'application/xml' };
      const response = target.mkcalendarOverride
        ? await send('POST', calendar(), { body, headers: { ...headers, 'X-HTTP-Method-Override': 'MKCALENDAR' } })
        : await send('MKCALENDAR', calendar(), { body, headers });
      expect(response.status).toBe(201);
      const check = await send('PROPFIND', calendar(), { headers: { Depth: '0' }, body: '<propfind xmlns="DAV:"><prop><displayname/><resourcetype/></prop></propfind>' });
      const props = parseMultistatus(await check.text()).get(calendar());
      expect(propText(props, `{${DAV}}displayname`)).toBe('Smoke');
      expect(isCalendar(props)).toBe(true);
    });

    it('RFC 4791 §5.3.2 / RFC 7232: PUT creates an object with an ETag, GET returns it with the same ETag', async () => {
      const put = await send('PUT', object(), { body: smokeEvent('First'), headers: { 'Content-Type': 'text/calendar', 'If-None-Match': '*' } });
      expect(put.status).toBe(201);
      etag = put.headers.get('etag') ?? '';
      expect(etag).toMatch(/^"/);
      const get = await send('GET', object());
      expect(get.status).toBe(200);
      expect(get.headers.get('etag')).toBe(etag);
      expect(await get.text()).toContain(`UID:${UID}`);
    });

    it('RFC 7232 §3.1: a PUT with a stale If-Match fails with 412, a current one replaces the object', async () => {
      const stale = await send('PUT', object(), { body: smokeEvent('Second'), headers: { 'Content-Type': 'text/calendar', 'If-Match': '"stale"' } });
      expect(stale.status).toBe(412);
      const current = await send('PUT', object(), { body: smokeEvent('Second'), headers: { 'Content-Type': 'text/calendar', 'If-Match': etag } });
      expect(current.status).toBe(204);
      const next = current.headers.get('etag') ?? '';
      expect(next).not.toBe(etag);
      etag = next;
      expect(await (await send('GET', object())).text()).toContain('SUMMARY:Second');
    });

    it('RFC 6578 §3.2: sync-collection returns a sync-token and the member with its ETag', async () => {
      const response = await send('REPORT', calendar(), { headers: { 'Content-Type': 'application/xml' }, body: syncCollection('') });
      expect(response.status).toBe(207);
      const text = await response.text();
      const tokenElement = findChild(parseXml(text), `{${DAV}}sync-token`);
      syncToken = tokenElement ? textContent(tokenElement).trim() : '';
      expect(syncToken).not.toBe('');
      const member = parseMultistatus(text).get(object());
      expect(propText(member, `{${DAV}}getetag`)).toBe(etag);
    });

    it('RFC 4918 §9.6 / RFC 6578 §3.5.2: DELETE with If-Match removes the object; sync reports it as 404', async () => {
      const stale = await send('DELETE', object(), { headers: { 'If-Match': '"stale"' } });
      expect(stale.status).toBe(412);
      const deleted = await send('DELETE', object(), { headers: { 'If-Match': etag } });
      expect(deleted.status).toBe(204);
      expect((await send('GET', object())).status).toBe(404);
      const sync = await send('REPORT', calendar(), { headers: { 'Content-Type': 'application/xml' }, body: syncCollection(syncToken) });
      expect(sync.status).toBe(207);
      expect(parseMultistatus(await sync.text()).get(object())?.status).toBe(404);
    });

    it('RFC 8607 §3.3, §3.7: attachment-add stores a body of several chunks; GET of its URL returns it byte for byte', async () => {
      const withAttachment = `${calendar()}attached.ics`;
      expect((await send('PUT', withAttachment, { body: smokeEvent('Attached', 'smoke-attach@orrery.test'), headers: { 'Content-Type': 'text/calendar' } })).status).toBe(201);
      // 600 KiB of every byte value: more than two of the store's chunks, nothing that survives text decoding.
      const body = new Uint8Array(600 * 1024).map((_, i) => (i * 7 + (i >> 10)) & 0xff);
      const added = await fetch(new URL(`${withAttachment}?action=attachment-add`, target.baseUrl), {
        method: 'POST',
        body,
        headers: { Authorization: `Basic ${btoa(`${target.user}:${target.password}`)}`, 'Content-Type': 'application/octet-stream', 'Content-Disposition': 'attachment; filename=smoke.bin' },
      });
      expect(added.status, await added.clone().text()).toBe(201);
      const managedId = added.headers.get('cal-managed-id') ?? '';
      expect(managedId).toMatch(/^[0-9a-f]{32}$/);
      const location = added.headers.get('location') ?? '';
      expect(location).toContain(`/Attachments/${managedId}`);
      const object = (await (await send('GET', withAttachment)).text()).replace(/\r\n /g, '');
      expect(object).toContain(`MANAGED-ID=${managedId}`);
      expect(object).toContain('SIZE=614400');
      const downloaded = await send('GET', new URL(location, target.baseUrl).pathname);
      expect(downloaded.status).toBe(200);
      expect(downloaded.headers.get('content-type')).toBe('application/octet-stream');
      const got = new Uint8Array(await downloaded.arrayBuffer());
      // Compared by hand: a deep equality of 600 KiB element by element takes seconds.
      expect(got.byteLength).toBe(body.byteLength);
      expect(got.findIndex((byte, i) => byte !== body[i])).toBe(-1);
    });

    it('RFC 5789 / draft-daboo-icalendar-vpatch: PATCH changes one property of the object', async () => {
      const patched = `${calendar()}attached.ics`;
      const before = await send('GET', patched);
      const etag = before.headers.get('etag') ?? '';
      await before.arrayBuffer();
      const vpatch = [
        'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery runtime tests//EN', 'BEGIN:VPATCH', 'UID:smoke-patch', 'DTSTAMP:20260101T000000Z',
        'BEGIN:PATCH', 'PATCH-TARGET:/VCALENDAR/VEVENT[UID=smoke-attach@orrery.test][RID=M]', 'SUMMARY:Patched', 'END:PATCH',
        'END:VPATCH', 'END:VCALENDAR', '',
      ].join('\r\n');
      const response = await send('PATCH', patched, { body: vpatch, headers: { 'Content-Type': 'text/calendar; component=VPATCH', 'If-Match': etag } });
      expect(response.status, await response.clone().text()).toBe(204);
      const after = (await (await send('GET', patched)).text()).replace(/\r\n /g, '');
      expect(after).toContain('SUMMARY:Patched');
      // The managed attachment the object carries survives the patch.
      expect(after).toContain('MANAGED-ID=');
    });

    it("RFC 7529: the runtime's Intl calendars expand every RSCALE rule of the ICU fixture to ICU's dates (test/fixtures/rscale)", async () => {
      const propfind = '<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:supported-rscale-set/></D:prop></D:propfind>';
      const set = propText(parseMultistatus(await (await send('PROPFIND', calendar(), { body: propfind, headers: { Depth: '0' } })).text()).get(calendar()), '{urn:ietf:params:xml:ns:caldav}supported-rscale-set');
      for (const scale of ['HEBREW', 'CHINESE', 'ISLAMIC-CIVIL', 'ETHIOPIC', 'INDIAN']) expect(set).toContain(scale);
      const fixture = JSON.parse(readFileSync(new URL('../fixtures/rscale/instances.json', import.meta.url), 'utf8')) as { cases: { rrule: string; dtstart: string; until: string; instances: string[] }[] };
      const differing: string[] = [];
      for (const [index, rule] of fixture.cases.entries()) {
        const href = `${calendar()}rscale-${index}.ics`;
        const body = smokeEvent(rule.rrule, `smoke-rscale-${index}@orrery.test`)
          .replace('DTSTART:20260310T090000Z', `DTSTART;VALUE=DATE:${rule.dtstart}\r\nRRULE:${rule.rrule};UNTIL=${rule.until}`)
          .replace('DTEND:20260310T100000Z\r\n', '');
        expect((await send('PUT', href, { body, headers: { 'Content-Type': 'text/calendar' } })).status).toBe(201);
        const multiget =
          '<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data>' +
          `<C:expand start="20140101T000000Z" end="20380101T000000Z"/></C:calendar-data></D:prop><D:href>${href}</D:href></C:calendar-multiget>`;
        const response = await send('REPORT', calendar(), { body: multiget, headers: { Depth: '0', 'Content-Type': 'application/xml' } });
        const data = propText(parseMultistatus(await response.text()).get(href), '{urn:ietf:params:xml:ns:caldav}calendar-data') ?? '';
        const dates = [...data.matchAll(/^RECURRENCE-ID[^:\r\n]*:(\d{8})/gm)].map((m) => m[1]).sort();
        // CALDAV:expand ranges end by the server's max-date-time (2038).
        const expected = rule.instances.filter((date) => date < '20380101');
        if (dates.join() !== expected.join()) differing.push(`${rule.rrule}: ${dates.length} instances, ICU ${expected.length}`);
      }
      expect(fixture.cases.length).toBeGreaterThan(50);
      expect(differing).toEqual([]);
    }, 120_000);
  });
}

export function smokeEvent(summary: string, uid = UID): string {
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery runtime tests//EN',
    'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', 'DTSTART:20260310T090000Z', 'DTEND:20260310T100000Z',
    `SUMMARY:${summary}`, 'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

export function syncCollection(token: string): string {
  return `<?xml version="1.0"?><D:sync-collection xmlns:D="DAV:"><D:sync-token>${token}</D:sync-token>` +
    '<D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>';
}

function isCalendar(response: ParsedResponse | undefined): boolean {
  const type = response?.props.get(`{${DAV}}resourcetype`);
  return !!type && type.status === 200 && childElements(type.element).some((child) => child.name === '{urn:ietf:params:xml:ns:caldav}calendar');
}
