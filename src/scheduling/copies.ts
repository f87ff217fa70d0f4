// A calendar user's stored copies of scheduled events: finding one by UID across their calendars
// (RFC 6638 §3.2.4.1 makes the UID unique per user), the default calendar for new invitations
// (RFC 6638 §9.2), and writing a copy back with its index, stored time zones and Schedule-Tag.
import { insertTimezones, stripKnownTimezones } from '../caldav/timezones-by-reference.ts';
import { validateCalendarObject } from '../caldav/validate.ts';
import { CALENDAR_COMPONENTS, type AppConfig } from '../config.ts';
import { strongEtag } from '../dav/content.ts';
import { deserializeDeadProperty } from '../dav/properties/registry.ts';
import { calendarHomePath } from '../dav/urls.ts';
import { textContent } from '../dav/xml/element.ts';
import { caldav } from '../dav/xml/names.ts';
import type { ICAL } from '../ical/parse.ts';
import type { CollectionRecord, ResourcePut, ResourceRecord, Store, WriteExpectation } from '../storage/index.ts';
import { parseCalendar } from './itip/model.ts';
import { utf8Length } from '../bytes/utf8.ts';

export interface StoredCopy {
  collection: CollectionRecord;
  record: ResourceRecord;
}

/** The user's calendar object with this UID, in any of their calendars. */
export async function findCopy(store: Store, owner: string, uid: string, except?: { collectionId: number; name: string }): Promise<StoredCopy | null> {
  for (const collection of await store.collections.listByOwner(owner, ['calendar'])) {
    const meta = await store.resources.findByUid(collection.id, uid);
    if (!meta || (except && except.collectionId === collection.id && except.name === meta.name)) continue;
    const record = await store.resources.get(collection.id, meta.name);
    if (record) return { collection, record };
  }
  return null;
}

/** Parses stored calendar text with the time zones stored by reference put back (RFC 7809). */
export function readCalendar(data: string | Uint8Array): ICAL.Component {
  return parseCalendar(insertTimezones(typeof data === 'string' ? data : new TextDecoder().decode(data)));
}

/** schedule-default-calendar-URL of the Inbox when it names one of the user's calendars, else Default, else the first. */
export async function defaultCalendar(store: Store, owner: string): Promise<CollectionRecord | null> {
  const home = calendarHomePath(owner);
  const calendars = await store.collections.listByOwner(owner, ['calendar']);
  const stored = (await store.properties.get(`${home}Inbox/`)).get(caldav('schedule-default-calendar-URL'));
  if (stored) {
    const wanted = decodeHref(textContent(deserializeDeadProperty(stored)).trim());
    // The href may name the collection without its trailing slash (RFC 4918 §5.2).
    const found = calendars.find((c) => c.path === wanted || c.path === `${wanted}/`);
    if (found) return found;
  }
  return calendars.find((c) => c.path === `${home}Default/`) ?? calendars.find((c) => c.path.startsWith(home)) ?? null;
}

export interface CopyWrite {
  collection: CollectionRecord;
  name: string;
  calendar: ICAL.Component;
  expect: WriteExpectation;
  scheduleTag: string | null;
}

/** Stores a copy the server produced (never sent by a client), in the same stored form a PUT produces. */
export async function writeCopy(store: Store, config: AppConfig, write: CopyWrite, now: number): Promise<void> {
  const put = await copyPut(config, write, now);
  await store.resources.put(put.collection, put.name, put.write, put.expect, now);
}

/** The stored form of a copy, for writing it in a batch with other resources. */
export async function copyPut(config: AppConfig, write: CopyWrite, now: number): Promise<ResourcePut> {
  const full = write.calendar.toString();
  const validated = validateCalendarObject(full, CALENDAR_COMPONENTS, config, now);
  const stripped = config.httpmodules.has('tzdist') ? stripKnownTimezones(validated.vcalendar) : null;
  const data = stripped ? stripped.toString() : full;
  return {
    collection: write.collection,
    name: write.name,
    write: {
      contentType: 'text/calendar; charset=utf-8',
      data,
      etag: await strongEtag(data),
      size: utf8Length(data),
      index: validated.index,
      scheduleTag: write.scheduleTag,
    },
    expect: write.expect,
  };
}

/** A fresh Schedule-Tag (RFC 6638 §3.2.10): an opaque quoted string like an entity tag. */
export function newScheduleTag(): string {
  return `"${crypto.randomUUID().replace(/-/g, '').slice(0, 20)}"`;
}

/** A resource name for a new copy: the UID when it makes a safe name, else a random one. */
export function copyName(uid: string): string {
  return /^[A-Za-z0-9._@+=-]{1,200}$/.test(uid) && !uid.startsWith('.') ? `${uid}.ics` : `${crypto.randomUUID()}.ics`;
}

function decodeHref(href: string): string {
  try {
    const path = /^[a-z][a-z0-9+.-]*:\/\//i.test(href) ? new URL(href).pathname : href;
    return decodeURIComponent(path);
  } catch {
    return href;
  }
}
