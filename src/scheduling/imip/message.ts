// iMIP messages (RFC 6047 §2): an RFC 5322 mail whose multipart/alternative body carries a short
// text summary for people and a text/calendar part with the iTIP METHOD for calendar programs.
import { toBase64 } from '../../bytes/base64.ts';
import { mailtoAddress } from '../../principals/hrefs.ts';
import type { ICAL } from '../../ical/parse.ts';
import { MASTER, componentsByKey, type ItipMessage } from '../itip/model.ts';

export interface ImipEnvelope {
  /** Envelope sender (MAIL FROM) and From: address. */
  envelopeFrom: string;
  /** Bare e-mail address of the recipient. */
  to: string;
  raw: string;
}

export interface ImipOptions {
  /** imip_sender: the From: address when set; the originator then goes in Reply-To. */
  serviceSender: string;
  /** Display name of the originator (the user's name), if known. */
  originatorName: string | null;
  servername: string;
  nowMs: number;
}

/** The e-mail address of a mailto: calendar user address, or null for other schemes. */
export function mailAddress(calendarAddress: string): string | null {
  const address = mailtoAddress(calendarAddress);
  return address !== null && /^.+@.+$/.test(address) ? address : null;
}

export function buildImipMessage(message: ItipMessage, options: ImipOptions): ImipEnvelope {
  const originator = mailAddress(message.originator) ?? `${options.servername}@invalid`;
  const to = mailAddress(message.recipient);
  if (!to) throw new Error(`${message.recipient} is not an e-mail address`);
  const service = options.serviceSender.trim();
  const name = options.originatorName ?? originator;
  const from = service ? mailbox(`${name} via ${options.servername}`, service) : mailbox(options.originatorName, originator);
  const ical = message.calendar.toString();
  const component = componentsByKey(message.calendar).values().next().value as ICAL.Component | undefined;
  const boundary = `=_orrery_${crypto.randomUUID().replace(/-/g, '')}`;
  const headers = [
    `From: ${from}`,
    ...(service ? [`Reply-To: ${mailbox(options.originatorName, originator)}`] : []),
    `To: ${to}`,
    `Subject: ${encodeHeader(subject(message))}`,
    `Date: ${new Date(options.nowMs).toUTCString().replace(/GMT$/, '+0000')}`,
    `Message-ID: <${crypto.randomUUID()}@${options.servername}>`,
    'MIME-Version: 1.0',
    'Auto-Submitted: auto-generated',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const parts = [
    part('text/plain; charset=UTF-8', summaryText(message, name)),
    part(`text/calendar; charset=UTF-8; method=${message.method}${component ? `; component=${component.name.toUpperCase()}` : ''}`, ical),
  ];
  const body = parts.map((p) => `--${boundary}\r\n${p}`).join('\r\n') + `\r\n--${boundary}--\r\n`;
  return { envelopeFrom: service || originator, to, raw: `${headers.join('\r\n')}\r\n\r\n${body}` };
}

// --- Internal helpers ---

function subject(message: ItipMessage): string {
  const summary = summaryOf(message.calendar) || '(no title)';
  switch (message.method) {
    case 'REQUEST':
      return `Invitation: ${summary}`;
    case 'CANCEL':
      return `Cancelled: ${summary}`;
    case 'REPLY':
      return `${replyVerb(message)}: ${summary}`;
    case 'POLLSTATUS':
      return `Poll update: ${summary}`;
  }
}

function summaryText(message: ItipMessage, name: string): string {
  const main = primary(message.calendar);
  const lines: string[] = [];
  const summary = summaryOf(message.calendar) || '(no title)';
  if (message.method === 'REQUEST') lines.push(`${name} invites you to "${summary}".`);
  if (message.method === 'CANCEL') lines.push(`${name} has cancelled "${summary}".`);
  if (message.method === 'REPLY') lines.push(`${name}: ${replyVerb(message).toLowerCase()} "${summary}".`);
  if (main) {
    const when = describeTime(main.getFirstProperty('dtstart'));
    if (when) lines.push(`When: ${when}`);
    const where = main.getFirstPropertyValue('location');
    if (typeof where === 'string' && where !== '') lines.push(`Where: ${where}`);
    if (main.hasProperty('rrule')) lines.push('This is a recurring event.');
  }
  lines.push('', 'Your calendar program can add this to your calendar from the attached invitation.');
  return lines.join('\r\n') + '\r\n';
}

function replyVerb(message: ItipMessage): string {
  const attendee = primary(message.calendar)?.getFirstProperty('attendee');
  const status = String(attendee?.getParameter('partstat') ?? '').toUpperCase();
  return { ACCEPTED: 'Accepted', DECLINED: 'Declined', TENTATIVE: 'Tentatively accepted', DELEGATED: 'Delegated' }[status] ?? 'Reply';
}

function primary(calendar: ICAL.Component): ICAL.Component | undefined {
  const byKey = componentsByKey(calendar);
  return byKey.get(MASTER) ?? byKey.values().next().value;
}

function summaryOf(calendar: ICAL.Component): string {
  const value = primary(calendar)?.getFirstPropertyValue('summary');
  return typeof value === 'string' ? value : '';
}

function describeTime(property: ICAL.Property | null): string | null {
  const value = property?.getFirstValue() as ICAL.Time | undefined;
  if (!value || typeof value !== 'object' || !('year' in value)) return null;
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${value.year}-${pad(value.month)}-${pad(value.day)}`;
  if (value.isDate) return `${date} (all day)`;
  const tzid = property!.getParameter('tzid');
  const zone = typeof tzid === 'string' ? tzid : value.zone?.tzid === 'UTC' || value.toString().endsWith('Z') ? 'UTC' : 'local time';
  return `${date} ${pad(value.hour)}:${pad(value.minute)} (${zone})`;
}

function part(contentType: string, text: string): string {
  const ascii = /^[\x09\x0a\x0d\x20-\x7e]*$/.test(text);
  const normalised = text.replace(/\r?\n/g, '\r\n');
  const encoding = ascii ? '7bit' : 'base64';
  const content = ascii ? normalised : base64Lines(new TextEncoder().encode(normalised));
  return `Content-Type: ${contentType}\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n${content.replace(/\r\n$/, '')}\r\n`;
}

function mailbox(name: string | null, address: string): string {
  if (!name || name === address) return `<${address}>`;
  return /^[\x20-\x7e]*$/.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}" <${address}>` : `${encodeHeader(name)} <${address}>`;
}

/** RFC 2047 encoded-words for header text that is not plain ASCII, each under 76 characters, folded. */
function encodeHeader(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const encoder = new TextEncoder();
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (encoder.encode(chunk + char).byteLength > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${toBase64(encoder.encode(word))}?=`).join('\r\n ');
}

function base64Lines(bytes: Uint8Array): string {
  return (toBase64(bytes).match(/.{1,76}/g) ?? []).join('\r\n');
}
