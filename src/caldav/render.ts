// GET on collections: a calendar is exported as one iCalendar object; a calendar home shows
// browsers the management page; WebDAV folders list their members as plain text; other
// collections have no GET representation.
import { requireAccess } from '../acl/check.ts';
import type { DavContext } from '../dav/context.ts';
import type { DavResource } from '../dav/resource.ts';
import { textContent } from '../dav/xml/element.ts';
import { dav } from '../dav/xml/names.ts';
import { deserializeDeadProperty } from '../dav/properties/registry.ts';
import { exportCalendar } from './export.ts';
import { DavError } from '../dav/errors.ts';
import { negotiateMediaType } from '../http/accept.ts';
import { calendarContentType, calendarMediaType, fromICalendarText, type CalendarMediaType } from '../ical/formats.ts';
import { InvalidICalendarError } from '../ical/parse.ts';
import { CALENDAR_MEDIA_TYPES, negotiateCalendarType } from './calendar-format.ts';
import { insertTimezones, wantsTimezones } from './timezones-by-reference.ts';
import type { ResourceRecord } from '../storage/index.ts';
import { renderCalendarAdmin } from '../web/home-page.ts';

/**
 * GET of a calendar object: referenced time zones go back in unless the client opted out (RFC
 * 7809), in the form the Accept header asks for (jCal, xCal or iCalendar, as Cyrus 3.6). The ETag
 * stays the stored object's, as Cyrus's does, so that a client can PUT what it fetched with
 * If-Match; Vary: Accept keeps shared caches from mixing the forms.
 */
export function outgoingCalendarData(ctx: DavContext, record: ResourceRecord): { body: string | Uint8Array; vary?: string; contentType?: string } {
  if (record.componentType === null || typeof record.data !== 'string') return { body: record.data };
  const byReference = ctx.deps.config.httpmodules.has('tzdist');
  const vary = byReference ? 'Accept, CalDAV-Timezones' : 'Accept';
  const mediaType = ctx.request.method === 'GET' || ctx.request.method === 'HEAD' ? negotiateCalendarType(ctx.request) : writtenRepresentationType(ctx.request);
  const text = byReference && wantsTimezones(ctx.request) ? insertTimezones(record.data, { truncate: true }) : record.data;
  if (mediaType === 'text/calendar') return { body: text, vary };
  try {
    return { body: fromICalendarText(text, mediaType), vary, contentType: calendarContentType(mediaType) };
  } catch (error) {
    if (error instanceof InvalidICalendarError) throw new DavError(406, undefined, `This calendar object cannot be converted to ${mediaType}: ${error.message}`);
    throw error;
  }
}

/**
 * The form a write answers in with Prefer: return=representation (RFC 7240 §4.2). The object is
 * already stored, so an Accept header naming nothing usable gets the stored form, not a 406.
 * Without Accept the answer is in the form the client wrote, which it evidently reads
 * (CalendarServer does the same; Cyrus answers iCalendar).
 */
function writtenRepresentationType(request: Request): CalendarMediaType {
  const accept = request.headers.get('accept');
  if (accept === null || accept.trim() === '') return calendarMediaType(request.headers.get('content-type')) ?? 'text/calendar';
  return negotiateMediaType(accept, CALENDAR_MEDIA_TYPES, { version: '2.0' }) ?? 'text/calendar';
}

export async function renderCollection(ctx: DavContext, resource: DavResource): Promise<Response | null> {
  if (resource.kind !== 'collection') return null;
  const collection = resource.collection;
  if (collection.kind === 'calendar') {
    requireAccess(ctx, resource, 'read');
    const stored = (await ctx.deps.store.properties.get(collection.path)).get(dav('displayname'));
    return exportCalendar(ctx, collection, stored ? textContent(deserializeDeadProperty(stored)) : undefined, negotiateCalendarType(ctx.request));
  }
  if (collection.kind === 'calendar-home') return renderCalendarAdmin(ctx, resource);
  if (collection.kind === 'folder' || collection.kind === 'drive-home') {
    requireAccess(ctx, resource, 'read');
    const folders = await ctx.deps.store.collections.listChildren(collection.path);
    const files = ctx.deps.store.resources.iterateMeta(collection.id);
    const encoder = new TextEncoder();
    let head = folders.map((f) => `${f.path.slice(collection.path.length)}\n`).join('');
    // One line per member, a page of members at a time.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await files.next();
        const lines = head + (next.done ? '' : next.value.map((f) => `${f.name}\n`).join(''));
        head = '';
        if (lines !== '') controller.enqueue(encoder.encode(lines));
        if (next.done) controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  return null;
}
