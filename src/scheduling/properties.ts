// Scheduling Inbox properties: schedule-default-calendar-URL (RFC 6638 §9.2), which must name one
// of the owner's calendars, and calendar-availability (RFC 7953 §7.2.4), used in free-busy answers;
// and schedule-tag (RFC 6638 §9.3) on scheduling object resources.
// Registered before the calendar area's definitions, so these validating versions win.
import { href } from '../dav/properties/webdav.ts';
import type { PropertyDef } from '../dav/properties/registry.ts';
import type { ListedResource } from '../dav/resource.ts';
import { hrefToPath } from '../dav/path.ts';
import { childElements, textContent } from '../dav/xml/element.ts';
import { caldav, dav } from '../dav/xml/names.ts';
import { parseICalendar } from '../ical/parse.ts';

const isInbox = (r: ListedResource): r is Extract<ListedResource, { kind: 'collection' }> => r.kind === 'collection' && r.collection.kind === 'schedule-inbox';
const isCalendarObject = (r: ListedResource): r is Extract<ListedResource, { kind: 'resource' }> => r.kind === 'resource' && r.collection.kind === 'calendar';

export const SCHEDULING_PROPERTIES: PropertyDef[] = [
  {
    name: caldav('schedule-default-calendar-URL'),
    appliesTo: isInbox,
    write: async (value, { resource, ctx }) => {
      if (!isInbox(resource)) return 'Only the scheduling Inbox has a default calendar';
      const invalid = (message: string) => ({ condition: caldav('valid-schedule-default-calendar-URL'), message });
      const hrefs = childElements(value).filter((e) => e.name === dav('href'));
      if (hrefs.length !== 1) return invalid('Give exactly one DAV:href');
      const written = hrefToPath(textContent(hrefs[0]!).trim(), ctx.url);
      // A collection named without its trailing slash is still that collection (RFC 4918 §5.2).
      const path = written && !written.endsWith('/') ? `${written}/` : written;
      const home = resource.collection.parentPath ?? '';
      const name = path?.startsWith(home) ? path.slice(home.length) : null;
      // A direct child of the home that is a calendar (not the Inbox, the Outbox or Attachments).
      if (!path || !name || !/^[^/]+\/$/.test(name)) {
        return invalid('The default calendar must be one of your calendars (RFC 6638 §9.2)');
      }
      const calendar = await ctx.deps.store.collections.get(path);
      if (!calendar || calendar.kind !== 'calendar') return invalid(`There is no calendar at ${path}`);
      return null;
    },
    get: ({ dead, resource }) =>
      dead.get(caldav('schedule-default-calendar-URL'))?.children ?? (isInbox(resource) ? href(`${resource.collection.parentPath}Default/`) : undefined),
  },
  {
    name: caldav('calendar-availability'),
    appliesTo: isInbox,
    write: (value) => {
      try {
        const vcalendar = parseICalendar(textContent(value).trim());
        return vcalendar.getFirstSubcomponent('vavailability') ? null : 'calendar-availability must be a VCALENDAR with VAVAILABILITY components (RFC 7953)';
      } catch {
        return 'calendar-availability is not valid iCalendar data';
      }
    },
    get: ({ dead }) => dead.get(caldav('calendar-availability'))?.children,
  },
  {
    // The same opaque value the Schedule-Tag header carries on GET and PUT; objects that are not
    // scheduling object resources have none, and answer 404.
    name: caldav('schedule-tag'),
    appliesTo: isCalendarObject,
    write: 'protected',
    get: ({ resource }) => (isCalendarObject(resource) ? resource.meta.scheduleTag ?? undefined : undefined),
  },
];
