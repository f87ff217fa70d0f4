// iMIP over SMTP on Node (RFC 6047 §2.1, RFC 5321), with nodemailer: the core builds the whole
// message, this only hands it to the configured server (smtp_host, smtp_port, smtp_user/password).
import nodemailer from 'nodemailer';
import type { AppConfig } from '../../src/config.ts';
import { TransportError, type MessageTransport } from '../../src/scheduling/imip/transport.ts';

/** nodemailer errors about the message itself, which no retry can fix. */
const PERMANENT_CODES = new Set(['EENVELOPE', 'EMESSAGE']);

/** The SMTP transport for the configuration, or null when smtp_host is empty. */
export function smtpTransport(config: AppConfig): MessageTransport | null {
  if (!config.smtp_host) return null;
  const transporter = nodemailer.createTransport({
    host: config.smtp_host,
    port: config.smtp_port,
    secure: config.smtp_port === 465,
    ...(config.smtp_user ? { auth: { user: config.smtp_user, pass: config.smtp_password } } : {}),
    // A slow mail server must not hold a calendar write for minutes; the queue retries later.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail) {
      try {
        await transporter.sendMail({ envelope: { from: mail.envelopeFrom, to: mail.to }, raw: mail.raw });
      } catch (error) {
        throw classify(error);
      }
    },
  };
}

function classify(error: unknown): TransportError {
  const details = error as { message?: string; code?: string; responseCode?: number };
  const message = `SMTP: ${details.message ?? String(error)}`;
  if (typeof details.responseCode === 'number') return new TransportError(message, details.responseCode >= 500);
  // Refused connections, timeouts and failed logins may all be fixed by the time of the next attempt.
  return new TransportError(message, details.code !== undefined && PERMANENT_CODES.has(details.code));
}
