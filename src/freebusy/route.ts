// The Freebusy URL (CalConnect CC/S 0903 "Freebusy Read URL", as Cyrus serves it): GET
// /freebusy/user/<user>[/<calendar>] with start, end or period, and format. Needs read-free-busy
// (right 9) on the home or calendar; anonymous callers get in when "anyone" holds it.
import { Hono, type Context } from 'hono';
import { clientAddressOf } from '../http/client-address.ts';
import { absoluteUrl } from '../http/public-url.ts';
import { aclKind, rightsOfUser } from '../acl/check.ts';
import { isOperationAllowed } from '../acl/evaluate.ts';
import { reportLimits } from '../caldav/limits.ts';
import type { AppDeps, Principal } from '../dav/context.ts';
import { deserializeDeadProperty } from '../dav/properties/registry.ts';
import { calendarHomePath } from '../dav/urls.ts';
import { textContent } from '../dav/xml/element.ts';
import { caldav } from '../dav/xml/names.ts';
import type { Authenticator } from '../http/auth.ts';
import { parseUtc } from '../ical/zones.ts';
import type { CollectionRecord } from '../storage/index.ts';
import { calendarUserAddresses } from '../caldav/properties.ts';
import { negotiateMediaType } from '../http/accept.ts';
import { CALENDAR_MEDIA_TYPES, calendarMediaType } from '../ical/formats.ts';
import { computeFreeBusy, type FreeBusyRange } from './compute.ts';
import { renderFreeBusy, type FreeBusyMediaType } from './render.ts';
import { loadFreeBusySources, logUnreadable } from './sources.ts';

const DAY_MS = 86_400_000;
/** CC/S 0903 §4.3 recommends six weeks. */
const DEFAULT_PERIOD_MS = 42 * DAY_MS;
const EXTENSIONS: Record<FreeBusyMediaType, string> = {
  'text/calendar': 'ifb',
  'application/calendar+json': 'jfb',
  'application/calendar+xml': 'xfb',
};

export function createFreeBusyApp(deps: AppDeps, authenticator: Authenticator): Hono {
  const app = new Hono();
  const serve = (c: Context) => serveFreeBusy(c, deps, authenticator);
  app.on(['GET', 'HEAD'], '/user/:user', serve);
  app.on(['GET', 'HEAD'], '/user/:user/', serve);
  app.on(['GET', 'HEAD'], '/user/:user/:calendar', serve);
  app.on(['GET', 'HEAD'], '/user/:user/:calendar/', serve);
  app.options('*', () => new Response(null, { status: 200, headers: { Allow: 'OPTIONS, GET, HEAD', 'Content-Length': '0' } }));
  app.all('/user/*', () => text(405, 'The Freebusy URL answers GET and HEAD only\n', { Allow: 'OPTIONS, GET, HEAD' }));
  app.all('*', () => text(404, 'Freebusy URLs have the form /freebusy/user/<user>[/<calendar>]\n'));
  return app;
}

/** The queried range and format; a string is the reason for a 400, a number 406. */
export function parseFreeBusyQuery(params: URLSearchParams, nowMs: number, accept: string | null = null): { range: FreeBusyRange; format: FreeBusyMediaType; extension: string } | string | 406 {
  for (const name of ['start', 'end', 'period', 'format']) {
    if (params.getAll(name).length > 1) return `The ${name} parameter may be given once`;
  }
  const start = params.get('start');
  const end = params.get('end');
  const period = params.get('period');
  if (end !== null && period !== null) return 'Give end or period, not both (CC/S 0903 §4.3)';
  let startUtcMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
  if (start !== null) {
    const parsed = parseDateTime(start);
    if (parsed === undefined) return `start="${start}" is not a date-time like 2026-01-10T09:00:00Z or 2026-01-10T09:00:00+01:00`;
    startUtcMs = parsed;
  }
  let endUtcMs = startUtcMs + DEFAULT_PERIOD_MS;
  if (end !== null) {
    const parsed = parseDateTime(end);
    if (parsed === undefined) return `end="${end}" is not a date-time like 2026-02-10T09:00:00Z`;
    endUtcMs = parsed;
  } else if (period !== null) {
    const length = parseDuration(period);
    if (length === undefined) return `period="${period}" is not a positive duration like P42D or PT8H`;
    endUtcMs = startUtcMs + length;
  }
  if (endUtcMs <= startUtcMs) return 'The end of the range must be after its start';
  // format= names the type (Cyrus); without it the Accept header chooses (RFC 9110 §12.5.1).
  const formatParam = params.get('format');
  const format = formatParam !== null ? calendarMediaType(formatParam) : negotiateMediaType(accept, CALENDAR_MEDIA_TYPES, { version: '2.0' });
  if (!format) return 406;
  return { range: { startUtcMs, endUtcMs }, format, extension: EXTENSIONS[format] };
}

