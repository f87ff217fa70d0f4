// CALDAV:calendar-query (RFC 4791 §7.8): objects of a calendar (or of every calendar of a home)
// matching a filter. The filter's component type and time range pre-filter on indexed columns;
// only the candidates are parsed and matched.
import { hasAccess, requireAccess } from '../../acl/check.ts';
import { listChildCollections } from '../../dav/children.ts';
import { errorText, type DavContext } from '../../dav/context.ts';
import { conditionError, type Precondition } from '../../dav/errors.ts';
import { streamingMultistatus, type MultistatusItem, type MultistatusResponse } from '../../dav/multistatus.ts';
import { computePropstats, deadPropertiesFor, NO_DEAD_PROPERTIES, propRequestOf } from '../../dav/properties/compute.ts';
import type { ReportDef } from '../../dav/reports/registry.ts';
import type { DavResource, ListedResource } from '../../dav/resource.ts';
import { findChild, textContent, type XmlElement } from '../../dav/xml/element.ts';
import { caldav, dav, type ClarkName } from '../../dav/xml/names.ts';
import { FilterError, parseCalendarFilter } from '../filter/parse.ts';
import { matchCalendarObject } from '../filter/match.ts';
import { decideFromIndex, planFilter } from '../filter/plan.ts';
import type { CalendarFilter } from '../filter/ast.ts';
import { ICAL, parseICalendar } from '../../ical/parse.ts';
import type { CollectionKind, CollectionRecord, MaybeReadCandidate } from '../../storage/index.ts';
import { getZone } from '../../tz/catalogue.ts';
import { calendarZone, timezoneCalendarProblem, zoneFromCalendarText } from '../calendar-zone.ts';
import { wantsTimezones } from '../timezones-by-reference.ts';
import { UTC_ZONE, type Zone } from '../../tz/zone.ts';
import { calendarDataProvider } from './calendar-data.ts';
import { parseCalendarDataRequest } from '../calendar-data/request.ts';
import { limitsReachedResponse, reportLimits, requireRangesWithinLimits } from '../limits.ts';
import { timeSlicer } from '../../dav/time-slice.ts';
import { preferences } from '../../dav/prefer.ts';

const RESPONSES_PER_PAGE = 100;

/** Computed by these reports themselves, from the data they have read: never a stored property. */
export const CALENDAR_DATA: ReadonlySet<ClarkName> = new Set([caldav('calendar-data')]);

/** The collections calendar-query and calendar-multiget are offered on. */
export const QUERIED_KINDS: ReadonlySet<CollectionKind> = new Set(['calendar', 'calendar-home', 'schedule-inbox']);

