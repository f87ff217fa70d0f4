// The calendar management page in a real browser (Debian's Chromium driven by playwright-core)
// against a real Node server: every action through the page, each checked again over DAV.
// UPDATE_SCREENSHOTS=1 rewrites docs/screenshot-calendars*.png.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../adapters/node/database.ts';
import { startServer, type RunningServer } from '../../adapters/node/server.ts';
import { parseConfig } from '../../src/config.ts';
import { addUser } from '../../src/users.ts';
import { parseMultistatus, propText } from '../helpers/multistatus.ts';

const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PASSWORD = 'page-test-pw';
const ALICE = '/dav/calendars/user/alice/';
const BOB = '/dav/calendars/user/bob/';
const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS === '1' ? join(import.meta.dirname, '../../docs') : mkdtempSync(join(tmpdir(), 'orrery-shots-'));
const THREE_EVENTS = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example//Export//EN', 'METHOD:PUBLISH',
  ...[1, 2, 3].flatMap((n) => ['BEGIN:VEVENT', `UID:import-${n}@example.com`, 'DTSTAMP:20260101T000000Z', `DTSTART:2026030${n}T090000Z`,
    `DTEND:2026030${n}T100000Z`, `SUMMARY:Planning session ${n}`, 'END:VEVENT']),
  'END:VCALENDAR', ''].join('\r\n');

if (!existsSync(CHROMIUM)) console.warn(`Skipping the calendar page browser test: ${CHROMIUM} is missing (scripts/install-test-deps.sh installs it)`);

