// Hostile calendar names, descriptions and colours on the management page: everything a user
// or a sharer can store is shown as text, and nothing reaches the style sheet unchecked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../helpers/app.ts';
import { safeColor } from '../../../src/web/calendars.ts';
import { card, getPage, mkcalendarBody, SHARE, SHARING_TYPE } from './page-helpers.ts';

const HOME = '/dav/calendars/user/alice/';
const SCRIPT_NAME = '<script>alert("name")</script>';
const ATTRIBUTE_BREAKER = '"><img src=x onerror=alert(1)>';
let t: TestApp;

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

beforeAll(async () => {
  t = await makeTestApp({ caldav_allowcalendaradmin: 'on' });
  await t.request('MKCOL', `${HOME}evil/`, {
    headers: { 'Content-Type': 'application/xml' },
    body: mkcalendarBody(`<D:displayname>${xml(SCRIPT_NAME)}</D:displayname><C:calendar-description>${xml(ATTRIBUTE_BREAKER)}</C:calendar-description>`),
    expect: 201,
  });
  // The colour goes into the style sheet; store one the PROPPATCH check would refuse, as an
  // older server or a direct database edit could have.
  await t.store.properties.patch(`${HOME}evil/`, new Map([['{http://apple.com/ns/ical/}calendar-color', JSON.stringify({ name: '{http://apple.com/ns/ical/}calendar-color', attributes: {}, children: ['red}</style><script>alert(2)</script>'] })]]), []);
});
afterAll(() => t.close());

describe('escaping on the calendar management page', () => {
  it('shows a displayname holding <script> as text, in content and in attributes', async () => {
    const html = (await getPage(t)).html;
    expect(html).not.toContain(SCRIPT_NAME);
    expect(html).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('keeps a description that tries to close an attribute inside it', async () => {
    const html = (await getPage(t)).html;
    expect(html).not.toContain(ATTRIBUTE_BREAKER);
    expect(html).not.toMatch(/<img src=x/);
    expect(card(html, `${HOME}evil/`)).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('leaves a colour that is not a plain CSS colour out of the style sheet', async () => {
    const html = (await getPage(t)).html;
    expect(html).not.toContain('alert(2)');
    expect(html.match(/<\/style>/g)).toHaveLength(1);
    expect(safeColor('#3a7')).toBe('#3a7');
    expect(safeColor('#FF0000FF')).toBe('#FF0000FF');
    expect(safeColor('rebeccapurple')).toBe('rebeccapurple');
    expect(safeColor('red;background:url(x)')).toBeNull();
    expect(safeColor('#12345')).toBeNull();
  });

  it('shows a sharer\'s hostile calendar name as text in the sharee\'s invitations', async () => {
    await t.request('PROPFIND', '/dav/calendars/user/bob/', { user: 'bob', headers: { Depth: '0' }, expect: 207 });
    await t.request('POST', `${HOME}evil/`, { headers: SHARING_TYPE, body: SHARE('/dav/principals/user/bob/', 'read'), expect: 204 });
    const html = (await getPage(t, 'bob')).html;
    expect(html).toContain('Invitations');
    expect(html).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
    expect(html.match(/<script/g)).toHaveLength(1);
  });
});
