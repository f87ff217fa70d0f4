// Outbound scheduling messages (iMIP, RFC 6047) waiting to be sent or retried, so that a mail
// server being down never loses an invitation nor fails the calendar write that caused it.

export const MIGRATION_0003 = [
  `CREATE TABLE outbound_messages (
    id INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    method TEXT NOT NULL,
    envelope_from TEXT NOT NULL,
    message TEXT NOT NULL,
    itip TEXT NOT NULL,
    last_error TEXT,
    status_owner TEXT,
    status_uid TEXT,
    status_property TEXT
  )`,
  `CREATE INDEX outbound_due ON outbound_messages (state, next_attempt_at)`,
];
