// iMIP message construction (RFC 6047 §2) and the webhook transport's treatment of answers.
import { describe, expect, it } from 'vitest';
import { buildImipMessage, mailAddress } from '../../../src/scheduling/imip/message.ts';
import { TransportError, webhookTransport, type OutgoingMail } from '../../../src/scheduling/imip/transport.ts';
import { organizerMessages } from '../../../src/scheduling/itip/organizer.ts';
import { attendeeMessages } from '../../../src/scheduling/itip/attendee.ts';
import { ALICE, BOB, NOW, OPEN, PRODID, calendar, organizerChange, vevent } from './itip/fixtures.ts';

const OPTIONS = { serviceSender: '', originatorName: 'Alice Example', servername: 'cal.example.com', nowMs: NOW };

describe('buildImipMessage', () => {
  const request = organizerMessages(organizerChange(null, calendar(vevent(['LOCATION:Room 4'])))).find((m) => m.recipient === BOB)!;

  it('RFC 6047 §2.4 a multipart/alternative with text and text/calendar carrying the METHOD', () => {
    const mail = buildImipMessage(request, OPTIONS);
    expect(mail.to).toBe('bob@example.com');
    expect(mail.envelopeFrom).toBe('alice@example.com');
    const [head, body] = [mail.raw.slice(0, mail.raw.indexOf('\r\n\r\n')), mail.raw.slice(mail.raw.indexOf('\r\n\r\n') + 4)];
    expect(head).toContain('From: "Alice Example" <alice@example.com>');
    expect(head).not.toContain('Reply-To');
    expect(head).toContain('Subject: Invitation: Meet');
    expect(head).toContain('Date: Tue, 01 Jan 2030 00:00:00 +0000');
    const boundary = /boundary="([^"]+)"/.exec(head)![1]!;
    expect(body.split(`--${boundary}`)).toHaveLength(4);
    expect(body).toContain('Content-Type: text/plain; charset=UTF-8');
    expect(body).toContain('Content-Type: text/calendar; charset=UTF-8; method=REQUEST; component=VEVENT');
    expect(body).toContain('Where: Room 4');
    expect(body).toContain('METHOD:REQUEST');
    expect(body.endsWith(`--${boundary}--\r\n`)).toBe(true);
    // Every line ends in CRLF (RFC 5322 §2.1).
    expect(mail.raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('imip_sender: the service address sends, the organizer is Reply-To', () => {
    const mail = buildImipMessage(request, { ...OPTIONS, serviceSender: 'calendar@cal.example.com' });
    expect(mail.envelopeFrom).toBe('calendar@cal.example.com');
    expect(mail.raw).toContain('From: "Alice Example via cal.example.com" <calendar@cal.example.com>');
    expect(mail.raw).toContain('Reply-To: "Alice Example" <alice@example.com>');
  });

  it('RFC 2047 non-ASCII text goes in encoded words and base64 bodies', () => {
    const message = organizerMessages(organizerChange(null, calendar(vevent([]).map((l) => (l === 'SUMMARY:Meet' ? 'SUMMARY:Réunion – équipe' : l))))).find((m) => m.recipient === BOB)!;
    const mail = buildImipMessage(message, { ...OPTIONS, originatorName: 'Zoë' });
    expect(mail.raw).toMatch(/Subject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=/);
    expect(mail.raw).toContain('From: =?UTF-8?B?Wm/Dqw==?= <alice@example.com>');
    expect(mail.raw).toContain('Content-Transfer-Encoding: base64');
    expect(mail.raw).not.toContain('Réunion');
  });

  it('replies say what the attendee answered', () => {
    const reply = attendeeMessages({
      previous: null,
      next: calendar(vevent([], { attendees: [`ATTENDEE:${ALICE}`, `ATTENDEE;PARTSTAT=DECLINED:${BOB}`] })),
      organizer: ALICE,
      self: BOB,
      history: OPEN,
      nowMs: NOW,
      prodid: PRODID,
    })[0]!;
    const mail = buildImipMessage(reply, { ...OPTIONS, originatorName: 'Bob' });
    expect(mail.to).toBe('alice@example.com');
    expect(mail.raw).toContain('Subject: Declined: Meet');
    expect(mail.raw).toContain('method=REPLY');
  });

  it('only mailto: addresses can be mailed', () => {
    expect(mailAddress('MAILTO:bob@example.com')).toBe('bob@example.com');
    expect(mailAddress('urn:uuid:1234')).toBeNull();
    expect(mailAddress('mailto:nobody')).toBeNull();
  });
});

describe('webhookTransport', () => {
  const mail: OutgoingMail = { envelopeFrom: 'a@x', to: ['b@y'], raw: 'raw', method: 'REQUEST', itip: 'BEGIN:VCALENDAR', sender: 'mailto:a@x', recipient: 'mailto:b@y' };
  const answering = (status: number, seen: Request[] = []) =>
    (async (input: RequestInfo | URL, init?: RequestInit) => {
      seen.push(new Request(input, init));
      return new Response('', { status });
    }) as typeof fetch;

  it('POSTs the message as JSON', async () => {
    const seen: Request[] = [];
    await webhookTransport('https://hooks.example/imip', answering(202, seen)).send(mail);
    expect(seen[0]!.method).toBe('POST');
    expect(await seen[0]!.json()).toEqual({ sender: 'mailto:a@x', recipient: 'mailto:b@y', method: 'REQUEST', envelopeFrom: 'a@x', to: ['b@y'], message: 'raw', ical: 'BEGIN:VCALENDAR' });
  });

  it.each([
    [400, true],
    [404, true],
    [408, false],
    [429, false],
    [500, false],
    [503, false],
  ])('answer %i is a %s failure', async (status, permanent) => {
    const error = await webhookTransport('https://hooks.example/imip', answering(status)).send(mail).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).permanent).toBe(permanent);
  });

  it('an unreachable webhook is a temporary failure', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const error = (await webhookTransport('https://hooks.example/imip', failing).send(mail).catch((e: unknown) => e)) as TransportError;
    expect(error.permanent).toBe(false);
  });
});
