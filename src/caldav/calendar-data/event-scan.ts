// A stored object's events as the two ways of expanding from text (a single event, a series) read
// them: found in one pass over the lines that matter.

/** Whether an object's events are timed or all-day: the two are written differently. */
export type TimeKind = 'time' | 'date';

/** A span of the text: a line without its line break, or lines with theirs. */
export interface Span {
  from: number;
  to: number;
}

/** DTSTART, DTEND or RECURRENCE-ID: its line, and what follows its name (`:<UTC>`, `;TZID=…`, `;VALUE=DATE:…`). */
export interface TimeLine extends Span {
  value: string;
}

/** One VEVENT of the text and what expanding it changes. */
export interface EventText extends Span {
  start?: TimeLine;
  end?: TimeLine;
  recurrenceId?: TimeLine;
  /** The recurrence properties, each with its continuation lines and line break. */
  rules: Span[];
  /** UID, with its continuation lines and line break. */
  uids: Span[];
  /** Where a RECURRENCE-ID goes when the event has none: after its properties, before any alarm. */
  propertiesEnd?: number;
  /** A property follows one of the event's alarms (RFC 5545 puts them before). */
  propertyAfterAlarm: boolean;
}

/** The events of an object that can be expanded from its text. */
export interface ScannedEvents {
  events: (EventText & { start: TimeLine; end: TimeLine })[];
  kind: TimeKind;
}

/**
 * The VEVENTs of an object that can be expanded from its text, in order: only VEVENTs (with their
 * alarms), one after the other, each with DTSTART and DTEND, whose DTSTART, DTEND and any
 * RECURRENCE-ID are all times in UTC or in a zone, or all dates, each on one line; and no other
 * zoned or floating time, which the expansion would have to convert. Undefined for any other shape.
 */
export function scanEvents(text: string): ScannedEvents | undefined {
  const events: EventText[] = [];
  let kind: TimeKind | undefined;
  /** The lines the expansion rewrites or leaves out, in the order of the text. */
  const handled: Span[] = [];
  let event: EventText | undefined;
  let inAlarm = false;
  /** Where the event's last alarm so far ended: only another alarm or the event's end may follow. */
  let alarmsEnd: number | undefined;
  let calendar: 'before' | 'open' | 'closed' = 'before';
  let calendarEnd = -1;
  for (let line = nextEventLine(text, 0); line; line = nextEventLine(text, line.next)) {
    const name = line.name;
    if (name === 'BEGIN' || name === 'END') {
      const component = line.separator === ':' ? line.rest.toUpperCase() : '';
      const opens = name === 'BEGIN';
      if (component === 'VEVENT' && calendar === 'open' && !inAlarm && (event !== undefined) !== opens) {
        if (opens) {
          // Events follow one another, with nothing between them that the answer would have to keep.
          const previous = events[events.length - 1];
          if (previous && previous.to !== line.from) return undefined;
          event = { from: line.from, to: line.from, rules: [], uids: [], propertyAfterAlarm: false };
          alarmsEnd = undefined;
        } else {
          if (alarmsEnd !== undefined && alarmsEnd !== line.from) event!.propertyAfterAlarm = true;
          event!.to = Math.min(line.next, text.length);
          event!.propertiesEnd ??= line.from;
          events.push(event!);
          event = undefined;
        }
      } else if (component === 'VALARM' && event && inAlarm !== opens) {
        if (opens && alarmsEnd !== undefined && alarmsEnd !== line.from) event.propertyAfterAlarm = true;
        if (opens) event.propertiesEnd ??= line.from;
        else alarmsEnd = line.next;
        inAlarm = opens;
      } else if (component === 'VCALENDAR' && calendar === (opens ? 'before' : 'open') && !event) {
        calendar = opens ? 'open' : 'closed';
        if (!opens) calendarEnd = line.from;
      } else return undefined;
      continue;
    }
    if (name === 'UID') {
      // An alarm's UID (RFC 9074) is its own; the event's groups its instances.
      if (event && !inAlarm) event.uids.push({ from: line.from, to: logicalLineEnd(text, line) });
      continue;
    }
    // An alarm's repetition DURATION is its own; nothing else here may appear in an alarm.
    if (inAlarm && name === 'DURATION') continue;
    if (!event || inAlarm) return undefined;
    if (RULE_PROPERTIES.has(name)) {
      const rule = { from: line.from, to: logicalLineEnd(text, line) };
      event.rules.push(rule);
      handled.push(rule);
      continue;
    }
    const key = name === 'DTSTART' ? 'start' : name === 'DTEND' ? 'end' : name === 'RECURRENCE-ID' ? 'recurrenceId' : undefined;
    if (!key || event[key] || line.folded) return undefined;
    const value = line.separator + line.rest;
    const lineKind = TIME_VALUE.test(value) ? 'time' : DATE_VALUE.test(value) ? 'date' : undefined;
    // Times and dates together are left to the full expansion, which reads each its own way.
    if (!lineKind || (kind ??= lineKind) !== lineKind) return undefined;
    event[key] = { from: line.from, to: line.to, value };
    handled.push(event[key]);
  }
  const last = events[events.length - 1];
  if (!last || calendar !== 'closed' || calendarEnd !== last.to || !events.every(hasTimes)) return undefined;
  // Any other zoned or floating time (an alarm's, an unknown property's) is left to the full expansion.
  let kept = '';
  let copied = 0;
  for (const span of handled) {
    kept += text.slice(copied, span.from);
    copied = span.to;
  }
  kept += text.slice(copied);
  return TZID_PARAMETER.test(kept) || NON_UTC_DATE_TIME.test(kept) ? undefined : { events, kind: kind! };
}

