// GET on a calendar collection: the whole calendar as one iCalendar object, streamed a page of
// objects at a time, VTIMEZONEs merged by TZID (as Cyrus's export_calendar).
import type { DavContext } from '../dav/context.ts';
import { collectionEtag } from '../dav/properties/webdav.ts';
import type { CollectionRecord } from '../storage/index.ts';
import { checkReadConditions } from '../http/conditional.ts';
import { catalogueZones, missingTzids } from './timezones-by-reference.ts';

export async function exportCalendar(ctx: DavContext, collection: CollectionRecord, displayName: string | undefined): Promise<Response> {
  const etag = collectionEtag(collection);
  checkReadConditions(ctx.request, { exists: true, etag, lastModifiedMs: collection.modifiedAt });
  const encoder = new TextEncoder();
  const objects = ctx.deps.store.resources.iterate(collection.id);
  const seenZones = new Set<string>();
  const header = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery//Orrery CalDAV Server//EN', 'CALSCALE:GREGORIAN'];
  if (displayName) header.push(`X-WR-CALNAME:${displayName.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}`);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${header.join('\r\n')}\r\n`));
    },
    async pull(controller) {
      const next = await objects.next();
      if (next.done) {
        controller.enqueue(encoder.encode('END:VCALENDAR\r\n'));
        controller.close();
        return;
      }
      const text = typeof next.value.data === 'string' ? next.value.data : new TextDecoder().decode(next.value.data);
      // Exports are complete calendars: zones stored by reference (RFC 7809) are put back, each once.
      const missing = missingTzids(text).filter((tzid) => !seenZones.has(tzid));
      for (const tzid of missing) seenZones.add(tzid);
      const blocks = catalogueZones(missing) + componentBlocks(text, seenZones);
      if (blocks !== '') controller.enqueue(encoder.encode(blocks));
    },
  });
  const filename = (displayName ?? 'calendar').replace(/[^\w .-]/g, '_');
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': 'text/calendar; charset=utf-8',
      ETag: etag,
      'Last-Modified': new Date(collection.modifiedAt).toUTCString(),
      'Content-Disposition': `attachment; filename="${filename}.ics"`,
    },
  });
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
