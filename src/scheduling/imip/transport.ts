// How iMIP messages leave the server. The core only knows this interface; SMTP is implemented by
// the Node adapter, and an HTTP webhook (plain fetch) works on every runtime.
import type { AppConfig } from '../../config.ts';

export interface OutgoingMail {
  /** Envelope sender (MAIL FROM). */
  envelopeFrom: string;
  /** Envelope recipients (RCPT TO), bare addresses. */
  to: string[];
  /** The complete RFC 5322 message, CRLF line ends. */
  raw: string;
  /** The iTIP parts, for transports that do not speak mail. */
  method: string;
  itip: string;
  sender: string;
  recipient: string;
}

export interface MessageTransport {
  /** Resolves to the recipient's SCHEDULE-STATUS when the transport learns it (iSchedule); mail learns nothing. */
  send(mail: OutgoingMail): Promise<void | string>;
  /** Whether this transport can reach the recipient at all; assumed when absent. */
  accepts?(recipient: string): boolean;
  /** SCHEDULE-STATUS while a message to the recipient waits for a retry; 5.1 when absent. */
  pendingStatus?(recipient: string): string | undefined;
  /**
   * Whether the recipient's own server applies what it is sent to their calendar (iSchedule), rather
   * than a person reading mail: the server-side refresh after a reply goes only to such recipients.
   */
  updatesCalendar?(recipient: string): boolean;
}

/**
 * A failed send. `permanent` failures (the recipient or message was refused) are not retried;
 * others (connection refused, timeouts, 4xx replies) are, from the outbound queue.
 */
export class TransportError extends Error {
  override name = 'TransportError';
  constructor(message: string, readonly permanent: boolean) {
    super(message);
  }
}

/** POSTs each message as JSON; 2xx is sent, 4xx (but 408 and 429) is permanent, anything else is retried. */
export function webhookTransport(url: string, fetchImpl: typeof fetch = fetch): MessageTransport {
  return {
    async send(mail) {
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            sender: mail.sender,
            recipient: mail.recipient,
            method: mail.method,
            envelopeFrom: mail.envelopeFrom,
            to: mail.to,
            message: mail.raw,
            ical: mail.itip,
          }),
        });
      } catch (error) {
        throw new TransportError(`Webhook unreachable: ${(error as Error).message}`, false);
      }
      await response.body?.cancel();
      if (response.ok) return;
      const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
      throw new TransportError(`Webhook answered ${response.status}`, permanent);
    },
  };
}

/** The transport the adapter injected (SMTP on Node), else the configured webhook, else none. */
export function chooseTransport(config: AppConfig, injected: MessageTransport | null | undefined): MessageTransport | null {
  if (injected) return injected;
  if (config.imip_webhook_url) return webhookTransport(config.imip_webhook_url);
  return null;
}
