// VPOLL consensus scheduling (draft-ietf-calext-vpoll §4, §8; iTIP as Cyrus's http_caldav_sched.c
// and itip_support.c schedule it): the organizer sends the whole poll (candidates and every ballot)
// to each voter as a REQUEST; a voter whose ballot changed answers with a REPLY carrying only
// their own VOTEs; the organizer's server merges that ballot and passes the new state of the
// ballots to the other voters with POLLSTATUS. A voter is a PARTICIPANT with
// PARTICIPANT-TYPE:VOTER named by CALENDAR-ADDRESS (the draft and Cyrus); CalendarServer's
// earlier form (draft-york-vpoll-03/04: VVOTER named by VOTER) is read the same way.
// Pure: plain components in, messages or new copies out.
import { ICAL } from '../../ical/parse.ts';
import type { AttendeeChange } from './attendee.ts';
import { fingerprint, SCHEDULE_PARAMS, stripScheduleParameters, travellingCopy } from './clean.ts';
import {
  attendeeAddresses, cloneComponent, forceSend, newMessageCalendar, normalizeAddress, propertyAddress, scheduleAgent, statusOf,
  uidOf, utcStamp, type ItipMessage,
} from './model.ts';
import type { OrganizerChange } from './organizer.ts';

/** One voter of a poll: the subcomponent holding their ballot and the property naming them. */
export interface Voter {
  container: ICAL.Component;
  property: ICAL.Property;
  address: string;
}

/** Subcomponents of a VPOLL that are not candidates (POLL-ITEM-ID carriers). */
const NOT_CANDIDATES = new Set(['participant', 'vvoter', 'valarm']);

/** The VPOLL of a calendar object, or null when it holds none. */
export function pollOf(vcalendar: ICAL.Component | null | undefined): ICAL.Component | null {
  return vcalendar?.getFirstSubcomponent('vpoll') ?? null;
}

export function voters(poll: ICAL.Component): Voter[] {
  const result: Voter[] = [];
  for (const container of poll.getAllSubcomponents()) {
    const property = voterProperty(container);
    const address = property ? propertyAddress(property) : '';
    if (property && address !== '') result.push({ container, property, address });
  }
  return result;
}

export function findVoter(poll: ICAL.Component, address: string): Voter | undefined {
  const wanted = normalizeAddress(address);
  return voters(poll).find((voter) => voter.address === wanted);
}

/** The property naming the first of `addresses` that votes in the poll (classify's "is this my poll"). */
export function findVoterOf(poll: ICAL.Component, addresses: ReadonlySet<string>): ICAL.Property | undefined {
  return voters(poll).find((voter) => addresses.has(voter.address))?.property;
}

/** Who may answer a component: its ATTENDEEs, and for a VPOLL its voters. */
export function inviteeAddresses(component: ICAL.Component): string[] {
  return component.name === 'vpoll' ? [...attendeeAddresses(component), ...voters(component).map((v) => v.address)] : attendeeAddresses(component);
}

/** The voter properties of a VPOLL, where SCHEDULE-STATUS for each voter is written (Cyrus: on CALENDAR-ADDRESS). */
export function voterProperties(component: ICAL.Component): ICAL.Property[] {
  return component.name === 'vpoll' ? voters(component).map((v) => v.property) : [];
}

/** REQUESTs and CANCELs for the voters after an organizer's write of a poll (as organizerMessages for events). */
export function pollOrganizerMessages(change: OrganizerChange): ItipMessage[] {
  const before = pollOf(change.previous);
  const after = pollOf(change.next);
  const recipients = new Set([...scheduledVoters(before), ...scheduledVoters(after)].map((v) => v.address));
  recipients.delete(change.organizer);
  for (const own of change.self) recipients.delete(own);
  const cancelled = after !== null && statusOf(after) === 'CANCELLED';
  const wasCancelled = before !== null && statusOf(before) === 'CANCELLED';
  const changed = before === null || after === null || pollFingerprint(before) !== pollFingerprint(after);
  const messages: ItipMessage[] = [];
  for (const address of [...recipients].sort()) {
    const was = before ? scheduledVoter(before, address) : undefined;
    const is = after ? scheduledVoter(after, address) : undefined;
    if (!is || cancelled) {
      const source = cancelled ? after! : before;
      if (was && !wasCancelled && source) messages.push(cancel(change, source, address, change.next === null));
      continue;
    }
    if (!was || changed || forceSend(is.property) === 'REQUEST') messages.push(request(change, after!, address));
  }
  return messages;
}

/**
 * The REPLY of a voter whose ballot changed (or who forces one): the poll with only their own
 * voter subcomponent, no candidates (Cyrus sched_vpoll_reply). Deleting a poll sends nothing:
 * the voter's last ballot stands.
 */
