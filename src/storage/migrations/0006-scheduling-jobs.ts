// Implicit scheduling messages waiting to be delivered (RFC 6638 §3.2): one row per iTIP message,
// inserted in the same batch as the calendar write that caused it, and marked done in the same
// batch as its delivery, so that a server stopped at any moment delivers each message exactly once
// after restart. Rows of one write share group_id; its SCHEDULE-STATUS target is on each row.

export const MIGRATION_0006 = [
  `CREATE TABLE scheduling_jobs (
    id INTEGER PRIMARY KEY,
    group_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    sender TEXT NOT NULL,
    method TEXT NOT NULL,
    uid TEXT NOT NULL,
    originator TEXT NOT NULL,
    recipient TEXT NOT NULL,
    itip TEXT NOT NULL,
    refresh INTEGER NOT NULL DEFAULT 0,
    status TEXT,
    status_path TEXT,
    status_name TEXT,
    status_schedule_tag TEXT,
    status_property TEXT,
    statuses_recorded INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
  )`,
  `CREATE INDEX scheduling_jobs_due ON scheduling_jobs (state, next_attempt_at)`,
  `CREATE INDEX scheduling_jobs_group ON scheduling_jobs (group_id)`,
  `CREATE INDEX scheduling_jobs_unrecorded ON scheduling_jobs (statuses_recorded, created_at)`,
];
