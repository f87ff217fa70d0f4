// Content policies of the calendar area: calendar collections take validated calendar objects
// (RFC 4791 §5.3.2); homes, scheduling Inbox/Outbox and Attachments take none by PUT.
import { conditionError } from '../dav/errors.ts';
import { strongEtag, type ContentPolicy } from '../dav/content.ts';
import type { DavContext } from '../dav/context.ts';
import { storedIndexOf, type CollectionRecord } from '../storage/index.ts';
import { validateCalendarObject } from './validate.ts';
import { isConvertedBody, parseCalendarBody } from './calendar-format.ts';
import { missingTzids, stripKnownTimezones } from './timezones-by-reference.ts';
import { canonicalTzid } from '../tz/catalogue.ts';
import { supportedComponentsOf } from './components.ts';
import { utf8Length } from '../bytes/utf8.ts';

export const CALENDAR_CONTENT: ContentPolicy = {
  async prepare(ctx, collection, _name, body, contentType) {
    // jCal and xCal bodies are converted to the iCalendar text that is validated and stored.
    const text = parseCalendarBody(body, contentType);
    const components = await supportedComponentsOf(ctx, collection);
    const validated = validateCalendarObject(text, components, ctx.deps.config, ctx.deps.now());
    // RFC 4791 §4.1 wants a VTIMEZONE for every TZID used; RFC 7809 lets a zone this server knows
    // stand in for one. A TZID that is neither names no zone at all, so its times mean nothing.
    const unknown = missingTzids(validated.text).find((tzid) => canonicalTzid(tzid) === undefined);
    if (unknown !== undefined) {
      throw conditionError(
        { name: '{urn:ietf:params:xml:ns:caldav}valid-timezone' },
        `TZID=${unknown} names neither a VTIMEZONE in the object nor a time zone this server knows; include its VTIMEZONE`,
      );
    }
    // RFC 7809: with the time-zone service on, zones the catalogue knows are stored by reference.
    const stripped = ctx.deps.config.httpmodules.has('tzdist') ? stripKnownTimezones(validated.vcalendar) : null;
    const stored = stripped ? stripped.toString() : validated.text;
    return {
      contentType: 'text/calendar; charset=utf-8',
      data: stored,
      etag: await strongEtag(stored),
      size: utf8Length(stored),
      index: validated.index,
    };
  },
  // RFC 4791 §5.3.4: no ETag when what is stored is not the body sent, as with a converted jCal or
  // xCal body; the client fetches the stored form instead of trusting a tag for its own bytes.
  async afterWrite(ctx) {
    return isConvertedBody(ctx.request.headers.get('content-type')) ? { ETag: '' } : undefined;
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
