// Seeded random calendar objects for differential time-range tests (RFC 5545 §3.6.1, §3.8.5,
// RFC 4791 §9.9): single, all-day, floating and zoned events, weekly and monthly RRULEs with
// COUNT/UNTIL/BYDAY, moved overrides and EXDATEs, clustered around DST changes.
import { vtimezoneText } from '../../src/tz/catalogue.ts';

export type Rng = () => number;

/** mulberry32: tiny and platform-independent, so a seed reproduces the same calendar everywhere. */
export function seededRandom(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ZONES = ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kolkata'] as const;

/** How a date or date-time is written: UTC, with a TZID, floating, or a DATE. */
type ValueForm = { kind: 'utc' } | { kind: 'zoned'; tzid: string } | { kind: 'floating' } | { kind: 'date' };

export interface GeneratedObject {
  uid: string;
  /** What the generator built, e.g. "weekly/zoned/until+override+exdate": shown when the two sides disagree. */
  shape: string;
  text: string;
}

export interface QueryRange {
  startUtcMs: number;
  endUtcMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const QUARTER = 15 * MINUTE;
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;

/** DST changes in 2026–2027 of the zones above (New York, London, Lord Howe), as wall-clock dates. */
const DST_DAYS = [
  '2026-03-08', '2026-11-01', '2027-03-14', '2027-11-07',
  '2026-03-29', '2026-10-25', '2027-03-28', '2027-10-31',
  '2026-04-05', '2026-10-04', '2027-04-04', '2027-10-03',
].map((d) => Date.parse(`${d}T00:00:00Z`));

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

/** A wall-clock day: near a DST change 40% of the time, else anywhere in 2026 to autumn 2027. */
function randomDay(rng: Rng): number {
  if (rng() < 0.4) return pick(rng, DST_DAYS) + int(rng, -14, 14) * DAY;
  return Date.UTC(2026, 0, 1) + int(rng, 0, 640) * DAY;
}

/**
 * Wall-clock time (milliseconds of the local fields read as UTC) of a start on that day. Zoned
 * starts stay within 04:00–17:45 so that neither start nor end (at most six hours later) falls into
 * a DST gap or repeated hour, where implementations may legitimately resolve differently.
 */
function startOn(rng: Rng, day: number, form: ValueForm): number {
  if (form.kind === 'date') return day;
  const [lo, hi] = form.kind === 'zoned' ? [16, 71] : [0, 95];
  return day + int(rng, lo, hi) * QUARTER;
}

function formatValue(name: string, form: ValueForm, wall: number, extraParams = ''): string {
  const iso = new Date(wall).toISOString();
  const date = iso.slice(0, 10).replace(/-/g, '');
  const time = iso.slice(11, 19).replace(/:/g, '');
  switch (form.kind) {
    case 'date':
      return `${name};VALUE=DATE${extraParams}:${date}`;
    case 'utc':
      return `${name}${extraParams}:${date}T${time}Z`;
    case 'zoned':
      return `${name};TZID=${form.tzid}${extraParams}:${date}T${time}`;
    case 'floating':
      return `${name}${extraParams}:${date}T${time}`;
  }
}

/** The UTC instant of a wall-clock time in an IANA zone, through the platform's Intl data. */
function wallToUtcMs(form: ValueForm, wall: number): number {
  if (form.kind !== 'zoned') return wall;
  let guess = wall;
  for (let i = 0; i < 3; i++) guess = wall - offsetMs(form.tzid, guess);
  return guess;
}

function offsetMs(tzid: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tzid, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(utcMs / 1000) * 1000;
}

function randomForm(rng: Rng): ValueForm {
  const r = rng();
  if (r < 0.2) return { kind: 'utc' };
  if (r < 0.7) return { kind: 'zoned', tzid: pick(rng, ZONES) };
  if (r < 0.85) return { kind: 'date' };
  return { kind: 'floating' };
}

/** DTEND, DURATION or neither (a point for a DATE-TIME start, one day for a DATE start: §9.9). */
function endLines(rng: Rng, form: ValueForm, start: number, allowNoEnd: boolean): { lines: string[]; tag: string; tzid?: string } {
  const r = rng();
  if (allowNoEnd && r < 0.1) return { lines: [], tag: 'no-end' };
  if (form.kind === 'date') {
    const days = int(rng, 1, 3);
    return { lines: [formatValue('DTEND', form, start + days * DAY)], tag: 'dtend' };
  }
  const length = rng() < 0.1 ? int(rng, 1, 2) * DAY + int(rng, 0, 8) * QUARTER : int(rng, 1, 24) * QUARTER;
  // DURATION only in hours and minutes: exact, so no nominal-day semantics across DST come into play.
  if (r < 0.3 && length < DAY) return { lines: [`DURATION:PT${Math.floor(length / HOUR)}H${(length % HOUR) / MINUTE}M`], tag: 'duration' };
  return { lines: [formatValue('DTEND', form, start + length)], tag: 'dtend' };
}

/** The object, with a VTIMEZONE for each zone it uses (RFC 5545 §3.6.5). */
function vcalendar(tzids: string[], components: string[][]): string {
  const zones = [...new Set(tzids)].map((tzid) => vtimezoneText(tzid)!.trimEnd());
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery differential tests//EN', ...zones];
  for (const component of components) lines.push('BEGIN:VEVENT', ...component, 'END:VEVENT');
  return `${[...lines, 'END:VCALENDAR'].join('\r\n')}\r\n`;
}

export function generateObject(rng: Rng, uid: string): GeneratedObject {
  const form = randomForm(rng);
  const r = rng();
  if (r < 0.35) return singleEvent(rng, uid, form);
  return recurringEvent(rng, uid, form, r < 0.75 ? 'weekly' : 'monthly');
}

function singleEvent(rng: Rng, uid: string, form: ValueForm): GeneratedObject {
  const start = startOn(rng, randomDay(rng), form);
  const end = (form.kind === 'zoned' && rng() < 0.25 && endInOtherZone(rng, form, start)) || endLines(rng, form, start, true);
  const lines = [`UID:${uid}`, 'DTSTAMP:20260101T000000Z', formatValue('DTSTART', form, start), ...end.lines, `SUMMARY:${uid}`];
  return { uid, shape: `single/${describeForm(form)}/${end.tag}`, text: vcalendar([...zonesOf(form), ...(end.tzid ? [end.tzid] : [])], [lines]) };
}

/** DTEND with a TZID other than DTSTART's (a flight, say): the length is the difference of the instants. */
function endInOtherZone(rng: Rng, form: ValueForm & { kind: 'zoned' }, start: number): { lines: string[]; tag: string; tzid: string } | undefined {
  const tzid = pick(rng, ZONES.filter((z) => z !== form.tzid));
  const endUtcMs = wallToUtcMs(form, start) + int(rng, 2, 60) * QUARTER;
  const wall = endUtcMs + offsetMs(tzid, endUtcMs);
  // Keep clear of the small hours, where the other zone may skip or repeat an hour.
  if (wall % DAY < 4 * HOUR) return undefined;
  return { lines: [formatValue('DTEND', { kind: 'zoned', tzid }, wall)], tag: 'dtend-other-zone', tzid };
}

interface Series {
  rule: string;
  /** Wall-clock start of the k-th chosen occurrence (occurrences that certainly exist under the rule). */
  occurrence(k: number): number;
  /** How many of those occurrences lie within COUNT (Infinity without COUNT). */
  available: number;
}

function recurringEvent(rng: Rng, uid: string, form: ValueForm, freq: 'weekly' | 'monthly'): GeneratedObject {
  const day = randomDay(rng);
  const series = freq === 'weekly' ? weeklySeries(rng, day) : monthlySeries(rng, day);
  const start = startOn(rng, series.occurrence(0), form);
  const time = start - series.occurrence(0);
  const at = (k: number) => series.occurrence(k) + time;
  const end = endLines(rng, form, start, true);
  const tags = [freq, describeForm(form), end.tag];

  // Overrides and EXDATEs pick among occurrences 0..last, which the termination keeps in the set.
  let rule = series.rule;
  let last: number;
  const termination = rng();
  if (termination < 0.35 && series.available > 0) {
    last = Math.min(series.available, 24) - 1;
    tags.push('count');
  } else if (termination < 0.8) {
    // UNTIL on an occurrence (inclusive) or hours after it; for zoned starts always hours after,
    // so that no occurrence lies within an hour of UNTIL.
    rule = rule.replace(/;COUNT=\d+/, '');
    last = int(rng, 0, 12);
    const slack = form.kind === 'zoned' || rng() < 0.5 ? int(rng, 2, 20) * HOUR : 0;
    rule += `;UNTIL=${untilValue(form, at(last) + (form.kind === 'date' ? Math.floor(slack / HOUR) * DAY : slack))}`;
    tags.push(slack ? 'until-after' : 'until-on');
  } else {
    rule = rule.replace(/;COUNT=\d+/, '');
    last = 19;
    tags.push('unbounded');
  }

  const master = [`UID:${uid}`, 'DTSTAMP:20260101T000000Z', formatValue('DTSTART', form, start), ...end.lines, rule, `SUMMARY:${uid}`];
  const chosen = shuffle(rng, Array.from({ length: last + 1 }, (_, k) => k));
  const exdates = chosen.splice(0, rng() < 0.4 ? int(rng, 1, 2) : 0);
  for (const k of exdates) {
    // A zoned series may also exclude by the UTC instant (RFC 5545 §3.8.5.1 allows either form).
    const exForm: ValueForm = form.kind === 'zoned' && rng() < 0.3 ? { kind: 'utc' } : form;
    master.push(formatValue('EXDATE', exForm, exForm === form ? at(k) : wallToUtcMs(form, at(k))));
  }
  if (exdates.length) tags.push(`exdate${exdates.length}`);
  const components = [master];
  for (const k of chosen.splice(0, rng() < 0.45 ? int(rng, 1, 2) : 0)) {
    components.push(overrideOf(rng, uid, form, at(k)));
    tags.push('override');
  }
  // The order of master and overrides in the object carries no meaning (RFC 4791 §4.1).
  if (components.length > 1 && rng() < 0.3) {
    components.reverse();
    tags.push('overrides-first');
  }
  return { uid, shape: tags.join('/'), text: vcalendar(zonesOf(form), components) };
}

/** RECURRENCE-ID in the master's own form; the instance moved by up to two days and six hours. */
function overrideOf(rng: Rng, uid: string, form: ValueForm, original: number): string[] {
  const shift = form.kind === 'date' ? int(rng, -2, 2) * DAY : int(rng, -2, 2) * DAY + int(rng, -8, 8) * 3 * QUARTER;
  let start = original + shift;
  if (form.kind === 'zoned') start = Math.floor(start / DAY) * DAY + Math.min(Math.max(start % DAY, 4 * HOUR), 17 * HOUR + 3 * QUARTER);
  const end = endLines(rng, form, start, false);
  return [`UID:${uid}`, 'DTSTAMP:20260101T000000Z', formatValue('RECURRENCE-ID', form, original), formatValue('DTSTART', form, start), ...end.lines, `SUMMARY:${uid} moved`];
}

function weeklySeries(rng: Rng, day: number): Series {
  const interval = rng() < 0.3 ? 2 : 1;
  const weekday = new Date(day).getUTCDay();
  const others = shuffle(rng, [0, 1, 2, 3, 4, 5, 6].filter((d) => d !== weekday)).slice(0, rng() < 0.4 ? int(rng, 1, 2) : 0);
  const days = [weekday, ...others].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7));
  const byday = rng() < 0.3 && others.length === 0 ? '' : `;BYDAY=${days.map((d) => WEEKDAYS[d]).join(',')}`;
  const count = int(rng, 2, 20);
  return {
    rule: `RRULE:FREQ=WEEKLY${interval > 1 ? `;INTERVAL=${interval}` : ''}${byday};COUNT=${count}`,
    // DTSTART's weekday in every interval-th week is an occurrence; its index is below (k+1)·|BYDAY|.
    occurrence: (k) => day + k * interval * 7 * DAY,
    available: Math.floor(count / days.length),
  };
}

