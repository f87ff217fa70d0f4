// Protocol errors: DavError carries an HTTP status and, where an RFC names one, the precondition
// or postcondition element rendered inside <D:error> (RFC 4918 §16, RFC 4791 §1.3, RFC 6638 §3.2).
import type { ClarkName } from './xml/names.ts';

export type Precondition =
  | { name: '{DAV:}need-privileges'; resources: { href: string; privilege: ClarkName }[] }
  | { name: '{DAV:}no-external-entities' }
  | { name: '{DAV:}cannot-modify-protected-property' }
  | { name: '{DAV:}lock-token-matches-request-uri' }
  | { name: '{DAV:}lock-token-submitted'; hrefs: string[] }
  | { name: '{DAV:}no-conflicting-lock'; hrefs: string[] }
  | { name: '{DAV:}propfind-finite-depth' }
  | { name: '{DAV:}supported-report' }
  | { name: '{DAV:}resource-must-be-null' }
  | { name: '{DAV:}valid-resourcetype' }
  | { name: '{DAV:}valid-sync-token' }
  | { name: '{DAV:}number-of-matches-within-limits' }
  | { name: '{DAV:}quota-not-exceeded' }
  | { name: '{DAV:}no-invert' }
  | { name: '{DAV:}no-abstract' }
  | { name: '{DAV:}not-supported-privilege' }
  | { name: '{DAV:}recognized-principal' }
  | { name: '{DAV:}allowed-principal' }
  | { name: '{DAV:}grant-only' }
  | { name: '{urn:ietf:params:xml:ns:caldav}supported-calendar-data' }
  | { name: '{urn:ietf:params:xml:ns:caldav}valid-calendar-data' }
  | { name: '{urn:ietf:params:xml:ns:caldav}valid-calendar-object-resource' }
  | { name: '{urn:ietf:params:xml:ns:caldav}supported-calendar-component' }
  | { name: '{urn:ietf:params:xml:ns:caldav}calendar-collection-location-ok' }
  | { name: '{urn:ietf:params:xml:ns:caldav}no-uid-conflict'; href: string }
  | { name: '{urn:ietf:params:xml:ns:caldav}max-resource-size' }
  | { name: '{urn:ietf:params:xml:ns:caldav}min-date-time' }
  | { name: '{urn:ietf:params:xml:ns:caldav}max-date-time' }
  | { name: '{urn:ietf:params:xml:ns:caldav}max-instances' }
  | { name: '{urn:ietf:params:xml:ns:caldav}supported-rscale' }
  | { name: '{urn:ietf:params:xml:ns:caldav}max-attendees-per-instance' }
  | { name: '{urn:ietf:params:xml:ns:caldav}valid-filter' }
  | { name: '{urn:ietf:params:xml:ns:caldav}supported-filter' }
  | { name: '{urn:ietf:params:xml:ns:caldav}supported-collation' }
  | { name: '{urn:ietf:params:xml:ns:caldav}valid-timezone' }
  | { name: '{urn:ietf:params:xml:ns:caldav}valid-calendar-timezone' }
  | { name: '{urn:ietf:params:xml:ns:caldav}unique-scheduling-object-resource'; href: string }
  | { name: '{urn:ietf:params:xml:ns:caldav}same-organizer-in-all-components' }
  | { name: '{urn:ietf:params:xml:ns:caldav}allowed-organizer-scheduling-object-change' }
  | { name: '{urn:ietf:params:xml:ns:caldav}allowed-attendee-scheduling-object-change' }
  | { name: '{urn:ietf:params:xml:ns:caldav}valid-organizer' }
  | { name: '{urn:ietf:params:xml:ns:caldav}valid-scheduling-message' }
  | { name: '{urn:ietf:params:xml:ns:caldav}default-calendar-needed' }
  | { name: '{urn:ietf:params:xml:ns:caldav}valid-schedule-default-calendar-URL' }
  | { name: '{https://bitfire.at/webdav-push}invalid-subscription' }
  | { name: '{https://bitfire.at/webdav-push}push-not-available' }
  | { name: '{https://bitfire.at/webdav-push}no-supported-trigger' }
  | { name: '{urn:ietf:params:xml:ns:caldav}valid-managed-id' }
  | { name: '{urn:ietf:params:xml:ns:caldav}valid-managed-id-parameter' }
  | { name: '{urn:ietf:params:xml:ns:caldav}valid-rid-parameter' }
  | { name: '{urn:ietf:params:xml:ns:caldav}valid-attachment-add' }
  | { name: '{urn:ietf:params:xml:ns:caldav}valid-attachment-update' }
  | { name: '{urn:ietf:params:xml:ns:caldav}valid-attachment-remove' }
  | { name: '{urn:ietf:params:xml:ns:caldav}max-attachment-size' }
  | { name: '{urn:ietf:params:xml:ns:caldav}max-attachments' };

