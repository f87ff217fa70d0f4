// iCalendar text → ical.js component, with parse failures as a typed domain error.
import ICAL from 'ical.js';
// RSCALE rules' leap-month BYMONTH values (RFC 7529) must survive every parse, so this loads first.
import './rscale/recur-value.ts';

export class InvalidICalendarError extends Error {
  override name = 'InvalidICalendarError';
}

export type Component = ICAL.Component;
export { ICAL };

export function parseICalendar(text: string): ICAL.Component {
  if (!/^\s*BEGIN:VCALENDAR/i.test(text)) throw new InvalidICalendarError('The body is not an iCalendar object (it must begin with BEGIN:VCALENDAR)');
  let jcal: unknown;
  try {
    jcal = ICAL.parse(text);
  } catch (error) {
    throw new InvalidICalendarError(`The iCalendar data cannot be parsed: ${(error as Error).message}`);
  }
  const roots = Array.isArray(jcal) && typeof jcal[0] === 'string' ? [jcal] : (jcal as unknown[]);
  if (roots.length !== 1) throw new InvalidICalendarError('A calendar object resource must contain exactly one VCALENDAR');
  const root = new ICAL.Component(roots[0] as unknown[]);
  if (root.name !== 'vcalendar') throw new InvalidICalendarError('The top-level component must be VCALENDAR');
  return root;
}

/** Parses jCal (RFC 7265) into a component. */
export function parseJCal(text: string): ICAL.Component {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidICalendarError(`The jCal data is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(json) || json[0] !== 'vcalendar') throw new InvalidICalendarError('jCal data must be a vcalendar array');
  try {
    return new ICAL.Component(json as unknown[]);
  } catch (error) {
    throw new InvalidICalendarError(`The jCal data is malformed: ${(error as Error).message}`);
  }
}
