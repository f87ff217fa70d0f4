// Helpers for the calendar management page tests: fetching the page as a browser does and
// picking out the parts the tests look at.
import type { TestApp } from '../../helpers/app.ts';

export const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

export async function getPage(t: TestApp, user: string | null = 'alice', path = `/dav/calendars/user/${user ?? 'alice'}/`): Promise<{ status: number; html: string; headers: Headers }> {
  const response = await t.request('GET', path, { user, headers: { Accept: BROWSER_ACCEPT } });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

/** The <article> of the calendar at `href`, which the page marks with data-href. */
export function card(html: string, href: string): string {
  const start = html.indexOf(`data-href="${href}"`);
  if (start === -1) throw new Error(`No calendar card for ${href}`);
  const open = html.lastIndexOf('<article', start);
  return html.slice(open, html.indexOf('</article>', start) + '</article>'.length);
}

export function cardHrefs(html: string): string[] {
  return [...html.matchAll(/<article class="cal[^"]*" id="cal-\d+" data-href="([^"]+)"/g)].map((m) => m[1]!);
}

export const SHARE = (sharee: string, access: 'read' | 'read-write' | 'no-access'): string =>
  `<D:share-resource xmlns:D="DAV:"><D:sharee><D:href>${sharee}</D:href><D:share-access><D:${access}/></D:share-access></D:sharee></D:share-resource>`;

export const SHARING_TYPE = { 'Content-Type': 'application/davsharing+xml' };

export function mkcalendarBody(props: string): string {
  return `<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/"><D:set><D:prop><D:resourcetype><D:collection/><C:calendar/></D:resourcetype>${props}</D:prop></D:set></D:mkcol>`;
}
