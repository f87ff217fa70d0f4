// The VCALENDAR/VFREEBUSY answer (RFC 4791 §7.10, RFC 5545 §3.6.4): DTSTAMP, the queried range as
// DTSTART/DTEND and one FREEBUSY line per period with its FBTYPE, all in UTC; as text, jCal or xCal.
import { serializeCalendar, type CalendarMediaType, type JCalComponent } from '../ical/formats.ts';
import { UTC_ZONE, utcMsToLocal } from '../tz/zone.ts';
import type { BusyPeriod, FreeBusyRange } from './periods.ts';

export type FreeBusyMediaType = CalendarMediaType;

export interface FreeBusyDocument {
  range: FreeBusyRange;
  dtstampUtcMs: number;
  /** RFC 5545 requires a UID in VFREEBUSY; callers pass a fresh one per answer. */
  uid?: string | undefined;
  /** METHOD of the VCALENDAR, for iTIP replies (RFC 5546 §3.3 VFREEBUSY REPLY). */
  method?: string | undefined;
  organizer?: string | undefined;
  attendee?: string | undefined;
  /** The Freebusy URL the data was read from. */
  url?: string | undefined;
}

export const FREEBUSY_PRODID = '-//Orrery//Orrery CalDAV Server//EN';

type JCalProperty = [string, Record<string, string>, string, ...unknown[]];

/** The answer as a jCal array (RFC 7265). */
export function freeBusyJCal(periods: readonly BusyPeriod[], doc: FreeBusyDocument): unknown[] {
  const calendarProps: JCalProperty[] = [
    ['version', {}, 'text', '2.0'],
    ['prodid', {}, 'text', FREEBUSY_PRODID],
  ];
  if (doc.method) calendarProps.push(['method', {}, 'text', doc.method]);
  const props: JCalProperty[] = [];
  if (doc.uid) props.push(['uid', {}, 'text', doc.uid]);
  props.push(['dtstamp', {}, 'date-time', utc(doc.dtstampUtcMs)]);
  props.push(['dtstart', {}, 'date-time', utc(doc.range.startUtcMs)]);
  props.push(['dtend', {}, 'date-time', utc(doc.range.endUtcMs)]);
  if (doc.organizer) props.push(['organizer', {}, 'cal-address', doc.organizer]);
  if (doc.attendee) props.push(['attendee', {}, 'cal-address', doc.attendee]);
  if (doc.url) props.push(['url', {}, 'uri', doc.url]);
  for (const period of periods) {
    props.push(['freebusy', { fbtype: period.type }, 'period', [utc(period.startUtcMs), utc(period.endUtcMs)]]);
  }
  return ['vcalendar', calendarProps, [['vfreebusy', props, []]]];
}

export function renderFreeBusy(periods: readonly BusyPeriod[], doc: FreeBusyDocument, mediaType: FreeBusyMediaType = 'text/calendar'): string {
  return serializeCalendar(freeBusyJCal(periods, doc) as JCalComponent, mediaType);
}

// --- Internal helpers ---

function utc(utcMs: number): string {
  const t = utcMsToLocal(UTC_ZONE, utcMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${String(t.year).padStart(4, '0')}-${p(t.month)}-${p(t.day)}T${p(t.hour)}:${p(t.minute)}:${p(t.second)}Z`;
}
