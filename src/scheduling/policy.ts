// Implicit scheduling on calendar writes (RFC 6638 §3): wraps the calendar content policy so that
// a PUT checks the scheduling preconditions, assigns the Schedule-Tag and computes the
// REQUEST/CANCEL/REPLY messages before storing (a DELETE, before removing), the messages being
// stored as scheduling jobs in the write's own batch; after storing, the request delivers them and
// records SCHEDULE-STATUS. Whatever a stopped server left undelivered, jobs.ts delivers later.
import { collectionRights } from '../acl/check.ts';
import { isOperationAllowed } from '../acl/evaluate.ts';
import { strongEtag, type ContentPolicy, type DeleteEvent } from '../dav/content.ts';
import type { DavContext } from '../dav/context.ts';
import { encodePath } from '../dav/path.ts';
import { calendarHomePath } from '../dav/urls.ts';
import type { ICAL } from '../ical/parse.ts';
import type { CollectionRecord, NewSchedulingJob, ResourceRecord, ResourceWrite, SchedulingEffects, UserRecord } from '../storage/index.ts';
import { addressSet, findLocalUser, ownerOf } from './addresses.ts';
import { findCopy, newScheduleTag, readCalendar } from './copies.ts';
import { deliverGroup, jobsFor, PRODID, type Scheduler } from './deliver.ts';
import { ItipError, mappingItipErrors } from './errors.ts';
import { answerRestoredOverrides, coerceAttendeeAnswers, keepAnswerOverrides, keepReplyStatuses } from './itip/answers.ts';
import { attendeeMessages } from './itip/attendee.ts';
import { checkAttendeeChange, checkRoleChange, classify, type SchedulingRole } from './itip/classify.ts';
import { stripForceSend } from './itip/clean.ts';
import { historyWindow } from './itip/historical.ts';
import { keepDroppedMaster, keepDroppedOverrides, keepOtherAttendeesAnswers, preserveAttendeeAnswers, restoreInstanceIdentity } from './itip/merge.ts';
import { attendeeAddresses, componentsByKey, parseCalendar, uidOf, type ItipMessage } from './itip/model.ts';
import { organizerMessages } from './itip/organizer.ts';
import { fillMissingOrganizer } from './itip/repair.ts';
import { pollOf } from './itip/vpoll.ts';
import { recordGroupStatuses } from './status.ts';
import { utf8Length } from '../bytes/utf8.ts';

/** What prepare() learned, kept for afterWrite() of the same request. */
interface Pending {
  owner: UserRecord;
  self: Set<string>;
  role: SchedulingRole;
  previousRole: SchedulingRole;
  previous: ICAL.Component | null;
  previousLastEnd: number | null;
  /** The object as the client sent it (SCHEDULE-FORCE-SEND included), time zones restored. */
  sent: ICAL.Component;
  /** The stored text differs from what the client sent. */
  rewritten: boolean;
  scheduleTag: string | null;
  /** The scheduling jobs stored with the write, when it sends anything. */
  groupId: string | null;
}

const pending = new WeakMap<DavContext, Pending>();
/** The scheduling jobs stored with a DELETE (one group per object removed), for afterDelete() of the same request. */
const pendingDeletes = new WeakMap<DavContext, string[]>();

export function schedulingContent(base: ContentPolicy, scheduler: Scheduler): ContentPolicy {
  return {
    ...base,
    async prepare(ctx, collection, name, body, contentType) {
      const write = await base.prepare(ctx, collection, name, body, contentType);
      if (!schedulingEnabled(ctx) || collection.owner === null || typeof write.data !== 'string' || !write.index) return write;
      return mappingItipErrors(() => prepareScheduling(ctx, collection, name, write));
    },
    async afterWrite(ctx, event) {
      const extra = base.afterWrite ? await base.afterWrite(ctx, event) : undefined;
      const state = pending.get(ctx);
      pending.delete(ctx);
      if (!state) return extra;
      return { ...(extra ?? {}), ...(await scheduleWrite(scheduler, state)) };
    },
    async prepareDelete(ctx, event) {
      const extra = base.prepareDelete ? await base.prepareDelete(ctx, event) : undefined;
      if (!schedulingEnabled(ctx) || event.collection.owner === null) return extra;
      const jobs = await deleteJobs(ctx, event);
      if (jobs.length === 0) return extra;
      // A collection's DELETE removes several objects in one request.
      pendingDeletes.set(ctx, [...(pendingDeletes.get(ctx) ?? []), jobs[0]!.groupId]);
      return { ...(extra ?? {}), enqueue: [...(extra?.enqueue ?? []), ...jobs] };
    },
    async afterDelete(ctx, event) {
      if (base.afterDelete) await base.afterDelete(ctx, event);
      const groupIds = pendingDeletes.get(ctx) ?? [];
      pendingDeletes.delete(ctx);
      for (const groupId of groupIds) await deliverNow(scheduler, groupId);
    },
  };
}

