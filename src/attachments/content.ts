// Managed attachments in calendar data written by PUT (RFC 8607 §3.9, §4.1): wraps the calendar
// content policy so that every write (PUT, the attachment actions, and whatever else stores
// through the policy) keeps the calendar owner's managed ATTACH properties true to the attachment
// they name, refuses a MANAGED-ID that names none, keeps an attendee's copy of an invitation
// carrying the organizer's attachments, and says which attachments the object now references
// (the reference count that keeps a body stored).
import { conditionError, DavError } from '../dav/errors.ts';
import { strongEtag, type ContentPolicy } from '../dav/content.ts';
import type { DavContext } from '../dav/context.ts';
import { ICAL, parseICalendar } from '../ical/parse.ts';
import { addressSet } from '../scheduling/addresses.ts';
import { normalizeAddress } from '../scheduling/itip/model.ts';
import type { AttachmentRecord } from '../storage/index.ts';
import { calendarComponents, describeAttach, managedIdOf, type ManagedAttach } from './ical.ts';
import { attachmentOfUrl, attachmentUrl } from './urls.ts';

/** Requests whose stored calendar data differs from what was sent: their ETag is withheld (RFC 4791 §5.3.4). */
const rewritten = new WeakSet<DavContext>();

export function attachmentContent(base: ContentPolicy): ContentPolicy {
  return {
    ...base,
    async prepare(ctx, collection, name, body, contentType) {
      const write = await base.prepare(ctx, collection, name, body, contentType);
      if (typeof write.data !== 'string' || !write.index || collection.owner === null) return write;
      const restored = await keepOrganizerAttachments(ctx, collection, name, write.data);
      const data = restored ?? write.data;
      if (!/^ATTACH[;:]/im.test(data)) return restored === null ? write : await rewrite(ctx, write, data, { ...write.index, managedIds: [] });
      const checked = await checkManagedAttachments(ctx, collection.owner, data);
      const limit = ctx.deps.config.caldav_attach_maxcount;
      if (limit > 0 && checked.managedIds.length > limit) {
        throw conditionError(
          { name: '{urn:ietf:params:xml:ns:caldav}max-attachments' },
          `The object would reference ${checked.managedIds.length} managed attachments; this server allows ${limit} (RFC 8607 §6.3)`,
        );
      }
      const index = { ...write.index, managedIds: checked.managedIds };
      const text = checked.text ?? restored;
      if (text === null) return { ...write, index };
      return rewrite(ctx, write, text, index);
    },
    async afterWrite(ctx, event) {
      const extra = base.afterWrite ? await base.afterWrite(ctx, event) : undefined;
      if (!rewritten.has(ctx)) return extra;
      rewritten.delete(ctx);
      return { ...(extra ?? {}), ETag: '' };
    },
  };
}

/** The write with data the server changed: its ETag is withheld from the answer (RFC 4791 §5.3.4). */
async function rewrite<W extends { data: unknown; etag: string; size: number }>(ctx: DavContext, write: W, text: string, index: unknown): Promise<W> {
  rewritten.add(ctx);
  return { ...write, data: text, etag: await strongEtag(text), size: new TextEncoder().encode(text).byteLength, index };
}

/**
 * An attendee's own PUT of their copy of an invitation keeps the managed attachments the copy
 * has: they are the organizer's (RFC 8607 §3.8), so one the attendee adds, drops or points
 * elsewhere is put back as it was, silently, as CalendarServer does (the POST actions refuse
 * the same changes with CALDAV:valid-attachment-*). Returns the new text, or null when nothing
 * had to change. Writes the server makes itself (deliveries of the organizer's updates) name
 * another resource than the request's and are left alone.
 */
async function keepOrganizerAttachments(ctx: DavContext, collection: { id: number; owner: string | null }, name: string, text: string): Promise<string | null> {
  const target = ctx.resource;
  if (target.kind !== 'resource' || target.collection.id !== collection.id || target.name !== name || target.meta.organizer === null) return null;
  if (!(await isAttendeeCopy(ctx, collection.owner, target.meta.organizer))) return null;
  const stored = await ctx.deps.store.resources.get(collection.id, name);
  if (!stored || typeof stored.data !== 'string') return null;
  if (!/MANAGED-ID=/i.test(stored.data) && !/MANAGED-ID=/i.test(text)) return null;
  const before = calendarComponents(parseICalendar(stored.data));
  const vcalendar = parseICalendar(text);
  let changed = false;
  for (const component of calendarComponents(vcalendar)) {
    const key = recurrenceKey(component);
    // A new override of the attendee's takes the series' attachments, as it would from the organizer.
    const source = before.find((c) => c.name === component.name && recurrenceKey(c) === key) ?? before.find((c) => c.name === component.name && recurrenceKey(c) === null);
    const wanted = (source?.getAllProperties('attach') ?? []).filter((p) => managedIdOf(p) !== null);
    const present = component.getAllProperties('attach').filter((p) => managedIdOf(p) !== null);
    const asText = (properties: ICAL.Property[]) => properties.map((p) => JSON.stringify(p.toJSON())).join('\n');
    if (asText(wanted) === asText(present)) continue;
    for (const property of present) component.removeProperty(property);
    for (const property of wanted) component.addProperty(new ICAL.Property(JSON.parse(JSON.stringify(property.toJSON())) as unknown[]));
    changed = true;
  }
  return changed ? vcalendar.toString() : null;
}

