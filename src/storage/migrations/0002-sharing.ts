// Collection sharing (draft-pot-webdav-resource-sharing, CalendarServer sharing): one row per
// invited user, keyed by the collection id so that a share follows its calendar through a MOVE
// and dies with it. The rights themselves stay in the collection's ACL, as in Cyrus.

export const MIGRATION_0002 = [
  `CREATE TABLE shares (
    collection_id INTEGER NOT NULL,
    sharee TEXT NOT NULL,
    status TEXT NOT NULL,
    alias_path TEXT UNIQUE,
    comment TEXT,
    created_at INTEGER NOT NULL,
    modified_at INTEGER NOT NULL,
    PRIMARY KEY (collection_id, sharee)
  )`,
  `CREATE INDEX shares_sharee ON shares (sharee)`,
];
