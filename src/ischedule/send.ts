// The iSchedule sender (draft-desruisseaux-ischedule §6.2): a message transport that POSTs signed
// iTIP messages to the peer serving the recipient's domain and hands everything else to the iMIP
// transport. Being a transport, it rides on the persisted outbound queue: a message is stored
// before it is sent and retried from there, and the recipient's request-status becomes the
// SCHEDULE-STATUS (1.2 delivered, the receiver's refusal code, 1.0 while waiting for a retry).
import { findChild, findChildren, textContent } from '../dav/xml/element.ts';
import { clark, NS } from '../dav/xml/names.ts';
import { parseXml } from '../dav/xml/parse.ts';
import { TransportError, type MessageTransport, type OutgoingMail } from '../scheduling/imip/transport.ts';
import { signRequest } from './dkim.ts';
import type { AppConfig } from '../config.ts';
import { configuredPeer, domainOf, ischeduleSetup, peerFor, type DnsResolver, type IscheduleSetup } from './peers.ts';

const ischedule = (local: string) => clark(NS.ISCHEDULE, local);
const WRAPPED = Symbol('ischedule');
const PENDING = '1.0';
const DELIVERED = '1.2';

export interface IscheduleSender {
  setup: IscheduleSetup;
  lifetimeSeconds: number;
  now: () => number;
  fetch?: typeof fetch;
}

/** Routes messages for peer domains over iSchedule; others go to `fallback` (null: none, as before). */
export function withIschedule(sender: IscheduleSender, fallback: MessageTransport | null): MessageTransport | null {
  if (fallback && WRAPPED in fallback) return fallback;
  if (sender.setup.peers.size === 0 && !sender.setup.dns) return fallback;
  const transport: MessageTransport & { [WRAPPED]: true } = {
    [WRAPPED]: true,
    accepts: (recipient) => configuredPeer(sender.setup, recipient) || (fallback !== null && (fallback.accepts?.(recipient) ?? true)) || (sender.setup.dns !== null && domainOf(recipient) !== null),
    pendingStatus: (recipient) => (configuredPeer(sender.setup, recipient) ? PENDING : fallback?.pendingStatus?.(recipient)),
    // Only the peer table is known without a lookup; peers found through DNS get no refresh.
    updatesCalendar: (recipient) => configuredPeer(sender.setup, recipient),
    async send(mail) {
      const url = await peerFor(sender.setup, mail.recipient);
      if (url) return sendIschedule(sender, url, mail);
      if (!fallback) throw new TransportError(`No iSchedule server or mail transport reaches ${mail.recipient}`, true);
      return fallback.send(mail);
    },
  };
  return transport;
}

/** The server's transport with iSchedule in front when the ischedule module is on; what adapters and app.ts use. */
export function ischeduleTransport(
  config: AppConfig,
  fallback: MessageTransport | null,
  options: { dns?: DnsResolver | null; now?: () => number; fetch?: typeof fetch } = {},
): MessageTransport | null {
  if (!config.httpmodules.has('ischedule')) return fallback;
  const setup = ischeduleSetup(config, options.dns ?? null);
  return withIschedule({ setup, lifetimeSeconds: config.ischedule_signature_lifetime_seconds, now: options.now ?? Date.now, ...(options.fetch ? { fetch: options.fetch } : {}) }, fallback);
}

export interface SignedMessage {
  method: string;
  originator: string;
  recipients: readonly string[];
  /** The iTIP body; sent with CRLF line ends, as signed. */
  body: string;
}

/**
 * POSTs one signed message to a peer's receiver and resolves with the text of its 2xx answer (the
 * schedule-response). TransportError when the peer cannot be reached or refuses the message; it is
 * permanent for a refusal that a retry would meet again.
 */