export const CALENDAR_QUERY: ReportDef = {
  name: caldav('calendar-query'),
  offeredOn: (resource) => resource.kind === 'collection' && QUERIED_KINDS.has(resource.collection.kind),
  async run(ctx, body, services) {
    const resource = ctx.resource;
    if (resource.kind !== 'collection' && resource.kind !== 'resource') {
      throw conditionError({ name: '{DAV:}supported-report' }, 'calendar-query works on calendars and calendar homes');
    }
    requireAccess(ctx, resource, 'read');
    // DAV:prop, propname and allprop are optional here (RFC 4791 §9.5); without one, all properties.
    const request = propRequestOf(body) ?? { type: 'allprop' as const, include: [] };
    const filterElement = findChild(body, caldav('filter'));
    if (!filterElement) throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-filter' }, 'calendar-query needs a CALDAV:filter (RFC 4791 §9.7)');
    const filter = parseFilter(filterElement);
    const queryZone = parseQueryZone(body);
    const plan = planFilter(filter);
    const depth = (ctx.request.headers.get('depth') ?? '0').trim();
    // The filter and CALDAV:expand have a budget each: a filter that spends its own still leaves
    // the objects it matched something to be expanded with.
    const matchOptions = reportLimits(ctx.deps.config);
    const renderLimits = reportLimits(ctx.deps.config);
    const dataRequest = parseCalendarDataRequest(findChild(findChild(body, dav('prop')) ?? body, caldav('calendar-data')));
    requireRangesWithinLimits(dataRequest, ctx.deps.config);
    const timezones = wantsTimezones(ctx.request);

    const calendars = await targetCalendars(ctx, resource, depth);
    const returnMinimal = preferences(ctx.request).returnMinimal;

    // Bodies are read for every candidate when the answer carries them or the filter looks inside
    // them; otherwise only for those the time index leaves undecided (an ETag listing of a week).
    const wantsData = request.type !== 'prop' || request.names.includes(caldav('calendar-data'));
    const dataNeeded = wantsData || (plan.needsPostFilter && !plan.timeRangeOnly) ? 'all' : 'unsettled';

    const pause = timeSlicer();
    const spent = () => matchOptions.budget.exhausted || renderLimits.budget.exhausted;
    /** Objects were left out because a budget ran out before their turn. */
    let cutShort = false;

    async function* responses(): AsyncGenerator<MultistatusItem> {
      for (const calendar of calendars) {
        if (spent()) {
          cutShort = true;
          break;
        }
        const floatingZone = queryZone ?? (await floatingZoneOf(ctx, calendar));
        const provide = calendarDataProvider(dataRequest, { ...renderLimits, floatingZone, timezones });
        const candidates: MaybeReadCandidate[] =
          resource.kind === 'resource'
            ? (await ctx.deps.store.resources.getMany(calendar.id, [resource.name])).map((record) => ({ ...record, rangeSettled: false }))
            : await ctx.deps.store.resources.candidatesInRange(calendar.id, { componentType: plan.componentType, ...plan.timeRange, data: dataNeeded });
        const matched: MaybeReadCandidate[] = [];
        const parsed = new Map<MaybeReadCandidate, ICAL.Component>();
        const unmatchable = new Set<MaybeReadCandidate>();
        for (const record of candidates) {
          // Past the budget, whether the rest match is not known: they are left out, and the
          // answer ends saying it is incomplete.
          if (matchOptions.budget.exhausted) {
            cutShort = true;
            break;
          }
          const paused = pause();
          if (paused) await paused;
          // The index settles most objects; only the rest are parsed (once) and matched.
          const decided = decideFromIndex(plan, { componentType: record.componentType, rangeSettled: record.rangeSettled === true });
          if (decided === false) continue;
          if (decided === undefined) {
            // Undecided candidates always come with their data (dataNeeded above).
            const vcalendar = hasData(record) ? parseRecord(record) : undefined;
            if (!vcalendar) continue;
            try {
              if (!matchCalendarObject(filter, vcalendar, { ...matchOptions, floatingZone })) continue;
              parsed.set(record, vcalendar);
            } catch (error) {
              // Stored data today's checks would refuse can make matching fail: the object gets a
              // 500 response of its own instead of being left out unseen or ending the stream.
              ctx.deps.logger.error('A calendar object could not be matched against the filter', { href: calendar.path + record.name, error: errorText(error) });
              unmatchable.add(record);
            }
          }
          matched.push(record);
        }
        const members: ListedResource[] = matched.map((r) => ({ kind: 'resource', path: calendar.path + r.name, collection: calendar, name: r.name, meta: r }));
        const dead = await deadPropertiesFor(ctx, services.properties, members, request, CALENDAR_DATA);
        // Responses go out a page at a time: fewer stream items than objects, and rendered
        // calendar data is never held for more than a page.
        let page: MultistatusResponse[] = [];
        for (let i = 0; i < members.length; i++) {
          // The object that spent the budget has been answered with what was expanded of it.
          if (renderLimits.budget.exhausted) {
            cutShort = true;
            break;
          }
          const member = members[i]!;
          const record = matched[i]!;
          if (unmatchable.has(record)) {
            page.push({ path: member.path, status: 500 });
            continue;
          }
          const computed = computePropstats(ctx, services.properties, member, request, dead.get(member.path) ?? NO_DEAD_PROPERTIES, (name) =>
            name === caldav('calendar-data') && hasData(record) ? provide(record, parsed.get(record)) : null,
          );
          const propstats = computed instanceof Promise ? await computed : computed;
          page.push({ path: member.path, propstats: returnMinimal ? propstats.filter((p) => p.status !== 404) : propstats });
          if (page.length === RESPONSES_PER_PAGE) {
            yield page;
            page = [];
          }
        }
        if (page.length > 0) yield page;
      }
      if (cutShort || matchOptions.budget.truncated || renderLimits.budget.truncated) yield limitsReachedResponse(resource.path, ctx.deps.config);
    }
    return streamingMultistatus(responses(), () => [], {}, { path: resource.path, logger: ctx.deps.logger });
  },
};

