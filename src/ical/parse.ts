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

