// Delivery to a user of this server (RFC 6638 §4, Cyrus sched_deliver_local): the sender needs
// schedule-deliver-invite/-reply on the recipient's Inbox; the message is merged into the
// recipient's calendar (new invitations into their default calendar) and a copy lands in the Inbox.
// Delivery is planned here and written by the caller in one batch with the message's completion.
import { rightsOfUser } from '../acl/check.ts';
import { isOperationAllowed } from '../acl/evaluate.ts';
import { plannedCollections } from '../caldav/provisioning.ts';
import { strongEtag } from '../dav/content.ts';
import type { AppDeps } from '../dav/context.ts';
import { calendarHomePath } from '../dav/urls.ts';
import type { ICAL } from '../ical/parse.ts';
import type { CollectionRecord, ResourcePut, UserRecord } from '../storage/index.ts';
import { addressSet, findLocalUser } from './addresses.ts';
import { copyName, copyPut, defaultCalendar, findCopy, newScheduleTag, readCalendar } from './copies.ts';
import { applyCancel, applyReply, applyRequest } from './itip/merge.ts';
import { checkAuthority } from './itip/authority.ts';
import { classify } from './itip/classify.ts';
import { applyPollStatus } from './itip/vpoll.ts';
import { findAttendee, normalizeAddress, partstat, schedulingComponents, type ItipMessage } from './itip/model.ts';
import { utf8Length } from '../bytes/utf8.ts';

/** RFC 6638 §3.2.9 request-status codes the server writes as SCHEDULE-STATUS. */
export const STATUS = {
  sent: '1.1',
  delivered: '1.2',
  invalidUser: '3.7',
  noAuthority: '3.8',
  tempFailure: '5.1',
  permFailure: '5.2',
  noScheduling: '5.3',
  /** The message names another organizer than the recipient's copy has (Cyrus answers 5.3 too). */
  rejected: '5.3',
} as const;

export interface LocalDelivery {
  status: string;
  /** The recipient's copy and Inbox item, to be written in one batch (empty when nothing changes). */
  writes: ResourcePut[];
  /** The merged organizer copy of a REPLY, for forwarding the new state to the other attendees. */
  organizerCopy?: ICAL.Component | undefined;
}

/**
 * A server elsewhere speaking for addresses of its domain (iSchedule, its signature verified).
 * Its rights on the Inbox are those granted to that domain or to anyone.
 */
export interface RemoteSender {
  remoteDomain: string;
}

export interface DeliverOptions {
  /** A server-side refresh after a reply: no Inbox copy and the recipient's Schedule-Tag is kept. */
  refresh?: boolean;
}

