// The bounds every recurrence evaluation runs under: unbounded rules stop at caldav_maxdatetime,
// and no set is expanded past caldav_max_instances (RFC 4791 §5.2.6–§5.2.7).
import type { AppConfig } from '../config.ts';
import { parseUtc } from '../ical/zones.ts';

export interface RecurrenceLimits {
  horizonUtcMs: number;
  maxInstances: number;
}

export function recurrenceLimits(config: AppConfig): RecurrenceLimits {
  // parseConfig has checked the format, so parsing cannot fail.
  return { horizonUtcMs: parseUtc(config.caldav_maxdatetime)!, maxInstances: config.caldav_max_instances };
}
