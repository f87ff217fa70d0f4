// CalDAV live properties (RFC 4791 §5.2, §6.2; RFC 6638 §2, §9; Apple and CalendarServer
// extensions clients rely on: calendar-color, calendar-order, getctag).
import { CALENDAR_COMPONENTS, type AppConfig } from '../config.ts';
import { href } from '../dav/properties/webdav.ts';
import { PROTECTED, type PropertyDef, type WriteCheck } from '../dav/properties/registry.ts';
import type { ListedResource } from '../dav/resource.ts';
import { calendarHomePath } from '../dav/urls.ts';
import { childElements, el, textContent, type XmlElement } from '../dav/xml/element.ts';
import { appleIcal, caldav } from '../dav/xml/names.ts';
import { linkTo } from '../http/public-url.ts';
import type { UserRecord } from '../storage/index.ts';
import { componentSetElement, componentsFromElement, SUPPORTED_COMPONENT_SET } from './components.ts';
import { canonicalTzid, vtimezoneText } from '../tz/catalogue.ts';
import { propertyMediaType, timezoneCalendarProblem, timezoneValueText, tzidOfCalendarText } from './calendar-zone.ts';
import { fromICalendarText } from '../ical/formats.ts';
import { CALENDAR_MEDIA_TYPES, supportedCalendarData } from './calendar-format.ts';
import { supportedRscaleSet } from './rscale.ts';

const isPrincipal = (r: ListedResource): r is Extract<ListedResource, { kind: 'principal' }> => r.kind === 'principal';
const isCalendar = (r: ListedResource): boolean => r.kind === 'collection' && r.collection.kind === 'calendar';
const isCalendarLike = (r: ListedResource): boolean =>
  r.kind === 'collection' && (r.collection.kind === 'calendar' || r.collection.kind === 'schedule-inbox' || r.collection.kind === 'schedule-outbox');
const isInbox = (r: ListedResource): boolean => r.kind === 'collection' && r.collection.kind === 'schedule-inbox';
const isCalendarHome = (r: ListedResource): boolean => r.kind === 'collection' && r.collection.kind === 'calendar-home';
const isCalendarArea = (r: ListedResource): boolean => r.kind === 'collection' && r.path.startsWith('/dav/calendars/');

/** calendar-user-address-set (RFC 6638 §2.4.1): the user's email, else user@domain for each served domain. */
export function calendarUserAddresses(user: UserRecord, config: AppConfig): string[] {
  const addresses: string[] = [];
  if (user.email) addresses.push(`mailto:${user.email}`);
  if (user.name.includes('@')) addresses.push(`mailto:${user.name}`);
  else {
    const domains = config.calendar_user_address_set.length > 0 ? config.calendar_user_address_set : [config.defaultdomain];
    for (const domain of domains) addresses.push(`mailto:${user.name}@${domain}`);
  }
  return [...new Set(addresses.map((a) => a.toLowerCase()))];
}

