// Records the storage layer returns, and the mapping from rows (the only place column names meet
// TypeScript names).
import type { Row } from './db.ts';

export type CollectionKind =
  | 'calendar-home'
  | 'calendar'
  | 'schedule-inbox'
  | 'schedule-outbox'
  | 'attachments'
  | 'drive-home'
  | 'folder'
  | 'notifications';

export interface UserRecord {
  name: string;
  passwordHash: string;
  email: string | null;
  displayname: string | null;
  createdAt: number;
}

export interface CollectionRecord {
  id: number;
  path: string;
  parentPath: string | null;
  owner: string | null;
  kind: CollectionKind;
  syncId: string;
  modseq: number;
  acl: string;
  createdAt: number;
  modifiedAt: number;
}

export interface ResourceMeta {
  id: number;
  collectionId: number;
  name: string;
  contentType: string;
  etag: string;
  size: number;
  modseq: number;
  createdAt: number;
  modifiedAt: number;
  uid: string | null;
  componentType: string | null;
  firstStart: number | null;
  lastEnd: number | null;
  isRecurring: boolean;
  organizer: string | null;
  scheduleTag: string | null;
}

/**
 * What a listing reads of each member (PROPFIND Depth 1, sync-collection): WebDAV's live
 * properties and the Schedule-Tag. A listing is the widest read there is, so it reads no more.
 */
export type MemberMeta = Pick<ResourceMeta, 'name' | 'contentType' | 'etag' | 'size' | 'modseq' | 'createdAt' | 'modifiedAt' | 'scheduleTag'>;

export interface ResourceRecord extends ResourceMeta {
  /** Text for calendar objects, bytes for files of the WebDAV area. */
  data: string | Uint8Array;
}

/** Calendar metadata extracted from an object at write time, stored in indexed columns. */
export interface CalendarObjectIndex {
  uid: string;
  componentType: string;
  firstStart: number | null;
  lastEnd: number | null;
  isRecurring: boolean;
  organizer: string | null;
  /** The rows of the time-range index; undefined keeps those stored (on COPY and MOVE, the source's). */
  timeIndex?: TimeIndex | undefined;
  /**
   * The managed attachments (RFC 8607 MANAGED-IDs) the object references; undefined keeps those
   * recorded (a scheduling update of SCHEDULE-STATUS, COPY and MOVE).
   */
  managedIds?: readonly string[] | undefined;
}

/**
 * The index a stored object already has, for writing it again with its instances unchanged
 * (no timeIndex: the stored rows stay); null for a resource that is not a calendar object.
 */
export function storedIndexOf(meta: ResourceMeta): CalendarObjectIndex | null {
  if (meta.uid === null || meta.componentType === null) return null;
  const { uid, componentType, firstStart, lastEnd, isRecurring, organizer } = meta;
  return { uid, componentType, firstStart, lastEnd, isRecurring, organizer };
}

/** A closed span of time in UTC milliseconds; null is unbounded on that side. */
export interface IndexedSpan {
  start: number | null;
  end: number | null;
  /**
   * The span is exactly one instance under RFC 4791 §9.9's VEVENT/VJOURNAL rules, in every query's
   * zone: overlap with it decides a time-range test without parsing. Otherwise it only bounds where
   * the object can match (a whole object, a to-do instance, or time outside the listed instances).
   */
  exact: boolean;
  /** For an exact event instance: the free-busy time it is (FBTYPE), null when none. */
  busy?: 'BUSY' | 'BUSY-TENTATIVE' | null | undefined;
}

/** What the time-range index holds for one object (storage/time-index.ts). */
export interface TimeIndex {
  spans: IndexedSpan[];
}

export interface LockRecord {
  token: string;
  path: string;
  depthInfinity: boolean;
  exclusive: boolean;
  ownerXml: string | null;
  principal: string | null;
  timeoutSeconds: number;
  expiresAt: number;
}

export type InviteStatus = 'invite-noresponse' | 'invite-accepted' | 'invite-declined';

/** One user invited to a shared collection; `aliasPath` is where an accepted share appears in their home. */
export interface ShareRecord {
  collectionId: number;
  sharee: string;
  status: InviteStatus;
  aliasPath: string | null;
  comment: string | null;
  createdAt: number;
  modifiedAt: number;
}