export async function postSigned(sender: IscheduleSender, url: string, message: SignedMessage, signal?: AbortSignal): Promise<string> {
  const key = await sender.setup.signingKey.catch((error: unknown) => {
    throw new TransportError(`The iSchedule signing key cannot be used: ${error instanceof Error ? error.message : String(error)}`, false);
  });
  if (!key) throw new TransportError('No iSchedule signing key is configured (ischedule_dkim_key or ischedule_dkim_key_file)', false);
  const body = message.body.replace(/\r?\n/g, '\r\n');
  const component = /^BEGIN:(VEVENT|VTODO|VJOURNAL|VFREEBUSY|VPOLL)\r?$/m.exec(body)?.[1] ?? 'VEVENT';
  const headers = new Headers({
    'Content-Type': `text/calendar; charset=utf-8; method=${message.method}; component=${component}`,
    'iSchedule-Version': '1.0',
    // Fresh per attempt: a retry after a lost answer must not be refused as a replay.
    'iSchedule-Message-ID': `<${crypto.randomUUID()}@${key.domain}>`,
    Originator: message.originator,
    Recipient: message.recipients.join(', '),
    'Cache-Control': 'no-cache, no-transform',
    'User-Agent': 'Orrery',
  });
  headers.set('DKIM-Signature', await signRequest(headers, body, key, sender.now(), sender.lifetimeSeconds));
  let response: Response;
  let text: string;
  let target = url;
  try {
    for (let hop = 0; ; hop++) {
      response = await (sender.fetch ?? fetch)(target, { method: 'POST', headers, body, redirect: 'manual', ...(signal ? { signal } : {}) });
      const next = hop < MAX_REDIRECTS ? redirectTarget(target, response) : null;
      if (next === null) break;
      // Cyrus answers its well-known URL with 301 to /ischedule. Fetch would follow that as a GET
      // without the body, so the signed request is posted again, unchanged, to the new place.
      await response.body?.cancel();
      target = next;
    }
    text = await response.text();
  } catch (error) {
    throw new TransportError(`iSchedule server ${url} unreachable: ${error instanceof Error ? error.message : String(error)}`, false);
  }
  if (!response.ok) {
    // 5xx, 408 and 429 may pass; any other refusal (verification-failed, originator-denied) will
    // not, nor will a redirect that is not followed (to another origin, or one hop too many).
    const permanent = response.status >= 300 && response.status < 500 && response.status !== 408 && response.status !== 429;
    throw new TransportError(`iSchedule server ${url} answered ${response.status}: ${text.slice(0, 300)}`, permanent);
  }
  return text;
}

// --- Internal helpers ---

/** Redirects followed per message: enough for a well-known URL pointing at the receiver. */
const MAX_REDIRECTS = 3;

/**
 * Where a redirect answer sends the message, or null to take the answer as it is. Only redirects
 * that keep the method (RFC 9110 §15.4: 301, 302 and 307/308 for a POST a peer expects to receive
 * again) and stay on the same origin are followed, so a peer cannot bounce signed messages to
 * another host.
 */
function redirectTarget(from: string, response: Response): string | null {
  if (![301, 302, 307, 308].includes(response.status)) return null;
  const location = response.headers.get('location');
  if (!location) return null;
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    return null;
  }
  return next.origin === new URL(from).origin ? next.href : null;
}

async function sendIschedule(sender: IscheduleSender, url: string, mail: OutgoingMail): Promise<string> {
  const text = await postSigned(sender, url, { method: mail.method, originator: mail.sender, recipients: [mail.recipient], body: mail.itip });
  return statusFromResponse(text, mail.recipient);
}

/** The recipient's request-status in a schedule-response, as a SCHEDULE-STATUS code. */
function statusFromResponse(text: string, recipient: string): string {
  let status: string | null = null;
  try {
    const root = parseXml(text);
    for (const response of findChildren(root, ischedule('response'))) {
      const who = findChild(response, ischedule('recipient'));
      const code = findChild(response, ischedule('request-status'));
      if (!code || (who && textContent(who).trim().toLowerCase() !== recipient.toLowerCase())) continue;
      status = textContent(code).trim().split(';')[0] ?? null;
    }
  } catch {
    throw new TransportError('The iSchedule answer is not a schedule-response', false);
  }
  if (status === null) throw new TransportError(`The iSchedule answer has no request-status for ${recipient}`, false);
  // 2.x: taken; the receiver's own refusal codes (3.7, 3.8, 5.x) are passed on as they are.
  return status.startsWith('2.') ? DELIVERED : status;
}
