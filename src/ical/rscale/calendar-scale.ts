// Calendar scales a recurrence rule can name with RSCALE (RFC 7529 §3.1): the Gregorian calendar by
// arithmetic, the others through the runtime's Intl calendars (ICU's, on Node, Deno and Workers).
// Intl only converts a Gregorian day to calendar fields; the inverse is found by searching from an
// estimate, and each year's months (lengths, leap months) by probing where the month changes.
import { civilFromDays, daysFromCivil } from '../../tz/civil.ts';

/** One month of a calendar year, as RFC 7529 numbers it: 1-13, with a leap flag ("5L"). */
export interface MonthInfo {
  number: number;
  leap: boolean;
  /** Day number (days since 1970-01-01) of its first day. */
  firstDay: number;
  length: number;
}

export interface CalendarScale {
  /** The RSCALE name, upper case (CLDR calendar name: GREGORIAN, HEBREW, ISLAMIC-CIVIL, …). */
  readonly name: string;
  /** The calendar year a day number falls in. */
  yearOf(day: number): number;
  /** The months of a calendar year, in order. */
  monthsOf(year: number): readonly MonthInfo[];
}

/** A day in a calendar: its year, the index of its month in monthsOf(year), and its day of month. */
export interface ScaleDate {
  year: number;
  monthIndex: number;
  month: MonthInfo;
  day: number;
}

export function scaleDateOf(scale: CalendarScale, dayNumber: number): ScaleDate {
  const year = scale.yearOf(dayNumber);
  const months = scale.monthsOf(year);
  let monthIndex = months.length - 1;
  while (monthIndex > 0 && months[monthIndex]!.firstDay > dayNumber) monthIndex--;
  const month = months[monthIndex]!;
  return { year, monthIndex, month, day: dayNumber - month.firstDay + 1 };
}

/**
 * The scale an RSCALE value names, or undefined when this runtime cannot evaluate it. Names are
 * compared case-insensitively (RFC 7529 §3.1 uses CLDR names; GREGORIAN is CLDR's "gregorian").
 */
export function calendarScale(name: string): CalendarScale | undefined {
  const upper = name.toUpperCase();
  if (upper === 'GREGORIAN') return GREGORIAN;
  let scale = intlScales.get(upper);
  if (scale === undefined) {
    const intlId = INTL_CALENDARS[upper];
    scale = intlId && runtimeHasCalendar(intlId) ? new IntlScale(upper, intlId) : null;
    intlScales.set(upper, scale);
  }
  return scale ?? undefined;
}

/** The RSCALE names this runtime can evaluate (CALDAV:supported-rscale-set, RFC 7529 §5.1). */
export function supportedScaleNames(): string[] {
  return ['GREGORIAN', ...Object.keys(INTL_CALENDARS).filter((name) => calendarScale(name) !== undefined)];
}

// --- Internal helpers ---

/**
 * RSCALE names and the Intl calendar identifiers (BCP 47) evaluated for them. Left out: JAPANESE
 * and ROC, whose year numbers restart with each era (this search needs years that only grow),
 * ISO8601 (Gregorian months, so nothing RSCALE=GREGORIAN does not already give) and ISLAMIC-RGSA
 * (ICU computes it as plain ISLAMIC).
 */
const INTL_CALENDARS: Readonly<Record<string, string>> = {
  BUDDHIST: 'buddhist',
  CHINESE: 'chinese',
  COPTIC: 'coptic',
  DANGI: 'dangi',
  ETHIOPIC: 'ethiopic',
  'ETHIOPIC-AMETE-ALEM': 'ethioaa',
  HEBREW: 'hebrew',
  INDIAN: 'indian',
  ISLAMIC: 'islamic',
  'ISLAMIC-CIVIL': 'islamic-civil',
  'ISLAMIC-TBLA': 'islamic-tbla',
  'ISLAMIC-UMALQURA': 'islamic-umalqura',
  PERSIAN: 'persian',
};

const intlScales = new Map<string, CalendarScale | null>();

function runtimeHasCalendar(intlId: string): boolean {
  try {
    const listed = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('calendar').includes(intlId) : true;
    // A runtime without the calendar silently falls back to another one: check what it resolved to.
    return listed && new Intl.DateTimeFormat(`en-u-ca-${intlId}`, { timeZone: 'UTC' }).resolvedOptions().calendar === intlId;
  } catch {
    return false;
  }
}

const GREGORIAN: CalendarScale = {
  name: 'GREGORIAN',
  yearOf: (day) => civilFromDays(day).year,
  monthsOf(year) {
    const months: MonthInfo[] = [];
    for (let month = 1; month <= 12; month++) {
      const firstDay = daysFromCivil(year, month, 1);
      months.push({ number: month, leap: false, firstDay, length: daysFromCivil(month === 12 ? year + 1 : year, (month % 12) + 1, 1) - firstDay });
    }
    return months;
  },
};

