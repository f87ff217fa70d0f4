// A new overriding component for one instance of a recurring component (RFC 5545 §3.8.4.4), as
// scheduling (an answer or a reply about one instance), managed attachments (an attachment added to
// one instance) and VPATCH (a patch of one instance) each need one.
import ICAL from 'ical.js';
import { tzidOf } from './zones.ts';

/** The start of an instance as its RECURRENCE-ID is written: the value, and the TZID it is in. */
export interface InstanceStart {
  time: ICAL.Time;
  tzid: string | undefined;
}

const RULES = ['rrule', 'rdate', 'exdate', 'exrule', 'recurrence-id'];

/**
 * The master's properties and subcomponents, without its recurrence rules, with DTSTART and
 * RECURRENCE-ID at the instance's start and DTEND (DUE for a VTODO) moved with it. The end keeps
 * its own zone and moves by as much wall-clock time as the start did, as the instances of the
 * series do; an end in another zone than the start (a flight) stays that far from it. Only when
 * the start comes in another form than the master's (another TZID, UTC, a DATE) is the end
 * written in the start's form, at the master's wall-clock length. The master is not modified and
 * the override is not added to any calendar: callers decide what else it keeps (VALARMs, DTSTAMP).
 */
export function deriveOverride(master: ICAL.Component, start: InstanceStart): ICAL.Component {
  const override = new ICAL.Component(structuredClone(master.toJSON()) as unknown[]);
  for (const name of RULES) override.removeAllProperties(name);
  const startProperty = override.getFirstProperty('dtstart');
  const oldStart = startProperty?.getFirstValue();
  const newStart = start.time.clone();
  const endProperty = override.getFirstProperty(master.name === 'vtodo' ? 'due' : 'dtend');
  const oldEnd = endProperty?.getFirstValue();
  if (endProperty && oldStart instanceof ICAL.Time && oldEnd instanceof ICAL.Time) {
    if (sameForm(oldStart, tzidOf(startProperty!), newStart, start.tzid)) {
      setTime(endProperty, movedBy(oldEnd, wallClock(newStart).subtractDate(wallClock(oldStart))), tzidOf(endProperty));
    } else {
      setTime(endProperty, movedBy(newStart, wallClock(oldEnd).subtractDate(wallClock(oldStart))), start.tzid);
    }
  }
  if (startProperty) setTime(startProperty, newStart, start.tzid);
  else override.addProperty(timeProperty('dtstart', newStart, start.tzid));
  override.addProperty(timeProperty('recurrence-id', newStart, start.tzid));
  return override;
}

// --- Internal helpers ---

/** Whether two times are written alike: both DATEs, or both DATE-TIMEs in UTC, floating, or the same TZID. */
function sameForm(a: ICAL.Time, aTzid: string | undefined, b: ICAL.Time, bTzid: string | undefined): boolean {
  return a.isDate === b.isDate && isUtc(a) === isUtc(b) && aTzid === bTzid;
}

function isUtc(time: ICAL.Time): boolean {
  return time.zone === ICAL.Timezone.utcTimezone;
}

/** The time's fields without its zone, for arithmetic in wall-clock time. */
function wallClock(time: ICAL.Time): ICAL.Time {
  return ICAL.Time.fromData({ year: time.year, month: time.month, day: time.day, hour: time.hour, minute: time.minute, second: time.second, isDate: time.isDate });
}

/** `time` moved by a wall-clock duration, in its own zone and form. */
function movedBy(time: ICAL.Time, duration: ICAL.Duration): ICAL.Time {
  const moved = wallClock(time);
  moved.addDuration(duration);
  const result = time.clone();
  Object.assign(result, { year: moved.year, month: moved.month, day: moved.day, hour: moved.hour, minute: moved.minute, second: moved.second });
  return result;
}

function setTime(property: ICAL.Property, time: ICAL.Time, tzid: string | undefined): void {
  property.setValue(time.clone());
  if (tzid && !time.isDate) property.setParameter('tzid', tzid);
  else property.removeParameter('tzid');
}

function timeProperty(name: string, time: ICAL.Time, tzid: string | undefined): ICAL.Property {
  const property = new ICAL.Property(name);
  setTime(property, time, tzid);
  return property;
}
