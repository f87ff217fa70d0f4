// CALDAV:calendar-multiget (RFC 4791 §7.9): the listed objects in request order; missing ones
// are 404 responses, hrefs outside the collection are refused per href with 403. Brief: t and
// Prefer: return=minimal drop the 404 propstats, as for PROPFIND (RFC 8144 §2.1).
import { requireAccess } from '../../acl/check.ts';
import type { DavContext } from '../../dav/context.ts';
import { badRequest, conditionError } from '../../dav/errors.ts';
import { multistatusResponse, type MultistatusResponse } from '../../dav/multistatus.ts';
import { preferences } from '../../dav/prefer.ts';
import { hrefToPath, parentPath, lastSegment } from '../../dav/path.ts';
import { computePropstats, deadPropertiesFor, NO_DEAD_PROPERTIES, propNamesOf } from '../../dav/properties/compute.ts';
import type { ReportDef } from '../../dav/reports/registry.ts';
import type { DavResource } from '../../dav/resource.ts';
import { findChild, findChildren, textContent } from '../../dav/xml/element.ts';
import { caldav, dav } from '../../dav/xml/names.ts';
import type { ResourceRecord } from '../../storage/index.ts';
import { calendarDataProvider } from './calendar-data.ts';
import { CALENDAR_DATA, QUERIED_KINDS } from './calendar-query.ts';
import { parseCalendarDataRequest } from '../calendar-data/request.ts';
import { calendarZone } from '../calendar-zone.ts';
import { limitsReachedResponse, reportLimits, requireRangesWithinLimits } from '../limits.ts';
import { timeSlicer } from '../../dav/time-slice.ts';
import { wantsTimezones } from '../timezones-by-reference.ts';

export const CALENDAR_MULTIGET: ReportDef = {
  name: caldav('calendar-multiget'),
  offeredOn: (resource) => resource.kind === 'collection' && QUERIED_KINDS.has(resource.collection.kind),
  async run(ctx, body, services) {
    const resource = ctx.resource;
    if (resource.kind !== 'collection' && resource.kind !== 'resource') {
      throw conditionError({ name: '{DAV:}supported-report' }, 'calendar-multiget works on calendar collections');
    }
    requireAccess(ctx, resource, 'read');
    const prop = findChild(body, dav('prop'));
    const names = propNamesOf(prop);
    const dataRequest = parseCalendarDataRequest(prop ? findChild(prop, caldav('calendar-data')) : undefined);
    requireRangesWithinLimits(dataRequest, ctx.deps.config);
    const hrefs = findChildren(body, dav('href')).map((h) => textContent(h).trim());
    if (hrefs.length === 0) throw badRequest('calendar-multiget needs at least one DAV:href');
    const base = resource.kind === 'collection' ? resource.path : resource.path;
    const collection = resource.collection;
    const wanted = new Map<string, string>();
    const responses: MultistatusResponse[] = [];
    const order: { path: string; name?: string }[] = [];
    const seen = new Set<string>();
    for (const href of hrefs) {
      const path = hrefToPath(href, ctx.url);
      // One response per resource: an href listed again would repeat the same (possibly large,
      // possibly expanded) calendar data.
      if (seen.has(path ?? href)) continue;
      seen.add(path ?? href);
      if (path === null || (resource.kind === 'collection' ? parentPath(path) !== base : path !== base)) {
        order.push({ path: path ?? href });
        continue;
      }
      const name = lastSegment(path);
      wanted.set(name, path);
      order.push({ path, name });
    }
    const props = await ctx.deps.store.properties.get(collection.path);
    const limits = reportLimits(ctx.deps.config);
    const provide = calendarDataProvider(dataRequest, {
      ...limits,
      floatingZone: calendarZone(props.get(caldav('calendar-timezone-id')), props.get(caldav('calendar-timezone'))),
      timezones: wantsTimezones(ctx.request),
    });
    const records = new Map((await ctx.deps.store.resources.getMany(collection.id, [...wanted.keys()])).map((r) => [r.name, r]));
    const members: DavResource[] = [...records.values()].map((r) => ({ kind: 'resource', path: collection.path + r.name, collection, name: r.name, meta: r }));
    const request = { type: 'prop' as const, names };
    const dead = await deadPropertiesFor(ctx, services.properties, members, request, CALENDAR_DATA);
    const prefer = preferences(ctx.request);
    const pause = timeSlicer();
    for (const entry of order) {
      const paused = pause();
      if (paused) await paused;
      if (entry.name === undefined) {
        responses.push({ path: entry.path, status: 403 });
        continue;
      }
      const record = records.get(entry.name);
      if (!record) {
        responses.push({ path: entry.path, status: 404 });
        continue;
      }
      if (limits.budget.exhausted) {
        // Expansions have used up what one request may compute: the objects after the one that
        // spent it are not expanded at all rather than answered with a silently empty expansion.
        responses.push(limitsReachedResponse(entry.path, ctx.deps.config));
        continue;
      }
      const member: DavResource = { kind: 'resource', path: collection.path + record.name, collection, name: record.name, meta: record };
      const computed = computePropstats(ctx, services.properties, member, request, dead.get(member.path) ?? NO_DEAD_PROPERTIES, calendarDataFor(record, provide));
      const propstats = computed instanceof Promise ? await computed : computed;
      responses.push({ path: member.path, propstats: prefer.returnMinimal ? propstats.filter((p) => p.status !== 404) : propstats });
    }
    const headers: Record<string, string> = { Vary: 'Brief, Prefer' };
    if (prefer.applied.length > 0) headers['Preference-Applied'] = prefer.applied.join(', ');
    return multistatusResponse(responses, [], headers);
  },
};

type CalendarDataProvide = ReturnType<typeof calendarDataProvider>;

function calendarDataFor(record: ResourceRecord, provide: CalendarDataProvide) {
  return (name: string) => (name === caldav('calendar-data') ? provide(record) : null);
}

export type { DavContext };
