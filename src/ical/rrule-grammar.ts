// The RECUR value grammar (RFC 5545 §3.3.10, RSCALE and SKIP from RFC 7529): which rule parts
// exist, their value ranges, and the combinations the RFC forbids. ical.js accepts most broken
// rules (INTERVAL=0, COUNT without FREQ, empty parts) and then expands them in ways no client meant.
import { dateProblem, dateTimeProblem } from './values.ts';

/** What the rule is checked against: the value type of its component's DTSTART, when it has one. */
export interface RecurContext {
  dtstartType?: 'DATE' | 'DATE-TIME' | undefined;
}

/** Why the rule is invalid, naming the offending part, or undefined when it is valid. */
export function recurProblem(text: string, context: RecurContext = {}): string | undefined {
  if (text === '') return 'the rule is empty';
  const parts = new Map<string, string>();
  for (const part of text.split(';')) {
    if (part === '') return 'it has an empty rule part (";;" or a ";" at either end)';
    const equals = part.indexOf('=');
    if (equals <= 0) return `rule part "${part}" is not NAME=VALUE`;
    const name = part.slice(0, equals).toUpperCase();
    if (parts.has(name)) return `rule part ${name} appears more than once`;
    parts.set(name, part.slice(equals + 1));
  }
  if (!parts.has('FREQ')) return 'the rule has no FREQ part, which is required';
  for (const [name, value] of parts) {
    if (name.startsWith('X-')) continue;
    const check = PART_CHECKS[name];
    if (!check) return `rule part ${name} is not defined (RFC 5545 §3.3.10)`;
    if (value === '') return `rule part ${name} has no value`;
    const problem = check(value, parts, context);
    if (problem) return `${name}=${value}: ${problem}`;
  }
  if (parts.has('COUNT') && parts.has('UNTIL')) return 'COUNT and UNTIL cannot both be given';
  if (parts.has('BYSETPOS') && ![...parts.keys()].some((name) => name.startsWith('BY') && name !== 'BYSETPOS')) {
    return 'BYSETPOS needs another BYxxx rule part to select from';
  }
  return undefined;
}

// --- Internal helpers ---

type PartCheck = (value: string, parts: ReadonlyMap<string, string>, context: RecurContext) => string | undefined;

