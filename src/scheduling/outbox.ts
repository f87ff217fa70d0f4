// POST to the scheduling Outbox (RFC 6638 §5): a VFREEBUSY REQUEST answered with each recipient's
// busy time in a CALDAV:schedule-response. Invitations are never POSTed; they follow from PUTs.
// Recipients on other servers are asked through `remote` (iSchedule), while the request waits.
import { requireAccess, rightsOfUser } from '../acl/check.ts';
import { isOperationAllowed } from '../acl/evaluate.ts';
import { reportLimits } from '../caldav/limits.ts';
import type { AppDeps, DavContext } from '../dav/context.ts';
import { conditionError } from '../dav/errors.ts';
import { deserializeDeadProperty } from '../dav/properties/registry.ts';
import { calendarHomePath } from '../dav/urls.ts';
import { el, textContent, type XmlElement } from '../dav/xml/element.ts';
import { caldav, dav } from '../dav/xml/names.ts';
import { toXml } from '../dav/xml/serialize.ts';
import { computeFreeBusy, type FreeBusyRange, type FreeBusySource } from '../freebusy/compute.ts';
import { renderFreeBusy } from '../freebusy/render.ts';
import { loadFreeBusySources, logUnreadable } from '../freebusy/sources.ts';
import { readBodyText } from '../http/body.ts';
import { CALENDAR_MEDIA_TYPES, calendarMediaType, fromICalendarText, toICalendarText, type CalendarMediaType } from '../ical/formats.ts';
import { InvalidICalendarError, parseICalendar, type ICAL } from '../ical/parse.ts';
import { checkStructure } from '../ical/structure.ts';
import { checkTimeValues } from '../ical/value-check.ts';
import { resolveProperty, zoneContext } from '../ical/zones.ts';
import { addressSet, findLocalUser, ownerOf } from './addresses.ts';
import { normalizeAddress, organizerAddress, schedulingComponents } from './itip/model.ts';

const CALENDAR_AVAILABILITY = caldav('calendar-availability');

/** One recipient's answer: an RFC 5546 request-status ("2.0;Success") and, on success, the VFREEBUSY reply. */
export interface FreeBusyAnswer {
  status: string;
  data?: string;
}

/** Busy time of recipients on other servers. */
export interface RemoteFreeBusy {
  /** Answers by normalized address; recipients it has no server for are left out (the Outbox answers 3.7). */
  ask(request: { originator: string; recipients: readonly string[]; calendar: ICAL.Component }): Promise<Map<string, FreeBusyAnswer>>;
}

