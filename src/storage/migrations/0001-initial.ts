// Initial schema. Paths are decoded and absolute; collection paths end with "/".

export const MIGRATION_0001 = [
  `CREATE TABLE users (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    email TEXT,
    displayname TEXT,
    created_at INTEGER NOT NULL
  )`,
  `CREATE TABLE collections (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    parent_path TEXT,
    owner TEXT,
    kind TEXT NOT NULL,
    sync_id TEXT NOT NULL,
    modseq INTEGER NOT NULL DEFAULT 1,
    acl TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    modified_at INTEGER NOT NULL
  )`,
  `CREATE INDEX collections_parent ON collections (parent_path)`,
  `CREATE INDEX collections_owner ON collections (owner, kind)`,
  `CREATE TABLE resources (
    id INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data BLOB NOT NULL,
    etag TEXT NOT NULL,
    size INTEGER NOT NULL,
    modseq INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    modified_at INTEGER NOT NULL,
    uid TEXT,
    component_type TEXT,
    first_start INTEGER,
    last_end INTEGER,
    is_recurring INTEGER NOT NULL DEFAULT 0,
    organizer TEXT,
    schedule_tag TEXT,
    UNIQUE (collection_id, name)
  )`,
  `CREATE UNIQUE INDEX resources_uid ON resources (collection_id, uid) WHERE uid IS NOT NULL`,
  `CREATE INDEX resources_time ON resources (collection_id, first_start, last_end)`,
  `CREATE INDEX resources_modseq ON resources (collection_id, modseq)`,
  `CREATE TABLE tombstones (
    collection_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    modseq INTEGER NOT NULL,
    PRIMARY KEY (collection_id, name)
  )`,
  `CREATE INDEX tombstones_modseq ON tombstones (collection_id, modseq)`,
  `CREATE TABLE properties (
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (path, name)
  )`,
  `CREATE TABLE locks (
    token TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    depth_infinity INTEGER NOT NULL,
    exclusive INTEGER NOT NULL,
    owner_xml TEXT,
    principal TEXT,
    timeout_seconds INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  )`,
  `CREATE INDEX locks_path ON locks (path)`,
  // Rows are never stored here: a failing INSERT aborts the batch it belongs to (see db.ts guard()).
  `CREATE TABLE write_guard (ok INTEGER CHECK (ok = 1))`,
];