function parseFilter(element: XmlElement): CalendarFilter {
  try {
    return parseCalendarFilter(element);
  } catch (error) {
    if (error instanceof FilterError) {
      throw conditionError({ name: `{urn:ietf:params:xml:ns:caldav}${error.kind}` } as Precondition, error.message);
    }
    throw error;
  }
}

/** CALDAV:timezone (a VTIMEZONE) or CALDAV:timezone-id (RFC 7809 §5.2) for floating times. */
function parseQueryZone(body: XmlElement): Zone | undefined {
  const id = findChild(body, caldav('timezone-id'));
  if (id) {
    const zone = getZone(textContent(id).trim());
    if (!zone) throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-timezone' }, `Unknown time zone "${textContent(id).trim()}"`);
    return zone;
  }
  const text = findChild(body, caldav('timezone'));
  if (!text) return undefined;
  const problem = timezoneCalendarProblem(textContent(text));
  const zone = problem ? undefined : zoneFromCalendarText(textContent(text));
  if (!zone) throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-calendar-data' }, `CALDAV:timezone: ${problem ?? 'the VTIMEZONE cannot be read'} (RFC 4791 §7.8)`);
  return zone;
}

async function floatingZoneOf(ctx: DavContext, calendar: CollectionRecord): Promise<Zone> {
  const props = await ctx.deps.store.properties.get(calendar.path);
  return calendarZone(props.get(caldav('calendar-timezone-id')), props.get(caldav('calendar-timezone'))) ?? UTC_ZONE;
}

async function targetCalendars(ctx: DavContext, resource: Extract<DavResource, { kind: 'collection' | 'resource' }>, depth: string): Promise<CollectionRecord[]> {
  if (resource.kind === 'resource') return [resource.collection];
  const collection = resource.collection;
  // A calendar or a scheduling Inbox is queried for its objects whatever the Depth, as Cyrus and
  // CalendarServer do: a client that leaves Depth out (RFC 4791 §7.8 then means 0) still wants
  // the objects, since the collection itself can never match a filter.
  if (collection.kind === 'calendar' || collection.kind === 'schedule-inbox') return [collection];
  if (collection.kind !== 'calendar-home' || depth === '0') return [];
  // The home's members include the shared calendars its user accepted, at their alias paths.
  const children = await listChildCollections(ctx, resource);
  return children.flatMap((child) => (child.kind === 'collection' && child.collection.kind === 'calendar' && hasAccess(ctx, child, 'read') ? [child.collection] : []));
}

function hasData(candidate: MaybeReadCandidate): candidate is MaybeReadCandidate & { data: string | Uint8Array } {
  return candidate.data !== null;
}

function parseRecord(record: { data: string | Uint8Array }): ICAL.Component | undefined {
  try {
    return parseICalendar(typeof record.data === 'string' ? record.data : new TextDecoder().decode(record.data));
  } catch {
    return undefined;
  }
}