// --- Internal helpers ---

/** A DATE-TIME that is not UTC: a local or floating time that expansion would rewrite. */
const NON_UTC_DATE_TIME = /\d{8}T\d{6}(?![\dZz])/;

const TZID_PARAMETER = /TZID=/i;

/** A content line starting with one of the names the scan looks for. */
interface NamedLine {
  /** The name in upper case. */
  name: string;
  /** `:` before a value, `;` before parameters. */
  separator: string;
  /** What follows the separator on this line. */
  rest: string;
  /** Where the line starts, and where it ends before its line break. */
  from: number;
  to: number;
  /** Where the next line starts. */
  next: number;
  /** Whether the next line continues this one (a folded line). */
  folded: boolean;
}

/**
 * The lines the decision and the recurrence engine depend on: component boundaries, UID, times and
 * recurrence properties (sticky: tried at one position at a time).
 */
const EVENT_LINE_NAME = /(BEGIN|END|UID|RRULE|RDATE|EXDATE|EXRULE|RECURRENCE-ID|DTSTART|DTEND|DURATION|DUE)([;:])/iy;
/** The first characters of those names, in either case. */
const FIRST_CHARACTERS = new Set([...'BEURDbeurd'].map((character) => character.charCodeAt(0)));

/**
 * The first line starting at or after `position` (the start of a line) that starts with one of the
 * names of EVENT_LINE_NAME. Each line is looked at from its start only: a regular expression
 * anchored with `^` under the `m` flag is tried at every character, which costs more than the rest
 * of the scan.
 */
function nextEventLine(text: string, position: number): NamedLine | undefined {
  for (let from = position; from < text.length; ) {
    const newline = text.indexOf('\n', from);
    const lineEnd = newline === -1 ? text.length : newline;
    const next = lineEnd + 1;
    if (FIRST_CHARACTERS.has(text.charCodeAt(from))) {
      EVENT_LINE_NAME.lastIndex = from;
      // Null for another name, or for one of these that only begins a longer one (DTSTARTX:…).
      const match = EVENT_LINE_NAME.exec(text);
      if (match) {
        const to = lineEnd > from && text.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd;
        const following = text.charCodeAt(next);
        const folded = following === 0x20 || following === 0x09;
        return { name: match[1]!.toUpperCase(), separator: match[2]!, rest: text.slice(from + match[0].length, to), from, to, next, folded };
      }
    }
    from = next;
  }
  return undefined;
}

/** DTSTART, DTEND or RECURRENCE-ID in UTC, or in a zone with nothing else in its parameters. */
const TIME_VALUE = /^(?::\d{8}T\d{6}Z|;TZID=[A-Za-z0-9_+\-/]+:\d{8}T\d{6})$/i;
/** DTSTART, DTEND or RECURRENCE-ID of an all-day event, with nothing else in its parameters. */
const DATE_VALUE = /^;VALUE=DATE:\d{8}$/i;
const RULE_PROPERTIES = new Set(['RRULE', 'RDATE', 'EXDATE', 'EXRULE']);

const hasTimes = (event: EventText): event is EventText & { start: TimeLine; end: TimeLine } => event.start !== undefined && event.end !== undefined;

/** The end, with its line break, of the property on `line`: continuation lines included. */
function logicalLineEnd(text: string, line: NamedLine): number {
  let next = Math.min(line.next, text.length);
  while (text[next] === ' ' || text[next] === '\t') {
    const newline = text.indexOf('\n', next);
    next = newline === -1 ? text.length : newline + 1;
  }
  return next;
}