/** caldav_allowscheduling, and the per-request switch clients may send (Cyrus Scheduling-Enabled: F). */
export function schedulingEnabled(ctx: DavContext): boolean {
  if (ctx.deps.config.caldav_allowscheduling === 'off') return false;
  return (ctx.request.headers.get('scheduling-enabled') ?? 'T').trim().toUpperCase() !== 'F';
}

async function prepareScheduling(ctx: DavContext, collection: CollectionRecord, name: string, write: ResourceWrite): Promise<ResourceWrite> {
  const owner = await ownerOf(ctx, collection);
  if (!owner) return write;
  const previousRecord = await previousOf(ctx, collection, name);
  // Without an ORGANIZER in either version, neither is a scheduling object (RFC 6638 §3.1): most
  // writes end here, without parsing the object again.
  if (!namesOrganizer(write.data) && !(previousRecord && namesOrganizer(previousRecord.data))) return write;
  const self = addressSet(owner, ctx.deps.config);
  const sent = readCalendar(write.data);
  const role = classify(sent, self);
  let previous: ICAL.Component | null = null;
  let previousRole: SchedulingRole = { kind: 'none' };
  if (previousRecord) {
    try {
      previous = readCalendar(previousRecord.data);
      previousRole = classify(previous, self);
    } catch {
      previous = null;
    }
  }
  checkRoleChange(previousRole, sent);
  // Same ORGANIZER, but none of the owner's addresses among the attendees any more: an attendee
  // may change only their own participation (RFC 6638 §3.2.2.1), and leaves by deleting the event.
  if (previousRole.kind === 'attendee' && role.kind === 'none' && namesOrganizer(write.data)) {
    throw new ItipError('allowed-attendee-scheduling-object-change', 'An attendee cannot remove their own ATTENDEE property; delete the event to decline it');
  }
  if (role.kind === 'none' && previousRole.kind !== 'organizer') return write;
  if (role.kind === 'attendee' && previousRole.kind === 'attendee' && previous) checkAttendeeChange(previous, sent);
  if (role.kind !== 'none') {
    const other = await findCopy(ctx.deps.store, owner.name, uidOf(sent), { collectionId: collection.id, name });
    if (other && other.collection.id !== collection.id) {
      throw new ItipError(
        'unique-scheduling-object-resource',
        'Another of your calendars already holds a scheduling object with this UID (RFC 6638 §3.2.4.1)',
        encodePath(other.collection.path + other.record.name),
      );
    }
  }
  let { data, etag, size } = write;
  let rewritten = false;
  const storedForm = parseCalendar(write.data as string);
  const organizerFilled = role.kind === 'organizer' && fillMissingOrganizer(storedForm);
  if (organizerFilled) fillMissingOrganizer(sent);
  // Only attendees answer for themselves: the organizer's write cannot set their PARTSTAT.
  const local = role.kind === 'organizer' ? await localAttendees(ctx, storedForm, self) : new Set<string>();
  const answersCoerced = role.kind === 'organizer' && coerceAttendeeAnswers(previousRole.kind === 'organizer' ? previous : null, storedForm, self, local);
  if (answersCoerced) coerceAttendeeAnswers(previousRole.kind === 'organizer' ? previous : null, sent, self, local);
  // A client writing with If-Schedule-Tag-Match may not have seen the answers merged since (RFC
  // 6638 §3.2.10), so they are kept; any other write says what the organizer means, a reset to
  // NEEDS-ACTION included. A poll's ballots are only ever the voters' (draft-ietf-calext-vpoll §8).
  const mayBeStale = ctx.request.headers.has('if-schedule-tag-match') || pollOf(storedForm) !== null;
  const keptAnswers = role.kind === 'organizer' && previousRole.kind === 'organizer' && previous !== null && mayBeStale && preserveAttendeeAnswers(previous, storedForm);
  if (keptAnswers) preserveAttendeeAnswers(previous!, sent);
  const keptAnswerOverrides = role.kind === 'organizer' && previousRole.kind === 'organizer' && previous !== null && mayBeStale && keepAnswerOverrides(previous, storedForm, self);
  if (keptAnswerOverrides) keepAnswerOverrides(previous!, sent, self);
  const asBefore = role.kind === 'attendee' && previousRole.kind === 'attendee' && previous !== null;
  // Before the overrides are compared: a stand-alone instance is matched to its override first.
  const restoredInstance = asBefore && restoreInstanceIdentity(previous!, storedForm);
  if (restoredInstance) restoreInstanceIdentity(previous!, sent);
  const keptMaster = asBefore && keepDroppedMaster(previous!, storedForm);
  if (keptMaster) keepDroppedMaster(previous!, sent);
  // The instances the attendee's client wrote, before the server puts back those it left out.
  const writtenKeys = new Set(componentsByKey(storedForm).keys());
  const keptOverrides = asBefore && keepDroppedOverrides(previous!, storedForm);
  if (keptOverrides) keepDroppedOverrides(previous!, sent);
  const restoredKeys = new Set([...componentsByKey(storedForm).keys()].filter((key) => !writtenKeys.has(key)));
  const answeredRestored = keptOverrides && role.kind === 'attendee' && answerRestoredOverrides(previous!, storedForm, restoredKeys, role.self);
  if (answeredRestored && role.kind === 'attendee') answerRestoredOverrides(previous!, sent, restoredKeys, role.self);
  const keptStatuses = asBefore && keepReplyStatuses(previous!, storedForm);
  if (keptStatuses) keepReplyStatuses(previous!, sent);
  const keptOthers = asBefore && keepOtherAttendeesAnswers(previous!, storedForm, self);
  if (keptOthers) keepOtherAttendeesAnswers(previous!, sent, self);
  if (stripForceSend(storedForm) || organizerFilled || answersCoerced || keptAnswers || keptAnswerOverrides || restoredInstance || keptMaster || keptOverrides || answeredRestored || keptStatuses || keptOthers) {
    data = storedForm.toString();
    etag = await strongEtag(data);
    size = utf8Length(data);
    rewritten = true;
  }
  // Any write by the owner's client gives a new Schedule-Tag, the attendee's own answer included
  // (RFC 6638 §3.2.10): only the server's merging of other people's answers keeps it.
  const scheduleTag = role.kind === 'none' ? null : newScheduleTag();
  const state: Pending = { owner, self, role, previousRole, previous, previousLastEnd: previousRecord?.lastEnd ?? null, sent, rewritten, scheduleTag, groupId: null };
  const jobs = await writeJobs(ctx, collection, name, state, write.index?.lastEnd ?? null);
  state.groupId = jobs[0]?.groupId ?? null;
  pending.set(ctx, state);
  const scheduling: SchedulingEffects | undefined = jobs.length > 0 ? { enqueue: jobs } : write.scheduling;
  return { ...write, data, etag, size, scheduleTag, scheduling };
}

