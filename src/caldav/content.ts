// Content policies of the calendar area: calendar collections take validated calendar objects
// (RFC 4791 §5.3.2); homes, scheduling Inbox/Outbox and Attachments take none by PUT.
import { conditionError } from '../dav/errors.ts';
import { strongEtag, type ContentPolicy } from '../dav/content.ts';
import type { DavContext } from '../dav/context.ts';
import { mediaType } from '../http/body.ts';
import { storedIndexOf, type CollectionRecord } from '../storage/index.ts';
import { validateCalendarObject } from './validate.ts';
import { stripKnownTimezones } from './timezones-by-reference.ts';
import { supportedComponentsOf } from './components.ts';

export const CALENDAR_CONTENT: ContentPolicy = {
  async prepare(ctx, collection, _name, body, contentType) {
    const text = decodeUtf8(body);
    const components = await supportedComponentsOf(ctx, collection);
    const validated = validateCalendarObject(text, mediaType(contentType), components, ctx.deps.config, ctx.deps.now());
    // RFC 7809: with the time-zone service on, zones the catalogue knows are stored by reference.
    const stripped = ctx.deps.config.httpmodules.has('tzdist') ? stripKnownTimezones(validated.vcalendar) : null;
    const stored = stripped ? stripped.toString() : validated.text;
    return {
      contentType: 'text/calendar; charset=utf-8',
      data: stored,
      etag: await strongEtag(stored),
      size: new TextEncoder().encode(stored).byteLength,
      index: validated.index,
    };
  },
  async acceptTransfer(ctx, source, target) {
    const index = storedIndexOf(source);
    if (!index) throw locationNotOk('Only calendar objects can be placed in a calendar collection');
    const components = await supportedComponentsOf(ctx, target);
    if (!components.includes(index.componentType)) {
      throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}supported-calendar-component' }, `This calendar does not accept ${index.componentType} components`);
    }
    return index;
  },
  maxBytes: (ctx: DavContext) => ctx.deps.config.icalendar_max_size || 10 * 1024 * 1024,
  allowsSubcollections: false,
};

/** Collections of the calendar area that hold no client-written objects. */
export const NO_CONTENT: ContentPolicy = {
  async prepare(_ctx, collection: CollectionRecord) {
    throw locationNotOk(`Calendar objects cannot be stored in ${describe(collection)}`);
  },
  async acceptTransfer(_ctx, _source, target) {
    throw locationNotOk(`Calendar objects cannot be stored in ${describe(target)}`);
  },
  maxBytes: (ctx: DavContext) => ctx.deps.config.icalendar_max_size || 10 * 1024 * 1024,
  allowsSubcollections: false,
};

function describe(collection: CollectionRecord): string {
  switch (collection.kind) {
    case 'calendar-home':
      return 'a calendar home (create a calendar collection first)';
    case 'schedule-inbox':
      return 'the scheduling Inbox';
    case 'schedule-outbox':
      return 'the scheduling Outbox';
    default:
      return 'this collection';
  }
}

function locationNotOk(message: string) {
  return conditionError({ name: '{urn:ietf:params:xml:ns:caldav}calendar-collection-location-ok' }, message);
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-calendar-data' }, 'Calendar data must be UTF-8 (RFC 5545 §3.1.4)');
  }
}
