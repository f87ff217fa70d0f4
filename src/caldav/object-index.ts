// The indexed columns of a calendar object (UID, component type, organizer, first/last occurrence
// in UTC, recurrence and floating flags), computed once at write time so that queries can
// pre-filter in SQL (caldav/filter/plan.ts decides what the index alone can settle).
import type { AppConfig } from '../config.ts';
import { computeOccurrenceBounds } from '../ical/occurrence-bounds.ts';
import type { ICAL } from '../ical/parse.ts';
import type { CalendarObjectIndex } from '../storage/index.ts';
import { recurrenceLimits } from './limits.ts';

export function computeIndex(vcalendar: ICAL.Component, components: ICAL.Component[], config: AppConfig): CalendarObjectIndex {
  const master = components.find((c) => !c.getFirstProperty('recurrence-id')) ?? components[0]!;
  const bounds = computeOccurrenceBounds(vcalendar, recurrenceLimits(config));
  const organizer = master.getFirstPropertyValue('organizer');
  return {
    uid: String(master.getFirstPropertyValue('uid')),
    componentType: master.name.toUpperCase(),
    firstStart: bounds.firstStartUtcMs,
    lastEnd: bounds.lastEndUtcMs,
    isRecurring: bounds.isRecurring,
    hasFloating: bounds.hasFloating,
    organizer: typeof organizer === 'string' ? organizer : null,
  };
}