/** The messages a write sends (RFC 6638 §3.2.1-§3.2.2), as jobs to store with it. */
async function writeJobs(ctx: DavContext, collection: CollectionRecord, name: string, state: Pending, lastEnd: number | null): Promise<NewSchedulingJob[]> {
  const now = ctx.deps.now();
  const age = ctx.deps.config.caldav_historical_age_seconds;
  const nextHistory = historyWindow(now, age, lastEnd);
  let messages: ItipMessage[];
  const asOrganizer = state.role.kind === 'organizer' || state.role.kind === 'none';
  if (state.role.kind === 'attendee') {
    messages = attendeeMessages({
      previous: state.previousRole.kind === 'attendee' ? state.previous : null,
      next: state.sent,
      organizer: state.role.organizer,
      self: state.role.self,
      history: nextHistory,
      nowMs: now,
      prodid: PRODID,
    });
  } else {
    const organizer = state.role.kind === 'organizer' ? state.role.organizer : state.previousRole.kind === 'organizer' ? state.previousRole.organizer : '';
    messages = organizerMessages({
      previous: state.previousRole.kind === 'organizer' ? state.previous : null,
      next: state.sent,
      organizer,
      self: state.self,
      previousHistory: historyWindow(now, age, state.previousLastEnd),
      nextHistory,
      nowMs: now,
      prodid: PRODID,
    });
  }
  if (messages.length === 0) return [];
  const allowed = await outboxAllows(ctx, state.owner, asOrganizer ? 'schedule-send-invite' : 'schedule-send-reply');
  // The statuses go back into this version of the object, known by its Schedule-Tag.
  const statusTarget = state.role.kind !== 'none' && state.scheduleTag
    ? { path: collection.path, name, scheduleTag: state.scheduleTag, property: asOrganizer ? 'attendee' as const : 'organizer' as const }
    : null;
  return jobsFor(messages, { groupId: crypto.randomUUID(), sender: state.owner, allowed, statusTarget, now });
}