/** Whether a calendar object whose ORGANIZER is `organizer` is an attendee's copy in `owner`'s calendar. */
export async function isAttendeeCopy(ctx: DavContext, owner: string | null, organizer: string): Promise<boolean> {
  if (owner === null) return false;
  const user = ctx.principal?.name === owner ? ctx.principal.user : await ctx.deps.store.users.get(owner);
  if (!user) return false;
  return !addressSet(user, ctx.deps.config).has(normalizeAddress(organizer));
}

function recurrenceKey(component: ICAL.Component): string | null {
  const value = component.getFirstPropertyValue('recurrence-id');
  return value === null || value === undefined ? null : String(value);
}

/** The attachment as an ATTACH property describes it. */
export function managedAttachOf(ctx: DavContext, attachment: AttachmentRecord): ManagedAttach {
  return {
    managedId: attachment.managedId,
    url: attachmentUrl(ctx.deps.config, attachment.owner, attachment.managedId),
    filename: attachment.filename,
    contentType: attachment.contentType,
    size: attachment.size,
  };
}

/**
 * Managed ATTACH properties made to say what their attachment is (a client that changed FMTTYPE,
 * FILENAME, SIZE or the URL, or dropped MANAGED-ID from an ATTACH that still points at one of the
 * owner's attachments, gets the server's values back, as CalendarServer does); a MANAGED-ID of
 * another user's attachment is dropped unless the component is a scheduling object (an invitation
 * carries its organizer's attachments); an unknown MANAGED-ID is refused. Returns the new text
 * (null when nothing changed) and the MANAGED-IDs left.
 */
async function checkManagedAttachments(ctx: DavContext, owner: string, text: string): Promise<{ text: string | null; managedIds: string[] }> {
  const vcalendar = parseICalendar(text);
  const components = calendarComponents(vcalendar);
  const wanted = new Set<string>();
  for (const component of components) {
    for (const property of component.getAllProperties('attach')) {
      const id = managedIdOf(property) ?? ownAttachmentOfValue(ctx, owner, property);
      if (id) wanted.add(id);
    }
  }
  const known = await ctx.deps.store.attachments.getMany([...wanted]);
  let changed = false;
  const managedIds = new Set<string>();
  for (const component of components) {
    const scheduling = component.getFirstProperty('organizer') !== null;
    for (const property of component.getAllProperties('attach')) {
      const id = managedIdOf(property);
      if (id === null) {
        const pointed = ownAttachmentOfValue(ctx, owner, property);
        const attachment = pointed ? known.get(pointed) : undefined;
        if (attachment && attachment.owner === owner) {
          describeAttach(property, managedAttachOf(ctx, attachment));
          managedIds.add(attachment.managedId);
          changed = true;
        }
        continue;
      }
      const attachment = known.get(id);
      if (!attachment) {
        throw new DavError(403, { name: '{urn:ietf:params:xml:ns:caldav}valid-managed-id' }, `MANAGED-ID ${id} names no managed attachment on this server (RFC 8607 §3.9)`);
      }
      if (attachment.owner !== owner && !scheduling) {
        property.removeParameter('managed-id');
        changed = true;
        continue;
      }
      managedIds.add(id);
      if (!describesExactly(property, managedAttachOf(ctx, attachment))) {
        describeAttach(property, managedAttachOf(ctx, attachment));
        changed = true;
      }
    }
  }
  return { text: changed ? vcalendar.toString() : null, managedIds: [...managedIds] };
}

/** The MANAGED-ID of the owner's attachment an ATTACH without one points at by URL, if any. */
function ownAttachmentOfValue(ctx: DavContext, owner: string, property: ICAL.Property): string | null {
  const value = property.getFirstValue();
  if (typeof value !== 'string') return null;
  const target = attachmentOfUrl(ctx.deps.config, value);
  return target && target.owner === owner ? target.managedId : null;
}

function describesExactly(property: ICAL.Property, attach: ManagedAttach): boolean {
  return (
    property.getFirstValue() === attach.url &&
    property.getParameter('fmttype') === attach.contentType &&
    property.getParameter('filename') === attach.filename &&
    property.getParameter('size') === String(attach.size) &&
    property.getParameter('value') === undefined &&
    property.getParameter('encoding') === undefined
  );
}
