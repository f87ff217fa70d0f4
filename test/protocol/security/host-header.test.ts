// Absolute URLs never come from the Host header: with `Host: evil.example` (the request URL a
// runtime builds from it), nothing the server answers, stores or mails names evil.example. With a
// servername (or http_baseurl) the links name that host; without one they are paths, completed by
// the page script from the browser's own location, or left out where only an absolute URL would do.
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.ts';
import { publicOrigin } from '../../../src/http/public-url.ts';
import type { MessageTransport, OutgoingMail } from '../../../src/scheduling/imip/transport.ts';
import { event, makeTestApp, PASSWORD, type TestApp } from '../../helpers/app.ts';
import { ALICE, meeting } from '../scheduling/support.ts';
import { BROWSER_ACCEPT } from '../web/page-helpers.ts';

const EVIL = 'evil.example';
const HOME = '/dav/calendars/user/alice/';
const ICS = { 'Content-Type': 'text/calendar' };
const SHARE = '<D:share-resource xmlns:D="DAV:"><D:sharee><D:href>mailto:bob@example.com</D:href><D:share-access><D:read/></D:share-access></D:sharee></D:share-resource>';

let t: TestApp;
let mails: OutgoingMail[];
afterEach(() => t?.close());

async function start(entries: Record<string, string>): Promise<void> {
  mails = [];
  const transport: MessageTransport = { send: async (mail) => void mails.push(mail) };
  t = await makeTestApp({ caldav_allowcalendaradmin: 'on', ...entries }, ['alice', 'bob'], { transport });
}

