// Implicit scheduling on calendar writes (RFC 6638 §3): wraps the calendar content policy so that
// a PUT checks the scheduling preconditions and assigns the Schedule-Tag before storing, and after
// storing (or after a DELETE) sends the REQUEST/CANCEL/REPLY messages and records SCHEDULE-STATUS.
import { collectionRights } from '../acl/check.ts';
import { isOperationAllowed } from '../acl/evaluate.ts';
import { strongEtag, type ContentPolicy, type DeleteEvent, type WriteEvent } from '../dav/content.ts';
import type { DavContext } from '../dav/context.ts';
import { encodePath } from '../dav/path.ts';
import { calendarHomePath } from '../dav/urls.ts';
import type { ICAL } from '../ical/parse.ts';
import type { CollectionRecord, ResourceRecord, ResourceWrite, UserRecord } from '../storage/index.ts';
import { addressSet, ownerOf } from './addresses.ts';
import { findCopy, newScheduleTag, readCalendar } from './copies.ts';
import { deliverAll, PRODID, type Scheduler } from './deliver.ts';
import { ItipError, mappingItipErrors } from './errors.ts';
import { attendeeMessages } from './itip/attendee.ts';
import { checkAttendeeChange, checkRoleChange, classify, type SchedulingRole } from './itip/classify.ts';
import { stripForceSend } from './itip/clean.ts';
import { historyWindow } from './itip/historical.ts';
import { preserveAttendeeAnswers } from './itip/merge.ts';
import { parseCalendar, uidOf, type ItipMessage } from './itip/model.ts';
import { organizerMessages } from './itip/organizer.ts';
import { recordStatuses } from './status.ts';

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
}

const pending = new WeakMap<DavContext, Pending>();

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
      return { ...(extra ?? {}), ...(await scheduleWrite(scheduler, ctx, event, state)) };
    },
    async afterDelete(ctx, event) {
      if (base.afterDelete) await base.afterDelete(ctx, event);
      if (schedulingEnabled(ctx) && event.collection.owner !== null) await scheduleDelete(scheduler, ctx, event);
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
  const keptAnswers = role.kind === 'organizer' && previousRole.kind === 'organizer' && previous !== null && preserveAttendeeAnswers(previous, storedForm);
  if (keptAnswers) preserveAttendeeAnswers(previous!, sent);
  if (stripForceSend(storedForm) || keptAnswers) {
    data = storedForm.toString();
    etag = await strongEtag(data);
    size = new TextEncoder().encode(data).byteLength;
    rewritten = true;
  }
  const scheduleTag = role.kind === 'organizer' ? newScheduleTag() : role.kind === 'attendee' ? previousRecord?.scheduleTag ?? newScheduleTag() : null;
  pending.set(ctx, { owner, self, role, previousRole, previous, previousLastEnd: previousRecord?.lastEnd ?? null, sent, rewritten, scheduleTag });
  return { ...write, data, etag, size, scheduleTag };
}

async function scheduleWrite(scheduler: Scheduler, ctx: DavContext, event: WriteEvent, state: Pending): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  if (state.scheduleTag) headers['Schedule-Tag'] = state.scheduleTag;
  const now = ctx.deps.now();
  const age = ctx.deps.config.caldav_historical_age_seconds;
  const nextHistory = historyWindow(now, age, event.stored.lastEnd);
  let messages: ItipMessage[] = [];
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
  let rewritten = state.rewritten;
  if (messages.length > 0) {
    const allowed = await outboxAllows(ctx, state.owner, asOrganizer ? 'schedule-send-invite' : 'schedule-send-reply');
    const statuses = await deliverAll(scheduler, state.owner, messages, allowed);
    if (state.role.kind !== 'none') {
      rewritten = (await recordStatuses(ctx.deps, event, asOrganizer ? 'attendee' : 'organizer', statuses)) || rewritten;
    }
  }
  // RFC 6638 §3.2 / RFC 4791 §5.3.4: the stored data is not what the client sent, so no validator for it.
  if (rewritten) Object.assign(headers, { ETag: '', 'Last-Modified': '' });
  return headers;
}

async function scheduleDelete(scheduler: Scheduler, ctx: DavContext, event: DeleteEvent): Promise<void> {
  const owner = await ownerOf(ctx, event.collection);
  if (!owner) return;
  const self = addressSet(owner, ctx.deps.config);
  let previous: ICAL.Component;
  let role: SchedulingRole;
  try {
    previous = readCalendar(event.previous.data);
    role = classify(previous, self);
  } catch {
    return;
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
  if (messages.length === 0) return;
  const allowed = await outboxAllows(ctx, owner, role.kind === 'organizer' ? 'schedule-send-invite' : 'schedule-send-reply');
  await deliverAll(scheduler, owner, messages, allowed);
}

/** The requester's right to send on the owner's behalf, from the owner's Outbox ACL (RFC 6638 §6.1). */
async function outboxAllows(ctx: DavContext, owner: UserRecord, operation: 'schedule-send-invite' | 'schedule-send-reply'): Promise<boolean> {
  const outbox = await ctx.deps.store.collections.get(`${calendarHomePath(owner.name)}Outbox/`);
  if (!outbox) return ctx.principal?.name === owner.name;
  return isOperationAllowed(operation, 'schedule-outbox', collectionRights(ctx, outbox));
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