// --- Internal helpers ---

async function serveFreeBusy(c: Context, deps: AppDeps, authenticator: Authenticator): Promise<Response> {
  const principal = await authenticator.authenticate(c.req.raw, clientAddressOf(c.env, c.req.raw, deps.config.trusted_proxies));
  const query = parseFreeBusyQuery(new URL(c.req.url).searchParams, deps.now(), c.req.header('accept') ?? null);
  if (query === 406) return text(406, `Busy time is available as ${CALENDAR_MEDIA_TYPES.join(', ')} (format= or Accept)\n`);
  if (typeof query === 'string') return text(400, `${query}\n`);
  const userName = c.req.param('user')!;
  const calendarName = c.req.param('calendar');
  const user = await deps.store.users.get(userName);
  const home = user ? await deps.store.collections.get(calendarHomePath(user.name)) : undefined;
  const calendar = home && calendarName ? await deps.store.collections.get(`${home.path}${calendarName}/`) : undefined;
  const found = calendarName ? calendar : home;
  const target = found && (!calendarName || found.kind === 'calendar') && mayReadFreeBusy(deps, principal, found) ? found : undefined;
  if (!user || !target) {
    // A user or calendar that does not exist gets what one whose busy time the caller may not read
    // gets, so that neither tells which exist: anonymous callers a challenge, everyone else 404.
    if (!principal) throw authenticator.challenge();
    return text(404, 'No such user or calendar, or its busy time is not shared with you\n');
  }
  const calendars = calendarName ? [target] : (await deps.store.collections.listChildren(target.path)).filter((col) => col.kind === 'calendar');
  const sources = await loadFreeBusySources(deps.store, calendars, query.range, { skipTransparent: !calendarName });
  if (!calendarName) {
    // The owner's availability (RFC 7953 §7.2.4) shapes their busy time as a whole, not one calendar's.
    const availability = (await deps.store.properties.get(`${home!.path}Inbox/`)).get(caldav('calendar-availability'));
    if (availability) sources.push({ objects: [textContent(deserializeDeadProperty(availability))] });
  }
  const periods = computeFreeBusy(sources, query.range, {
    ...reportLimits(deps.config),
    onUnreadable: logUnreadable(deps.logger),
  });
  const body = renderFreeBusy(
    periods,
    {
      range: query.range,
      dtstampUtcMs: deps.now(),
      uid: crypto.randomUUID(),
      method: 'PUBLISH',
      organizer: calendarUserAddresses(user, deps.config)[0],
      url: absoluteUrl(deps.config, requestPath(c.req.url)) ?? undefined,
    },
    query.format,
  );
  const headers = {
    'Content-Type': `${query.format}; charset=utf-8`,
    'Content-Disposition': `inline; filename="${user.name.replace(/["\\]/g, '')}.${query.extension}"`,
    'Cache-Control': 'no-transform',
    Vary: 'Accept',
  };
  return new Response(c.req.method === 'HEAD' ? null : body, { status: 200, headers });
}

/** The path and query of a request URL, without the scheme and host the client chose. */
function requestPath(url: string): string {
  const { pathname, search } = new URL(url);
  return pathname + search;
}

function mayReadFreeBusy(deps: AppDeps, principal: Principal | null, target: CollectionRecord): boolean {
  return isOperationAllowed('read-free-busy', aclKind(target.kind), rightsOfUser(target, principal, deps.config));
}

/** RFC 3339 date-time with Z or a numeric offset (CC/S 0903 §4.1 also shows ±hhmm); no fractions. */
function parseDateTime(value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/.exec(value.trim());
  if (!match) return undefined;
  const compact = `${match[1]}${match[2]}${match[3]}T${match[4]}${match[5]}${match[6]}Z`;
  const local = parseUtc(compact);
  if (local === undefined) return undefined;
  if (match[7]) return local;
  const hours = Number(match[9]);
  const minutes = Number(match[10]);
  if (hours > 23 || minutes > 59) return undefined;
  const offset = (hours * 60 + minutes) * 60_000 * (match[8] === '-' ? -1 : 1);
  return local - offset;
}

/** A positive RFC 5545 §3.3.6 duration (weeks, or days and time); days are 24 hours here, as all times are UTC. */
function parseDuration(value: string): number | undefined {
  const match = /^\+?P(?:(\d+)W|(\d+)D(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?|T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)$/.exec(value.trim());
  if (!match) return undefined;
  const [, weeks, days, h1, m1, s1, h2, m2, s2] = match.map((part) => (part === undefined ? 0 : Number(part))) as number[];
  const ms = ((weeks! * 7 + days!) * 86_400 + (h1! + h2!) * 3600 + (m1! + m2!) * 60 + s1! + s2!) * 1000;
  return ms > 0 ? ms : undefined;
}

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers } });
}
