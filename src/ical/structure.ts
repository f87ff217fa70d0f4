// The shape of a calendar object, checked on its jCal tree before anything walks it: how deep
// components nest and how many components and properties there are, and the parts a VTIMEZONE
// needs (RFC 5545 §3.6.5). Walks are iterative, so no input can exhaust the stack here.
import { InvalidICalendarError } from './parse.ts';

/**
 * Components below VCALENDAR nest two levels in RFC 5545 (VEVENT > VALARM) and three with RFC 9073
 * (PARTICIPANT > VLOCATION inside an event); deeper nesting serves no client, and every recursive
 * walk over the object (ical.js's own serialiser among them) costs stack per level. Cyrus has no
 * option for these bounds, so they are constants.
 */
export const MAX_COMPONENT_DEPTH = 16;
/** A series with a thousand overrides, each with alarms, stays well below this. */
export const MAX_COMPONENTS = 10_000;
/** Room for a thousand overrides with a couple of hundred attendees each. */
export const MAX_PROPERTIES = 250_000;

type JCal = [string, unknown[][], JCal[]];

/** Throws InvalidICalendarError naming the limit an object's nesting or size passes. */
export function checkStructure(root: unknown): void {
  let components = 0;
  let properties = 0;
  const stack: [JCal, number][] = [[asJCal(root), 0]];
  while (stack.length > 0) {
    const [component, depth] = stack.pop()!;
    if (depth > MAX_COMPONENT_DEPTH) {
      throw new InvalidICalendarError(`Components are nested more than ${MAX_COMPONENT_DEPTH} levels deep below VCALENDAR (${component[0].toUpperCase()}); this server accepts at most ${MAX_COMPONENT_DEPTH}`);
    }
    components++;
    properties += component[1].length;
    if (!component[1].every((p) => Array.isArray(p) && typeof p[0] === 'string')) {
      throw new InvalidICalendarError(`A property of ${component[0].toUpperCase()} is not a [name, parameters, type, value] array`);
    }
    if (components > MAX_COMPONENTS) throw new InvalidICalendarError(`The object has more than ${MAX_COMPONENTS} components; this server accepts at most ${MAX_COMPONENTS}`);
    if (properties > MAX_PROPERTIES) throw new InvalidICalendarError(`The object has more than ${MAX_PROPERTIES} properties; this server accepts at most ${MAX_PROPERTIES}`);
    for (const child of component[2]) stack.push([asJCal(child), depth + 1]);
  }
}

/**
 * Every VTIMEZONE has a TZID and at least one STANDARD or DAYLIGHT observance, each with DTSTART,
 * TZOFFSETFROM and TZOFFSETTO (RFC 5545 §3.6.5). The offsets' grammar is checked with the other values.
 */
export function checkTimezones(root: unknown): void {
  for (const zone of asJCal(root)[2].filter((c) => c[0] === 'vtimezone')) {
    const tzid = zone[1].find((p) => p[0] === 'tzid');
    if (!tzid || typeof tzid[3] !== 'string' || tzid[3] === '') throw new InvalidICalendarError('A VTIMEZONE has no TZID property (RFC 5545 §3.6.5)');
    const name = `VTIMEZONE ${tzid[3]}`;
    const observances = zone[2].filter((c) => c[0] === 'standard' || c[0] === 'daylight');
    if (observances.length === 0) throw new InvalidICalendarError(`${name} has no STANDARD or DAYLIGHT component (RFC 5545 §3.6.5)`);
    for (const observance of observances) {
      for (const required of ['dtstart', 'tzoffsetfrom', 'tzoffsetto']) {
        if (!observance[1].some((p) => p[0] === required)) {
          throw new InvalidICalendarError(`A ${observance[0].toUpperCase()} component of ${name} has no ${required.toUpperCase()} property (RFC 5545 §3.6.5)`);
        }
      }
    }
  }
}

// --- Internal helpers ---

function asJCal(value: unknown): JCal {
  if (!Array.isArray(value) || typeof value[0] !== 'string' || !Array.isArray(value[1]) || !Array.isArray(value[2])) {
    throw new InvalidICalendarError('A component is not a [name, properties, components] array');
  }
  return value as JCal;
}
