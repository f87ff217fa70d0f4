// POST <calendar object>?action=attachment-add|attachment-update|attachment-remove (RFC 8607
// §3.3–§3.5). The body goes into the calendar owner's Attachments collection, stored once per
// content; the object is then changed and stored through the PUT path itself, so that validation,
// the time index, sync tokens, locks, conditional headers and implicit scheduling apply exactly as
// they would to a PUT of the new data, under the same right (write-content, `i`).
import { requireAccess } from '../acl/check.ts';
import type { DavContext } from '../dav/context.ts';
import { badRequest, conditionError, DavError, methodNotAllowed } from '../dav/errors.ts';
import { handlePut } from '../dav/methods/put.ts';
import type { DavServices } from '../dav/services.ts';
import { writeExpectation } from '../http/conditional.ts';
import { ICAL, parseICalendar } from '../ical/parse.ts';
import { recurrenceLimits } from '../caldav/limits.ts';
import type { AttachmentRecord, CollectionRecord } from '../storage/index.ts';
import { isAttendeeCopy, managedAttachOf } from './content.ts';
import { addAttach, calendarComponents, carriesManagedId, distinctManagedIds, InvalidRid, parseRids, removeAttach, replaceAttach, selectInstances } from './ical.ts';
import { storeAttachmentBody } from './upload.ts';
import { attachmentsCollectionPath, newManagedId } from './urls.ts';

type Action = 'attachment-add' | 'attachment-update' | 'attachment-remove';
const ACTIONS: readonly string[] = ['attachment-add', 'attachment-update', 'attachment-remove'];