describe.skipIf(!existsSync(CHROMIUM))('calendar management page in Chromium', () => {
  let dir: string;
  let server: RunningServer;
  let base: string;
  let browser: Browser;
  let alice: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  let calendarPath = '';

  async function dav(user: string | null, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Response> {
    const auth: Record<string, string> = user ? { Authorization: `Basic ${btoa(`${user}:${PASSWORD}`)}` } : {};
    return fetch(base + path, { method, body: body ?? null, headers: { ...auth, 'Content-Type': 'application/xml', ...headers } });
  }

  async function props(user: string, path: string, depth: '0' | '1', ...names: string[]) {
    const body = `<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/"><D:prop>${names.join('')}</D:prop></D:propfind>`;
    const response = await dav(user, 'PROPFIND', path, body, { Depth: depth });
    expect(response.status).toBe(207);
    return parseMultistatus(await response.text());
  }

  async function openPage(context: BrowserContext, path: string): Promise<Page> {
    const opened = await context.newPage();
    opened.on('pageerror', (error) => problems.push(error.message));
    opened.on('console', (message) => {
      if (/Content Security Policy|Uncaught/i.test(message.text())) problems.push(message.text());
    });
    await opened.goto(base + path);
    return opened;
  }

  /** Confirms the page's dialog; the page reloads after a change that worked. */
  async function confirm(on: Page, reloads = true): Promise<string> {
    await on.locator('#confirm').waitFor({ state: 'visible' });
    if (reloads) await Promise.all([on.waitForEvent('load'), on.locator('#confirm-ok').click()]);
    else await on.locator('#confirm-ok').click();
    await on.locator('#flash').waitFor({ state: 'visible' });
    return (await on.locator('#flash').textContent()) ?? '';
  }

  const cardNamed = (on: Page, name: string): Locator => on.locator(`article.cal[data-name="${name}"]`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orrery-web-'));
    const url = `file:${join(dir, 'web.db')}`;
    const { client, store } = await openDatabase({ url });
    for (const user of ['alice', 'bob']) await addUser(store, user, PASSWORD, `${user}@example.com`, Date.now());
    client.close();
    server = await startServer({ host: '127.0.0.1', port: 0, database: { url }, config: parseConfig({ caldav_allowcalendaradmin: 'on' }) }, { quiet: true });
    base = `http://127.0.0.1:${server.port}`;
    // Something to look at besides the calendar under test: another calendar and an invitation.
    const mkcol = (name: string, color: string, description: string) =>
      `<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/"><D:set><D:prop><D:resourcetype><D:collection/><C:calendar/></D:resourcetype><D:displayname>${name}</D:displayname><C:calendar-description>${description}</C:calendar-description><A:calendar-color>${color}</A:calendar-color><A:calendar-order>2</A:calendar-order></D:prop></D:set></D:mkcol>`;
    expect((await dav('alice', 'MKCOL', `${ALICE}family/`, mkcol('Family &amp; friends', '#2b8a3e', 'Birthdays, holidays and weekends'))).status).toBe(201);
    expect((await dav('bob', 'MKCOL', `${BOB}climbing/`, mkcol('Climbing club', '#7048e8', 'Sessions at the wall'))).status).toBe(201);
    const invite = '<D:share-resource xmlns:D="DAV:"><D:sharee><D:href>mailto:alice@example.com</D:href><D:share-access><D:read/></D:share-access></D:sharee></D:share-resource>';
    expect((await dav('bob', 'POST', `${BOB}climbing/`, invite, { 'Content-Type': 'application/davsharing+xml' })).status).toBe(204);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
    alice = await browser.newContext({ httpCredentials: { username: 'alice', password: PASSWORD }, viewport: { width: 1280, height: 900 }, timezoneId: 'Europe/Paris' });
    page = await openPage(alice, ALICE);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
    if (process.env.UPDATE_SCREENSHOTS !== '1') rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  });

  it('creates a calendar with two component types, a time zone and a colour (extended MKCOL, RFC 5689)', async () => {
    await page.locator('#new-name').fill('Team plans');
    await page.locator('#new-desc').fill('Sprints, demos and the on-call rota');
    await page.locator('#new-comp-VTODO').check();
    await page.locator('#new-tz').selectOption('Europe/Paris');
    await page.locator('#new-color').fill('#e8590c');
    await page.locator('#create-form button[type=submit]').click();
    expect(await confirm(page)).toContain('Created \u201cTeam plans\u201d');
    const listing = await props('alice', ALICE, '1', '<D:displayname/>', '<C:supported-calendar-component-set/>', '<C:calendar-timezone-id/>', '<A:calendar-color/>');
    const [path, found] = [...listing].find(([, r]) => propText(r, '{DAV:}displayname') === 'Team plans')!;
    calendarPath = path;
    expect(path).toMatch(/^\/dav\/calendars\/user\/alice\/team-plans-[0-9a-f]{8}\/$/);
    const components = found.props.get('{urn:ietf:params:xml:ns:caldav}supported-calendar-component-set')!.element.children;
    expect(components.map((c) => (typeof c === 'string' ? '' : c.attributes.name))).toEqual(['VEVENT', 'VTODO']);
    expect(propText(found, '{urn:ietf:params:xml:ns:caldav}calendar-timezone-id')).toBe('Europe/Paris');
    expect(propText(found, '{http://apple.com/ns/ical/}calendar-color')).toBe('#e8590c');
  });

  it('renames it and changes its colour (PROPPATCH)', async () => {
    const card = cardNamed(page, 'Team plans');
    await card.locator('summary', { hasText: 'Settings' }).click();
    await card.locator('input[name=name]').fill('Team calendar');
    await card.locator('input[name=color]').fill('#1971c2');
    await card.locator('form[data-action=settings] button[type=submit]').click();
    expect(await confirm(page)).toContain('Saved the changes');
    const found = (await props('alice', calendarPath, '0', '<D:displayname/>', '<A:calendar-color/>')).get(calendarPath)!;
    expect(propText(found, '{DAV:}displayname')).toBe('Team calendar');
    expect(propText(found, '{http://apple.com/ns/ical/}calendar-color')).toBe('#1971c2');
  });

  it('changing the component types either works or is refused in plain words', async () => {
    const card = cardNamed(page, 'Team calendar');
    await card.locator('summary', { hasText: 'Settings' }).click();
    await card.locator('input[name=components][value=VJOURNAL]').check();
    await card.locator('form[data-action=settings] button[type=submit]').click();
    await page.locator('#confirm').waitFor({ state: 'visible' });
    await page.locator('#confirm-ok').click();
    await page.waitForFunction(() => !document.querySelector<HTMLElement>('#flash')!.hidden);
    const found = (await props('alice', calendarPath, '0', '<C:supported-calendar-component-set/>')).get(calendarPath)!;
    const names = found.props.get('{urn:ietf:params:xml:ns:caldav}supported-calendar-component-set')!.element.children.map((c) => (typeof c === 'string' ? '' : c.attributes.name));
    if (!names.includes('VJOURNAL')) {
      // The server treats the set as protected after creation (RFC 4791 §5.2.3), force="yes" or not.
      expect(await page.locator('#flash.error').textContent()).toBe('This server does not let the kinds of items a calendar holds change after it is created.');
      await page.reload();
    }
  });

  it('makes it public, so that it can be fetched without signing in', async () => {
    expect((await dav(null, 'GET', calendarPath)).status).toBe(401);
    await cardNamed(page, 'Team calendar').locator('input[data-action=public]').click();
    expect(await confirm(page)).toContain('is now public');
    const anonymous = await dav(null, 'GET', calendarPath);
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(await cardNamed(page, 'Team calendar').locator('input[data-action=public]').isChecked()).toBe(true);
  });

  it('makes it transparent (schedule-calendar-transp, RFC 6638 §9.1)', async () => {
    await cardNamed(page, 'Team calendar').locator('input[data-action=transparent]').click();
    expect(await confirm(page)).toContain('no longer counts as busy time');
    const found = (await props('alice', calendarPath, '0', '<C:schedule-calendar-transp/>')).get(calendarPath)!;
    const value = found.props.get('{urn:ietf:params:xml:ns:caldav}schedule-calendar-transp')!.element.children;
    expect(value.map((c) => (typeof c === 'string' ? '' : c.name))).toContain('{urn:ietf:params:xml:ns:caldav}transparent');
    await cardNamed(page, 'Team calendar').locator('input[data-action=transparent]').click();
    expect(await confirm(page)).toContain('counts as busy time again');
  });

  it('shares it read-only with bob, who accepts it on his own page', async () => {
    const card = cardNamed(page, 'Team calendar');
    await card.locator('summary', { hasText: 'Sharing' }).click();
    await card.locator('input[name=user]').fill('bob');
    await card.locator('form[data-action=share] button[type=submit]').click();
    expect(await confirm(page)).toContain('Shared \u201cTeam calendar\u201d with bob');
    expect(await cardNamed(page, 'Team calendar').locator('.sharees').textContent()).toMatch(/bob\s*Can view · invited/);

    const bobContext = await browser.newContext({ httpCredentials: { username: 'bob', password: PASSWORD } });
    const bobPage = await openPage(bobContext, BOB);
    await bobPage.locator('.invite[data-name="Team calendar"] button[data-action=accept]').click();
    await bobPage.waitForSelector('article.cal[data-name="Team calendar"]');
    const alias = `${BOB}alice.${calendarPath.split('/').at(-2)}/`;
    expect(await bobPage.locator(`article.cal[data-href="${alias}"] .badge.shared`).textContent()).toBe('Shared by alice');
    expect([...(await props('bob', BOB, '1', '<D:displayname/>')).keys()]).toContain(alias);
    await bobContext.close();
  });

  it('imports a three-event .ics file, one PUT per UID, and shows each result', async () => {
    const card = cardNamed(page, 'Team calendar');
    await card.locator('summary', { hasText: 'Import' }).click();
    await card.locator('input[type=file]').setInputFiles({ name: 'planning.ics', mimeType: 'text/calendar', buffer: Buffer.from(THREE_EVENTS) });
    await card.locator('form[data-action=import] button[type=submit]').click();
    await page.locator('#confirm').waitFor({ state: 'visible' });
    expect(await page.locator('#confirm-body').textContent()).toContain('Planning session 2');
    expect(await confirm(page)).toContain('Imported 3 items');
    const results = await cardNamed(page, 'Team calendar').locator('.results li.ok').allTextContents();
    expect(results).toEqual(['\u2713 Planning session 1', '\u2713 Planning session 2', '\u2713 Planning session 3']);
    const members = [...(await props('alice', calendarPath, '1', '<D:getetag/>')).keys()].filter((href) => href.endsWith('.ics'));
    expect(members).toHaveLength(3);
    expect(await cardNamed(page, 'Team calendar').locator('.facts dd').first().textContent()).toMatch(/^3 /);
  });

  it('downloads it as one iCalendar file holding the three events; its free-busy URL shows them busy', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), cardNamed(page, 'Team calendar').locator('a', { hasText: 'Download' }).click()]);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    expect(text).toContain('X-WR-CALNAME:Team calendar');
    const freeBusy = await cardNamed(page, 'Team calendar').locator('a', { hasText: 'Free/busy' }).getAttribute('href');
    const busy = await dav('alice', 'GET', `${freeBusy}?start=2026-03-01T00:00:00Z&end=2026-03-05T00:00:00Z`);
    expect(busy.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect((await busy.text()).match(/^FREEBUSY[;:]/gm)).toHaveLength(3);
  });

  it('looks right: screenshots at desktop and phone widths', async () => {
    await page.reload();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'screenshot-calendars.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'screenshot-calendars-phone.png') });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('deletes it after confirmation; the default calendar offers no Delete', async () => {
    expect(await cardNamed(page, 'personal').locator('[data-action=delete]').count()).toBe(0);
    await cardNamed(page, 'Team calendar').locator('button[data-action=delete]').click();
    expect(await page.locator('#confirm-ok').textContent()).toBe('Delete calendar');
    expect(await confirm(page)).toContain('Deleted \u201cTeam calendar\u201d');
    expect((await dav('alice', 'PROPFIND', calendarPath, undefined, { Depth: '0' })).status).toBe(404);
    expect(await cardNamed(page, 'Team calendar').count()).toBe(0);
  });

  it('ran without script errors or Content Security Policy violations', () => {
    expect(problems).toEqual([]);
  });
});