export async function planLocalDelivery(
  deps: AppDeps,
  sender: UserRecord | RemoteSender,
  recipient: UserRecord,
  message: ItipMessage,
  options: DeliverOptions = {},
): Promise<LocalDelivery> {
  const now = deps.now();
  const home = calendarHomePath(recipient.name);
  let inbox = await deps.store.collections.get(`${home}Inbox/`);
  if (!inbox) {
    // A user who has never logged in gets their collections now, as on first login.
    await deps.store.collections.ensure(plannedCollections(deps, recipient.name), now);
    inbox = await deps.store.collections.get(`${home}Inbox/`);
  }
  if (!inbox) return { status: STATUS.noScheduling, writes: [] };
  const senderName = 'remoteDomain' in sender ? sender.remoteDomain : sender.name;
  const rights = rightsOfUser(inbox, { name: senderName, isAdmin: false }, deps.config);
  const operation = message.method === 'REPLY' ? 'schedule-deliver-reply' : 'schedule-deliver-invite';
  if (!isOperationAllowed(operation, 'schedule-inbox', rights)) return { status: STATUS.noAuthority, writes: [] };

  // The sender speaks only for themselves: a message's originator is one of their own addresses.
  const speaksFor = 'remoteDomain' in sender
    ? mailtoDomain(message.originator) === sender.remoteDomain
    : addressSet(sender, deps.config).has(normalizeAddress(message.originator));
  if (!speaksFor) {
    deps.logger.info('Scheduling message refused: the originator is not the sender', { sender: senderName, originator: message.originator, uid: message.uid });
    return { status: STATUS.noAuthority, writes: [] };
  }
  const existing = await findCopy(deps.store, recipient.name, message.uid);
  const current = existing ? readCalendar(existing.record.data) : null;
  const refusal = await checkAuthority({ stored: current, message, sameUser: sameCalendarUser(deps) });
  if (refusal) {
    deps.logger.info('Scheduling message refused', { method: message.method, uid: message.uid, sender: senderName, recipient: recipient.name, reason: refusal.message });
    return { status: refusal.reason === 'organizer-mismatch' ? STATUS.rejected : STATUS.noAuthority, writes: [] };
  }
  const result: LocalDelivery = { status: STATUS.delivered, writes: [] };
  if (message.method === 'REQUEST') {
    // A refresh only updates copies that exist: an attendee who deleted theirs does not get it back.
    if (options.refresh && !existing) return result;
    // An attendee who declined and then deleted their copy keeps it deleted: an update that still
    // has them declined everywhere brings back neither the copy nor an Inbox item (as CalendarServer
    // does). A rescheduled event asks them again with PARTSTAT=NEEDS-ACTION, and arrives.
    if (!existing && declinedEverywhere(message.calendar, message.recipient)) return result;
    if (current && classify(current, addressSet(recipient, deps.config)).kind === 'organizer') return { status: STATUS.rejected, writes: [] };
    const merged = applyRequest(current, message.calendar, { recipient: message.recipient, apple: deps.config.caldav_allowscheduling === 'apple' });
    if (merged) {
      const target = existing?.collection ?? (await defaultCalendar(deps.store, recipient.name));
      if (!target) return { status: STATUS.noScheduling, writes: [] };
      let name = existing?.record.name ?? copyName(message.uid);
      if (!existing && (await deps.store.resources.getMeta(target.id, name))) name = `${crypto.randomUUID()}.ics`;
      const tag = options.refresh && existing?.record.scheduleTag ? existing.record.scheduleTag : newScheduleTag();
      result.writes.push(await copyPut(deps.config, {
        collection: target,
        name,
        calendar: merged,
        expect: existing ? { etag: existing.record.etag } : { absent: true },
        scheduleTag: tag,
      }, now));
    }
  } else if (message.method === 'CANCEL') {
    // A cancellation of an event the recipient does not have (never had, or deleted) changes
    // nothing and tells them nothing: it is taken as delivered, without an Inbox item.
    if (!existing) return result;
    if (existing && current) {
      if (classify(current, addressSet(recipient, deps.config)).kind !== 'attendee') return { status: STATUS.rejected, writes: [] };
      result.writes.push(await copyPut(deps.config, {
        collection: existing.collection,
        name: existing.record.name,
        calendar: applyCancel(current, message.calendar),
        expect: { etag: existing.record.etag },
        scheduleTag: newScheduleTag(),
      }, now));
    }
  } else if (message.method === 'POLLSTATUS') {
    // The other voters' ballots (draft-ietf-calext-vpoll §8): only a copy the voter still has, and,
    // like a refreshed event, not a change their client must see before writing (RFC 6638 §3.2.10).
    if (existing && current) {
      if (classify(current, addressSet(recipient, deps.config)).kind !== 'attendee') return { status: STATUS.rejected, writes: [] };
      result.writes.push(await copyPut(deps.config, {
        collection: existing.collection,
        name: existing.record.name,
        calendar: applyPollStatus(current, message.calendar, message.recipient),
        expect: { etag: existing.record.etag },
        scheduleTag: existing.record.scheduleTag,
      }, now));
    }
  } else if (existing && current) {
    const role = classify(current, addressSet(recipient, deps.config));
    if (role.kind !== 'organizer') return { status: STATUS.rejected, writes: [] };
    const merged = applyReply(current, message.calendar, message.originator);
    if (merged) {
      // An attendee's answer is not a change the organizer's client must see before writing (RFC 6638 §3.2.10).
      result.writes.push(await copyPut(deps.config, {
        collection: existing.collection,
        name: existing.record.name,
        calendar: merged,
        expect: { etag: existing.record.etag },
        scheduleTag: existing.record.scheduleTag,
      }, now));
      result.organizerCopy = merged;
    }
  }
  if (!options.refresh) result.writes.push(await inboxItem(inbox, message));
  return result;
}

/** Whether every component of the message that names the recipient has them DECLINED. */
function declinedEverywhere(calendar: ICAL.Component, recipient: string): boolean {
  const mine = schedulingComponents(calendar).map((component) => findAttendee(component, recipient)).filter((attendee) => attendee !== undefined);
  return mine.length > 0 && mine.every((attendee) => partstat(attendee) === 'DECLINED');
}

function mailtoDomain(address: string): string | null {
  const match = /^mailto:[^@]+@(.+)$/i.exec(normalizeAddress(address));
  return match ? match[1]!.toLowerCase() : null;
}

/**
 * Whether two calendar user addresses name the same person: equal addresses, or two addresses of
 * one local user (mailto: and the principal URL, or two e-mail addresses).
 */
export function sameCalendarUser(deps: AppDeps): (a: string, b: string) => Promise<boolean> {
  const owners = new Map<string, Promise<string | null>>();
  const ownerOf = (address: string) => {
    const key = normalizeAddress(address);
    let owner = owners.get(key);
    if (!owner) {
      owner = findLocalUser(deps.store, deps.config, key).then((user) => user?.name ?? null);
      owners.set(key, owner);
    }
    return owner;
  };
  return async (a, b) => {
    if (normalizeAddress(a) === normalizeAddress(b)) return true;
    const [first, second] = await Promise.all([ownerOf(a), ownerOf(b)]);
    return first !== null && first === second;
  };
}

/** The scheduling message itself, kept in the Inbox for the recipient's client (RFC 6638 §4.1). */
export async function inboxItem(inbox: CollectionRecord, message: Pick<ItipMessage, 'calendar'> & { method: string }): Promise<ResourcePut> {
  const text = message.calendar.toString();
  const component = message.calendar.getAllSubcomponents().find((c) => c.name !== 'vtimezone')?.name.toUpperCase() ?? 'VEVENT';
  return {
    collection: inbox,
    name: `${crypto.randomUUID()}.ics`,
    write: {
      contentType: `text/calendar; charset=utf-8; method=${message.method}; component=${component}`,
      data: text,
      etag: await strongEtag(text),
      size: utf8Length(text),
      // Scheduling messages are not calendar object resources: several may share one UID.
      index: null,
    },
    expect: { absent: true },
  };
}
