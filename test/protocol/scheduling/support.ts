// Helpers for the scheduling protocol tests: meetings written as iCalendar lines, and each party's
// calendar and Inbox read back over HTTP (PROPFIND Depth 1 + GET) and parsed.
import ICAL from 'ical.js';
import { ics, type TestApp } from '../../helpers/app.ts';
import { parseMultistatus } from '../../helpers/multistatus.ts';

export const ALICE = 'mailto:alice@example.com';
export const BOB = 'mailto:bob@example.com';
export const CAROL = 'mailto:carol@example.com';

export const calendarPath = (user: string, calendar = 'Default') => `/dav/calendars/user/${user}/${calendar}/`;
export const inboxPath = (user: string) => `/dav/calendars/user/${user}/Inbox/`;

export interface MeetingOptions {
  uid?: string;
  start?: string;
  end?: string;
  summary?: string;
  sequence?: number;
  attendees?: string[];
  extra?: string[];
  /** Further components (overrides), each a list of lines without BEGIN/END. */
  overrides?: string[][];
}

/** A VEVENT organized by alice with the given ATTENDEE lines (full lines, e.g. "ATTENDEE;PARTSTAT=ACCEPTED:mailto:…"). */
export function meeting(options: MeetingOptions = {}): string {
  const uid = options.uid ?? 'meeting-1';
  const attendees = options.attendees ?? [`ATTENDEE;PARTSTAT=ACCEPTED:${ALICE}`, `ATTENDEE;RSVP=TRUE:${BOB}`, `ATTENDEE;RSVP=TRUE:${CAROL}`];
  const master = [
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20300101T000000Z',
    `DTSTART:${options.start ?? '20300110T100000Z'}`,
    `DTEND:${options.end ?? '20300110T110000Z'}`,
    `SUMMARY:${options.summary ?? 'Planning'}`,
    `SEQUENCE:${options.sequence ?? 0}`,
    `ORGANIZER;CN=Alice:${ALICE}`,
    ...attendees,
    ...(options.extra ?? []),
    'END:VEVENT',
  ];
  const overrides = (options.overrides ?? []).flatMap((lines) => ['BEGIN:VEVENT', `UID:${uid}`, ...lines, 'END:VEVENT']);
  return ics([...master, ...overrides]);
}

export interface StoredItem {
  name: string;
  text: string;
  calendar: ICAL.Component;
  headers: Headers;
}

/** Every member of a collection, fetched with GET as `user`. */
export async function members(t: TestApp, user: string, path: string): Promise<StoredItem[]> {
  const listing = await t.request('PROPFIND', path, { user, headers: { Depth: '1' }, expect: 207 });
  const hrefs = [...parseMultistatus(await listing.text()).keys()].filter((href) => href !== path && !href.endsWith('/'));
  const items: StoredItem[] = [];
  for (const href of hrefs.sort()) {
    const response = await t.request('GET', href, { user, expect: 200 });
    const text = await response.text();
    items.push({ name: href.slice(path.length), text, calendar: new ICAL.Component(ICAL.parse(text) as unknown[]), headers: response.headers });
  }
  return items;
}

/** The single copy of a UID in a user's calendar, or undefined. */
export async function copyOf(t: TestApp, user: string, uid: string, calendar = 'Default'): Promise<StoredItem | undefined> {
  const found = (await members(t, user, calendarPath(user, calendar))).filter((item) => events(item.calendar)[0]?.getFirstPropertyValue('uid') === uid);
  if (found.length > 1) throw new Error(`${user} has ${found.length} copies of ${uid}`);
  return found[0];
}

export function events(calendar: ICAL.Component): ICAL.Component[] {
  return calendar.getAllSubcomponents().filter((c) => c.name !== 'vtimezone');
}

export function master(calendar: ICAL.Component): ICAL.Component {
  const found = events(calendar).find((c) => !c.hasProperty('recurrence-id'));
  if (!found) throw new Error('no master component');
  return found;
}

export function override(calendar: ICAL.Component, rid: string): ICAL.Component | undefined {
  return events(calendar).find((c) => c.getFirstProperty('recurrence-id')?.getFirstValue()?.toString().replace(/[-:]/g, '') === rid);
}

/** PARTSTAT of an attendee in a component ("NEEDS-ACTION" when absent); undefined if not an attendee. */
export function partstatOf(component: ICAL.Component, address: string): string | undefined {
  const property = component.getAllProperties('attendee').find((p) => String(p.getFirstValue()).toLowerCase() === address);
  if (!property) return undefined;
  return String(property.getParameter('partstat') ?? 'NEEDS-ACTION');
}

export function scheduleStatusOf(component: ICAL.Component, name: 'attendee' | 'organizer', address: string): string | undefined {
  const property = component.getAllProperties(name).find((p) => String(p.getFirstValue()).toLowerCase() === address);
  const value = property?.getParameter('schedule-status');
  return value === undefined ? undefined : String(value);
}

export function methodOf(item: StoredItem): string {
  return String(item.calendar.getFirstPropertyValue('method'));
}

/** Inbox messages as "METHOD uid [ATTENDEE PARTSTAT]" lines, for compact assertions. */
export async function inboxSummary(t: TestApp, user: string): Promise<string[]> {
  const items = await members(t, user, inboxPath(user));
  return items
    .map((item) => {
      const component = events(item.calendar)[0]!;
      const method = methodOf(item);
      const uid = String(component.getFirstPropertyValue('uid'));
      const rid = component.getFirstProperty('recurrence-id')?.getFirstValue()?.toString().replace(/[-:]/g, '');
      if (method !== 'REPLY') return `${method} ${uid}${rid ? ` ${rid}` : ''}`;
      const attendee = component.getFirstProperty('attendee')!;
      return `REPLY ${uid} ${String(attendee.getFirstValue()).toLowerCase()} ${String(attendee.getParameter('partstat'))}`;
    })
    .sort();
}

/** Replaces one attendee's PARTSTAT in every component of a stored copy, as an attendee's client would. */
export function withPartstat(text: string, address: string, partstat: string): string {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  for (const component of events(calendar)) {
    for (const property of component.getAllProperties('attendee')) {
      if (String(property.getFirstValue()).toLowerCase() === address) {
        property.setParameter('partstat', partstat);
        property.removeParameter('rsvp');
        property.removeParameter('schedule-status');
      }
    }
  }
  return calendar.toString();
}
