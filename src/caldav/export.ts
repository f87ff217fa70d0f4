// GET on a calendar collection: the whole calendar as one iCalendar object (or jCal, or xCal, by
// Accept), streamed a page of objects at a time, VTIMEZONEs merged by TZID (as Cyrus's export_calendar).
import type { DavContext } from '../dav/context.ts';
import { collectionEtag } from '../dav/properties/webdav.ts';
import type { CollectionRecord } from '../storage/index.ts';
import { checkReadConditions } from '../http/conditional.ts';
import { catalogueZones, missingTzids } from './timezones-by-reference.ts';
import { calendarContentType, type CalendarMediaType, type JCalComponent } from '../ical/formats.ts';
import { ICAL } from '../ical/parse.ts';
import { XCAL_NS, xcalComponentFragment, xcalPropertiesFragment } from '../ical/xcal.ts';

export async function exportCalendar(
  ctx: DavContext,
  collection: CollectionRecord,
  displayName: string | undefined,
  mediaType: CalendarMediaType = 'text/calendar',
): Promise<Response> {
  const etag = collectionEtag(collection);
  checkReadConditions(ctx.request, { exists: true, etag, lastModifiedMs: collection.modifiedAt });
  const encoder = new TextEncoder();
  const objects = ctx.deps.store.resources.iterate(collection.id);
  const seenZones = new Set<string>();
  const header = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery//Orrery CalDAV Server//EN', 'CALSCALE:GREGORIAN'];
  if (displayName) header.push(`X-WR-CALNAME:${displayName.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}`);
  const writer = EXPORT_WRITERS[mediaType];
  let first = true;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(writer.begin(`${header.join('\r\n')}\r\n`)));
    },
    async pull(controller) {
      const next = await objects.next();
      if (next.done) {
        controller.enqueue(encoder.encode(writer.end));
        controller.close();
        return;
      }
      const text = typeof next.value.data === 'string' ? next.value.data : new TextDecoder().decode(next.value.data);
      // Exports are complete calendars: zones stored by reference (RFC 7809) are put back, each once.
      const missing = missingTzids(text).filter((tzid) => !seenZones.has(tzid));
      for (const tzid of missing) seenZones.add(tzid);
      const blocks = catalogueZones(missing) + componentBlocks(text, seenZones);
      const written = blocks === '' ? '' : writer.components(blocks, first);
      if (written !== '') {
        first = false;
        controller.enqueue(encoder.encode(written));
      }
    },
  });
  const filename = (displayName ?? 'calendar').replace(/[^\w .-]/g, '_');
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': calendarContentType(mediaType),
      Vary: 'Accept',
      ETag: etag,
      'Last-Modified': new Date(collection.modifiedAt).toUTCString(),
      'Content-Disposition': `attachment; filename="${filename}.${writer.extension}"`,
    },
  });
}

/**
 * How an export is written in each form: the calendar's header (given as iCalendar lines), each
 * page of components (given as iCalendar text blocks), and the end. jCal and xCal are written a
 * component at a time, the same streaming as text (Cyrus's begin_stream/end_stream per type).
 */
interface ExportWriter {
  extension: string;
  begin(headerText: string): string;
  components(blocks: string, first: boolean): string;
  end: string;
}

const EXPORT_WRITERS: Record<CalendarMediaType, ExportWriter> = {
  'text/calendar': { extension: 'ics', begin: (header) => header, components: (blocks) => blocks, end: 'END:VCALENDAR\r\n' },
  'application/calendar+json': {
    extension: 'jcs',
    begin: (header) => {
      const [name, properties] = parsedBlocks(header, false);
      return `[${JSON.stringify(name)},${JSON.stringify(properties)},[`;
    },
    components: (blocks, first) => {
      const json = parsedBlocks(blocks, true)[2].map((component) => JSON.stringify(component)).join(',');
      return json === '' ? '' : first ? json : `,${json}`;
    },
    end: ']]',
  },
  'application/calendar+xml': {
    extension: 'xcs',
    begin: (header) => `<?xml version="1.0" encoding="utf-8"?>\n<icalendar xmlns="${XCAL_NS}"><vcalendar>${xcalPropertiesFragment(parsedBlocks(header, false)[1])}<components>`,
    components: (blocks) => parsedBlocks(blocks, true)[2].map((component) => xcalComponentFragment(component)).join(''),
    end: '</components></vcalendar></icalendar>\n',
  },
};

/**
 * iCalendar lines parsed as one VCALENDAR (the header alone, or a page of component blocks). A
 * stored object that no longer parses is left out of a jCal or xCal export rather than breaking
 * the stream whose status line is already sent (the text export passes it through as stored).
 */
function parsedBlocks(text: string, componentsOnly: boolean): JCalComponent {
  const wrapped = componentsOnly ? `BEGIN:VCALENDAR\r\n${text}END:VCALENDAR\r\n` : `${text}END:VCALENDAR\r\n`;
  try {
    return ICAL.parse(wrapped) as unknown as JCalComponent;
  } catch {
    return ['vcalendar', [], []];
  }
}

/** The top-level components of a stored object, as text lines, skipping time zones already sent. */
function componentBlocks(text: string, seenZones: Set<string>): string {
  const lines = text.split(/\r?\n/);
  let depth = 0;
  let current: string[] = [];
  let zoneId: string | null = null;
  let output = '';
  for (const line of lines) {
    if (/^BEGIN:/i.test(line)) depth++;
    if (depth >= 2) {
      current.push(line);
      if (depth === 2 && /^TZID[:;]/i.test(line) && current[0]?.toUpperCase() === 'BEGIN:VTIMEZONE') zoneId = line.slice(line.indexOf(':') + 1);
    }
    if (/^END:/i.test(line)) {
      depth--;
      if (depth === 1) {
        const isZone = current[0]?.toUpperCase() === 'BEGIN:VTIMEZONE';
        if (!isZone || (zoneId !== null && !seenZones.has(zoneId))) output += `${current.join('\r\n')}\r\n`;
        if (isZone && zoneId !== null) seenZones.add(zoneId);
        current = [];
        zoneId = null;
      }
    }
  }
  return output;
}
