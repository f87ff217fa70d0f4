// GET of a calendar home by a browser: the calendar management page (Cyrus's calendar admin,
// `caldav_allowcalendaradmin`). DAV clients, which do not ask for HTML, keep the DAV answer.
import { hasAccess, requireAccess, unauthorized } from '../acl/check.ts';
import { toBase64 } from '../bytes/base64.ts';
import type { DavContext } from '../dav/context.ts';
import { DavError, notFound } from '../dav/errors.ts';
import { encodePath } from '../dav/path.ts';
import { publicOrigin } from '../http/public-url.ts';
import { loadCalendars, loadInvitations, type CollectionResource } from './calendars.ts';
import { renderPage } from './page.ts';

/**
 * The page for a calendar home, or null when the request is not a browser's (so the caller
 * answers as DAV does). Only the home's own user sees it, and server administrators.
 */
export async function renderCalendarAdmin(ctx: DavContext, home: CollectionResource): Promise<Response | null> {
  if (!wantsHtml(ctx.request.headers.get('accept'))) return null;
  if (!ctx.deps.config.caldav_allowcalendaradmin) throw notFound('The calendar management page is not enabled on this server');
  const principal = ctx.principal;
  if (!principal) throw unauthorized(ctx);
  const owner = home.collection.owner;
  if (owner !== principal.name && !principal.isAdmin) {
    requireAccess(ctx, home, 'read');
    throw new DavError(403, undefined, 'The calendar management page shows only your own calendars');
  }
  const newCalendar = `${home.path}new-calendar/`;
  const [calendars, invitations] = await Promise.all([
    loadCalendars(ctx, home),
    owner === principal.name ? loadInvitations(ctx, owner) : [],
  ]);
  const nonce = makeNonce();
  const body = await renderPage({
    user: owner ?? principal.name,
    userLabel: owner === principal.name ? principal.user.displayname || principal.name : `${principal.name} (viewing ${owner ?? 'shared calendars'})`,
    homeHref: encodePath(home.path),
    calendars,
    invitations,
    canCreate: hasAccess(ctx, { kind: 'missing', path: newCalendar, parent: home.collection, name: 'new-calendar', area: 'calendars' }, 'make-collection'),
    nonce,
    origin: publicOrigin(ctx.deps.config),
    timezones: ctx.deps.config.httpmodules.has('tzdist'),
  });
  return new Response(body, { status: 200, headers: pageHeaders(nonce) });
}

/** Whether an Accept header asks for HTML: browsers list text/html; DAV clients send XML types or nothing. */
export function wantsHtml(accept: string | null): boolean {
  if (!accept) return false;
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== 'text/html' && type !== 'application/xhtml+xml') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number.parseFloat(q.slice(2)) > 0;
  });
}

// --- Internal helpers ---

/**
 * Only the page's own nonce'd style sheet and script run; requests go back to this origin only.
 * form-action and frame-ancestors close the two holes default-src leaves open (RFC-less but
 * CSP Level 3 §6.3.1, §6.4.2).
 */
function pageHeaders(nonce: string): Headers {
  return new Headers({
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "connect-src 'self'",
      "img-src 'self' data:",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'Cache-Control': 'no-store',
    Vary: 'Accept, Authorization',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
  });
}

function makeNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return toBase64(bytes);
}
