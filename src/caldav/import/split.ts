// Cuts a streamed iCalendar file into one calendar object per UID (RFC 4791 §4.1: a resource holds
// the master and the overridden instances of one UID), as Cyrus's bulk import does. The file is
// read once, line by line; components wait in a bounded window for the rest of their UID and are
// handed on in batches, oldest first, when the window fills (import.ts documents what that means
// for a UID whose components lie further apart than the window).
import { conditionError, type DavError } from '../../dav/errors.ts';
import { parseContentLine } from '../../ical/content-lines.ts';
import type { StreamedLine } from './lines.ts';

export interface ImportGroup {
  kind: 'group';
  uid: string;
  /** The text of each component as sent, the master (without RECURRENCE-ID) first. */
  components: string[];
  /** The TZIDs its components use. */
  tzids: Set<string>;
}

/** A component that cannot be stored whatever the calendar (no UID, too large), or the end of a broken file. */
export interface ImportProblem {
  kind: 'problem';
  uid: string | null;
  error: DavError;
}

export interface SplitLimits {
  /** Longest text one component may have (the calendar object size limit). */
  maxComponentChars: number;
  /** Components, and characters of them, held while waiting for more of their UID. */
  windowComponents: number;
  windowChars: number;
}

/**
 * Splits one or more concatenated VCALENDARs. VERSION, PRODID and CALSCALE of the calendar and its
 * VTIMEZONEs are kept (in `calendarLines` and `timezones`) for the objects built from it; other
 * calendar properties (METHOD, X-WR-CALNAME) describe the file, not the objects, and are dropped.
 */
export class CalendarSplitter {
  readonly calendarLines: string[] = [];
  /** VTIMEZONE text by TZID, as sent. */
  readonly timezones = new Map<string, string>();
  private readonly waiting = new Map<string, ImportGroup>();
  private waitingComponents = 0;
  private waitingChars = 0;

  constructor(private readonly limits: SplitLimits) {}

  async *split(lines: AsyncIterable<StreamedLine>): AsyncGenerator<ImportGroup | ImportProblem> {
    let inCalendar = false;
    let seenCalendar = false;
    let component: OpenComponent | null = null;
    for await (const line of lines) {
      const name = lineName(line.unfolded);
      if (component) {
        const done = component.add(line, name, this.limits.maxComponentChars);
        if (done) {
          component = null;
          yield* this.accept(done);
        }
        continue;
      }
      if (name === 'BEGIN') {
        const value = valueOf(line.unfolded).toUpperCase();
        if (!inCalendar) {
          if (value !== 'VCALENDAR') throw invalid(seenCalendar ? `Expected BEGIN:VCALENDAR, found BEGIN:${value}` : 'The body is not an iCalendar object: it does not begin with BEGIN:VCALENDAR');
          inCalendar = seenCalendar = true;
          this.calendarLines.length = 0;
        } else {
          component = new OpenComponent(value, line.raw);
        }
      } else if (name === 'END' && inCalendar && valueOf(line.unfolded).toUpperCase() === 'VCALENDAR') {
        inCalendar = false;
      } else if (!inCalendar) {
        throw invalid(seenCalendar ? `Only whole VCALENDARs may follow END:VCALENDAR, not ${name || 'this line'}` : 'The body is not an iCalendar object: it does not begin with BEGIN:VCALENDAR');
      } else if (name === 'VERSION' || name === 'PRODID' || name === 'CALSCALE') {
        this.calendarLines.push(line.raw);
      }
    }
    if (!seenCalendar) throw invalid('The body holds no iCalendar object');
    yield* this.flush(Infinity);
    if (component || inCalendar) {
      yield { kind: 'problem', uid: component?.uid ?? null, error: invalid(`The calendar data ends inside ${component ? component.name : 'VCALENDAR'} (no END line)`) };
    }
  }