export function caldavProperties(config: AppConfig): PropertyDef[] {
  const dateTime = (compact: string) => compact;
  return [
    {
      name: caldav('calendar-home-set'),
      appliesTo: isPrincipal,
      write: 'protected',
      get: ({ resource }) => (isPrincipal(resource) ? href(calendarHomePath(resource.user.name)) : undefined),
    },
    {
      name: caldav('calendar-user-address-set'),
      appliesTo: isPrincipal,
      write: 'protected',
      get: ({ resource }) => (isPrincipal(resource) ? calendarUserAddresses(resource.user, config).map((a) => el('{DAV:}href', a)) : undefined),
    },
    {
      name: caldav('schedule-inbox-URL'),
      appliesTo: (r) => isPrincipal(r) && config.caldav_allowscheduling !== 'off',
      write: 'protected',
      get: ({ resource }) => (isPrincipal(resource) ? href(`${calendarHomePath(resource.user.name)}Inbox/`) : undefined),
    },
    {
      name: caldav('schedule-outbox-URL'),
      appliesTo: (r) => isPrincipal(r) && config.caldav_allowscheduling !== 'off',
      write: 'protected',
      get: ({ resource }) => (isPrincipal(resource) ? href(`${calendarHomePath(resource.user.name)}Outbox/`) : undefined),
    },
    { name: caldav('calendar-user-type'), appliesTo: isPrincipal, write: 'protected', get: () => 'INDIVIDUAL' },
    {
      name: SUPPORTED_COMPONENT_SET,
      appliesTo: isCalendar,
      // RFC 4791 §5.2.3 makes it protected; Cyrus lets PROPPATCH change it with force="yes".
      write: (value) => {
        if (value.attributes.force !== 'yes') return PROTECTED;
        const components = componentsFromElement(value);
        const unknown = components.filter((c) => !(CALENDAR_COMPONENTS as readonly string[]).includes(c));
        if (components.length === 0) return 'The component set must not be empty';
        return unknown.length > 0 ? `Unknown component type ${unknown.join(', ')}` : null;
      },
      get: ({ dead }) => {
        const stored = dead.get(SUPPORTED_COMPONENT_SET);
        return { element: stored ? componentSetElement(componentsFromElement(stored)) : componentSetElement(config.calendar_component_set) };
      },
    },
    {
      name: caldav('supported-calendar-data'),
      appliesTo: isCalendarLike,
      write: 'protected',
      // Every form PUT, GET and calendar-data in reports accept (caldav/calendar-format.ts).
      get: () => supportedCalendarData(),
    },
    { name: caldav('max-resource-size'), appliesTo: isCalendar, write: 'protected', get: () => String(config.icalendar_max_size || 10 * 1024 * 1024) },
    { name: caldav('min-date-time'), appliesTo: isCalendar, write: 'protected', get: () => dateTime(config.caldav_mindatetime) },
    { name: caldav('max-date-time'), appliesTo: isCalendar, write: 'protected', get: () => dateTime(config.caldav_maxdatetime) },
    { name: caldav('max-instances'), appliesTo: isCalendar, write: 'protected', get: () => String(config.caldav_max_instances) },
    // RFC 7529 §5.1 names calendar collections and the home; the inbox holds recurring objects too.
    { name: caldav('supported-rscale-set'), appliesTo: (r) => isCalendar(r) || isInbox(r) || isCalendarHome(r), write: 'protected', get: () => supportedRscaleSet() },
    {
      name: caldav('max-attendees-per-instance'),
      appliesTo: isCalendar,
      write: 'protected',
      get: () => (config.caldav_max_attendees_per_instance > 0 ? String(config.caldav_max_attendees_per_instance) : undefined),
    },
    {
      name: caldav('calendar-description'),
      appliesTo: isCalendarArea,
      write: () => null,
      get: ({ dead }) => dead.get(caldav('calendar-description'))?.children,
    },
    {
      name: caldav('calendar-timezone'),
      appliesTo: isCalendarLike,
      // Set and read in any form of supported-calendar-data, named by the element's content-type
      // attribute as for calendar-data in reports (what Cyrus does); stored as it was sent.
      write: (value) => validateTimezone(value),
      get: ({ dead, requested }) => {
        const stored = dead.get(caldav('calendar-timezone'));
        let text: string | undefined;
        if (stored) {
          try {
            text = timezoneValueText(stored);
          } catch {
            // A value stored before it was checked on the way in is answered as it is.
            return stored.children;
          }
        } else {
          // RFC 7809 §5.3: with only calendar-timezone-id set, calendar-timezone is derived from it.
          const id = dead.get(caldav('calendar-timezone-id'));
          const zone = id && vtimezoneText(textContent(id).trim());
          if (zone) text = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Orrery//Orrery CalDAV Server//EN\r\n${zone.replace(/\r?\n/g, '\r\n')}END:VCALENDAR\r\n`;
        }
        if (text === undefined) return undefined;
        const form = propertyMediaType(requested);
        if (form === 'text/calendar') return text;
        // A form this server does not write gets the iCalendar text, labelled as such.
        if (!form) return { element: el(caldav('calendar-timezone'), text, { 'content-type': 'text/calendar', version: '2.0' }) };
        return { element: el(caldav('calendar-timezone'), fromICalendarText(text, form), { 'content-type': form, version: '2.0' }) };
      },
    },
    {
      name: caldav('calendar-timezone-id'),
      appliesTo: (r) => isCalendarLike(r) && config.httpmodules.has('tzdist'),
      write: (value) =>
        canonicalTzid(textContent(value).trim()) ? null : { condition: caldav('valid-timezone'), message: `Unknown time zone "${textContent(value).trim()}" (RFC 7809 §5.2)` },
      get: ({ dead }) => {
        const id = dead.get(caldav('calendar-timezone-id'));
        if (id) return id.children;
        // RFC 7809 §5.2: the two properties name one zone, so a calendar whose zone was set as a
        // VTIMEZONE (calendar-timezone) has that zone's TZID as its id when it is a zone this server knows.
        const stored = dead.get(caldav('calendar-timezone'));
        if (!stored) return undefined;
        let tzid: string | undefined;
        try {
          tzid = tzidOfCalendarText(timezoneValueText(stored));
        } catch {
          return undefined;
        }
        return tzid && canonicalTzid(tzid) ? tzid : undefined;
      },
    },
    {
      name: caldav('timezone-service-set'),
      appliesTo: (r) => r.kind === 'collection' && r.collection.kind === 'calendar-home' && config.httpmodules.has('tzdist'),
      write: 'protected',
      get: () => el('{DAV:}href', linkTo(config, '/tzdist')),
    },
    {
      name: caldav('schedule-calendar-transp'),
      appliesTo: isCalendar,
      write: (value) => {
        const choice = childElements(value).map((c) => c.name);
        return choice.length === 1 && (choice[0] === caldav('opaque') || choice[0] === caldav('transparent')) ? null : 'The value must be CALDAV:opaque or CALDAV:transparent';
      },
      get: ({ dead }) => dead.get(caldav('schedule-calendar-transp'))?.children ?? el(caldav('opaque')),
    },
    {
      name: caldav('schedule-default-calendar-URL'),
      appliesTo: isInbox,
      write: () => null,
      get: ({ dead, resource }) => dead.get(caldav('schedule-default-calendar-URL'))?.children ?? (resource.kind === 'collection' ? href(`${resource.collection.parentPath}Default/`) : undefined),
    },
    {
      name: appleIcal('calendar-color'),
      appliesTo: isCalendarArea,
      write: (value) => (/^(#[0-9a-f]{3,8}|[a-z]+)$/i.test(textContent(value).trim()) ? null : 'calendar-color must be a CSS colour (#RRGGBB or #RRGGBBAA)'),
      get: ({ dead }) => dead.get(appleIcal('calendar-color'))?.children,
    },
    {
      name: appleIcal('calendar-order'),
      appliesTo: isCalendarArea,
      write: (value) => (/^\s*-?\d+\s*$/.test(textContent(value)) ? null : 'calendar-order must be an integer'),
      get: ({ dead }) => dead.get(appleIcal('calendar-order'))?.children,
    },
  ];
}

export function componentsOfProperty(element: XmlElement): string[] {
  return componentsFromElement(element);
}

/**
 * A calendar-timezone value must be an iCalendar object with exactly one VTIMEZONE; PROPPATCH and
 * MKCALENDAR refuse another with CALDAV:valid-calendar-data (RFC 4791 §5.2.2).
 */
function validateTimezone(value: XmlElement): WriteCheck {
  if (!propertyMediaType(value)) {
    return { condition: caldav('supported-calendar-data'), message: `calendar-timezone can be set as ${CALENDAR_MEDIA_TYPES.join(', ')} (version 2.0), not ${value.attributes['content-type']}` };
  }
  let text: string;
  try {
    text = timezoneValueText(value);
  } catch (error) {
    return { condition: caldav('valid-calendar-data'), message: `calendar-timezone: ${(error as Error).message}` };
  }
  const problem = timezoneCalendarProblem(text);
  return problem ? { condition: caldav('valid-calendar-data'), message: `calendar-timezone: ${problem}` } : null;
}
