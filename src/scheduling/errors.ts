// Scheduling preconditions as domain errors (RFC 6638 §3.2.4.1, §5.1) and their single mapping to
// the CALDAV: condition elements a client sees.
import { conditionError, type DavError } from '../dav/errors.ts';

export type ItipErrorCode =
  | 'unique-scheduling-object-resource'
  | 'same-organizer-in-all-components'
  | 'allowed-organizer-scheduling-object-change'
  | 'allowed-attendee-scheduling-object-change'
  | 'valid-organizer'
  | 'valid-scheduling-message';

export class ItipError extends Error {
  override name = 'ItipError';
  constructor(
    readonly code: ItipErrorCode,
    message: string,
    /** The other resource, for unique-scheduling-object-resource. */
    readonly href?: string,
  ) {
    super(message);
  }
}

export function toDavError(error: ItipError): DavError {
  switch (error.code) {
    case 'unique-scheduling-object-resource':
      return conditionError({ name: '{urn:ietf:params:xml:ns:caldav}unique-scheduling-object-resource', href: error.href ?? '' }, error.message);
    case 'same-organizer-in-all-components':
      return conditionError({ name: '{urn:ietf:params:xml:ns:caldav}same-organizer-in-all-components' }, error.message);
    case 'allowed-organizer-scheduling-object-change':
      return conditionError({ name: '{urn:ietf:params:xml:ns:caldav}allowed-organizer-scheduling-object-change' }, error.message);
    case 'allowed-attendee-scheduling-object-change':
      return conditionError({ name: '{urn:ietf:params:xml:ns:caldav}allowed-attendee-scheduling-object-change' }, error.message);
    case 'valid-organizer':
      return conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-organizer' }, error.message);
    case 'valid-scheduling-message':
      return conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-scheduling-message' }, error.message);
  }
}

/** Runs `fn`, turning scheduling domain errors into protocol errors. */
export async function mappingItipErrors<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw error instanceof ItipError ? toDavError(error) : error;
  }
}
