// CALDAV:free-busy-query (RFC 4791 §7.10): busy time of one calendar, or of every calendar of a home
// that is not schedule-calendar-transp transparent, answered as a VFREEBUSY (200, not a multistatus).
// Needs only read-free-busy (Cyrus right 9), so users who may not read the events can still ask.
import { requireAccess } from '../../acl/check.ts';
import { reportLimits } from '../limits.ts';
import type { DavContext } from '../../dav/context.ts';
import { conditionError } from '../../dav/errors.ts';
import type { ReportDef } from '../../dav/reports/registry.ts';
import { findChild, type XmlElement } from '../../dav/xml/element.ts';
import { caldav } from '../../dav/xml/names.ts';
import { parseUtc } from '../../ical/zones.ts';
import { computeFreeBusy, type FreeBusyRange } from '../../freebusy/compute.ts';
import { renderFreeBusy, type FreeBusyMediaType } from '../../freebusy/render.ts';
import { loadFreeBusySources, logUnreadable } from '../../freebusy/sources.ts';
import type { CollectionRecord } from '../../storage/index.ts';
import { negotiateMediaType } from '../../http/accept.ts';
import { CALENDAR_MEDIA_TYPES } from '../calendar-format.ts';

export const CALDAV_FREE_BUSY_QUERY: ReportDef = {
  name: caldav('free-busy-query'),
  offeredOn: (resource) => resource.kind === 'collection' && (resource.collection.kind === 'calendar' || resource.collection.kind === 'calendar-home'),
  freeBusy: true,
  async run(ctx, body) {
    const resource = ctx.resource;
    const kind = resource.kind === 'collection' ? resource.collection.kind : undefined;
    if (resource.kind !== 'collection' || (kind !== 'calendar' && kind !== 'calendar-home')) {
      throw conditionError({ name: '{DAV:}supported-report' }, 'free-busy-query works on calendar collections and calendar homes');
    }
    requireAccess(ctx, resource, 'read-free-busy');
    const range = parseTimeRange(body);
    const calendars = await targetCalendars(ctx, resource.collection);
    const config = ctx.deps.config;
    const sources = await loadFreeBusySources(ctx.deps.store, calendars, range, { skipTransparent: kind === 'calendar-home' });
    const periods = computeFreeBusy(sources, range, {
      ...reportLimits(config),
      onUnreadable: logUnreadable(ctx.deps.logger),
    });
    const mediaType = preferredMediaType(ctx.request.headers.get('accept'));
    const text = renderFreeBusy(periods, { range, dtstampUtcMs: ctx.deps.now(), uid: crypto.randomUUID() }, mediaType);
    return new Response(text, { status: 200, headers: { 'Content-Type': `${mediaType}; charset=utf-8`, Vary: 'Accept' } });
  },
};

// --- Internal helpers ---

/** CALDAV:time-range with both start and end (RFC 4791 §9.9; free-busy-query needs a bounded range). */
function parseTimeRange(body: XmlElement): FreeBusyRange {
  const element = findChild(body, caldav('time-range'));
  if (!element) throw invalidRange('free-busy-query needs a CALDAV:time-range element');
  const { start, end } = element.attributes;
  if (start === undefined || end === undefined) throw invalidRange('CALDAV:time-range in free-busy-query needs both start and end');
  const startUtcMs = parseUtc(start.trim());
  const endUtcMs = parseUtc(end.trim());
  if (startUtcMs === undefined) throw invalidRange(`CALDAV:time-range start="${start}" is not a UTC date-time (YYYYMMDDTHHMMSSZ)`);
  if (endUtcMs === undefined) throw invalidRange(`CALDAV:time-range end="${end}" is not a UTC date-time (YYYYMMDDTHHMMSSZ)`);
  if (endUtcMs <= startUtcMs) throw invalidRange(`CALDAV:time-range end ${end} must be later than start ${start}`);
  return { startUtcMs, endUtcMs };
}

async function targetCalendars(ctx: DavContext, collection: CollectionRecord): Promise<CollectionRecord[]> {
  if (collection.kind === 'calendar') return [collection];
  // Like Cyrus, rights on the home decide for all its calendars (read-free-busy is granted per home).
  const children = await ctx.deps.store.collections.listChildren(collection.path);
  return children.filter((c) => c.kind === 'calendar');
}

/**
 * The form Accept asks for (iCalendar, jCal or xCal, as Cyrus serves it). Clients send REPORTs
 * with Accept headers meant for multistatus answers (text/xml): those get text/calendar, not 406.
 */
function preferredMediaType(accept: string | null): FreeBusyMediaType {
  return negotiateMediaType(accept, CALENDAR_MEDIA_TYPES, { version: '2.0' }) ?? 'text/calendar';
}

function invalidRange(message: string) {
  return conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-filter' }, message);
}
