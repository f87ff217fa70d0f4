// The iSchedule receiver (draft-desruisseaux-ischedule §6.2, Cyrus isched_recv): one iTIP message
// POSTed with Originator and Recipient headers, checked, authenticated, then delivered to each
// local recipient under the same trust rule as local delivery (scheduling/itip/authority.ts), or
// for a VFREEBUSY REQUEST answered with each recipient's busy time. The answer is a
// schedule-response with one request-status per recipient. A REPLY that updates a local
// organizer's copy brings the other attendees up to date, as a local reply does (deliver.ts).
// Which methods and calendar data types are taken is methods.ts's table (the capabilities list the
// same); ADD, REFRESH, COUNTER and DECLINECOUNTER are delivered by extended-methods.ts.
import type { AppDeps } from '../dav/context.ts';
import { el, type XmlElement } from '../dav/xml/element.ts';
import { clark, NS } from '../dav/xml/names.ts';
import { toXml } from '../dav/xml/serialize.ts';
import { readBodyText } from '../http/body.ts';
import { calendarMediaType, toICalendarText, type CalendarMediaType } from '../ical/formats.ts';
import { parseICalendar, type ICAL } from '../ical/parse.ts';
import { checkStructure } from '../ical/structure.ts';
import { checkTimeValues } from '../ical/value-check.ts';
import { resolveProperty, zoneContext } from '../ical/zones.ts';
import { findLocalUser } from '../scheduling/addresses.ts';
import { normalizeAddress, organizerAddress, schedulingComponents, type ItipMessage } from '../scheduling/itip/model.ts';
import { deliverRefreshes, refreshJobs, type Scheduler } from '../scheduling/deliver.ts';
import { planLocalDelivery, STATUS } from '../scheduling/local.ts';
import { freeBusyOf } from '../scheduling/outbox.ts';
import { PreconditionFailedError } from '../storage/index.ts';
import { DavError } from '../dav/errors.ts';
import { ItipError } from '../scheduling/errors.ts';
import { IscheduleError } from './errors.ts';
import { domainOf, type IscheduleSetup } from './peers.ts';
import { deliverExtended, isExtendedMethod } from './extended-methods.ts';
import { acceptsMethod, RECEIVED_MEDIA_TYPES, RECEIVED_METHODS } from './methods.ts';
import { authenticateMessage } from './verify.ts';

const ischedule = (local: string) => clark(NS.ISCHEDULE, local);
const DELIVERY_ROUNDS = 3;

/** RFC 5546 §3.6 request-status texts for the codes delivery produces. */
const STATUS_TEXT: Record<string, string> = {
  [STATUS.delivered]: '2.0;Success',
  [STATUS.invalidUser]: '3.7;Invalid calendar user',
  [STATUS.noAuthority]: '3.8;No authority',
  [STATUS.noScheduling]: '5.3;No scheduling support for user',
};

