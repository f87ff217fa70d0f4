// The bounds every recurrence evaluation runs under: unbounded rules stop at caldav_maxdatetime,
// no set is expanded past caldav_max_instances (RFC 4791 §5.2.6–§5.2.8), and a report's
// expansions together stay within caldav_max_report_instances.
import type { AppConfig } from '../config.ts';
import { conditionError } from '../dav/errors.ts';
import type { MultistatusResponse } from '../dav/multistatus.ts';
import { el } from '../dav/xml/element.ts';
import { dav } from '../dav/xml/names.ts';
import { expansionBudget, type ExpansionBudget } from '../ical/expansion-budget.ts';
import { parseUtc } from '../ical/zones.ts';
import type { CalendarDataRequest } from './calendar-data/request.ts';

export interface RecurrenceLimits {
  horizonUtcMs: number;
  maxInstances: number;
}

export function recurrenceLimits(config: AppConfig): RecurrenceLimits {
  // parseConfig has checked the format, so parsing cannot fail.
  return { horizonUtcMs: parseUtc(config.caldav_maxdatetime)!, maxInstances: config.caldav_max_instances };
}

/** The limits of one report's expansions, with a budget of its own that they all draw from. */
export function reportLimits(config: AppConfig): RecurrenceLimits & { budget: ExpansionBudget } {
  return { ...recurrenceLimits(config), budget: expansionBudget(config.caldav_max_report_instances) };
}

/**
 * RFC 4791 §7.8 and §7.9 preconditions: the ranges of CALDAV:expand, limit-recurrence-set and
 * limit-freebusy-set lie within CALDAV:min-date-time and CALDAV:max-date-time. Filter time-ranges
 * are answered whatever their bounds: they only select objects, and no rule is iterated past the
 * horizon for them, while refusing would fail clients asking for "everything from now on".
 */
export function requireRangesWithinLimits(request: CalendarDataRequest, config: AppConfig): void {
  const earliest = parseUtc(config.caldav_mindatetime)!;
  const latest = parseUtc(config.caldav_maxdatetime)!;
  const ranges = [['expand', request.expand], ['limit-recurrence-set', request.limitRecurrenceSet], ['limit-freebusy-set', request.limitFreebusySet]] as const;
  for (const [element, range] of ranges) {
    if (!range) continue;
    if (range.startUtcMs < earliest) {
      throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}min-date-time' }, `CALDAV:${element} starts before ${config.caldav_mindatetime}, the earliest date-time this server accepts`);
    }
    if (range.endUtcMs > latest) {
      throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}max-date-time' }, `CALDAV:${element} ends after ${config.caldav_maxdatetime}, the latest date-time this server accepts`);
    }
  }
}

/**
 * The last response of a report cut short by these limits (RFC 4791 §7.8 postcondition
 * DAV:number-of-matches-within-limits): 507 for the request-URI, the form RFC 6578 §3.6 gives a
 * truncated result, so that the multistatus stays well-formed and says it is incomplete.
 */
export function limitsReachedResponse(path: string, config: AppConfig): MultistatusResponse {
  const description =
    `The answer is incomplete: it needs more recurrence instances than this server computes for one request ` +
    `(${config.caldav_max_instances} per object, ${config.caldav_max_report_instances} in all); ask for a narrower time range`;
  return { path, status: 507, error: el(dav('number-of-matches-within-limits')), extra: [el(dav('responsedescription'), description)] };
}