/** Calendar fields Intl gives for a day: the year number and the month's label (a number, "6bis", or a name). */
interface Reading {
  year: number;
  monthLabel: string;
  day: number;
}

const DAY_MS = 86_400_000;
/** Past this many cached readings or years the caches start again, so a long-running process stays small. */
const MAX_CACHED = 20_000;

class IntlScale implements CalendarScale {
  private readonly format: Intl.DateTimeFormat;
  private readonly readings = new Map<number, Reading>();
  private readonly years = new Map<number, readonly MonthInfo[]>();
  private readonly yearStarts = new Map<number, number>();
  private readonly averageYearDays: number;

  constructor(readonly name: string, intlId: string) {
    this.format = new Intl.DateTimeFormat(`en-u-ca-${intlId}-nu-latn`, { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });
    this.averageYearDays = intlId.startsWith('islamic') ? 354.367 : 365.2425;
  }

  yearOf(day: number): number {
    return this.read(day).year;
  }

  monthsOf(year: number): readonly MonthInfo[] {
    let months = this.years.get(year);
    if (!months) {
      if (this.years.size > MAX_CACHED) this.years.clear();
      months = this.probeMonths(year);
      this.years.set(year, months);
    }
    return months;
  }

  private read(day: number): Reading {
    let reading = this.readings.get(day);
    if (!reading) {
      if (this.readings.size > MAX_CACHED) this.readings.clear();
      let year = NaN;
      let monthLabel = '';
      let dayOfMonth = NaN;
      for (const part of this.format.formatToParts(new Date(day * DAY_MS))) {
        const type: string = part.type;
        // Chinese and Dangi years are cyclic: ICU gives the Gregorian year they start in as relatedYear.
        if (type === 'year' || type === 'relatedYear') year = Number.parseInt(part.value, 10);
        else if (type === 'month') monthLabel = part.value;
        else if (type === 'day') dayOfMonth = Number.parseInt(part.value, 10);
      }
      if (!Number.isFinite(year) || !Number.isFinite(dayOfMonth) || monthLabel === '') throw new RangeError(`${this.name} calendar fields are unavailable for day ${day}`);
      reading = { year, monthLabel, day: dayOfMonth };
      this.readings.set(day, reading);
    }
    return reading;
  }

  /** The first day of a calendar year: years only grow with days, so it is a bisection from an estimate. */
  private yearStart(year: number): number {
    const known = this.yearStarts.get(year);
    if (known !== undefined) return known;
    const reference = this.read(0).year;
    const estimate = Math.round((year - reference) * this.averageYearDays);
    let low = estimate - 400;
    let high = estimate + 400;
    while (this.read(low).year >= year) low -= 400;
    while (this.read(high).year < year) high += 400;
    // read(low).year < year <= read(high).year
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (this.read(middle).year >= year) high = middle;
      else low = middle;
    }
    if (this.yearStarts.size > MAX_CACHED) this.yearStarts.clear();
    this.yearStarts.set(year, high);
    return high;
  }

  private probeMonths(year: number): MonthInfo[] {
    const start = this.yearStart(year);
    const end = this.yearStart(year + 1);
    const spans: { label: string; firstDay: number; length: number }[] = [];
    for (let first = start; first < end; ) {
      const label = this.read(first).monthLabel;
      // The month runs while the label stays; no month of these calendars is longer than 32 days.
      let low = first;
      let high = Math.min(end, first + 33);
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (this.read(middle).monthLabel === label) low = middle;
        else high = middle;
      }
      spans.push({ label, firstDay: first, length: high - first });
      first = high;
    }
    return numberMonths(spans);
  }
}

/**
 * RFC 7529 month numbers for a year's months. Numeric labels are the month numbers; a leap month
 * repeats the number of the month before it (ICU labels it "6bis"). Hebrew months come as names:
 * in a leap year the sixth month is Adar I, numbered 5L, and the later months keep their numbers
 * from common years (Adar or Adar II is 6, Nisan 7), as CLDR's month codes do.
 */
function numberMonths(spans: { label: string; firstDay: number; length: number }[]): MonthInfo[] {
  if (spans.every((s) => /^\d/.test(s.label))) {
    let previous = 0;
    return spans.map((span) => {
      const number = Number.parseInt(span.label, 10);
      const leap = number === previous;
      previous = number;
      return { number, leap, firstDay: span.firstDay, length: span.length };
    });
  }
  const isLeapYear = spans.length === 13;
  return spans.map((span, index) => {
    const ordinal = index + 1;
    if (!isLeapYear || ordinal < 6) return { number: ordinal, leap: false, firstDay: span.firstDay, length: span.length };
    if (ordinal === 6) return { number: 5, leap: true, firstDay: span.firstDay, length: span.length };
    return { number: ordinal - 1, leap: false, firstDay: span.firstDay, length: span.length };
  });
}