  private *accept(done: FinishedComponent): Generator<ImportGroup | ImportProblem> {
    if (done.problem) {
      yield { kind: 'problem', uid: done.uid, error: done.problem };
      return;
    }
    if (done.name === 'VTIMEZONE') {
      if (done.tzid !== null) this.timezones.set(done.tzid, done.text);
      return;
    }
    if (done.uid === null) {
      yield { kind: 'problem', uid: null, error: invalid(`A ${done.name} has no UID, so it cannot be stored as a calendar object (RFC 5545 §3.8.4.7)`) };
      return;
    }
    let group = this.waiting.get(done.uid);
    if (!group) {
      group = { kind: 'group', uid: done.uid, components: [], tzids: new Set() };
      this.waiting.set(done.uid, group);
    }
    if (done.isOverride) group.components.push(done.text);
    else group.components.unshift(done.text);
    for (const tzid of done.tzids) group.tzids.add(tzid);
    this.waitingComponents++;
    this.waitingChars += done.text.length;
    if (this.waitingComponents > this.limits.windowComponents || this.waitingChars > this.limits.windowChars) {
      // Half the window goes at once: the objects are written in batches, and what stays behind
      // is what arrived last, whose overrides are the likeliest still to come.
      yield* this.flush(0.5);
    }
  }

  /** Hands on the oldest groups until at most `keep` of the window is left (Infinity: all). */
  private *flush(keep: number): Generator<ImportGroup> {
    const keepComponents = keep === Infinity ? 0 : this.limits.windowComponents * keep;
    const keepChars = keep === Infinity ? 0 : this.limits.windowChars * keep;
    for (const [uid, group] of this.waiting) {
      if (keep !== Infinity && this.waitingComponents <= keepComponents && this.waitingChars <= keepChars) return;
      this.waiting.delete(uid);
      this.waitingComponents -= group.components.length;
      for (const text of group.components) this.waitingChars -= text.length;
      yield group;
    }
  }
}

// --- Internal helpers ---

interface FinishedComponent {
  name: string;
  text: string;
  uid: string | null;
  tzid: string | null;
  isOverride: boolean;
  tzids: Set<string>;
  problem: DavError | null;
}

/** One top-level component being read, with what the split needs to know of it. */
class OpenComponent {
  uid: string | null = null;
  private readonly lines: string[];
  private chars: number;
  private depth = 1;
  private tzid: string | null = null;
  private isOverride = false;
  private readonly tzids = new Set<string>();
  private tooLarge = false;

  constructor(readonly name: string, begin: string) {
    this.lines = [begin];
    this.chars = begin.length;
  }

  /** Takes the next line; returns the component once its END line came. */
  add(line: StreamedLine, name: string, maxChars: number): FinishedComponent | null {
    if (name === 'BEGIN') this.depth++;
    else if (name === 'END') this.depth--;
    else if (this.depth === 1 && name === 'UID' && this.uid === null) this.uid = valueOf(line.unfolded);
    else if (this.depth === 1 && name === 'RECURRENCE-ID') this.isOverride = true;
    else if (this.depth === 1 && name === 'TZID' && this.name === 'VTIMEZONE') this.tzid = valueOf(line.unfolded);
    if (name !== 'TZID' && /;TZID=/i.test(line.unfolded)) {
      const tzid = parseContentLine(line.unfolded)?.params.get('TZID');
      if (tzid !== undefined) this.tzids.add(tzid.replace(/^"(.*)"$/, '$1'));
    }
    if (!this.tooLarge) {
      this.chars += line.raw.length + 2;
      // Past the limit the text is no longer kept: the object could not be stored anyway.
      if (this.chars > maxChars) {
        this.tooLarge = true;
        this.lines.length = 0;
      } else {
        this.lines.push(line.raw);
      }
    }
    if (this.depth > 0) return null;
    const problem = this.tooLarge
      ? conditionError({ name: '{urn:ietf:params:xml:ns:caldav}max-resource-size' }, `This ${this.name} is larger than the ${maxChars} bytes a calendar object may have`)
      : null;
    return { name: this.name, text: `${this.lines.join('\r\n')}\r\n`, uid: this.uid, tzid: this.tzid, isOverride: this.isOverride, tzids: this.tzids, problem };
  }
}

function lineName(line: string): string {
  let i = 0;
  while (i < line.length && line[i] !== ';' && line[i] !== ':') i++;
  return line.slice(0, i).toUpperCase();
}

/** The value of a line without parameters worth reading (BEGIN, END, UID, TZID). */
function valueOf(line: string): string {
  return (parseContentLine(line)?.value ?? line.slice(line.indexOf(':') + 1)).trim();
}

function invalid(message: string): DavError {
  return conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-calendar-data' }, message);
}
