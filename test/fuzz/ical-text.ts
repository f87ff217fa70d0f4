// Rendering a generated calendar as text (RFC 5545 §3.1): line ends, folding and a byte order
// mark, and the damage done after rendering (broken values or parameters, lines dropped, repeated,
// inserted or cut off).
import fc from 'fast-check';
import type { IcalComponent } from './ical-arbitraries.ts';
import { BROKEN_DURATIONS, brokenDateTime, EXTREME_RRULES, rrulePart } from './ical-values.ts';

export interface IcalLayout {
  eol: '\r\n' | '\n' | '\r';
  /** Fold content lines at this many characters (75 is the RFC's octet limit); null: never fold. */
  foldAt: number | null;
  trailingEol: boolean;
  bom: boolean;
}

export const layout: fc.Arbitrary<IcalLayout> = fc.record({
  eol: fc.oneof({ weight: 16, arbitrary: fc.constant<IcalLayout['eol']>('\r\n') }, { weight: 6, arbitrary: fc.constant<IcalLayout['eol']>('\n') }, { weight: 1, arbitrary: fc.constant<IcalLayout['eol']>('\r') }),
  foldAt: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: fc.constant(75) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 80 }) }),
  trailingEol: fc.boolean(),
  // Some Windows clients start the body with a UTF-8 byte order mark.
  bom: fc.constantFrom(false, false, false, true),
});

/** Damage done after rendering: a broken value or parameter in one line, or whole lines gone, repeated or cut off. */
export type LineMutation =
  | { kind: 'value'; at: number; value: string }
  | { kind: 'params'; at: number; params: string }
  | { kind: 'drop' | 'duplicate'; at: number }
  | { kind: 'insert'; at: number; line: string }
  | { kind: 'truncate'; at: number };

const brokenValue = fc.oneof(
  brokenDateTime,
  fc.constantFrom(...BROKEN_DURATIONS),
  fc.constantFrom(...EXTREME_RRULES),
  fc.tuple(rrulePart, fc.array(rrulePart, { maxLength: 3 })).map(([first, rest]) => [first, ...rest].join(';')),
  fc.constantFrom('', '99999999999999999999', '-1', 'x'.repeat(70000), '\\', ',,,', ';;;;', 'mailto:', '"'),
);
const brokenParams = fc.constantFrom(
  ';TZID=Nowhere/Nothing', ';VALUE=TEXT', ';TZID=', ';X=";"', ';VALUE=DATE', ';VALUE=PERIOD', ';TZID=Europe/Berlin;VALUE=DATE', ';;', ';=', ';TZID="unterminated',
  ';RANGE=THISANDFUTURE', ';FBTYPE=BUSY', ';RELATED=END', ';X-'.repeat(2000),
);

export const lineMutations: fc.Arbitrary<LineMutation[]> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<LineMutation[]>([]) },
  {
    weight: 4,
    arbitrary: fc.array(
      fc.oneof(
        { weight: 4, arbitrary: fc.record({ kind: fc.constant<'value'>('value'), at: fc.nat(), value: brokenValue }) },
        { weight: 2, arbitrary: fc.record({ kind: fc.constant<'params'>('params'), at: fc.nat(), params: brokenParams }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom<'drop' | 'duplicate'>('drop', 'duplicate'), at: fc.nat() }) },
        {
          weight: 1,
          arbitrary: fc.record({
            kind: fc.constant<'insert'>('insert'),
            at: fc.nat(),
            line: fc.constantFrom(':', 'NOCOLON', ';;;;:x', 'X-;=:', 'BEGIN:', 'END:VCALENDAR', 'BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'END:VEVENT', ' folded-orphan', 'DTSTART;TZID=:', 'A'.repeat(10000)),
          }),
        },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant<'truncate'>('truncate'), at: fc.nat() }) },
      ),
      { minLength: 1, maxLength: 2 },
    ),
  },
);

export function renderIcal(component: IcalComponent, options: IcalLayout, mutations: readonly LineMutation[] = []): string {
  const lines = componentLines(component);
  let truncateAt: number | null = null;
  for (const mutation of mutations) {
    const at = mutation.at % (lines.length + 1);
    const line = lines[at];
    if (mutation.kind === 'value' && line !== undefined && !/^(BEGIN|END):/.test(line)) lines[at] = `${line.slice(0, contentLineColon(line) + 1)}${mutation.value}`;
    else if (mutation.kind === 'params' && line !== undefined && !/^(BEGIN|END):/.test(line)) lines[at] = `${line.slice(0, nameEnd(line))}${mutation.params}${line.slice(contentLineColon(line))}`;
    else if (mutation.kind === 'drop') lines.splice(at, 1);
    else if (mutation.kind === 'duplicate' && line !== undefined) lines.splice(at, 0, line);
    else if (mutation.kind === 'insert') lines.splice(at, 0, mutation.line);
    else if (mutation.kind === 'truncate') truncateAt = mutation.at;
  }
  const folded = options.foldAt === null ? lines : lines.map((line) => fold(line, options.foldAt!, options.eol));
  const text = (options.bom ? '\uFEFF' : '') + folded.join(options.eol) + (options.trailingEol ? options.eol : '');
  return truncateAt === null ? text : text.slice(0, truncateAt % (text.length + 1));
}

// --- Internal helpers ---

function componentLines(component: IcalComponent): string[] {
  return [`BEGIN:${component.name}`, ...component.lines, ...component.children.flatMap(componentLines), `END:${component.name}`];
}

/** Where the value starts: the first colon outside a quoted parameter value (RFC 5545 §3.1). */
function contentLineColon(line: string): number {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    else if (line[i] === ':' && !quoted) return i;
  }
  return line.length;
}

function nameEnd(line: string): number {
  const match = /^[A-Za-z0-9-]*/.exec(line);
  return match ? match[0].length : 0;
}

/** Continuation lines start with one space (RFC 5545 §3.1); the fuzz folds by characters, not octets. */
function fold(line: string, width: number, eol: string): string {
  if (line.length <= width) return line;
  const parts = [line.slice(0, width)];
  for (let i = width; i < line.length; i += width - 1 || 1) parts.push(` ${line.slice(i, i + (width - 1 || 1))}`);
  return parts.join(eol);
}