/** The Outbox POST handler for DavServices.post; null for anything that is not an Outbox. */
export async function handleOutboxPost(ctx: DavContext, remote: RemoteFreeBusy | null = null): Promise<Response | null> {
  const resource = ctx.resource;
  if (resource.kind !== 'collection' || resource.collection.kind !== 'schedule-outbox') return null;
  requireAccess(ctx, resource, 'schedule-send-freebusy');
  // iCalendar, jCal or xCal (as Cyrus 3.6); the answers' calendar-data come back in the same form.
  const format = calendarMediaType(ctx.request.headers.get('content-type'));
  if (!format) {
    throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}supported-calendar-data' }, `A scheduling message must be sent as ${CALENDAR_MEDIA_TYPES.join(', ')}`);
  }
  const body = await readBodyText(ctx.request, ctx.deps.config.icalendar_max_size || 10 * 1024 * 1024, 'scheduling message');
  let vcalendar: ICAL.Component;
  let text: string;
  try {
    text = toICalendarText(body, format);
    vcalendar = parseICalendar(text);
    // The same checks as a stored object gets, before any value is read: ical.js throws on (or
    // misreads) a malformed date, and a deep object would exhaust the stack of every later walk.
    checkStructure(vcalendar.jCal);
    checkTimeValues(text, { recurrenceRules: true });
  } catch (error) {
    throw invalidMessage(error instanceof InvalidICalendarError ? error.message : 'The scheduling message cannot be parsed');
  }
  const method = String(vcalendar.getFirstPropertyValue('method') ?? '').toUpperCase();
  const component = schedulingComponents(vcalendar)[0];
  const organizer = component ? organizerAddress(component) : null;
  if (!method || !component || !component.getFirstPropertyValue('uid') || !organizer) {
    throw invalidMessage('A scheduling message needs METHOD, a component with UID and an ORGANIZER (RFC 5546 §3.3)');
  }
  const owner = await ownerOf(ctx, resource.collection);
  if (!owner || !addressSet(owner, ctx.deps.config).has(organizer)) {
    throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-organizer' }, 'ORGANIZER must be one of the Outbox owner\'s calendar user addresses');
  }
  if (component.name !== 'vfreebusy' || method !== 'REQUEST') {
    throw invalidMessage('Only free-busy requests (METHOD:REQUEST with VFREEBUSY) are POSTed to the Outbox; invitations are sent by storing the event');
  }
  const ctxZones = zoneContext(vcalendar);
  const start = resolveProperty(component, 'dtstart', ctxZones);
  const end = resolveProperty(component, 'dtend', ctxZones);
  if (!start || !end || end.utcMs <= start.utcMs) throw invalidMessage('The VFREEBUSY request needs DTSTART before DTEND');
  const range: FreeBusyRange = { startUtcMs: start.utcMs, endUtcMs: end.utcMs };
  const uid = String(component.getFirstPropertyValue('uid'));
  // Each recipient is answered under the address as the request spells it, since clients match
  // the answers against their own ATTENDEE values (mailto: compares case-insensitively, RFC 3986 §6.2.2.1).
  const spelled = new Map<string, string>();
  for (const attendee of component.getAllProperties('attendee')) {
    const address = String(attendee.getFirstValue() ?? '').trim();
    if (address !== '' && !spelled.has(normalizeAddress(address))) spelled.set(normalizeAddress(address), address);
  }
  const recipients = [...spelled.values()];
  const elsewhere: string[] = [];
  if (remote) {
    for (const recipient of recipients) if (!(await findLocalUser(ctx.deps.store, ctx.deps.config, recipient))) elsewhere.push(recipient);
  }
  // Asked first, so that the peers work while the local recipients' busy time is computed.
  const remoteAnswers = remote && elsewhere.length > 0
    ? remote.ask({ originator: organizer, recipients: elsewhere, calendar: vcalendar }).catch((error: unknown) => {
      ctx.deps.logger.error('Asking other servers for free-busy failed', { uid, error: String(error) });
      return new Map<string, FreeBusyAnswer>(elsewhere.map((recipient) => [normalizeAddress(recipient), { status: '5.1;Service unavailable' }]));
    })
    : null;
  const responses: XmlElement[] = [];
  for (const recipient of recipients) {
    const answer = (elsewhere.includes(recipient) ? (await remoteAnswers)?.get(normalizeAddress(recipient)) : undefined)
      ?? (await freeBusyOf(ctx.deps, ctx.principal!, recipient, range, { uid, organizer }));
    responses.push(
      el(caldav('response'), [
        el(caldav('recipient'), el(dav('href'), recipient)),
        el(caldav('request-status'), answer.status),
        answer.data ? calendarDataIn(format, answer.data) : null,
      ]),
    );
  }
  return new Response(toXml(el(caldav('schedule-response'), responses)), {
    status: 200,
    headers: { 'Content-Type': 'application/xml; charset=utf-8' },
  });
}

/** CALDAV:calendar-data of an answer, in the form the request came in (the attribute names a form other than iCalendar). */
function calendarDataIn(format: CalendarMediaType, text: string): XmlElement {
  if (format === 'text/calendar') return el(caldav('calendar-data'), text);
  try {
    return el(caldav('calendar-data'), fromICalendarText(text, format), { 'content-type': format });
  } catch (error) {
    if (error instanceof InvalidICalendarError) return el(caldav('calendar-data'), text);
    throw error;
  }
}

/** One recipient's busy time for a free-busy request, if the asker may see it (right 9 on their Inbox); also answers iSchedule. */
export async function freeBusyOf(
  deps: AppDeps,
  asker: { name: string; isAdmin: boolean },
  recipient: string,
  range: FreeBusyRange,
  request: { uid: string; organizer: string },
): Promise<FreeBusyAnswer> {
  const { store, config } = deps;
  const user = await findLocalUser(store, config, recipient);
  if (!user) return { status: '3.7;Invalid calendar user' };
  const home = calendarHomePath(user.name);
  const inbox = await store.collections.get(`${home}Inbox/`);
  if (!inbox) return { status: '5.3;No scheduling support for user' };
  const rights = rightsOfUser(inbox, asker, config);
  if (!isOperationAllowed('schedule-query-freebusy', 'schedule-inbox', rights)) return { status: '3.8;No authority' };
  const calendars = (await store.collections.listByOwner(user.name, ['calendar'])).filter((c) => c.path.startsWith(home));
  const sources: FreeBusySource[] = await loadFreeBusySources(store, calendars, range, { skipTransparent: true });
  const availability = (await store.properties.get(inbox.path)).get(CALENDAR_AVAILABILITY);
  if (availability) sources.push({ objects: [textContent(deserializeDeadProperty(availability))] });
  const periods = computeFreeBusy(sources, range, {
    ...reportLimits(config),
    onUnreadable: logUnreadable(deps.logger),
  });
  const data = renderFreeBusy(periods, {
    range,
    dtstampUtcMs: deps.now(),
    uid: request.uid,
    method: 'REPLY',
    organizer: request.organizer,
    attendee: recipient,
  });
  return { status: '2.0;Success', data };
}

function invalidMessage(message: string) {
  return conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-scheduling-message' }, message);
}
