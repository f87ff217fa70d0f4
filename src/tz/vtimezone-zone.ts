// A Zone read from a client-supplied VTIMEZONE (RFC 5545 §3.6.5): every STANDARD/DAYLIGHT onset
// (DTSTART, RDATE, RRULE, less EXDATE) up to 2100 becomes a transition, expanded once per instance.
import ICAL from 'ical.js';
import { daysFromCivil, SECONDS_PER_DAY } from './civil.ts';
import { lastAtOrBefore } from './sorted.ts';
import type { Zone } from './zone.ts';

/** Onsets after this instant are not expanded; the offset then stays as it was. */
const EXPANSION_LIMIT_SECONDS = daysFromCivil(2101, 1, 1) * SECONDS_PER_DAY;
const MAX_RRULE_OCCURRENCES = 2000;

interface Onset {
  utcSeconds: number;
  utcOffset: number;
}

export function zoneFromVtimezone(vtimezone: ICAL.Component): Zone {
  return new VtimezoneZone(vtimezone);
}

class VtimezoneZone implements Zone {
  readonly tzid: string;
  private times: number[] | undefined;
  private offsets: number[] = [];
  private initialOffset = 0;

  constructor(private readonly component: ICAL.Component) {
    const tzid = component.getFirstPropertyValue('tzid');
    this.tzid = typeof tzid === 'string' ? tzid : '';
  }

  offsetAtUtc(utcMs: number): number {
    const times = this.times ?? this.expand();
    const found = lastAtOrBefore(times, Math.floor(utcMs / 1000));
    return found < 0 ? this.initialOffset : (this.offsets[found] as number);
  }

  private expand(): number[] {
    const onsets: Onset[] = [];
    let earliest: { utcSeconds: number; offsetFrom: number } | undefined;
    for (const observance of this.component.getAllSubcomponents()) {
      if (observance.name !== 'standard' && observance.name !== 'daylight') continue;
      const offsetFrom = readOffset(observance, 'tzoffsetfrom');
      const offsetTo = readOffset(observance, 'tzoffsetto');
      if (offsetFrom === undefined || offsetTo === undefined) continue;
      for (const utcSeconds of observanceOnsets(observance, offsetFrom)) {
        onsets.push({ utcSeconds, utcOffset: offsetTo });
        if (!earliest || utcSeconds < earliest.utcSeconds) earliest = { utcSeconds, offsetFrom };
      }
    }
    onsets.sort((a, b) => a.utcSeconds - b.utcSeconds);
    const times: number[] = [];
    for (const onset of onsets) {
      if (times.length && times[times.length - 1] === onset.utcSeconds) {
        this.offsets[this.offsets.length - 1] = onset.utcOffset;
        continue;
      }
      times.push(onset.utcSeconds);
      this.offsets.push(onset.utcOffset);
    }
    // Before the first onset, the offset it changes from is the best knowledge there is.
    this.initialOffset = earliest?.offsetFrom ?? 0;
    this.times = times;
    return times;
  }
}

/** Onsets of one observance, in UTC seconds; local onsets are read with TZOFFSETFROM. */
function observanceOnsets(observance: ICAL.Component, offsetFrom: number): number[] {
  const dtstartProperty = observance.getFirstProperty('dtstart');
  const dtstartText = dtstartProperty ? rawValues(dtstartProperty)[0] : undefined;
  const dtstart = typeof dtstartText === 'string' ? parseLocal(dtstartText) : undefined;
  if (!dtstart) return [];
  const locals = new Set<number>();
  const utcs = new Set<number>();
  const add = (value: { seconds: number; utc: boolean }) => (value.utc ? utcs : locals).add(value.seconds);
  add(dtstart);

  for (const rdate of observance.getAllProperties('rdate')) {
    for (const value of rawValues(rdate)) {
      // A PERIOD value's onset is its start.
      const text = Array.isArray(value) ? value[0] : value;
      const parsed = typeof text === 'string' ? parseLocal(text) : undefined;
      if (parsed) add(parsed);
    }
  }

  const rrule = observance.getFirstPropertyValue('rrule');
  if (rrule instanceof ICAL.Recur && typeof dtstartText === 'string') {
    // ical.js compares a UTC UNTIL with the local occurrence times and drops a last onset that
    // falls on UNTIL exactly, so UNTIL is applied here, on the UTC onsets.
    const recur = rrule.clone();
    const until = recur.until;
    recur.until = null;
    const untilSeconds = until ? timeSeconds(until) + (until.isDate ? SECONDS_PER_DAY - 1 : 0) : Infinity;
    const untilIsUtc = until !== null && !until.isDate && until.zone === ICAL.Timezone.utcTimezone;
    const iterator = recur.iterator(ICAL.Time.fromDateTimeString(dtstartText.replace(/Z$/, '')));
    for (let i = 0; i < MAX_RRULE_OCCURRENCES; i++) {
      const next = iterator.next();
      if (!next) break;
      const seconds = timeSeconds(next);
      if (seconds - offsetFrom > EXPANSION_LIMIT_SECONDS) break;
      if ((untilIsUtc ? seconds - offsetFrom : seconds) > untilSeconds) break;
      locals.add(seconds);
    }
  }

  for (const exdate of observance.getAllProperties('exdate')) {
    for (const value of rawValues(exdate)) {
      const parsed = typeof value === 'string' ? parseLocal(value) : undefined;
      if (parsed) (parsed.utc ? utcs : locals).delete(parsed.seconds);
    }
  }
  const result = [...utcs];
  for (const local of locals) result.push(local - offsetFrom);
  return result.filter((seconds) => seconds <= EXPANSION_LIMIT_SECONDS);
}

/** An ICAL.Time's wall-clock reading as seconds since 1970 (no zone conversion). */
function timeSeconds(time: ICAL.Time): number {
  return daysFromCivil(time.year, time.month, time.day) * SECONDS_PER_DAY + time.hour * 3600 + time.minute * 60 + time.second;
}

/** jCal values of a property without hydrating them (hydrated UTC offsets would lose seconds). */
function rawValues(property: ICAL.Property): unknown[] {
  return property.jCal.slice(3);
}

/** TZOFFSETFROM/TZOFFSETTO in seconds, keeping the seconds part LMT offsets carry. */
function readOffset(observance: ICAL.Component, name: string): number | undefined {
  const property = observance.getFirstProperty(name);
  const raw = property ? rawValues(property)[0] : undefined;
  if (typeof raw !== 'string') return undefined;
  const match = /^([+-])(\d{2}):?(\d{2})(?::?(\d{2}))?$/.exec(raw);
  if (!match) return undefined;
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4] ?? 0);
  return match[1] === '-' ? -seconds : seconds;
}

/** A jCal date or date-time ("2007-03-11T02:00:00", "2007-03-11", optional "Z") as seconds. */
function parseLocal(text: string): { seconds: number; utc: boolean } | undefined {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})(?:T(\d{2}):?(\d{2}):?(\d{2})(Z)?)?$/.exec(text);
  if (!match) return undefined;
  const days = daysFromCivil(Number(match[1]), Number(match[2]), Number(match[3]));
  const seconds = days * SECONDS_PER_DAY + Number(match[4] ?? 0) * 3600 + Number(match[5] ?? 0) * 60 + Number(match[6] ?? 0);
  return { seconds, utc: match[7] === 'Z' };
}
