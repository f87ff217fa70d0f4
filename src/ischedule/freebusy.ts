// Free-busy of people on other servers for an Outbox POST (RFC 6638 §5, draft-desruisseaux-ischedule
// §6.2 with a VFREEBUSY REQUEST): the request goes to each peer once, signed like every message,
// naming only that peer's attendees, and each recipient's request-status and VFREEBUSY come back
// into the Outbox's schedule-response. Unlike invitations nothing is queued: the client is waiting,
// so a peer that does not answer within ischedule_freebusy_timeout is reported as 5.1.
import type { AppConfig } from '../config.ts';
import { findChild, findChildren, textContent } from '../dav/xml/element.ts';
import { clark, NS } from '../dav/xml/names.ts';
import { parseXml } from '../dav/xml/parse.ts';
import { parseICalendar, type ICAL } from '../ical/parse.ts';
import { cloneComponent, normalizeAddress, schedulingComponents } from '../scheduling/itip/model.ts';
import type { FreeBusyAnswer, RemoteFreeBusy } from '../scheduling/outbox.ts';
import { TransportError } from '../scheduling/imip/transport.ts';
import { ischeduleSetup, peerFor, type DnsResolver } from './peers.ts';
import { postSigned, type IscheduleSender } from './send.ts';

const ischedule = (local: string) => clark(NS.ISCHEDULE, local);
const UNAVAILABLE = '5.1;Service unavailable';
const REFUSED = '5.2;Invalid calendar service';

/** Free-busy over iSchedule for the Outbox, or null when the ischedule module is off or knows no peers. */
export function ischeduleFreeBusy(
  config: AppConfig,
  options: { dns?: DnsResolver | null; now?: () => number; fetch?: typeof fetch } = {},
): RemoteFreeBusy | null {
  if (!config.httpmodules.has('ischedule')) return null;
  const setup = ischeduleSetup(config, options.dns ?? null);
  if (setup.peers.size === 0 && !setup.dns) return null;
  const sender: IscheduleSender = {
    setup,
    lifetimeSeconds: config.ischedule_signature_lifetime_seconds,
    now: options.now ?? Date.now,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  return { ask: (request) => askPeers(sender, Math.max(100, config.ischedule_freebusy_timeout_seconds * 1000), request) };
}

// --- Internal helpers ---

async function askPeers(
  sender: IscheduleSender,
  timeoutMs: number,
  request: { originator: string; recipients: readonly string[]; calendar: ICAL.Component },
): Promise<Map<string, FreeBusyAnswer>> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const answers = new Map<string, FreeBusyAnswer>();
  const byPeer = new Map<string, string[]>();
  // A DNS SRV lookup counts against the same deadline as the POST: the client is waiting.
  const urls = await Promise.all(request.recipients.map((recipient) => beforeDeadline(peerFor(sender.setup, recipient), deadline).catch(() => undefined)));
  request.recipients.forEach((recipient, i) => {
    const url = urls[i];
    if (url === null) return; // no peer: the caller answers 3.7
    if (url === undefined) answers.set(normalizeAddress(recipient), { status: UNAVAILABLE });
    else byPeer.set(url, [...(byPeer.get(url) ?? []), recipient]);
  });
  await Promise.all([...byPeer].map(async ([url, recipients]) => {
    let text: string;
    try {
      text = await postSigned(sender, url, {
        method: 'REQUEST',
        originator: request.originator,
        recipients,
        body: onlyAttendees(request.calendar, recipients),
      }, deadline);
    } catch (error) {
      // A refusal of the whole request (a key the peer does not know, say) will not pass on a retry.
      const status = error instanceof TransportError && error.permanent ? REFUSED : UNAVAILABLE;
      for (const recipient of recipients) answers.set(normalizeAddress(recipient), { status });
      return;
    }
    const answered = parseAnswers(text);
    for (const recipient of recipients) {
      const key = normalizeAddress(recipient);
      answers.set(key, answered.get(key) ?? { status: REFUSED });
    }
  }));
  return answers;
}

/** The request as this peer should see it: the other servers' attendees are none of its business. */
function onlyAttendees(calendar: ICAL.Component, recipients: readonly string[]): string {
  const wanted = new Set(recipients.map(normalizeAddress));
  const copy = cloneComponent(calendar);
  for (const component of schedulingComponents(copy)) {
    for (const attendee of component.getAllProperties('attendee')) {
      if (!wanted.has(normalizeAddress(String(attendee.getFirstValue())))) component.removeProperty(attendee);
    }
  }
  return copy.toString();
}

/**
 * recipient → answer from a peer's schedule-response. Busy time is passed on only with a success
 * status and only when it is a VCALENDAR: the client shows it as it is.
 */
function parseAnswers(text: string): Map<string, FreeBusyAnswer> {
  const answers = new Map<string, FreeBusyAnswer>();
  let root;
  try {
    root = parseXml(text);
  } catch {
    return answers;
  }
  for (const response of findChildren(root, ischedule('response'))) {
    const recipient = findChild(response, ischedule('recipient'));
    const status = findChild(response, ischedule('request-status'));
    if (!recipient || !status) continue;
    const answer: FreeBusyAnswer = { status: textContent(status).trim() };
    const data = findChild(response, ischedule('calendar-data'));
    if (data && answer.status.startsWith('2.') && isFreeBusyReply(textContent(data))) answer.data = textContent(data);
    answers.set(normalizeAddress(textContent(recipient)), answer);
  }
  return answers;
}

function isFreeBusyReply(data: string): boolean {
  try {
    const calendar = parseICalendar(data);
    return calendar.name === 'vcalendar' && calendar.getFirstSubcomponent('vfreebusy') !== null;
  } catch {
    return false;
  }
}

function beforeDeadline<T>(promise: Promise<T>, deadline: AbortSignal): Promise<T> {
  if (deadline.aborted) return Promise.reject(deadline.reason);
  return new Promise((resolve, reject) => {
    const abort = () => reject(deadline.reason);
    deadline.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => deadline.removeEventListener('abort', abort));
  });
}
