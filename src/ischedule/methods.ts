// Which iTIP messages the receiver takes (draft-desruisseaux-ischedule §6.1.3 scheduling-messages,
// RFC 5546 §1.4 and §3, draft-ietf-calext-vpoll §8): one table that both the capabilities document
// and the POST handler read, so that what is advertised is exactly what is accepted.

/** iTIP methods the receiver handles, per component type (lower-case, as ical.js names components). */
export const RECEIVED_METHODS: ReadonlyMap<string, readonly string[]> = new Map([
  ['vevent', ['REQUEST', 'REPLY', 'CANCEL', 'ADD', 'REFRESH', 'COUNTER', 'DECLINECOUNTER']],
  ['vtodo', ['REQUEST', 'REPLY', 'CANCEL', 'ADD', 'REFRESH', 'COUNTER', 'DECLINECOUNTER']],
  ['vpoll', ['REQUEST', 'REPLY', 'CANCEL', 'POLLSTATUS']],
  ['vfreebusy', ['REQUEST']],
]);

/** Calendar data formats a message may arrive in (calendar-data-types); all become iCalendar text. */
export const RECEIVED_MEDIA_TYPES = ['text/calendar', 'application/calendar+json', 'application/calendar+xml'] as const;

export function acceptsMethod(component: string, method: string): boolean {
  return RECEIVED_METHODS.get(component)?.includes(method) ?? false;
}
