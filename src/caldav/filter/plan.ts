// What a CALDAV:filter (RFC 4791 §9.7) lets storage decide from the indexed columns alone, so that
// only the objects the index cannot rule on are parsed and matched (sabre's requirePostFilter).
import type { TimeRange } from '../../ical/time-range.ts';
import type { CalendarFilter, CompFilter } from './ast.ts';

/** Component types that make up a calendar object resource (RFC 4791 §4.1: one type per object). */
const OBJECT_TYPES = new Set(['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY', 'VAVAILABILITY', 'VPOLL']);

export interface FilterPlan {
  /** Only objects of this type can match. */
  componentType?: string;
  /**
   * Candidate window for the indexed first start / last end, already 1 ms wider than the query's
   * time-range on each side, so that both `first_start < rangeEndUtcMs AND last_end > rangeStartUtcMs`
   * and the inclusive form keep every object whose span touches the range (a zero-length event at
   * the range start, a to-do due exactly at its end). NULL columns must count as unbounded.
   */
  rangeStartUtcMs?: number;
  rangeEndUtcMs?: number;
  /** The component time-range exactly as the query gave it (for decideFromIndex). */
  timeRange?: TimeRange;
  /**
   * false: every object the component-type and window prefilter returns matches, no parsing needed.
   * true: candidates must go through decideFromIndex and, where it cannot tell, matchCalendarObject.
   */
  needsPostFilter: boolean;
  /** The filter is just the component time-range, which decideFromIndex settles exactly for simple objects. */
  timeRangeOnly: boolean;
}

/** The indexed columns of a stored object, as computeOccurrenceBounds produced them. */
export interface IndexedObject {
  componentType: string | null;
  firstStartUtcMs: number | null;
  lastEndUtcMs: number | null;
  isRecurring: boolean;
  hasFloating: boolean;
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
    if (primary.timeRange.startUtcMs !== undefined) plan.rangeStartUtcMs = primary.timeRange.startUtcMs - 1;
    if (primary.timeRange.endUtcMs !== undefined) plan.rangeEndUtcMs = primary.timeRange.endUtcMs + 1;
    plan.needsPostFilter = true;
    plan.timeRangeOnly = bare;
  }
  return plan;
}

/**
 * Whether the object matches, when the index alone can tell; undefined when it must be parsed.
 * false whenever the type or the (inclusive) span rules it out. A plain time-range query on a
 * VEVENT or VJOURNAL that neither recurs nor uses floating or DATE values is decided exactly with
 * the §9.9 table: (start < end' AND end > start') for a span, (start <= start' AND end > start')
 * for a point.
 */
export function decideFromIndex(plan: FilterPlan, row: IndexedObject): boolean | undefined {
  if (plan.componentType !== undefined && row.componentType !== plan.componentType) return false;
  const s = plan.timeRange?.startUtcMs ?? -Infinity;
  const e = plan.timeRange?.endUtcMs ?? Infinity;
  const first = row.firstStartUtcMs;
  const last = row.lastEndUtcMs;
  if (plan.timeRange && ((first !== null && first > e) || (last !== null && last < s))) return false;
  if (!plan.needsPostFilter) return true;
  if (!plan.timeRange || !plan.timeRangeOnly || first === null || last === null) return undefined;
  if (row.isRecurring || row.hasFloating || (row.componentType !== 'VEVENT' && row.componentType !== 'VJOURNAL')) return undefined;
  return last > first ? first < e && last > s : first >= s && first < e;
}

// --- Internal helpers ---

function isObjectTypeTest(filter: CompFilter): boolean {
  return !filter.isNotDefined && OBJECT_TYPES.has(filter.name);
}

function hasSubConditions(filter: CompFilter): boolean {
  return filter.propFilters.length > 0 || filter.compFilters.length > 0;
}
