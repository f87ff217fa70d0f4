// Recomputing the index of stored calendar objects: after an upgrade that added to it (objects
// stored before the time-range index have only their whole span there), and from time to time for
// long unbounded series, whose instances are listed around the time they were written.
import type { AppConfig } from '../config.ts';
import { InvalidICalendarError, parseICalendar } from '../ical/parse.ts';
import { TooManyInstances } from '../ical/recurrence.ts';
import type { CollectionKind, Store } from '../storage/index.ts';
import { computeIndex } from './object-index.ts';

/** The collections that hold calendar objects. */
const CALENDAR_OBJECT_KINDS: readonly CollectionKind[] = ['calendar', 'schedule-inbox'];

export interface ReindexSummary {
  objects: number;
  reindexed: number;
  /** Objects that changed while they were read (their own write indexed them) or no longer parse. */
  skipped: number;
}

export async function reindexCalendarObjects(store: Store, config: AppConfig, nowUtcMs: number): Promise<ReindexSummary> {
  const summary: ReindexSummary = { objects: 0, reindexed: 0, skipped: 0 };
  for (const kind of CALENDAR_OBJECT_KINDS) {
    for (const collection of await store.collections.listByKind(kind)) {
      for await (const record of store.resources.iterate(collection.id)) {
        if (record.componentType === null) continue;
        summary.objects++;
        const index = indexOf(typeof record.data === 'string' ? record.data : new TextDecoder().decode(record.data), config, nowUtcMs);
        if (index && (await store.resources.reindex(collection, record.name, record.etag, index))) summary.reindexed++;
        else summary.skipped++;
      }
    }
  }
  return summary;
}

function indexOf(text: string, config: AppConfig, nowUtcMs: number): ReturnType<typeof computeIndex> | undefined {
  try {
    const vcalendar = parseICalendar(text);
    const components = vcalendar.getAllSubcomponents().filter((c) => c.name !== 'vtimezone');
    return components.length > 0 ? computeIndex(vcalendar, components, config, nowUtcMs) : undefined;
  } catch (error) {
    // Stored objects were validated when written; one that no longer indexes (the limits were
    // lowered since) keeps what it has.
    if (error instanceof InvalidICalendarError || error instanceof TooManyInstances) return undefined;
    throw error;
  }
}