/** An iMIP message in the outbound queue (RFC 6047), with its delivery state. */
export type OutboundState = 'pending' | 'sent' | 'failed';

export interface NewOutboundMessage {
  sender: string;
  recipient: string;
  method: string;
  envelopeFrom: string;
  /** The whole RFC 5322 message. */
  message: string;
  /** The iCalendar object alone (for transports that take it apart, such as a webhook). */
  itip: string;
  /** Where SCHEDULE-STATUS reflects this message: the owner of the copy, its UID, and ATTENDEE or ORGANIZER. */
  statusOwner: string | null;
  statusUid: string | null;
  statusProperty: 'attendee' | 'organizer' | null;
}

export interface OutboundRecord extends NewOutboundMessage {
  id: number;
  createdAt: number;
  nextAttemptAt: number;
  attempts: number;
  state: OutboundState;
  lastError: string | null;
}

/** One implicit-scheduling message to deliver (RFC 6638 §3.2), stored with the write that caused it. */
export type SchedulingJobState = 'pending' | 'done';

export interface NewSchedulingJob {
  /** Shared by the messages of one write; SCHEDULE-STATUS is recorded per group. */
  groupId: string;
  /** The user on whose behalf the message is sent. */
  sender: string;
  method: string;
  uid: string;
  originator: string;
  recipient: string;
  /** The iTIP VCALENDAR (with METHOD). */
  itip: string;
  /** A server-side refresh of an attendee's copy after a reply: no Inbox item, Schedule-Tag kept. */
  refresh: boolean;
  /** Set when the outcome is known without delivering (no right to send): stored as done. */
  status?: string | undefined;
  /** The copy whose SCHEDULE-STATUS reflects this message, while it keeps this Schedule-Tag. */
  statusTarget: { path: string; name: string; scheduleTag: string; property: 'attendee' | 'organizer' } | null;
  /** Not to be run by a background worker before this time (the writing request delivers first). */
  nextAttemptAt: number;
}

export interface SchedulingJobRecord extends Omit<NewSchedulingJob, 'status'> {
  id: number;
  createdAt: number;
  attempts: number;
  state: SchedulingJobState;
  status: string | null;
  statusesRecorded: boolean;
  lastError: string | null;
}

/**
 * Scheduling bookkeeping a write carries in its own atomic batch: the messages it causes, the
 * message it delivers (the batch fails with PreconditionFailedError if that one is no longer
 * pending, so a message is never delivered twice), and the group whose statuses it records.
 */
export interface SchedulingEffects {
  enqueue?: readonly NewSchedulingJob[] | undefined;
  complete?: { id: number; status: string } | undefined;
  statusesRecordedFor?: string | undefined;
}

export const RESOURCE_META_COLUMNS =
  'id, collection_id, name, content_type, etag, size, modseq, created_at, modified_at, uid, component_type, first_start, last_end, is_recurring, organizer, schedule_tag';

export function toUser(row: Row): UserRecord {
  return {
    name: String(row.name),
    passwordHash: String(row.password_hash),
    email: nullableString(row.email),
    displayname: nullableString(row.displayname),
    createdAt: Number(row.created_at),
  };
}

export function toCollection(row: Row): CollectionRecord {
  return {
    id: Number(row.id),
    path: String(row.path),
    parentPath: nullableString(row.parent_path),
    owner: nullableString(row.owner),
    kind: String(row.kind) as CollectionKind,
    syncId: String(row.sync_id),
    modseq: Number(row.modseq),
    acl: String(row.acl ?? ''),
    createdAt: Number(row.created_at),
    modifiedAt: Number(row.modified_at),
  };
}

export function toResourceMeta(row: Row): ResourceMeta {
  return resourceMetaFromValues(META_COLUMN_LIST.map((column) => row[column]));
}

const META_COLUMN_LIST = RESOURCE_META_COLUMNS.split(', ');

