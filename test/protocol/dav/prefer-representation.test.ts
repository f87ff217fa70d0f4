// Prefer: return=representation on PUT and POST add-member (RFC 7240 §4.2, RFC 8144 §3.2): the
// answer carries the stored representation and its ETag, also on a failed conditional PUT.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { event, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { calendarPath, meeting } from '../scheduling/support.ts';

const CALENDAR = calendarPath('alice');
const ICS = { 'Content-Type': 'text/calendar; charset=utf-8' };
const REPRESENTATION = { ...ICS, Prefer: 'return=representation' };

describe('RFC 7240 §4.2 / RFC 8144 §3.2 Prefer: return=representation', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  it('PUT creating a resource answers 201 with the stored body, its ETag and Content-Location', async () => {
    const path = `${CALENDAR}r.ics`;
    const response = await t.request('PUT', path, { body: event('r'), headers: REPRESENTATION, expect: 201 });
    expect(response.headers.get('Content-Location')).toBe(path);
    expect(response.headers.get('Location')).toBe(path);
    expect(response.headers.get('Preference-Applied')).toBe('return=representation');
    expect(response.headers.get('Content-Type')).toMatch(/^text\/calendar/);
    const body = await response.text();
    const get = await t.request('GET', path, { expect: 200 });
    expect(body).toBe(await get.text());
    expect(response.headers.get('ETag')).toBe(get.headers.get('ETag'));
  });

  it('PUT replacing a resource answers 200 with the new body', async () => {
    const path = `${CALENDAR}r.ics`;
    await t.request('PUT', path, { body: event('r'), headers: ICS, expect: 201 });
    const response = await t.request('PUT', path, { body: event('r').replace('SUMMARY:Event r', 'SUMMARY:Changed'), headers: REPRESENTATION, expect: 200 });
    expect(await response.text()).toContain('SUMMARY:Changed');
    expect(response.headers.get('ETag')).toBe((await t.request('GET', path, { expect: 200 })).headers.get('ETag'));
  });

  it('without the preference PUT still answers without a body', async () => {
    const response = await t.request('PUT', `${CALENDAR}r.ics`, { body: event('r'), headers: { ...ICS, Prefer: 'x-foo' }, expect: 201 });
    expect(await response.text()).toBe('');
  });

  it('a failed If-Match answers 412 with the current representation', async () => {
    const path = `${CALENDAR}r.ics`;
    await t.request('PUT', path, { body: event('r'), headers: ICS, expect: 201 });
    const response = await t.request('PUT', path, { body: event('r').replace('SUMMARY:Event r', 'SUMMARY:Lost'), headers: { ...REPRESENTATION, 'If-Match': '"1234"' }, expect: 412 });
    const body = await response.text();
    expect(body).toContain('SUMMARY:Event r');
    expect(response.headers.get('Content-Location')).toBe(path);
  });

  it('a scheduling PUT answers with the Schedule-Tag and the data as implicit scheduling stored it', async () => {
    const path = `${CALENDAR}m.ics`;
    const response = await t.request('PUT', path, { body: meeting({ uid: 'm' }), headers: REPRESENTATION, expect: 201 });
    const body = await response.text();
    expect(body).toContain('SCHEDULE-STATUS');
    const get = await t.request('GET', path, { expect: 200 });
    expect(body).toBe(await get.text());
    expect(response.headers.get('ETag')).toBe(get.headers.get('ETag'));
    expect(response.headers.get('Schedule-Tag')).toBe(get.headers.get('Schedule-Tag'));
  });

  it('POST add-member answers 201 with Location, Content-Location and the stored body (RFC 5995 §3.2)', async () => {
    const response = await t.request('POST', `${CALENDAR}?action=add-member`, { body: event('p'), headers: REPRESENTATION, expect: 201 });
    const location = response.headers.get('Location');
    expect(location).toMatch(/\.ics$/);
    expect(response.headers.get('Content-Location')).toBe(location);
    expect(await response.text()).toBe(await (await t.request('GET', location!, { expect: 200 })).text());
  });
});
