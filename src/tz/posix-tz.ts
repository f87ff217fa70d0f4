// POSIX TZ strings as found in TZif footers (RFC 8536 §3.3), including the extensions RFC 8536
// allows: rule times from -167 to 167 hours and angle-bracketed designations.
import { daysFromCivil, daysInMonth, isLeapYear, SECONDS_PER_DAY, weekdayFromDays } from './civil.ts';

/** Mm.w.d: weekday d (0 = Sunday) of week w (5 = last) of month m; Jn: day 1-365 ignoring Feb 29; n: day 0-365. */
export type PosixRuleDate =
  | { kind: 'M'; month: number; week: number; weekday: number }
  | { kind: 'J'; day: number }
  | { kind: 'N'; day: number };

export interface PosixRule {
  date: PosixRuleDate;
  /** Seconds after local midnight of `date`, in the local time in effect before the change. */
  time: number;
}

export interface PosixTz {
  std: { abbr: string; utcOffset: number };
  dst?: { abbr: string; utcOffset: number; start: PosixRule; end: PosixRule };
}

export interface PosixTransition {
  utcSeconds: number;
  toDst: boolean;
}

export function parsePosixTz(text: string): PosixTz | undefined {
  const cursor = { text, at: 0 };
  const stdAbbr = readAbbr(cursor);
  const stdOffset = readDuration(cursor);
  if (stdAbbr === undefined || stdOffset === undefined) return undefined;
  const std = { abbr: stdAbbr, utcOffset: 0 - stdOffset };
  if (cursor.at === text.length) return { std };

  const dstAbbr = readAbbr(cursor);
  if (dstAbbr === undefined) return undefined;
  let dstUtcOffset = std.utcOffset + 3600;
  if (cursor.at < text.length && text[cursor.at] !== ',') {
    const offset = readDuration(cursor);
    if (offset === undefined) return undefined;
    dstUtcOffset = 0 - offset;
  }
  // POSIX leaves rule-less DST implementation-defined; zic never writes it, so take the US rules.
  if (cursor.at === text.length) cursor.text = text + ',M3.2.0,M11.1.0';
  const start = readRule(cursor);
  const end = readRule(cursor);
  if (start === undefined || end === undefined || cursor.at !== cursor.text.length) return undefined;
  return { std, dst: { abbr: dstAbbr, utcOffset: dstUtcOffset, start, end } };
}

export function formatPosixTz(tz: PosixTz): string {
  let text = formatAbbr(tz.std.abbr) + formatDuration(-tz.std.utcOffset);
  if (!tz.dst) return text;
  text += formatAbbr(tz.dst.abbr);
  if (tz.dst.utcOffset !== tz.std.utcOffset + 3600) text += formatDuration(-tz.dst.utcOffset);
  return text + ',' + formatRule(tz.dst.start) + ',' + formatRule(tz.dst.end);
}

/** The local day (days since 1970) a rule date falls on in `year`. */
export function ruleDateDays(date: PosixRuleDate, year: number): number {
  const jan1 = daysFromCivil(year, 1, 1);
  switch (date.kind) {
    case 'J':
      return jan1 + date.day - 1 + (isLeapYear(year) && date.day >= 60 ? 1 : 0);
    case 'N':
      return jan1 + date.day;
    case 'M': {
      const first = daysFromCivil(year, date.month, 1);
      let day = first + ((date.weekday - weekdayFromDays(first) + 7) % 7) + (date.week - 1) * 7;
      const monthEnd = first + daysInMonth(year, date.month) - 1;
      while (day > monthEnd) day -= 7;
      return day;
    }
  }
}

/** The DST start and end instants of `year`, ascending. */
export function posixTransitionsForYear(tz: PosixTz, year: number): PosixTransition[] {
  const dst = tz.dst;
  if (!dst) return [];
  const start = (ruleDateDays(dst.start.date, year) * SECONDS_PER_DAY) + dst.start.time - tz.std.utcOffset;
  const end = (ruleDateDays(dst.end.date, year) * SECONDS_PER_DAY) + dst.end.time - dst.utcOffset;
  const list = [
    { utcSeconds: start, toDst: true },
    { utcSeconds: end, toDst: false },
  ];
  // On a tie the end goes first so that all-year DST (zic's "J0/0,J365/25") stays in DST.
  return list.sort((a, b) => a.utcSeconds - b.utcSeconds || (a.toDst ? 1 : -1));
}

// --- Internal helpers ---

interface Cursor {
  text: string;
  at: number;
}

function readAbbr(cursor: Cursor): string | undefined {
  const { text } = cursor;
  if (text[cursor.at] === '<') {
    const close = text.indexOf('>', cursor.at);
    if (close < 0) return undefined;
    const abbr = text.slice(cursor.at + 1, close);
    cursor.at = close + 1;
    return /^[A-Za-z0-9+-]{3,}$/.test(abbr) ? abbr : undefined;
  }
  const match = /^[A-Za-z]{3,}/.exec(text.slice(cursor.at));
  if (!match) return undefined;
  cursor.at += match[0].length;
  return match[0];
}

/** [+-]hh[:mm[:ss]] in seconds; hours up to 167 (RFC 8536 §3.3.1). */
function readDuration(cursor: Cursor): number | undefined {
  const match = /^([+-]?)(\d{1,3})(?::(\d{2}))?(?::(\d{2}))?/.exec(cursor.text.slice(cursor.at));
  if (!match) return undefined;
  const hours = Number(match[2]);
  if (hours > 167) return undefined;
  cursor.at += match[0].length;
  const seconds = hours * 3600 + Number(match[3] ?? 0) * 60 + Number(match[4] ?? 0);
  return match[1] === '-' ? -seconds : seconds;
}

function readRule(cursor: Cursor): PosixRule | undefined {
  const match = /^,(?:M(\d{1,2})\.(\d)\.(\d)|J(\d{1,3})|(\d{1,3}))/.exec(cursor.text.slice(cursor.at));
  if (!match) return undefined;
  cursor.at += match[0].length;
  let date: PosixRuleDate;
  if (match[1] !== undefined) {
    date = { kind: 'M', month: Number(match[1]), week: Number(match[2]), weekday: Number(match[3]) };
    if (date.month < 1 || date.month > 12 || date.week < 1 || date.week > 5 || date.weekday > 6) return undefined;
  } else if (match[4] !== undefined) {
    date = { kind: 'J', day: Number(match[4]) };
    if (date.day < 1 || date.day > 365) return undefined;
  } else {
    date = { kind: 'N', day: Number(match[5]) };
    if (date.day > 365) return undefined;
  }
  let time = 7200;
  if (cursor.text[cursor.at] === '/') {
    cursor.at += 1;
    const parsed = readDuration(cursor);
    if (parsed === undefined) return undefined;
    time = parsed;
  }
  return { date, time };
}

function formatAbbr(abbr: string): string {
  return /^[A-Za-z]+$/.test(abbr) ? abbr : `<${abbr}>`;
}

function formatDuration(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  const abs = Math.abs(seconds);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  return sign + h + (m || s ? ':' + String(m).padStart(2, '0') : '') + (s ? ':' + String(s).padStart(2, '0') : '');
}

function formatRule(rule: PosixRule): string {
  const date = rule.date;
  const text = date.kind === 'M' ? `M${date.month}.${date.week}.${date.weekday}` : date.kind === 'J' ? `J${date.day}` : String(date.day);
  return rule.time === 7200 ? text : `${text}/${formatDuration(rule.time)}`;
}
