// The time-range index: one row per instance of a calendar object whose instances are known
// exactly when it is written (with the free-busy type of event instances), one row for the whole
// span of any other object. Rows are grouped by length (span_class), so that an overlap query is a
// few bounded index range scans rather than a scan of everything that starts before the range
// ends (see time-index.ts).

export const MIGRATION_0005 = [
  `CREATE TABLE instances (
    resource_id INTEGER NOT NULL,
    collection_id INTEGER NOT NULL,
    span_class INTEGER NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    exact INTEGER NOT NULL,
    busy TEXT
  )`,
  `CREATE INDEX instances_range ON instances (collection_id, span_class, span_start)`,
  `CREATE INDEX instances_resource ON instances (resource_id)`,
  // The span columns of `resources` are no longer searched, only read: their index is dead weight
  // on every write. has_floating (migration 0004) served the span-based decision this replaces.
  `DROP INDEX resources_time`,
  `ALTER TABLE resources DROP COLUMN has_floating`,
  // Objects stored before this index existed get their whole span, marked inexact: queries parse
  // them as before until they are next written.
  `INSERT INTO instances (resource_id, collection_id, span_class, span_start, span_end, exact)
   SELECT id, collection_id, 4, coalesce(first_start, -8640000000000000), coalesce(last_end, 8640000000000000), 0
   FROM resources WHERE component_type IS NOT NULL`,
];
