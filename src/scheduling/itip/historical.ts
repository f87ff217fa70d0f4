// Historical instances (Cyrus caldav_historical_age): changes to occurrences that ended long ago
// are stored but not scheduled, so that editing an old series does not mail everyone again.
import type { ICAL } from '../../ical/parse.ts';
import { resolveProperty, zoneContext } from '../../ical/zones.ts';
import { MASTER } from './model.ts';

export interface HistoryWindow {
  /** Instances ending before this instant send nothing; null when nothing is ever historical. */
  cutoffMs: number | null;
  /** Last end of the whole object (its indexed span); null when unknown or unbounded. */
  objectLastEndMs: number | null;
}

export function historyWindow(nowMs: number, historicalAgeSeconds: number, objectLastEndMs: number | null): HistoryWindow {
  return { cutoffMs: historicalAgeSeconds < 0 ? null : nowMs - historicalAgeSeconds * 1000, objectLastEndMs };
}

/**
 * Whether an instance lies wholly before the cutoff. The master stands for the whole series, so it
 * is historical only when the object's last occurrence is; an override by its own times and
 * RECURRENCE-ID, whichever is later.
 */
export function isHistorical(vcalendar: ICAL.Component, component: ICAL.Component | null, key: string, window: HistoryWindow): boolean {
  const cutoff = window.cutoffMs;
  if (cutoff === null) return false;
  if (key === MASTER) return window.objectLastEndMs !== null && window.objectLastEndMs < cutoff;
  let latest = keyInstant(key);
  if (component) {
    const ctx = zoneContext(vcalendar);
    for (const name of ['dtend', 'due', 'dtstart']) {
      const time = resolveProperty(component, name, ctx);
      if (time) latest = Math.max(latest, time.utcMs + (time.isDate && name === 'dtstart' ? 86_400_000 : 0));
    }
  }
  return latest < cutoff;
}

/** A RECURRENCE-ID key (YYYYMMDD, YYYYMMDDTHHMMSS or …Z) read as UTC; floating values are close enough here. */
export function keyInstant(key: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?/.exec(key);
  if (!match) return Number.POSITIVE_INFINITY;
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4] ?? 0), Number(match[5] ?? 0), Number(match[6] ?? 0));
}