/** The attachment actions on a calendar object; null for any other POST to a resource. */
export async function handleAttachmentPost(ctx: DavContext, services: DavServices): Promise<Response | null> {
  const params = ctx.url.searchParams;
  const actions = params.getAll('action');
  if (!actions.some((a) => a.startsWith('attachment-'))) return null;
  const resource = ctx.resource;
  if (!ctx.deps.config.caldav_allowattach || resource.kind !== 'resource' || resource.collection.kind !== 'calendar' || typeof resource.meta.componentType !== 'string') {
    throw methodNotAllowed(['OPTIONS', 'GET', 'HEAD', 'PROPFIND', 'PUT', 'DELETE'], 'Managed attachments are added to calendar objects only (RFC 8607 §3.2)');
  }
  // The same right as a PUT of the changed object.
  requireAccess(ctx, resource, 'write-content');
  const action = parseAction(actions);
  const managedIds = params.getAll('managed-id');
  const rids = params.getAll('rid');
  if (action === 'attachment-add' && managedIds.length > 0) throw badRequest('attachment-add takes no managed-id (RFC 8607 §3.3)');
  if (action !== 'attachment-add' && managedIds.length !== 1) throw badRequest(`${action} needs exactly one managed-id (RFC 8607 §3.4, §3.5)`);
  if (action === 'attachment-update' && rids.length > 0) throw badRequest('attachment-update takes no rid: it replaces the attachment wherever it is (RFC 8607 §3.4)');
  if (rids.length > 1) throw badRequest('Give the instances as one comma-separated rid');
  const collection = resource.collection;
  const owner = collection.owner;
  if (owner === null) throw new DavError(403, undefined, 'Managed attachments need a calendar that belongs to a user');
  const meta = resource.meta;
  // Conditional headers are checked before the body is read; the PUT checks them again atomically.
  writeExpectation(ctx.request, { exists: true, etag: meta.etag, lastModifiedMs: meta.modifiedAt });
  await refuseAttendeeCopies(ctx, collection, meta.organizer, action);
  const record = await ctx.deps.store.resources.get(collection.id, resource.name);
  if (!record || typeof record.data !== 'string') throw new DavError(409, undefined, 'The calendar object changed; try again');
  const vcalendar = parseICalendar(record.data);
  const components = calendarComponents(vcalendar);
  const oldId = managedIds[0] ?? null;
  if (oldId !== null && !carriesManagedId(components, oldId)) {
    throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-managed-id-parameter' }, `This object has no managed attachment with MANAGED-ID ${oldId} (RFC 8607 §3.6)`);
  }
  if (oldId !== null && action === 'attachment-update') {
    const current = await ctx.deps.store.attachments.get(oldId);
    if (!current || current.owner !== owner) throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-managed-id-parameter' }, `MANAGED-ID ${oldId} is not an attachment of this calendar's owner`);
  }
  let targets = components;
  if (rids[0] !== undefined) {
    try {
      targets = selectInstances(vcalendar, parseRids(rids[0]), recurrenceLimits(ctx.deps.config));
    } catch (error) {
      if (error instanceof InvalidRid) throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-rid-parameter' }, `rid: ${error.message} (RFC 8607 §3.6)`);
      throw error;
    }
  }
  const limit = ctx.deps.config.caldav_attach_maxcount;
  if (action === 'attachment-add' && limit > 0 && distinctManagedIds(components).size >= limit) {
    throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}max-attachments' }, `This object already has ${limit} managed attachments, the most this server allows (RFC 8607 §6.3)`);
  }
  if (await hasNoAttachmentsCollection(ctx, owner)) throw new DavError(403, undefined, `${owner} has no Attachments collection to hold managed attachments`);

  let created: AttachmentRecord | null = null;
  if (action !== 'attachment-remove') {
    const body = await storeAttachmentBody(ctx, owner);
    const attachment = { managedId: newManagedId(), owner, blobId: body.blobId, hash: body.hash, size: body.size, filename: filenameOf(ctx.request), contentType: contentTypeOf(ctx.request) };
    try {
      created = await ctx.deps.store.attachments.create(attachment, ctx.deps.now());
    } catch (error) {
      ctx.deps.logger.info('Attachment body removed while being attached', { error: String(error) });
      throw new DavError(503, undefined, 'The attachment could not be stored (a concurrent removal); try again', { 'Retry-After': '1' });
    }
  }
  const changed = action === 'attachment-add' ? targets : (action === 'attachment-update' ? components : targets).filter((c) => carriesManagedId([c], oldId!));
  if (action === 'attachment-add') addAttach(targets, managedAttachOf(ctx, created!));
  else if (action === 'attachment-update') replaceAttach(components, oldId!, managedAttachOf(ctx, created!));
  else if (!removeAttach(targets, oldId!)) {
    throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-managed-id-parameter' }, `The instances named by rid have no managed attachment with MANAGED-ID ${oldId}`);
  }
  // The organizer's client cannot raise SEQUENCE for a change the server makes, so the server does,
  // as CalendarServer does: attendees then take the update as a new revision (RFC 5546 §2.1.4).
  if (meta.organizer !== null) raiseSequence(changed);

  let stored: Response;
  try {
    stored = await handlePut({ ...ctx, request: putRequest(ctx.request, vcalendar.toString()) }, services);
  } catch (error) {
    if (created) await ctx.deps.store.attachments.deleteUnreferenced(created.managedId);
    throw error;
  }
  return answer(action, stored, created, ctx);
}

// --- Internal helpers ---

function raiseSequence(components: readonly ICAL.Component[]): void {
  for (const component of components) {
    const current = Number(component.getFirstPropertyValue('sequence') ?? 0);
    component.updatePropertyWithValue('sequence', Number.isInteger(current) && current >= 0 ? current + 1 : 1);
  }
}

function parseAction(actions: readonly string[]): Action {
  if (actions.length !== 1 || !ACTIONS.includes(actions[0]!)) {
    throw badRequest(`action must be one of ${ACTIONS.join(', ')} (RFC 8607 §3.2)`);
  }
  return actions[0] as Action;
}

/**
 * An attendee's copy of an invitation carries the organizer's attachments; changes to them are the
 * organizer's to make (a later update would undo them), as CalendarServer also refuses.
 */
async function refuseAttendeeCopies(ctx: DavContext, collection: CollectionRecord, organizer: string | null, action: Action): Promise<void> {
  if (organizer === null || !(await isAttendeeCopy(ctx, collection.owner, organizer))) return;
  const name = `{urn:ietf:params:xml:ns:caldav}valid-${action}` as const;
  throw conditionError({ name }, 'Only the organizer changes the attachments of a scheduled event; this is an attendee\'s copy');
}

async function hasNoAttachmentsCollection(ctx: DavContext, owner: string): Promise<boolean> {
  return (await ctx.deps.store.collections.get(attachmentsCollectionPath(owner))) === undefined;
}

/** The PUT the action amounts to: the client's headers (conditions, Prefer, If, Schedule-Tag) with the new data. */
function putRequest(original: Request, data: string): Request {
  const headers = new Headers(original.headers);
  for (const name of ['content-length', 'content-disposition', 'content-encoding', 'transfer-encoding']) headers.delete(name);
  headers.set('content-type', 'text/calendar; charset=utf-8');
  return new Request(original.url, { method: 'PUT', headers, body: data });
}

/**
 * 201 for an add, 200 with the object or 204 otherwise (RFC 8607 §3.3–§3.5), with the object's
 * new ETag (when the stored data is what was computed), Cal-Managed-ID (§5.1) and, as
 * CalendarServer and its clients expect, Location naming the attachment.
 */
function answer(action: Action, stored: Response, created: AttachmentRecord | null, ctx: DavContext): Response {
  const headers = new Headers(stored.headers);
  headers.delete('location');
  if (created) {
    headers.set('Cal-Managed-ID', created.managedId);
    headers.set('Location', managedAttachOf(ctx, created).url);
  }
  const hasBody = stored.status === 200;
  const status = action === 'attachment-add' ? 201 : hasBody ? 200 : 204;
  return new Response(stored.body, { status, headers });
}

/** Content-Disposition: attachment; filename=… (RFC 6266, with filename* for non-ASCII names). */
function filenameOf(request: Request): string {
  const header = request.headers.get('content-disposition') ?? '';
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (extended) {
    try {
      return sanitize(decodeURIComponent(extended[2]!.trim()));
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
  const name = plain ? (plain[1] !== undefined ? plain[1].replace(/\\(.)/g, '$1') : plain[2]!.trim()) : '';
  return sanitize(name) || 'attachment';
}

function contentTypeOf(request: Request): string {
  const type = (request.headers.get('content-type') ?? '').trim();
  // A media type with its parameters, nothing that could break the FMTTYPE parameter or a header.
  return /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(\s*;\s*[\w!#$&^.+-]+=("[^"\r\n]*"|[\w!#$&^.+-]+))*$/.test(type) ? type : 'application/octet-stream';
}

/** A file name without a path, control characters or quotes (it goes into FILENAME and Content-Disposition). */
function sanitize(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/^.*[\\/]/, '').replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 255);
}
