// Managed attachments (RFC 8607). A body is stored once per owner and content (SHA-256), in chunks
// of a few hundred KiB so that neither writing nor reading it holds it whole in memory. Each
// attachment (a MANAGED-ID) names a body with its filename and type; calendar objects reference
// attachments by (collection, name). Triggers keep the three in step whatever removes an object
// (DELETE, MOVE, a calendar or user deleted): an attachment goes with its last reference, a body
// with its last attachment.

export const MIGRATION_0008 = [
  // hash is NULL while the body is being written; a body left so by a stopped server is swept.
  `CREATE TABLE attachment_blobs (
    blob_id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL,
    hash TEXT,
    size INTEGER NOT NULL DEFAULT 0,
    chunks INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  )`,
  `CREATE UNIQUE INDEX attachment_blobs_content ON attachment_blobs (owner, hash) WHERE hash IS NOT NULL`,
  `CREATE INDEX attachment_blobs_owner ON attachment_blobs (owner, created_at)`,
  `CREATE TABLE attachment_chunks (
    blob_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (blob_id, seq)
  )`,
  `CREATE TABLE attachments (
    managed_id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    blob_id INTEGER NOT NULL,
    hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    created_at INTEGER NOT NULL
  )`,
  `CREATE INDEX attachments_blob ON attachments (blob_id)`,
  `CREATE INDEX attachments_owner ON attachments (owner, created_at)`,
  `CREATE TABLE attachment_refs (
    managed_id TEXT NOT NULL,
    collection_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (managed_id, collection_id, name)
  )`,
  `CREATE INDEX attachment_refs_resource ON attachment_refs (collection_id, name)`,
  `CREATE TRIGGER attachment_refs_of_removed_object AFTER DELETE ON resources
   BEGIN DELETE FROM attachment_refs WHERE collection_id = OLD.collection_id AND name = OLD.name; END`,
  `CREATE TRIGGER attachment_unreferenced AFTER DELETE ON attachment_refs
   WHEN NOT EXISTS (SELECT 1 FROM attachment_refs WHERE managed_id = OLD.managed_id)
   BEGIN DELETE FROM attachments WHERE managed_id = OLD.managed_id; END`,
  `CREATE TRIGGER attachment_blob_unused AFTER DELETE ON attachments
   WHEN NOT EXISTS (SELECT 1 FROM attachments WHERE blob_id = OLD.blob_id)
   BEGIN
     DELETE FROM attachment_chunks WHERE blob_id = OLD.blob_id;
     DELETE FROM attachment_blobs WHERE blob_id = OLD.blob_id;
   END`,
];
