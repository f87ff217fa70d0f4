// Query-parameter parsing for TZDist actions (RFC 7808 §5): each parameter at most once, and
// start/end as UTC date-times.
import { TzdistError, type TzdistErrorCode } from './problem.ts';

/** The single value of a parameter, undefined when absent; a repeated parameter is an error. */
export function singleParam(url: URL, name: string, code: TzdistErrorCode): string | undefined {
  const values = url.searchParams.getAll(name);
  if (values.length > 1) throw new TzdistError(code, `"${name}" must not occur more than once`);
  return values[0];
}

/**
 * A UTC date-time in RFC 3339 form ("2025-03-09T07:00:00Z", as RFC 7808 writes them) or in
 * iCalendar basic form ("20250309T070000Z", which some clients send), in milliseconds.
 */
export function parseUtcDateTime(text: string): number | undefined {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})Z$/i.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, Math.min(second, 59), 0);
  // Reject dates that rolled over (February 30).
  if (date.getUTCDate() !== day) return undefined;
  return date.getTime();
}

export interface UtcRange {
  startUtcMs?: number;
  endUtcMs?: number;
}

/** start/end for get (both optional) and expand (both required); end must follow start. */
export function parseRange(url: URL, required: boolean): UtcRange {
  const range: UtcRange = {};
  const start = singleParam(url, 'start', 'invalid-start');
  const end = singleParam(url, 'end', 'invalid-end');
  if (start === undefined && required) throw new TzdistError('invalid-start', 'missing "start" parameter');
  if (end === undefined && required) throw new TzdistError('invalid-end', 'missing "end" parameter');
  if (start !== undefined) {
    const ms = parseUtcDateTime(start);
    if (ms === undefined) throw new TzdistError('invalid-start', '"start" must be a UTC date-time such as 2025-01-01T00:00:00Z');
    range.startUtcMs = ms;
  }
  if (end !== undefined) {
    const ms = parseUtcDateTime(end);
    if (ms === undefined) throw new TzdistError('invalid-end', '"end" must be a UTC date-time such as 2026-01-01T00:00:00Z');
    if (range.startUtcMs !== undefined && ms <= range.startUtcMs) {
      throw new TzdistError('invalid-end', '"end" must be later than "start"');
    }
    range.endUtcMs = ms;
  }
  return range;
}