async function scheduleWrite(scheduler: Scheduler, state: Pending): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  if (state.scheduleTag) headers['Schedule-Tag'] = state.scheduleTag;
  let rewritten = state.rewritten;
  if (state.groupId) rewritten = (await deliverNow(scheduler, state.groupId)) || rewritten;
  // RFC 6638 §3.2 / RFC 4791 §5.3.4: the stored data is not what the client sent, so no validator for it.
  if (rewritten) Object.assign(headers, { ETag: '', 'Last-Modified': '' });
  return headers;
}

/** Delivers a write's stored messages within its request; returns whether SCHEDULE-STATUS rewrote the copy. */
async function deliverNow(scheduler: Scheduler, groupId: string): Promise<boolean> {
  scheduler.beforeDelivery?.();
  await deliverGroup(scheduler, groupId);
  return recordGroupStatuses(scheduler.deps, groupId);
}

/** The CANCELs of an organizer's or the REPLY of an attendee's removed copy (RFC 6638 §3.2.1.3, §3.2.2.4). */
async function deleteJobs(ctx: DavContext, event: DeleteEvent): Promise<NewSchedulingJob[]> {
  const owner = await ownerOf(ctx, event.collection);
  if (!owner) return [];
  const self = addressSet(owner, ctx.deps.config);
  let previous: ICAL.Component;
  let role: SchedulingRole;
  try {
    previous = readCalendar(event.previous.data);
    role = classify(previous, self);
  } catch {
    return [];
  }
  const now = ctx.deps.now();
  const history = historyWindow(now, ctx.deps.config.caldav_historical_age_seconds, event.previous.lastEnd);
  let messages: ItipMessage[] = [];
  if (role.kind === 'organizer') {
    messages = organizerMessages({ previous, next: null, organizer: role.organizer, self, previousHistory: history, nextHistory: history, nowMs: now, prodid: PRODID });
  } else if (role.kind === 'attendee' && (ctx.request.headers.get('schedule-reply') ?? 'T').trim().toUpperCase() !== 'F') {
    // RFC 6638 §8.1: Schedule-Reply: F deletes the copy without telling the organizer.
    messages = attendeeMessages({ previous, next: null, organizer: role.organizer, self: role.self, history, nowMs: now, prodid: PRODID });
  }
  if (messages.length === 0) return [];
  const allowed = await outboxAllows(ctx, owner, role.kind === 'organizer' ? 'schedule-send-invite' : 'schedule-send-reply');
  return jobsFor(messages, { groupId: crypto.randomUUID(), sender: owner, allowed, statusTarget: null, now });
}

/** The requester's right to send on the owner's behalf, from the owner's Outbox ACL (RFC 6638 §6.1). */
async function outboxAllows(ctx: DavContext, owner: UserRecord, operation: 'schedule-send-invite' | 'schedule-send-reply'): Promise<boolean> {
  const outbox = await ctx.deps.store.collections.get(`${calendarHomePath(owner.name)}Outbox/`);
  if (!outbox) return ctx.principal?.name === owner.name;
  return isOperationAllowed(operation, 'schedule-outbox', collectionRights(ctx, outbox));
}

/** The attendees of an organizer's object who are users of this server (their answers come only through it). */
async function localAttendees(ctx: DavContext, vcalendar: ICAL.Component, self: ReadonlySet<string>): Promise<Set<string>> {
  const addresses = new Set<string>();
  for (const component of componentsByKey(vcalendar).values()) for (const address of attendeeAddresses(component)) if (!self.has(address)) addresses.add(address);
  const local = new Set<string>();
  for (const address of addresses) if (await findLocalUser(ctx.deps.store, ctx.deps.config, address)) local.add(address);
  return local;
}

/** Whether the text has an ORGANIZER property line; names always start a line, folded or not (RFC 5545 §3.1). */
function namesOrganizer(data: string | Uint8Array): boolean {
  return /^ORGANIZER[;:]/im.test(typeof data === 'string' ? data : new TextDecoder().decode(data));
}

async function previousOf(ctx: DavContext, collection: CollectionRecord, name: string): Promise<ResourceRecord | null> {
  const resource = ctx.resource;
  if (resource.kind === 'resource' && resource.collection.id === collection.id && resource.name === name) {
    if ('data' in resource.meta) return resource.meta as ResourceRecord;
    return (await ctx.deps.store.resources.get(collection.id, name)) ?? null;
  }
  return null;
}
