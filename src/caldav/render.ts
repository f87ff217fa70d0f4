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
import { insertTimezones, wantsTimezones } from './timezones-by-reference.ts';
import type { ResourceRecord } from '../storage/index.ts';
import { renderCalendarAdmin } from '../web/home-page.ts';

/** GET of a calendar object: referenced time zones go back in unless the client opted out (RFC 7809). */
export function outgoingCalendarData(ctx: DavContext, record: ResourceRecord): { body: string | Uint8Array; vary?: string } {
  if (record.componentType === null || typeof record.data !== 'string') return { body: record.data };
  return { body: wantsTimezones(ctx.request) ? insertTimezones(record.data, { truncate: true }) : record.data, vary: 'CalDAV-Timezones' };
}

export async function renderCollection(ctx: DavContext, resource: DavResource): Promise<Response | null> {
  if (resource.kind !== 'collection') return null;
  const collection = resource.collection;
  if (collection.kind === 'calendar') {
    requireAccess(ctx, resource, 'read');
    const stored = (await ctx.deps.store.properties.get(collection.path)).get(dav('displayname'));
    return exportCalendar(ctx, collection, stored ? textContent(deserializeDeadProperty(stored)) : undefined);
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