export async function handleIschedulePost(scheduler: Scheduler, setup: IscheduleSetup, request: Request): Promise<Response> {
  const { deps } = scheduler;
  const headers = request.headers;
  if ((headers.get('ischedule-version') ?? '').trim() !== '1.0') throw new IscheduleError('version-not-supported', 'iSchedule-Version: 1.0 is required');
  const dataType = calendarMediaType(headers.get('content-type'));
  if (!dataType || !(RECEIVED_MEDIA_TYPES as readonly string[]).includes(dataType)) {
    throw new IscheduleError('invalid-calendar-data-type', `Messages are accepted as ${RECEIVED_MEDIA_TYPES.join(', ')}`);
  }
  const originator = (headers.get('originator') ?? '').trim();
  if (originator === '') throw new IscheduleError('originator-missing', 'The Originator header is missing');
  if (originator.includes(',')) throw new IscheduleError('too-many-originators', 'A message has exactly one Originator');
  const recipients = (headers.get('recipient') ?? '').split(',').map((r) => r.trim()).filter((r) => r !== '').map(recipientAddress);
  if (recipients.length === 0) throw new IscheduleError('recipient-missing', 'The Recipient header is missing');
  const limit = deps.config.icalendar_max_size || 10 * 1024 * 1024;
  let body: string;
  try {
    body = await readBodyText(request, limit, 'iSchedule message');
  } catch {
    throw new IscheduleError('max-content-length', `The message is larger than ${limit} bytes or could not be read`);
  }
  const domain = await authenticateMessage(deps, setup, headers, body, originator);
  if (await servedHere(deps, domain)) throw new IscheduleError('originator-denied', `${domain} is served by this server; its users do not arrive by iSchedule`);

  // The signature covers the body as sent; only then is jCal or xCal read as iCalendar.
  const vcalendar = parseMessage(body, dataType);
  const method = String(vcalendar.getFirstPropertyValue('method') ?? '').toUpperCase();
  const component = schedulingComponents(vcalendar)[0];
  const organizer = component ? organizerAddress(component) : null;
  if (!method || !component || !component.getFirstPropertyValue('uid') || !organizer) {
    throw new IscheduleError('invalid-scheduling-message', 'A scheduling message needs METHOD, a component with UID and an ORGANIZER (RFC 5546 §3.3)');
  }
  const uid = String(component.getFirstPropertyValue('uid'));
  const responses: XmlElement[] = [];
  if (component.name === 'vfreebusy') {
    if (method !== 'REQUEST') throw new IscheduleError('invalid-scheduling-message', 'VFREEBUSY is only answered for METHOD:REQUEST');
    if (domainOf(organizer) !== domain) throw new IscheduleError('originator-denied', 'The ORGANIZER of a free-busy request must be in the Originator\'s domain');
    const zones = zoneContext(vcalendar);
    const start = resolveProperty(component, 'dtstart', zones);
    const end = resolveProperty(component, 'dtend', zones);
    if (!start || !end || end.utcMs <= start.utcMs) throw new IscheduleError('invalid-scheduling-message', 'The VFREEBUSY request needs DTSTART before DTEND');
    for (const { written, address } of recipients) {
      const answer = await freeBusyOf(deps, { name: domain, isAdmin: false }, address, { startUtcMs: start.utcMs, endUtcMs: end.utcMs }, { uid, organizer });
      responses.push(responseFor(written, answer.status, answer.data));
    }
  } else {
    if (!acceptsMethod(component.name, method)) {
      const listed = RECEIVED_METHODS.get(component.name)?.join(', ');
      throw new IscheduleError('invalid-scheduling-message', listed
        ? `METHOD:${method} is not accepted for ${component.name.toUpperCase()} (only ${listed}; see the capabilities)`
        : `${component.name.toUpperCase()} is not a component iSchedule messages carry here (see the capabilities)`);
    }
    for (const { written, address } of recipients) {
      const message = { uid, originator, recipient: address, calendar: vcalendar };
      try {
        const status = isExtendedMethod(method)
          ? await deliverExtended(scheduler, domain, { ...message, method })
          : await deliverTo(scheduler, domain, { ...message, method: method as ItipMessage['method'] });
        responses.push(responseFor(written, STATUS_TEXT[status] ?? `${status};Not delivered`));
      } catch (error) {
        // The recipient's copy as the message would leave it breaks a rule stored objects keep
        // (a date past max-date-time, say): refused for this recipient, and nothing is written.
        if (!(error instanceof DavError) && !(error instanceof ItipError)) throw error;
        deps.logger.info('iSchedule message refused: the result would not be valid calendar data', { method, uid, recipient: address, reason: error.message });
        responses.push(responseFor(written, `3.1;Invalid property value: ${error.message.replace(/[\r\n]+/g, ' ')}`));
      }
    }
  }
  return new Response(toXml(el(ischedule('schedule-response'), responses)), { status: 200, headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
}

// --- Internal helpers ---

/**
 * A Recipient as written and as a calendar user address. The draft asks for URIs, but Cyrus sends
 * the bare e-mail address of each attendee (it strips "mailto:" before isched_send), so an
 * address without a scheme is taken as mailto:. The answer names the recipient as it was written,
 * which is how the sender finds its status.
 */
function recipientAddress(written: string): { written: string; address: string } {
  return { written, address: /^[a-z][a-z0-9+.-]*:/i.test(written) ? written : `mailto:${written}` };
}

async function deliverTo(scheduler: Scheduler, domain: string, message: ItipMessage): Promise<string> {
  const { deps } = scheduler;
  const recipient = await findLocalUser(deps.store, deps.config, message.recipient);
  if (!recipient) return STATUS.invalidUser;
  for (let round = 0; round < DELIVERY_ROUNDS; round++) {
    const plan = await planLocalDelivery(deps, { remoteDomain: domain }, recipient, message);
    const now = deps.now();
    const refreshes = await refreshJobs(scheduler, recipient, plan, message.originator, now);
    try {
      if (plan.writes.length > 0) await deps.store.resources.putAll(plan.writes, { enqueue: refreshes }, now);
      deps.logger.info('iSchedule message delivered', { method: message.method, uid: message.uid, originator: message.originator, recipient: message.recipient, status: plan.status });
    } catch (error) {
      // The recipient's copy changed while the delivery was planned: plan it again.
      if (!(error instanceof PreconditionFailedError)) throw error;
      continue;
    }
    await deliverRefreshes(scheduler, refreshes, message.uid);
    return plan.status;
  }
  return STATUS.tempFailure;
}

function parseMessage(body: string, dataType: CalendarMediaType): ICAL.Component {
  try {
    const text = toICalendarText(body, dataType);
    const vcalendar = parseICalendar(text);
    // The checks a stored object gets, before any value is read (see scheduling/outbox.ts).
    checkStructure(vcalendar.jCal);
    checkTimeValues(text, { recurrenceRules: true });
    if (vcalendar.name !== 'vcalendar') throw new Error('not a VCALENDAR');
    return vcalendar;
  } catch (error) {
    throw new IscheduleError('invalid-calendar-data', `The message is not valid iCalendar: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Whether a domain is one this server's own users live in (nobody else may speak for them). */
async function servedHere(deps: AppDeps, domain: string): Promise<boolean> {
  const local = deps.config.calendar_user_address_set.length > 0 ? deps.config.calendar_user_address_set : [deps.config.defaultdomain];
  return local.some((d) => d.toLowerCase() === domain);
}

function responseFor(recipient: string, status: string, data?: string): XmlElement {
  return el(ischedule('response'), [
    el(ischedule('recipient'), normalizeAddress(recipient)),
    el(ischedule('request-status'), status),
    data ? el(ischedule('calendar-data'), data) : null,
  ]);
}