const FREQUENCIES = new Set(['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);
const WEEKDAYS = new Set(['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA']);

const PART_CHECKS: Record<string, PartCheck> = {
  FREQ: (value) => (FREQUENCIES.has(value.toUpperCase()) ? undefined : `must be one of ${[...FREQUENCIES].join(', ')}`),
  UNTIL: untilProblem,
  COUNT: positiveInteger,
  INTERVAL: positiveInteger,
  BYSECOND: (value) => eachItem(value, (item) => unsignedInRange(item, 0, 60)),
  BYMINUTE: (value) => eachItem(value, (item) => unsignedInRange(item, 0, 59)),
  BYHOUR: (value) => eachItem(value, (item) => unsignedInRange(item, 0, 23)),
  BYDAY: (value, parts) => eachItem(value, (item) => weekdayNumProblem(item, parts)),
  BYMONTHDAY: (value, parts) => (freqIs(parts, 'WEEKLY') ? 'not allowed when FREQ=WEEKLY' : eachItem(value, (item) => signedInRange(item, 31))),
  BYYEARDAY: (value, parts) =>
    freqIs(parts, 'DAILY', 'WEEKLY', 'MONTHLY') ? 'not allowed when FREQ is DAILY, WEEKLY or MONTHLY' : eachItem(value, (item) => signedInRange(item, 366)),
  BYWEEKNO: (value, parts) => (freqIs(parts, 'YEARLY') ? eachItem(value, (item) => signedInRange(item, 53)) : 'only allowed when FREQ=YEARLY'),
  BYMONTH: (value, parts) => eachItem(value, (item) => monthProblem(item, parts.has('RSCALE'))),
  BYSETPOS: (value) => eachItem(value, (item) => signedInRange(item, 366)),
  WKST: (value) => (WEEKDAYS.has(value.toUpperCase()) ? undefined : 'must be a weekday (SU, MO, TU, WE, TH, FR or SA)'),
  RSCALE: (value) => (/^[A-Za-z0-9-]+$/.test(value) ? undefined : 'must be a calendar scale name (RFC 7529)'),
  SKIP: (value, parts) => {
    if (!parts.has('RSCALE')) return 'only allowed together with RSCALE (RFC 7529 §4.1)';
    return /^(OMIT|BACKWARD|FORWARD)$/i.test(value) ? undefined : 'must be OMIT, BACKWARD or FORWARD';
  },
};

function untilProblem(value: string, _parts: ReadonlyMap<string, string>, context: RecurContext): string | undefined {
  const isDate = !value.includes('T');
  const problem = isDate ? dateProblem(value) : dateTimeProblem(value);
  if (problem) return problem;
  const type = isDate ? 'DATE' : 'DATE-TIME';
  if (context.dtstartType && context.dtstartType !== type) return `a ${type}, but DTSTART is a ${context.dtstartType}; UNTIL must have the same value type as DTSTART`;
  return undefined;
}

function positiveInteger(value: string): string | undefined {
  return /^\d+$/.test(value) && Number(value) > 0 ? undefined : 'must be a positive integer';
}

function eachItem(value: string, check: (item: string) => string | undefined): string | undefined {
  for (const item of value.split(',')) {
    if (item === '') return 'the list has an empty item';
    const problem = check(item);
    if (problem) return problem;
  }
  return undefined;
}

function unsignedInRange(item: string, min: number, max: number): string | undefined {
  return /^\d{1,2}$/.test(item) && Number(item) >= min && Number(item) <= max ? undefined : `"${item}" is not a number from ${min} to ${max}`;
}

/** ±1 to ±max (zero is never a position). */
function signedInRange(item: string, max: number): string | undefined {
  const match = /^[+-]?(\d{1,3})$/.exec(item);
  const n = match ? Number(match[1]) : 0;
  return n >= 1 && n <= max ? undefined : `"${item}" is not a number from 1 to ${max} or -${max} to -1`;
}

/** [+/-]n weekday: n (1-53) only with a MONTHLY or YEARLY rule, and not beside BYWEEKNO (RFC 5545 §3.3.10). */
function weekdayNumProblem(item: string, parts: ReadonlyMap<string, string>): string | undefined {
  const match = /^([+-]?\d{1,2})?([A-Za-z]{2})$/.exec(item);
  if (!match || !WEEKDAYS.has(match[2]!.toUpperCase())) return `"${item}" is not a weekday, optionally preceded by a number (like MO or -1FR)`;
  if (match[1] === undefined) return undefined;
  const n = Math.abs(Number(match[1]));
  if (n < 1 || n > 53) return `"${item}": the number must be from 1 to 53 or -53 to -1`;
  if (!freqIs(parts, 'MONTHLY', 'YEARLY')) return `"${item}": a numbered weekday needs FREQ=MONTHLY or FREQ=YEARLY`;
  if (parts.has('BYWEEKNO')) return `"${item}": a numbered weekday cannot be combined with BYWEEKNO`;
  return undefined;
}

/**
 * 1-12; with RSCALE also 13 (the Ethiopic and Coptic calendars' short last month) and a trailing L
 * for a leap month (RFC 7529 §4.2), both of which only other calendar scales have.
 */
function monthProblem(item: string, rscale: boolean): string | undefined {
  const match = /^(\d{1,2})(L?)$/i.exec(item);
  const last = rscale ? 13 : 12;
  if (!match || Number(match[1]) < 1 || Number(match[1]) > last) return `"${item}" is not a month from 1 to ${last}`;
  if (match[2] !== '' && !rscale) return `"${item}": a leap month (L) needs RSCALE`;
  return undefined;
}

function freqIs(parts: ReadonlyMap<string, string>, ...frequencies: string[]): boolean {
  return frequencies.includes((parts.get('FREQ') ?? '').toUpperCase());
}