export type PreconditionName = Precondition['name'];

/** Default status for each condition, as the defining RFC gives it. */
export const PRECONDITION_STATUS: Record<PreconditionName, number> = {
  '{DAV:}need-privileges': 403, // RFC 3744 §7.1.1
  '{DAV:}no-external-entities': 403, // RFC 4918 §16
  '{DAV:}cannot-modify-protected-property': 403, // RFC 4918 §16
  '{DAV:}lock-token-matches-request-uri': 409, // RFC 4918 §9.11.1
  '{DAV:}lock-token-submitted': 423, // RFC 4918 §16
  '{DAV:}no-conflicting-lock': 423, // RFC 4918 §16
  '{DAV:}propfind-finite-depth': 403, // RFC 4918 §9.1
  '{DAV:}supported-report': 403, // RFC 3253 §3.6
  '{DAV:}resource-must-be-null': 405, // RFC 5689 §3 (MKCOL on an existing URL)
  '{DAV:}valid-resourcetype': 403, // RFC 5689 §3.3
  '{DAV:}valid-sync-token': 403, // RFC 6578 §3.2
  '{DAV:}number-of-matches-within-limits': 507, // RFC 6578 §3.6
  '{DAV:}quota-not-exceeded': 507, // RFC 4331 §6
  '{DAV:}no-invert': 403, // RFC 3744 §8.1.1
  '{DAV:}no-abstract': 403,
  '{DAV:}not-supported-privilege': 403,
  '{DAV:}recognized-principal': 403,
  '{DAV:}allowed-principal': 403,
  '{DAV:}grant-only': 403,
  '{urn:ietf:params:xml:ns:caldav}supported-calendar-data': 415, // RFC 4791 §5.3.2.1 (Cyrus and sabre answer 415)
  '{urn:ietf:params:xml:ns:caldav}valid-calendar-data': 403, // RFC 4791 §5.3.2.1
  '{urn:ietf:params:xml:ns:caldav}valid-calendar-object-resource': 403,
  '{urn:ietf:params:xml:ns:caldav}supported-calendar-component': 403,
  '{urn:ietf:params:xml:ns:caldav}calendar-collection-location-ok': 403,
  '{urn:ietf:params:xml:ns:caldav}no-uid-conflict': 409,
  '{urn:ietf:params:xml:ns:caldav}max-resource-size': 413,
  '{urn:ietf:params:xml:ns:caldav}min-date-time': 403,
  '{urn:ietf:params:xml:ns:caldav}max-date-time': 403,
  '{urn:ietf:params:xml:ns:caldav}max-instances': 403,
  '{urn:ietf:params:xml:ns:caldav}supported-rscale': 403, // RFC 7529 §5.2
  '{urn:ietf:params:xml:ns:caldav}max-attendees-per-instance': 403,
  '{urn:ietf:params:xml:ns:caldav}valid-filter': 400, // RFC 4791 §7.8
  '{urn:ietf:params:xml:ns:caldav}supported-filter': 403,
  '{urn:ietf:params:xml:ns:caldav}supported-collation': 403,
  '{urn:ietf:params:xml:ns:caldav}valid-timezone': 403, // RFC 7809 §5.2
  '{urn:ietf:params:xml:ns:caldav}valid-calendar-timezone': 403,
  '{urn:ietf:params:xml:ns:caldav}unique-scheduling-object-resource': 409, // RFC 6638 §3.2.4.1
  '{urn:ietf:params:xml:ns:caldav}same-organizer-in-all-components': 403,
  '{urn:ietf:params:xml:ns:caldav}allowed-organizer-scheduling-object-change': 403,
  '{urn:ietf:params:xml:ns:caldav}allowed-attendee-scheduling-object-change': 403,
  '{urn:ietf:params:xml:ns:caldav}valid-organizer': 403,
  '{urn:ietf:params:xml:ns:caldav}valid-scheduling-message': 400,
  '{urn:ietf:params:xml:ns:caldav}default-calendar-needed': 403,
  '{urn:ietf:params:xml:ns:caldav}valid-schedule-default-calendar-URL': 403,
  // WebDAV-Push draft §3.1.3: a push-register that cannot be accepted.
  '{https://bitfire.at/webdav-push}invalid-subscription': 403,
  '{https://bitfire.at/webdav-push}push-not-available': 403,
  '{https://bitfire.at/webdav-push}no-supported-trigger': 403,
  // RFC 8607 §3.9: a PUT whose ATTACH carries a MANAGED-ID that names no managed attachment.
  '{urn:ietf:params:xml:ns:caldav}valid-managed-id': 403,
  // RFC 8607 §3.6: the POST actions' own conditions, 403 as CalendarServer (which the RFC documents) answers them.
  '{urn:ietf:params:xml:ns:caldav}valid-managed-id-parameter': 403,
  '{urn:ietf:params:xml:ns:caldav}valid-rid-parameter': 403,
  // An attendee's copy: the organizer's attachments are the organizer's to change (CalendarServer's conditions).
  '{urn:ietf:params:xml:ns:caldav}valid-attachment-add': 403,
  '{urn:ietf:params:xml:ns:caldav}valid-attachment-update': 403,
  '{urn:ietf:params:xml:ns:caldav}valid-attachment-remove': 403,
  '{urn:ietf:params:xml:ns:caldav}max-attachment-size': 413, // RFC 8607 §3.6 allows 413 (as for max-resource-size here) or 403
  '{urn:ietf:params:xml:ns:caldav}max-attachments': 403, // RFC 8607 §3.6 (the limit is the max-attachments-per-resource property)
};

