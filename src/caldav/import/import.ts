// Bulk import, as Cyrus has it (caldav_import): POST of a text/calendar body holding many
// components to a calendar collection stores one calendar object per UID, each through the
// calendar content policy exactly as a PUT of it would be (validation, UID conflicts, the time
// index, the sync token, implicit scheduling), and answers a 207 with one DAV:response per UID:
// the new resource's href, ETag and CS:uid, or the status and precondition that refused it.
//
// The body is streamed: lines are read as they arrive and objects are written in batches, so a
// 10,000-event file never sits in memory whole (split.ts). Components wait for the rest of their
// UID in a window of WINDOW_COMPONENTS components; overrides further from their master than that
// (rare: exports write a series together) are added to the object already stored, through the
// same path, and that UID is answered a second time with the ETag after the addition.
import { requireAccess } from '../../acl/check.ts';
import type { DavContext } from '../../dav/context.ts';
import { conditionError, DavError } from '../../dav/errors.ts';
import { requireUnlocked } from '../../dav/locking.ts';
import { mapWriteError } from '../../dav/methods/put.ts';
import { streamingMultistatus, type MultistatusResponse } from '../../dav/multistatus.ts';
import type { DavServices } from '../../dav/services.ts';
import { el, type XmlElement } from '../../dav/xml/element.ts';
import { caldav, calserver, dav, orrery } from '../../dav/xml/names.ts';
import { preferences } from '../../dav/prefer.ts';
import { mediaType, readBodyText } from '../../http/body.ts';
import { preconditionElement } from '../../http/on-error.ts';
import { CALENDAR_MEDIA_TYPES, calendarMediaType, toICalendarText, type CalendarMediaType } from '../../ical/formats.ts';
import { InvalidICalendarError } from '../../ical/parse.ts';
import type { CollectionRecord, ResourceRecord, WriteExpectation } from '../../storage/index.ts';
import { contentLines } from './lines.ts';
import { CalendarSplitter, type ImportGroup, type ImportProblem } from './split.ts';

/** Components held while waiting for the rest of their UID, and the characters they may take. */
const WINDOW_COMPONENTS = 2000;
const WINDOW_CHARS = 8 * 1024 * 1024;

/** Media types left to other POST handlers (sharing, and whatever XML a collection may yet accept). */
const XML_TYPES = new Set(['application/xml', 'text/xml']);

/** Answers a POST to a calendar collection without `?action=`; null when it is not an import. */
export async function handleCalendarImport(ctx: DavContext, services: DavServices): Promise<Response | null> {
  const resource = ctx.resource;
  if (resource.kind !== 'collection' || resource.collection.kind !== 'calendar' || ctx.url.searchParams.has('action')) return null;
  const type = mediaType(ctx.request.headers.get('content-type'));
  if (type !== null && XML_TYPES.has(type)) return null;
  // The seed's rights table puts POST under `p` (DAV:bind, CY:add-resource), and every object an
  // import stores is a write of calendar data, which a PUT does under `i` (DAV:write-content): an
  // import needs both, as Cyrus's COPY and MOVE need both on the collection they add to.
  requireAccess(ctx, resource, 'bind');
  requireAccess(ctx, resource, 'write-content');
  const calendarType = calendarMediaType(type);
  if (!calendarType) {
    throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}supported-calendar-data' }, `A calendar import is sent as ${CALENDAR_MEDIA_TYPES.join(', ')}, not ${type ?? 'without a Content-Type'}`);
  }
  await requireUnlocked(ctx, resource.path);
  const collection = resource.collection;
  const policy = services.content(collection.kind);
  const maxBytes = policy.maxBytes(ctx);
  const splitter = new CalendarSplitter({ maxComponentChars: maxBytes, windowComponents: WINDOW_COMPONENTS, windowChars: WINDOW_CHARS });
  const items = splitter.split(contentLines(await bodyStream(ctx, calendarType, maxBytes), maxBytes));
  // The first object is read before the 207 is committed, so a body that is not iCalendar at all
  // is refused as a whole (403 valid-calendar-data), as Cyrus refuses it.
  const first = await items.next();
  const importer = new Importer(ctx, services, collection, splitter);
  async function* responses(): AsyncGenerator<MultistatusResponse> {
    if (first.done) return;
    yield* importer.take(first.value);
    for await (const item of items) yield* importer.take(item);
  }
  return streamingMultistatus(responses(), () => [], { 'Cache-Control': 'no-cache' }, { path: collection.path, logger: ctx.deps.logger });
}

// --- Internal helpers ---

class Importer {
  /** Resource names by UID, for components that arrive after their UID was stored. */
  private readonly written = new Map<string, string>();
  private readonly encoder = new TextEncoder();
  private readonly wantsRepresentation: boolean;

  constructor(
    private readonly ctx: DavContext,
    private readonly services: DavServices,
    private readonly collection: CollectionRecord,
    private readonly splitter: CalendarSplitter,
  ) {
    this.wantsRepresentation = preferences(ctx.request).returnRepresentation;
  }

  async *take(item: ImportGroup | ImportProblem): AsyncGenerator<MultistatusResponse> {
    if (item.kind === 'problem') {
      yield failure(this.collection.path, item.uid, item.error);
      return;
    }
    yield await this.store(item);
  }

