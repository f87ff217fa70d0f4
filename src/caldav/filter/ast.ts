// The parsed CALDAV:filter (RFC 4791 §9.7), with the calendar-query extensions Cyrus accepts:
// test="anyof|allof" on comp-filter and prop-filter, text-match match-type, and name="*".
import type { TimeRange } from '../../ical/time-range.ts';
import type { CollationName, MatchType } from './collation.ts';

export type FilterTest = 'allof' | 'anyof';

export interface CalendarFilter {
  /** Always a VCALENDAR comp-filter (§9.7: the filter's scope is the calendar object). */
  root: CompFilter;
}

export interface CompFilter {
  /** Upper-case component name, or "*" for any component in scope. */
  name: string;
  isNotDefined: boolean;
  timeRange?: TimeRange | undefined;
  /** Combines the prop-filters and comp-filters; time-range always applies on top. */
  test: FilterTest;
  propFilters: PropFilter[];
  compFilters: CompFilter[];
}

export interface PropFilter {
  /** Upper-case property name, or "*" for any property. */
  name: string;
  isNotDefined: boolean;
  timeRange?: TimeRange | undefined;
  textMatch?: TextMatch | undefined;
  /** Combines the text-match or time-range with the param-filters (RFC 6352 §10.5.1 semantics). */
  test: FilterTest;
  paramFilters: ParamFilter[];
}

export interface ParamFilter {
  /** Upper-case parameter name. */
  name: string;
  isNotDefined: boolean;
  textMatch?: TextMatch | undefined;
}

export interface TextMatch {
  text: string;
  collation: CollationName;
  matchType: MatchType;
  negate: boolean;
}