export class DavError extends Error {
  constructor(
    readonly status: number,
    readonly precondition?: Precondition,
    message?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message ?? (precondition ? `Precondition ${precondition.name} failed` : `HTTP ${status}`));
    this.name = 'DavError';
  }
}

/** A DavError with the RFC's default status for the condition. */
export function conditionError(precondition: Precondition, message: string): DavError {
  return new DavError(PRECONDITION_STATUS[precondition.name], precondition, message);
}

export const badRequest = (message: string): DavError => new DavError(400, undefined, message);
export const notFound = (message = 'No resource at this URL'): DavError => new DavError(404, undefined, message);
export const conflict = (message: string): DavError => new DavError(409, undefined, message);
export const preconditionFailed = (message: string): DavError => new DavError(412, undefined, message);
export const methodNotAllowed = (allow: readonly string[], message = 'Method not allowed on this resource'): DavError =>
  new DavError(405, undefined, message, { Allow: allow.join(', ') });
export const unsupportedMediaType = (message: string): DavError => new DavError(415, undefined, message);
export const payloadTooLarge = (message: string): DavError => new DavError(413, undefined, message);
/** RFC 6585 §4: the client must wait before trying again. */
export const tooManyRequests = (retryAfterSeconds: number, message: string): DavError =>
  new DavError(429, undefined, message, { 'Retry-After': String(retryAfterSeconds) });
/** RFC 9110 §15.6.4: the server is too busy for the request now; it may be retried shortly. */
export const serviceUnavailable = (retryAfterSeconds: number, message: string): DavError =>
  new DavError(503, undefined, message, { 'Retry-After': String(retryAfterSeconds) });

export const needPrivileges = (href: string, privilege: ClarkName, message?: string): DavError =>
  conditionError(
    { name: '{DAV:}need-privileges', resources: [{ href, privilege }] },
    message ?? `You do not have the ${privilege.replace(/^\{[^}]*\}/, '')} privilege on ${href}`,
  );