/** The same mapping from a positional array in RESOURCE_META_COLUMNS order. */
export function resourceMetaFromValues(v: unknown[]): ResourceMeta {
  return {
    id: Number(v[0]),
    collectionId: Number(v[1]),
    name: String(v[2]),
    contentType: String(v[3]),
    etag: String(v[4]),
    size: Number(v[5]),
    modseq: Number(v[6]),
    createdAt: Number(v[7]),
    modifiedAt: Number(v[8]),
    uid: nullableString(v[9]),
    componentType: nullableString(v[10]),
    firstStart: nullableNumber(v[11]),
    lastEnd: nullableNumber(v[12]),
    isRecurring: Number(v[13]) === 1,
    organizer: nullableString(v[14]),
    scheduleTag: nullableString(v[15]),
  };
}

export const MEMBER_META_COLUMNS = 'name, content_type, etag, size, modseq, created_at, modified_at, schedule_tag';

/** A member's metadata from a positional array in MEMBER_META_COLUMNS order. */
export function memberMetaFromValues(v: readonly unknown[]): MemberMeta {
  return {
    name: String(v[0]),
    contentType: String(v[1]),
    etag: String(v[2]),
    size: Number(v[3]),
    modseq: Number(v[4]),
    createdAt: Number(v[5]),
    modifiedAt: Number(v[6]),
    scheduleTag: nullableString(v[7]),
  };
}

export function toResource(row: Row): ResourceRecord {
  const resource = toResourceMeta(row) as ResourceRecord;
  resource.data = resourceDataOf(row.data);
  return resource;
}

/** A data column as stored: text for calendar objects, bytes for files. */
export function resourceDataOf(raw: unknown): string | Uint8Array {
  return typeof raw === 'string' ? raw : new Uint8Array(raw as ArrayBuffer);
}

export function toLock(row: Row): LockRecord {
  return {
    token: String(row.token),
    path: String(row.path),
    depthInfinity: Number(row.depth_infinity) === 1,
    exclusive: Number(row.exclusive) === 1,
    ownerXml: nullableString(row.owner_xml),
    principal: nullableString(row.principal),
    timeoutSeconds: Number(row.timeout_seconds),
    expiresAt: Number(row.expires_at),
  };
}

export function toShare(row: Row): ShareRecord {
  return {
    collectionId: Number(row.collection_id),
    sharee: String(row.sharee),
    status: String(row.status) as InviteStatus,
    aliasPath: nullableString(row.alias_path),
    comment: nullableString(row.comment),
    createdAt: Number(row.created_at),
    modifiedAt: Number(row.modified_at),
  };
}

export function toOutboundMessage(row: Row): OutboundRecord {
  return {
    id: Number(row.id),
    createdAt: Number(row.created_at),
    nextAttemptAt: Number(row.next_attempt_at),
    attempts: Number(row.attempts),
    state: String(row.state) as OutboundState,
    sender: String(row.sender),
    recipient: String(row.recipient),
    method: String(row.method),
    envelopeFrom: String(row.envelope_from),
    message: String(row.message),
    itip: String(row.itip),
    lastError: nullableString(row.last_error),
    statusOwner: nullableString(row.status_owner),
    statusUid: nullableString(row.status_uid),
    statusProperty: nullableString(row.status_property) as OutboundRecord['statusProperty'],
  };
}

export function toSchedulingJob(row: Row): SchedulingJobRecord {
  const path = nullableString(row.status_path);
  const name = nullableString(row.status_name);
  const scheduleTag = nullableString(row.status_schedule_tag);
  const property = nullableString(row.status_property) as 'attendee' | 'organizer' | null;
  return {
    id: Number(row.id),
    groupId: String(row.group_id),
    createdAt: Number(row.created_at),
    nextAttemptAt: Number(row.next_attempt_at),
    attempts: Number(row.attempts),
    state: String(row.state) as SchedulingJobState,
    sender: String(row.sender),
    method: String(row.method),
    uid: String(row.uid),
    originator: String(row.originator),
    recipient: String(row.recipient),
    itip: String(row.itip),
    refresh: Number(row.refresh) === 1,
    status: nullableString(row.status),
    statusTarget: path !== null && name !== null && scheduleTag !== null && property !== null ? { path, name, scheduleTag, property } : null,
    statusesRecorded: Number(row.statuses_recorded) === 1,
    lastError: nullableString(row.last_error),
  };
}

function nullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
