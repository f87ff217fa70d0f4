// The indexed columns of a calendar object (UID, component type, organizer, first/last occurrence
// in UTC), computed once at write time so that queries can pre-filter in SQL.
import type { AppConfig } from '../config.ts';
import { ICAL } from '../ical/parse.ts';
import type { CalendarObjectIndex } from '../storage/index.ts';

/** Floating and zoned times are widened by this much, so the prefilter is right in any zone. */
const ZONE_SLACK_MS = 14 * 3600 * 1000;

export function computeIndex(vcalendar: ICAL.Component, components: ICAL.Component[], config: AppConfig): CalendarObjectIndex {
  const master = components.find((c) => !c.getFirstProperty('recurrence-id')) ?? components[0]!;
  const horizonMs = compactToMs(config.caldav_maxdatetime);
  let first: number | null = null;
  let last: number | null = null;
  let recurring = false;
  for (const component of components) {
    const span = componentSpan(component, horizonMs, config.caldav_max_instances);
    if (span.recurring) recurring = true;
    if (span.start !== null) first = first === null ? span.start : Math.min(first, span.start);
    if (span.end !== null) last = last === null ? span.end : Math.max(last, span.end);
  }
  const organizer = master.getFirstPropertyValue('organizer');
  void vcalendar;
  return {
    uid: String(master.getFirstPropertyValue('uid')),
    componentType: master.name.toUpperCase(),
    firstStart: first === null ? null : first - ZONE_SLACK_MS,
    lastEnd: last === null ? null : last + ZONE_SLACK_MS,
    isRecurring: recurring,
    organizer: typeof organizer === 'string' ? organizer : null,
  };
}

function componentSpan(component: ICAL.Component, horizonMs: number, maxInstances: number): { start: number | null; end: number | null; recurring: boolean } {
  const dtstart = component.getFirstPropertyValue('dtstart') as ICAL.Time | null;
  const endProp = component.getFirstPropertyValue(component.name === 'vtodo' ? 'due' : 'dtend') as ICAL.Time | null;
  const duration = component.getFirstPropertyValue('duration') as ICAL.Duration | null;
  if (!(dtstart instanceof ICAL.Time)) {
    const due = endProp instanceof ICAL.Time ? timeMs(endProp) : null;
    return { start: due, end: due, recurring: false };
  }
  const startMs = timeMs(dtstart);
  let lengthMs = 0;
  if (endProp instanceof ICAL.Time) lengthMs = Math.max(0, timeMs(endProp) - startMs);
  else if (duration instanceof ICAL.Duration) lengthMs = duration.toSeconds() * 1000;
  else if (dtstart.isDate) lengthMs = 86400_000;
  const rrule = component.getFirstPropertyValue('rrule') as ICAL.Recur | null;
  const rdates = component.getAllProperties('rdate');
  if (!rrule && rdates.length === 0) return { start: startMs, end: startMs + lengthMs, recurring: false };
  let lastStart = startMs;
  for (const rdate of rdates) {
    for (const value of rdate.getValues() as unknown[]) {
      const time = value instanceof ICAL.Time ? value : value instanceof ICAL.Period ? value.start : null;
      if (time) lastStart = Math.max(lastStart, timeMs(time));
    }
  }
  if (rrule) {
    if (!rrule.count && !rrule.until) return { start: startMs, end: horizonMs, recurring: true };
    const iterator = rrule.iterator(dtstart);
    let count = 0;
    for (let next = iterator.next(); next; next = iterator.next()) {
      if (++count > maxInstances) {
        const error = new Error(`The recurrence yields more than ${maxInstances} instances`);
        error.name = 'TooManyInstances';
        throw error;
      }
      lastStart = Math.max(lastStart, timeMs(next));
    }
  }
  return { start: startMs, end: Math.min(lastStart + lengthMs, horizonMs + lengthMs), recurring: true };
}

/** UTC milliseconds of a time, approximately for zoned values (the slack above absorbs the error). */
function timeMs(time: ICAL.Time): number {
  const copy = time.clone();
  if (copy.zone === ICAL.Timezone.localTimezone || !copy.zone || copy.isDate) {
    return Date.UTC(copy.year, copy.month - 1, copy.day, copy.hour, copy.minute, copy.second);
  }
  return copy.toUnixTime() * 1000;
}

function compactToMs(compact: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(compact)!;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}
