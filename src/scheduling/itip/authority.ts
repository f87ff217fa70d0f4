// Who may change a recipient's stored copy with an iTIP message (RFC 5546 §3.2, RFC 6638 §4;
// Cyrus sched_deliver_local and CalendarServer's implicit processing check the same): only the
// organizer of that copy may update or cancel it, and only one of its attendees may answer it.
// A message that fails is refused whole: the copy stays as it is and nothing reaches the Inbox.
// Pure, so that local delivery and server-to-server (iSchedule) receipt apply one rule.
import type { ICAL } from '../../ical/parse.ts';
import { organizerAddress, schedulingComponents, type ItipMessage } from './model.ts';
import { inviteeAddresses } from './vpoll.ts';

export type AuthorityRefusal =
  /** The message names another organizer than the copy the recipient holds (Cyrus: 5.3 rejected). */
  | { reason: 'organizer-mismatch'; message: string }
  /** The sender has no standing in the event (3.8 no authority). */
  | { reason: 'not-authorized'; message: string };

export interface AuthorityCheck {
  /** The recipient's stored copy with the message's UID, or null when they hold none. */
  stored: ICAL.Component | null;
  message: ItipMessage;
  /** Whether two calendar user addresses name the same calendar user (one person may have several). */
  sameUser: (a: string, b: string) => Promise<boolean>;
}

/** null when the message may be applied; otherwise why it may not. */
export async function checkAuthority({ stored, message, sameUser }: AuthorityCheck): Promise<AuthorityRefusal | null> {
  const messageOrganizer = organizerOf(message.calendar);
  if (message.method === 'REPLY') {
    if (!stored) return { reason: 'not-authorized', message: `${message.recipient} holds no event ${message.uid} to answer` };
    const storedOrganizer = organizerOf(stored);
    if (storedOrganizer === null || messageOrganizer === null || !(await sameUser(storedOrganizer, messageOrganizer))) {
      return { reason: 'organizer-mismatch', message: `The reply names ${messageOrganizer ?? 'no organizer'}, but ${message.uid} is organized by ${storedOrganizer ?? 'nobody'}` };
    }
    // A poll's voters answer it as attendees answer an event (draft-ietf-calext-vpoll §8).
    for (const attendee of new Set(schedulingComponents(stored).flatMap(inviteeAddresses))) {
      if (await sameUser(attendee, message.originator)) return null;
    }
    return { reason: 'not-authorized', message: `${message.originator} is not an attendee of ${message.uid} and cannot answer it` };
  }
  // REQUEST, CANCEL and POLLSTATUS come from the organizer, who must be the one who sends them.
  if (messageOrganizer === null || !(await sameUser(messageOrganizer, message.originator))) {
    return { reason: 'not-authorized', message: `${message.originator} is not the organizer named in the ${message.method}` };
  }
  if (!stored) return null;
  const storedOrganizer = organizerOf(stored);
  if (storedOrganizer === null || !(await sameUser(storedOrganizer, messageOrganizer))) {
    return { reason: 'organizer-mismatch', message: `${message.uid} is organized by ${storedOrganizer ?? 'nobody'}; ${messageOrganizer} cannot change it` };
  }
  return null;
}

/** The ORGANIZER of the first component that names one (RFC 6638 §3.2.4.1 makes them all the same). */
function organizerOf(vcalendar: ICAL.Component): string | null {
  for (const component of schedulingComponents(vcalendar)) {
    const organizer = organizerAddress(component);
    if (organizer !== null) return organizer;
  }
  return null;
}
