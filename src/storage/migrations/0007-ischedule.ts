// iSchedule message identifiers already received (draft-desruisseaux-ischedule §7.3): a signed
// message replayed within its signature's lifetime is recognised by its signing domain and
// iSchedule-Message-ID, and refused. Rows are forgotten once the signature has expired anyway.

export const MIGRATION_0007 = [
  `CREATE TABLE ischedule_received (
    domain TEXT NOT NULL,
    message_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (domain, message_id)
  )`,
  `CREATE INDEX ischedule_received_expiry ON ischedule_received (expires_at)`,
];
