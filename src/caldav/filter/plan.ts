// What a CALDAV:filter (RFC 4791 §9.7) lets storage decide from the indexed columns alone, so that
// only the objects the index cannot rule on are parsed and matched (sabre's requirePostFilter).
import { CALENDAR_COMPONENTS } from '../../config.ts';
import type { TimeRange } from '../../ical/time-range.ts';
import type { CalendarFilter, CompFilter } from './ast.ts';

/** Component types that make up a calendar object resource (RFC 4791 §4.1: one type per object). */
const OBJECT_TYPES = new Set<string>(CALENDAR_COMPONENTS);

export interface FilterPlan {
  /** Only objects of this type can match. */
  componentType?: string;
  /** The time-range of that component: only objects the time-range index finds for it can match. */
  timeRange?: TimeRange;
  /**
   * false: every object of the component type (and in the time range) matches, no parsing needed.
   * true: candidates must go through decideFromIndex and, where it cannot tell, matchCalendarObject.
   */
  needsPostFilter: boolean;
  /** The filter is just the component time-range, which the time-range index settles for exactly indexed objects. */
  timeRangeOnly: boolean;
}

/** A candidate as storage returns it (storage/time-index.ts). */
export interface IndexedObject {
  componentType: string | null;
  /** The index found an instance overlapping the plan's time range under the §9.9 rules. */
  rangeSettled: boolean;
}

export function planFilter(filter: CalendarFilter): FilterPlan {
  const root = filter.root;
  if (root.isNotDefined) return { needsPostFilter: true, timeRangeOnly: false };
  const conditions = root.propFilters.length + root.compFilters.length;
  const primary = root.test === 'allof' || conditions === 1 ? root.compFilters.find(isObjectTypeTest) : undefined;
  if (!primary) return { needsPostFilter: conditions > 0, timeRangeOnly: false };
  const bare = conditions === 1 && !hasSubConditions(primary);
  const plan: FilterPlan = { componentType: primary.name, needsPostFilter: !bare, timeRangeOnly: false };
  if (primary.timeRange) {
    plan.timeRange = primary.timeRange;
    plan.needsPostFilter = true;
    plan.timeRangeOnly = bare;
  }
  return plan;
}

/**
 * Whether a candidate matches, when the index alone can tell; undefined when it must be parsed.
 * Candidates already passed the type and time-range prefilter in SQL.
 */
export function decideFromIndex(plan: FilterPlan, row: IndexedObject): boolean | undefined {
  if (plan.componentType !== undefined && row.componentType !== plan.componentType) return false;
  if (!plan.needsPostFilter) return true;
  return plan.timeRangeOnly && row.rangeSettled ? true : undefined;
}

// --- Internal helpers ---

function isObjectTypeTest(filter: CompFilter): boolean {
  return !filter.isNotDefined && OBJECT_TYPES.has(filter.name);
}

function hasSubConditions(filter: CompFilter): boolean {
  return filter.propFilters.length > 0 || filter.compFilters.length > 0;
}