function monthlySeries(rng: Rng, day: number): Series {
  const count = int(rng, 2, 14);
  const date = new Date(day);
  const [year, month] = [date.getUTCFullYear(), date.getUTCMonth()];
  if (rng() < 0.5) {
    const dom = Math.min(date.getUTCDate(), 28);
    const byMonthDay = rng() < 0.5 ? `;BYMONTHDAY=${dom}` : '';
    return { rule: `RRULE:FREQ=MONTHLY${byMonthDay};COUNT=${count}`, occurrence: (k) => Date.UTC(year, month + k, dom), available: count };
  }
  const nth = pick(rng, [1, 2, 3, 4, -1]);
  const weekday = date.getUTCDay();
  return {
    rule: `RRULE:FREQ=MONTHLY;BYDAY=${nth}${WEEKDAYS[weekday]};COUNT=${count}`,
    occurrence: (k) => nthWeekday(year, month + k, weekday, nth),
    available: count,
  };
}

function nthWeekday(year: number, month: number, weekday: number, nth: number): number {
  if (nth > 0) {
    const first = Date.UTC(year, month, 1);
    return first + (((weekday - new Date(first).getUTCDay() + 7) % 7) + (nth - 1) * 7) * DAY;
  }
  const last = Date.UTC(year, month + 1, 0);
  return last - ((new Date(last).getUTCDay() - weekday + 7) % 7) * DAY;
}