/** A request as it arrives with `Host: evil.example`: runtimes build the request URL from that header. */
async function evil(method: string, path: string, options: { user?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; text: string }> {
  const headers = new Headers(options.headers);
  headers.set('Authorization', `Basic ${btoa(`${options.user ?? 'alice'}:${PASSWORD}`)}`);
  const response = await t.app.fetch(new Request(`http://${EVIL}${path}`, { method, headers, body: options.body ?? null }));
  const text = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n') + '\n\n' + (await response.text());
  return { status: response.status, text };
}

/** Everything a hostile Host header could reach: the page, DAV properties, zones, free-busy, Location, sharing notices, iMIP. */
async function sweep(): Promise<string[]> {
  const outputs: { status: number; text: string }[] = [];
  outputs.push(await evil('PUT', `${HOME}Default/meeting.ics`, {
    headers: ICS,
    body: meeting({ uid: 'meeting', attendees: [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, 'ATTENDEE;RSVP=TRUE:mailto:dana@elsewhere.example'] }),
  }));
  outputs.push(await evil('MKCALENDAR', `${HOME}work/`));
  outputs.push(await evil('PUT', `${HOME}work/e.ics`, { headers: ICS, body: event('e') }));
  outputs.push(await evil('COPY', `${HOME}work/e.ics`, { headers: { Destination: `http://${EVIL}${HOME}Default/copy.ics` } }));
  outputs.push(await evil('POST', `${HOME}work/?action=add-member`, { headers: ICS, body: event('added') }));
  outputs.push(await evil('POST', `${HOME}work/`, { headers: { 'Content-Type': 'application/davsharing+xml' }, body: SHARE }));
  outputs.push(await evil('GET', HOME, { headers: { Accept: BROWSER_ACCEPT } }));
  outputs.push(await evil('GET', '/dav/calendars/user/bob/', { user: 'bob', headers: { Accept: BROWSER_ACCEPT } }));
  outputs.push(await evil('PROPFIND', HOME, { headers: { Depth: '1' } }));
  outputs.push(await evil('PROPFIND', HOME, { headers: { Depth: '0' }, body: '<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:timezone-service-set/></D:prop></D:propfind>' }));
  outputs.push(await evil('PROPFIND', '/dav/notifications/user/bob/', { user: 'bob', headers: { Depth: '1' } }));
  outputs.push(await evil('REPORT', `${HOME}work/`, { headers: { Depth: '1' }, body: '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>' }));
  outputs.push(await evil('GET', `${HOME}work/`));
  outputs.push(await evil('GET', '/tzdist/zones/Europe/London'));
  outputs.push(await evil('GET', '/tzdist/zones/Europe/London?start=2020-01-01T00:00:00Z'));
  outputs.push(await evil('GET', '/freebusy/user/alice?start=2026-01-01T00:00:00Z&end=2026-02-01T00:00:00Z'));
  outputs.push(await evil('GET', '/.well-known/caldav'));
  outputs.push(await evil('GET', '/.well-known/timezone'));
  outputs.push(await evil('OPTIONS', `${HOME}work/`));
  expect(outputs.every((o) => o.status < 500), outputs.map((o) => o.text).join('\n\n')).toBe(true);
  expect(mails.length).toBeGreaterThan(0);
  return [...outputs.map((o) => o.text), ...mails.map((m) => m.raw), await dump()];
}

/** Everything stored (events, sharing notices, properties), to show that nothing kept the hostile host either. */
async function dump(): Promise<string> {
  const rows: unknown[] = [];
  for (const table of ['collections', 'resources', 'properties', 'shares']) rows.push((await t.client.execute(`SELECT * FROM ${table}`)).rows);
  return JSON.stringify(rows);
}

describe('absolute URLs with a configured servername', () => {
  it('nothing answered, stored or mailed names the Host header; links name servername over https', async () => {
    await start({ servername: 'cal.example.com' });
    const outputs = await sweep();
    for (const output of outputs) expect(output).not.toContain(EVIL);
    const all = outputs.join('\n');
    expect(all).toContain(`href="webcal://cal.example.com${HOME}work/"`);
    expect(all).toContain(`data-copy="https://cal.example.com${HOME}work/"`);
    expect(all).toMatch(/timezone-service-set><\w+:href>https:\/\/cal\.example\.com\/tzdist</);
    expect(all).toContain('TZURL:https://cal.example.com/tzdist/zones/Europe/London');
    expect(all).toMatch(/URL:https:\/\/cal\.example\.com\/freebusy\/user\/alice\?start=/);
  });

  it('http_baseurl gives the scheme and port', async () => {
    await start({ servername: 'cal.example.com', http_baseurl: 'http://cal.example.com:8008/' });
    const page = await evil('GET', HOME, { headers: { Accept: BROWSER_ACCEPT } });
    expect(page.text).not.toContain(EVIL);
    expect(page.text).toContain(`href="webcal://cal.example.com:8008${HOME}Default/"`);
    expect((await evil('GET', '/tzdist/zones/Europe/London')).text).toContain('TZURL:http://cal.example.com:8008/tzdist/zones/Europe/London');
  });
});

describe('absolute URLs without a servername', () => {
  it('nothing names the Host header either: paths where a relative reference works, nothing where it does not', async () => {
    await start({});
    const outputs = await sweep();
    for (const output of outputs) expect(output).not.toContain(EVIL);
    const all = outputs.join('\n');
    // The page sends paths; its script completes them from the address the browser shows.
    expect(all).toContain(`href="${HOME}work/" data-link="webcal" data-path="${HOME}work/"`);
    expect(all).toContain(`data-copy="${HOME}work/" data-link="absolute"`);
    expect(all).toMatch(/timezone-service-set><\w+:href>\/tzdist</);
    expect(all).not.toContain('TZURL');
    expect(all).not.toMatch(/^URL:/m);
  });
});

describe('configuration', () => {
  it('servername takes a host name only; http_baseurl an origin without a path', () => {
    expect(publicOrigin(parseConfig({}))).toBeNull();
    expect(publicOrigin(parseConfig({ servername: 'localhost' }))).toBeNull();
    expect(publicOrigin(parseConfig({ servername: 'cal.example.com' }))).toBe('https://cal.example.com');
    expect(publicOrigin(parseConfig({ http_baseurl: 'https://cal.example.com:443' }))).toBe('https://cal.example.com');
    expect(publicOrigin(parseConfig({ servername: 'cal.example.com', http_baseurl: 'http://CAL.example.com:8008' }))).toBe('http://cal.example.com:8008');
    for (const servername of ['https://cal.example.com', 'cal.example.com:8443', 'cal.example.com/dav', 'evil example']) {
      expect(() => parseConfig({ servername }), servername).toThrow(/not a host name/);
    }
    for (const baseurl of ['cal.example.com', 'ftp://cal.example.com', 'https://cal.example.com/dav/', 'https://user:pw@cal.example.com', 'https://cal.example.com/?x']) {
      expect(() => parseConfig({ http_baseurl: baseurl }), baseurl).toThrow(/is not a URL like/);
    }
  });
});