export function pollVoterMessages(change: AttendeeChange): ItipMessage[] {
  const poll = pollOf(change.next);
  if (!change.next || !poll || scheduleAgent(poll.getFirstProperty('organizer')) !== 'SERVER') return [];
  const mine = findVoter(poll, change.self);
  if (!mine) return [];
  const previousPoll = pollOf(change.previous);
  const was = previousPoll ? findVoter(previousPoll, change.self) : undefined;
  const changed = previousPoll ? ballotOf(was) !== ballotOf(mine) : ballotOf(mine) !== '';
  if (!changed && forceSend(mine.property) !== 'REPLY') return [];
  const reply = travellingCopy(poll, 'REPLY', change.nowMs);
  const own = findVoter(reply, change.self)!.container;
  for (const sub of [...reply.getAllSubcomponents()]) {
    if (sub !== own) reply.removeSubcomponent(sub);
  }
  stripVoterParameters(reply);
  const calendar = newMessageCalendar('REPLY', change.next, change.prodid);
  calendar.addSubcomponent(reply);
  return [{ method: 'REPLY', uid: uidOf(change.next), originator: change.self, recipient: change.organizer, calendar }];
}

/**
 * The organizer's copy after a voter's REPLY: that voter's VOTEs replaced by the ones the reply
 * carries for items the poll has (nobody else's ballot changes), and SCHEDULE-STATUS 2.0 on the
 * voter. null when the poll has no such voter.
 */
export function applyPollReply(existing: ICAL.Component, message: ICAL.Component, replier: string): ICAL.Component | null {
  const result = cloneComponent(existing);
  const poll = pollOf(result);
  const incoming = pollOf(message);
  const target = poll ? findVoter(poll, replier) : undefined;
  const answer = incoming ? findVoter(incoming, replier) : undefined;
  if (!poll || !target || !answer) return null;
  const items = pollItemIds(poll);
  for (const vote of target.container.getAllSubcomponents('vote')) target.container.removeSubcomponent(vote);
  for (const vote of answer.container.getAllSubcomponents('vote')) {
    const item = String(vote.getFirstPropertyValue('poll-item-id') ?? '');
    if (items.size === 0 || items.has(item)) target.container.addSubcomponent(cloneComponent(vote));
  }
  target.property.removeParameter('rsvp');
  target.property.setParameter('schedule-status', '2.0');
  return result;
}

/**
 * A voter's copy after POLLSTATUS: every other voter's ballot as the organizer holds it; the
 * recipient's own ballot stays as they last wrote it (Cyrus deliver_merge_pollstatus replaces all).
 */
export function applyPollStatus(existing: ICAL.Component, message: ICAL.Component, recipient: string): ICAL.Component {
  const result = cloneComponent(existing);
  const poll = pollOf(result);
  const incoming = pollOf(message);
  if (!poll || !incoming) return result;
  const self = normalizeAddress(recipient);
  for (const voter of voters(poll)) if (voter.address !== self) poll.removeSubcomponent(voter.container);
  for (const voter of voters(incoming)) if (voter.address !== self) poll.addSubcomponent(cloneComponent(voter.container));
  return result;
}

/** POLLSTATUS for every voter but the organizer and the one who just replied (Cyrus sched_pollstatus). */
export function pollStatusMessages(vcalendar: ICAL.Component, organizer: string, self: ReadonlySet<string>, replier: string, nowMs: number, prodid: string): ItipMessage[] {
  const poll = pollOf(vcalendar);
  if (!poll) return [];
  const skip = new Set([normalizeAddress(organizer), normalizeAddress(replier), ...self]);
  const messages: ItipMessage[] = [];
  for (const voter of scheduledVoters(poll)) {
    if (skip.has(voter.address)) continue;
    const status = travellingCopy(poll, 'POLLSTATUS', nowMs);
    for (const sub of [...status.getAllSubcomponents()]) {
      if (!voterProperty(sub)) status.removeSubcomponent(sub);
    }
    stripVoterParameters(status);
    const calendar = newMessageCalendar('POLLSTATUS', vcalendar, prodid);
    calendar.addSubcomponent(status);
    messages.push({ method: 'POLLSTATUS', uid: uidOf(vcalendar), originator: normalizeAddress(organizer), recipient: voter.address, calendar });
  }
  return messages;
}

/**
 * An organizer's write keeps the ballots voters sent (they arrive without a new Schedule-Tag, so the
 * organizer's client may not have seen them): every voter but the organizer keeps the VOTEs of the
 * previous version. Returns whether `next` was changed.
 */
