// RFC 5545 §3.8.2.2 (DTEND) and §3.8.2.3 (DUE): the end of an event or to-do has the value type of
// its DTSTART. Clients get this wrong (a DATE end after a DATE-TIME start, a timed DUE on an all-day
// task, as in CalDAVTester's problem files), and the type the end must have is known, so the end is
// rewritten in DTSTART's type: a DATE end becomes midnight of that day in DTSTART's zone, a
// DATE-TIME end becomes its own local date. Only that content line changes; every other line,
// parameter and fold stays as the client wrote it.
import { foldLine } from '../tz/ical-text.ts';
import { enumParam, parseContentLine, type ContentLine } from './content-lines.ts';

/** The text with each mismatched DTEND/DUE rewritten; the same string when nothing needed it. */
export function alignEndValueTypes(text: string): string {
  const lines = logicalLines(text);
  const open: OpenComponent[] = [];
  const edits: { start: number; end: number; text: string }[] = [];
  for (const line of lines) {
    const parsed = parseContentLine(line.text);
    if (!parsed) continue;
    if (parsed.name === 'BEGIN') {
      open.push({ name: parsed.value.toUpperCase(), start: null, end: null });
      continue;
    }
    if (parsed.name === 'END') {
      const component = open.pop();
      const edit = component && component.start && component.end ? realign(component) : null;
      if (edit) edits.push(edit);
      continue;
    }
    const current = open[open.length - 1];
    if (!current) continue;
    if (parsed.name === 'DTSTART' && current.start === null) current.start = { ...line, parsed };
    const endName = current.name === 'VTODO' ? 'DUE' : current.name === 'VEVENT' ? 'DTEND' : null;
    if (parsed.name === endName && current.end === null) current.end = { ...line, parsed };
  }
  if (edits.length === 0) return text;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  let out = text;
  for (const edit of edits.reverse()) out = out.slice(0, edit.start) + foldLine(edit.text).replace(/\r\n/g, newline) + out.slice(edit.end);
  return out;
}

// --- Internal helpers ---

interface LogicalLine {
  /** The unfolded line. */
  text: string;
  /** Where the line, folds included, begins and ends in the original text (its line break excluded). */
  start: number;
  end: number;
}

interface OpenComponent {
  name: string;
  start: (LogicalLine & { parsed: ContentLine }) | null;
  end: (LogicalLine & { parsed: ContentLine }) | null;
}

const DATE = /^\d{8}$/;
const DATE_TIME = /^\d{8}T\d{6}Z?$/;

function realign(component: OpenComponent): { start: number; end: number; text: string } | null {
  const start = component.start!;
  const end = component.end!;
  const startType = valueType(start.parsed);
  const endType = valueType(end.parsed);
  // Values that do not follow their grammar are left for the value checks to name.
  if (!startType || !endType || startType === endType) return null;
  const name = end.text.slice(0, end.parsed.name.length);
  const params = [...end.parsed.params].filter(([key]) => key !== 'VALUE' && key !== 'TZID');
  let value: string;
  if (startType === 'DATE') {
    params.unshift(['VALUE', 'DATE']);
    value = end.parsed.value.slice(0, 8);
  } else {
    const tzid = start.parsed.params.get('TZID');
    if (tzid !== undefined) params.unshift(['TZID', tzid]);
    value = `${end.parsed.value}T000000${start.parsed.value.endsWith('Z') ? 'Z' : ''}`;
  }
  const rewritten = `${name}${params.map(([key, v]) => `;${key}=${v}`).join('')}:${value}`;
  return { start: end.start, end: end.end, text: rewritten };
}

function valueType(line: ContentLine): 'DATE' | 'DATE-TIME' | null {
  const declared = enumParam(line, 'VALUE') ?? 'DATE-TIME';
  if (declared === 'DATE') return DATE.test(line.value) ? 'DATE' : null;
  if (declared === 'DATE-TIME') return DATE_TIME.test(line.value) ? 'DATE-TIME' : null;
  return null;
}

/** Unfolded lines with their place in the text (RFC 5545 §3.1: a fold is a line break and one blank). */
function logicalLines(text: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  const breaks = /\r?\n/g;
  let position = 0;
  let current: LogicalLine | null = null;
  for (;;) {
    const found = breaks.exec(text);
    const lineEnd = found ? found.index : text.length;
    const physical = text.slice(position, lineEnd);
    if (current && (physical.startsWith(' ') || physical.startsWith('\t'))) {
      current.text += physical.slice(1);
      current.end = lineEnd;
    } else {
      current = { text: physical, start: position, end: lineEnd };
      lines.push(current);
    }
    if (!found) break;
    position = found.index + found[0].length;
  }
  return lines;
}
