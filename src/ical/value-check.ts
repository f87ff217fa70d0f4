// Checks, on the text as written, every value that carries time: the date and time properties of
// RFC 5545 (and RFC 7986, RFC 9074, RFC 7808), any property whose VALUE parameter names a time
// type (X- properties included), and recurrence rules. Other properties are not looked at: unknown
// IANA and X- properties are the client's business.
import { enumParam, scanComponents, type ContentLine, type ScannedComponent } from './content-lines.ts';
import { InvalidICalendarError } from './parse.ts';
import { recurProblem, type RecurContext } from './rrule-grammar.ts';
import { TIME_VALUE_TYPES, valueProblem, type TimeValueType } from './values.ts';

export interface ValueCheckOptions {
  /** Check RRULE and EXRULE grammar (off with caldav_accept_invalid_rrules). */
  recurrenceRules: boolean;
}

/** Throws InvalidICalendarError naming the component, property and value of the first invalid one. */
export function checkTimeValues(text: string, options: ValueCheckOptions): void {
  for (const component of scanComponents(text)) {
    const recur: RecurContext = { dtstartType: dtstartTypeOf(component) };
    for (const line of component.properties) {
      const problem = lineProblem(line, recur, options);
      if (problem) throw new InvalidICalendarError(`${component.name} ${line.name} value "${shorten(line.value)}" is invalid: ${problem}`);
    }
  }
}

// --- Internal helpers ---

type ValueType = TimeValueType | 'RECUR';

interface PropertyTypes {
  /** The type of a value without a VALUE parameter. */
  default: ValueType;
  /** The types a VALUE parameter may choose. */
  allowed: readonly ValueType[];
  /** Whether the value is a comma-separated list. */
  list?: boolean;
}

const START_LIKE: PropertyTypes = { default: 'DATE-TIME', allowed: ['DATE-TIME', 'DATE'] };
const UTC_STAMP: PropertyTypes = { default: 'DATE-TIME', allowed: ['DATE-TIME'] };
const DURATION: PropertyTypes = { default: 'DURATION', allowed: ['DURATION'] };
const OFFSET: PropertyTypes = { default: 'UTC-OFFSET', allowed: ['UTC-OFFSET'] };
const RULE: PropertyTypes = { default: 'RECUR', allowed: ['RECUR'] };

/** Properties whose value type RFC 5545 §3.8 (and the extensions named above) fix. */
const PROPERTY_TYPES: Readonly<Record<string, PropertyTypes>> = {
  DTSTART: START_LIKE,
  DTEND: START_LIKE,
  DUE: START_LIKE,
  'RECURRENCE-ID': START_LIKE,
  EXDATE: { ...START_LIKE, list: true },
  RDATE: { default: 'DATE-TIME', allowed: ['DATE-TIME', 'DATE', 'PERIOD'], list: true },
  DTSTAMP: UTC_STAMP,
  CREATED: UTC_STAMP,
  'LAST-MODIFIED': UTC_STAMP,
  COMPLETED: UTC_STAMP,
  ACKNOWLEDGED: UTC_STAMP, // RFC 9074 §6.1
  TZUNTIL: UTC_STAMP, // RFC 7808 §7.2
  DURATION,
  'REFRESH-INTERVAL': DURATION, // RFC 7986 §5.7
  TRIGGER: { default: 'DURATION', allowed: ['DURATION', 'DATE-TIME'] },
  FREEBUSY: { default: 'PERIOD', allowed: ['PERIOD'], list: true },
  TZOFFSETFROM: OFFSET,
  TZOFFSETTO: OFFSET,
  RRULE: RULE,
  EXRULE: RULE,
};

function lineProblem(line: ContentLine, recur: RecurContext, options: ValueCheckOptions): string | undefined {
  const known = PROPERTY_TYPES[line.name];
  const valueParam = enumParam(line, 'VALUE');
  if (!known) {
    // Any other property is checked only when it declares a time type; its value may be a list.
    return valueParam !== undefined && TIME_VALUE_TYPES.has(valueParam) ? listProblem(valueParam as TimeValueType, line.value) : undefined;
  }
  const type = (valueParam ?? known.default) as ValueType;
  if (!known.allowed.includes(type)) return `${line.name} cannot have VALUE=${valueParam} (allowed: ${known.allowed.join(', ')})`;
  if (type === 'RECUR') return options.recurrenceRules ? recurProblem(line.value, recur) : undefined;
  return known.list ? listProblem(type, line.value) : valueProblem(type, line.value);
}

function listProblem(type: TimeValueType, value: string): string | undefined {
  for (const item of value.split(',')) {
    const problem = valueProblem(type, item);
    if (problem) return value.includes(',') ? `"${shorten(item)}": ${problem}` : problem;
  }
  return undefined;
}

/** DATE or DATE-TIME, as the component's DTSTART is written; undefined without one. */
function dtstartTypeOf(component: ScannedComponent): RecurContext['dtstartType'] {
  const dtstart = component.properties.find((p) => p.name === 'DTSTART');
  if (!dtstart) return undefined;
  return enumParam(dtstart, 'VALUE') === 'DATE' ? 'DATE' : 'DATE-TIME';
}

function shorten(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}