/** UNTIL must be UTC for a zoned start and of DTSTART's own form otherwise (RFC 5545 §3.3.10). */
function untilValue(form: ValueForm, wall: number): string {
  if (form.kind === 'date') return formatValue('X', form, wall).split(':')[1]!;
  if (form.kind === 'floating') return formatValue('X', form, wall).split(':')[1]!;
  return formatValue('X', { kind: 'utc' }, wallToUtcMs(form, wall)).split(':')[1]!;
}

function zonesOf(form: ValueForm): string[] {
  return form.kind === 'zoned' ? [form.tzid] : [];
}

function describeForm(form: ValueForm): string {
  return form.kind === 'zoned' ? form.tzid : form.kind;
}

function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/**
 * Query ranges starting 7 minutes past a quarter hour and lasting whole quarter hours, so that no
 * range boundary coincides with an event boundary (all of which fall on quarter hours in UTC, the
 * offsets of the zones above being whole half hours) and boundary conventions cannot differ.
 */
export function generateRanges(rng: Rng, count: number): QueryRange[] {
  const lengths = [3 * QUARTER, 3 * HOUR, DAY, 3 * DAY, 7 * DAY, 31 * DAY, 92 * DAY];
  return Array.from({ length: count }, () => {
    const startUtcMs = randomDay(rng) + int(rng, 0, 95) * QUARTER + 7 * MINUTE;
    return { startUtcMs, endUtcMs: startUtcMs + pick(rng, lengths) };
  });
}
