// iSchedule's own error elements (draft-desruisseaux-ischedule §6.x, Cyrus http_ischedule.c):
// refusals of a whole message are answered with <ISCHED:error><condition/></ISCHED:error>, not
// WebDAV's <D:error>, because iSchedule senders (Cyrus, CalendarServer) look for these names.
import { el } from '../dav/xml/element.ts';
import { clark, NS, orrery } from '../dav/xml/names.ts';
import { toXml } from '../dav/xml/serialize.ts';

export type IscheduleCondition =
  | 'version-not-supported'
  | 'invalid-calendar-data-type'
  | 'invalid-calendar-data'
  | 'invalid-scheduling-message'
  | 'originator-missing'
  | 'too-many-originators'
  | 'originator-invalid'
  | 'originator-denied'
  | 'recipient-missing'
  | 'recipient-mismatch'
  | 'verification-failed'
  | 'max-content-length'
  | 'invalid-query'
  | 'service-unavailable';

/** Status per condition: 403 for refusals of the sender, 400 for malformed requests. */
const CONDITION_STATUS: Record<IscheduleCondition, number> = {
  'version-not-supported': 400,
  'invalid-calendar-data-type': 400,
  'invalid-calendar-data': 400,
  'invalid-scheduling-message': 400,
  'originator-missing': 400,
  'too-many-originators': 400,
  'originator-invalid': 400,
  'originator-denied': 403,
  'recipient-missing': 400,
  'recipient-mismatch': 403,
  'verification-failed': 403,
  'max-content-length': 413,
  'invalid-query': 400,
  'service-unavailable': 503,
};

export class IscheduleError extends Error {
  override name = 'IscheduleError';
  readonly status: number;
  constructor(readonly condition: IscheduleCondition, message: string) {
    super(message);
    this.status = CONDITION_STATUS[condition];
  }
}

export function ischeduleErrorResponse(error: IscheduleError, headers: Record<string, string>): Response {
  const body = el(clark(NS.ISCHEDULE, 'error'), [el(clark(NS.ISCHEDULE, error.condition)), el(orrery('message'), error.message)]);
  return new Response(toXml(body), { status: error.status, headers: { ...headers, 'Content-Type': 'application/xml; charset=utf-8' } });
}
