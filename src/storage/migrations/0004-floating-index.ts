// Whether an object uses floating or DATE values: with it, a plain time-range query on a
// non-recurring object can be decided from the indexed span without parsing (caldav/filter/plan.ts).

export const MIGRATION_0004 = ['ALTER TABLE resources ADD COLUMN has_floating INTEGER NOT NULL DEFAULT 0'];