export function preserveBallots(previous: ICAL.Component, next: ICAL.Component): boolean {
  const before = pollOf(previous);
  const after = pollOf(next);
  if (!before || !after) return false;
  const organizer = normalizeAddress(String(after.getFirstPropertyValue('organizer') ?? ''));
  let changed = false;
  for (const voter of voters(after)) {
    if (voter.address === organizer) continue;
    const old = findVoter(before, voter.address);
    if (!old || ballotOf(old) === ballotOf(voter)) continue;
    for (const vote of voter.container.getAllSubcomponents('vote')) voter.container.removeSubcomponent(vote);
    for (const vote of old.container.getAllSubcomponents('vote')) voter.container.addSubcomponent(cloneComponent(vote));
    changed = true;
  }
  return changed;
}

// --- Internal helpers ---

function voterProperty(component: ICAL.Component): ICAL.Property | null {
  if (component.name === 'vvoter') return component.getFirstProperty('voter');
  if (component.name !== 'participant') return null;
  const type = component.getFirstPropertyValue('participant-type');
  return typeof type === 'string' && type.toUpperCase() === 'VOTER' ? component.getFirstProperty('calendar-address') : null;
}

function scheduledVoters(poll: ICAL.Component | null): Voter[] {
  return poll ? voters(poll).filter((voter) => scheduleAgent(voter.property) === 'SERVER') : [];
}

function scheduledVoter(poll: ICAL.Component, address: string): Voter | undefined {
  return scheduledVoters(poll).find((voter) => voter.address === address);
}

/** A voter's VOTEs as comparable text (order-independent, bookkeeping such as LAST-MODIFIED left out). */
function ballotOf(voter: Voter | undefined): string {
  return voter ? voter.container.getAllSubcomponents('vote').map(fingerprint).sort().join('\n--\n') : '';
}

function pollItemIds(poll: ICAL.Component): Set<string> {
  const ids = new Set<string>();
  for (const sub of poll.getAllSubcomponents()) {
    if (NOT_CANDIDATES.has(sub.name)) continue;
    const id = sub.getFirstPropertyValue('poll-item-id');
    if (id !== null && id !== undefined) ids.add(String(id));
  }
  return ids;
}

/** The poll's significant content: what voters must hear about when it changes (server state left out). */
function pollFingerprint(poll: ICAL.Component): string {
  const copy = cloneComponent(poll);
  stripVoterParameters(copy);
  for (const voter of voters(copy)) voter.property.removeParameter('rsvp');
  return fingerprint(copy);
}

/** SCHEDULE-* parameters never travel (RFC 6638 §7), on voters and on the candidates' ORGANIZER/ATTENDEEs alike. */
function stripVoterParameters(poll: ICAL.Component): void {
  stripScheduleParameters(poll);
  for (const sub of poll.getAllSubcomponents()) {
    stripScheduleParameters(sub);
    const property = voterProperty(sub);
    if (property) for (const param of SCHEDULE_PARAMS) property.removeParameter(param);
  }
}

function cancel(change: OrganizerChange, source: ICAL.Component, address: string, deleted: boolean): ItipMessage {
  const calendar = newMessageCalendar('CANCEL', (change.next ?? change.previous)!, change.prodid);
  const component = new ICAL.Component('vpoll');
  for (const name of ['uid', 'organizer', 'summary', 'dtstart', 'dtend']) {
    const property = source.getFirstProperty(name);
    if (property) component.addProperty(ICAL.Property.fromString(property.toICALString()));
  }
  const sequence = Number(source.getFirstPropertyValue('sequence') ?? 0);
  component.addPropertyWithValue('sequence', (Number.isFinite(sequence) ? sequence : 0) + (deleted ? 1 : 0));
  component.addPropertyWithValue('status', 'CANCELLED');
  component.addPropertyWithValue('dtstamp', utcStamp(change.nowMs));
  const voter = findVoter(source, address);
  if (voter) {
    const container = new ICAL.Component(voter.container.name);
    const type = voter.container.getFirstProperty('participant-type');
    if (type) container.addProperty(ICAL.Property.fromString(type.toICALString()));
    container.addProperty(ICAL.Property.fromString(voter.property.toICALString()));
    component.addSubcomponent(container);
  }
  stripVoterParameters(component);
  calendar.addSubcomponent(component);
  return { method: 'CANCEL', uid: String(source.getFirstPropertyValue('uid') ?? ''), originator: change.organizer, recipient: address, calendar };
}

function request(change: OrganizerChange, poll: ICAL.Component, address: string): ItipMessage {
  const calendar = newMessageCalendar('REQUEST', change.next!, change.prodid);
  const copy = travellingCopy(poll, 'REQUEST', change.nowMs);
  stripVoterParameters(copy);
  // The candidates' own time zones stay: they are not top-level components pruneTimezones would look into.
  calendar.addSubcomponent(copy);
  return { method: 'REQUEST', uid: uidOf(change.next!), originator: change.organizer, recipient: address, calendar };
}