  private async store(group: ImportGroup): Promise<MultistatusResponse> {
    const { ctx, collection } = this;
    const store = ctx.deps.store;
    // Implicit scheduling keeps what a write's prepare() learned for its afterWrite() by context:
    // each object is a write of its own.
    const itemCtx: DavContext = { ...ctx };
    const policy = this.services.content(collection.kind);
    const earlierName = this.written.get(group.uid);
    const previous: ResourceRecord | null = earlierName ? ((await store.resources.get(collection.id, earlierName)) ?? null) : null;
    const name = previous ? previous.name : `${crypto.randomUUID()}.ics`;
    const text = previous ? this.addTo(String(previous.data), group) : this.objectText(group);
    const expect: WriteExpectation = previous ? { etag: previous.etag } : { absent: true };
    try {
      const write = await policy.prepare(itemCtx, collection, name, this.encoder.encode(text), 'text/calendar; charset=utf-8');
      const stored = await store.resources.put(collection, name, write, expect, ctx.deps.now());
      this.written.set(group.uid, name);
      const extra = policy.afterWrite ? await policy.afterWrite(itemCtx, { collection, name, stored, data: write.data, previous }) : undefined;
      // Delivery may have recorded SCHEDULE-STATUS in the object since (the ETag a PUT withdraws).
      const etag = extra?.ETag === '' ? ((await store.resources.get(collection.id, name))?.etag ?? stored.etag) : stored.etag;
      const props = [el(dav('getetag'), etag), uidElement(group.uid)];
      if (this.wantsRepresentation) props.push(await this.calendarData(name));
      return { path: `${collection.path}${name}`, propstats: [{ status: 200, props }] };
    } catch (error) {
      const mapped = mapWriteError(error);
      if (mapped instanceof DavError) return failure(collection.path, group.uid, mapped);
      ctx.deps.logger.error('A calendar import could not store an object', { href: collection.path, uid: group.uid, error: mapped instanceof Error ? (mapped.stack ?? mapped.message) : String(mapped) });
      return failure(collection.path, group.uid, new DavError(500, undefined, 'The server failed to store this object'));
    }
  }

  /**
   * The object as stored (implicit scheduling may have changed it), in the form the import was
   * sent in unless Accept asks for another: what Prefer: return=representation asks for (Cyrus).
   */
  private async calendarData(name: string): Promise<XmlElement> {
    const record = await this.ctx.deps.store.resources.get(this.collection.id, name);
    if (!record) return el(caldav('calendar-data'));
    const out = this.services.outgoingBody ? this.services.outgoingBody(this.ctx, record) : { body: record.data };
    const text = typeof out.body === 'string' ? out.body : new TextDecoder().decode(out.body);
    const type = calendarMediaType(out.contentType ?? record.contentType) ?? 'text/calendar';
    return el(caldav('calendar-data'), text, type === 'text/calendar' ? {} : { 'content-type': type, version: '2.0' });
  }

  /** A calendar object of the group: the file's VERSION, PRODID, CALSCALE and the VTIMEZONEs it uses. */
  private objectText(group: ImportGroup): string {
    const lines = this.splitter.calendarLines.length > 0 ? this.splitter.calendarLines : ['VERSION:2.0'];
    return `BEGIN:VCALENDAR\r\n${lines.map((line) => `${line}\r\n`).join('')}${this.zonesOf(group, '')}${group.components.join('')}END:VCALENDAR\r\n`;
  }

  /** The stored object with the group's components (and zones it lacks) added before its end. */
  private addTo(stored: string, group: ImportGroup): string {
    const end = stored.lastIndexOf('END:VCALENDAR');
    const head = end === -1 ? stored : stored.slice(0, end);
    return `${head}${this.zonesOf(group, stored)}${group.components.join('')}END:VCALENDAR\r\n`;
  }

  private zonesOf(group: ImportGroup, already: string): string {
    let zones = '';
    for (const tzid of group.tzids) {
      const zone = this.splitter.timezones.get(tzid);
      if (zone && !already.includes(`\nTZID:${tzid}\r\n`)) zones += zone;
    }
    return zones;
  }
}

function uidElement(uid: string): XmlElement {
  return el(calserver('uid'), uid);
}

/** Cyrus's failure form: the status, then DAV:error with the precondition, the message and CS:uid. */
function failure(collectionPath: string, uid: string | null, error: DavError): MultistatusResponse {
  const content: XmlElement[] = [];
  if (error.precondition) content.push(preconditionElement(error.precondition));
  content.push(el(orrery('message'), error.message));
  if (uid !== null) content.push(uidElement(uid));
  // Cyrus sends an empty href, which resolves to the request-URI: the collection, named here.
  return { path: collectionPath, status: error.status, error: content };
}

/** The body as a stream of iCalendar bytes; jCal and xCal are read whole and converted, as PUT does. */
async function bodyStream(ctx: DavContext, type: CalendarMediaType, maxBytes: number): Promise<ReadableStream<Uint8Array>> {
  if (type === 'text/calendar') {
    if (!ctx.request.body) throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-calendar-data' }, 'The import has no body');
    return ctx.request.body;
  }
  // A jCal or xCal document is one JSON value or XML tree: it cannot be cut before it is parsed, so
  // its size is bounded by the calendar object limit times the import's allowance.
  const document = await readBodyText(ctx.request, maxBytes * JCAL_SIZE_FACTOR, 'jCal or xCal import');
  let text: string;
  try {
    text = toICalendarText(document, type);
  } catch (error) {
    // Only the data's own faults are the client's: anything else is a server fault, answered 500.
    if (!(error instanceof InvalidICalendarError)) throw error;
    throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-calendar-data' }, `The ${type} data cannot be read: ${error.message}`);
  }
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** A jCal or xCal import may be this many times the calendar object limit (it is held whole). */
const JCAL_SIZE_FACTOR = 4;
