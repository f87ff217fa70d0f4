// WebDAV-Push (draft bitfireAT/webdav-push): subscriptions registered on collections, the push
// messages waiting to be sent to them, and the server's VAPID key pair (RFC 8292) when none is
// configured.
//
// Every change of a collection bumps its modseq (content) or touches its properties (property
// update); triggers turn either into one pending delivery per matching subscription, inside the
// transaction of the write itself. So no write path has to remember to notify, a write costs one
// indexed lookup when nobody subscribed, and a delivery is never lost between commit and send.
// A delivery row per subscription merges the changes that arrive before it is sent (debouncing):
// changed_at keeps the first change, version counts the later ones.

export const MIGRATION_0009 = [
  `CREATE TABLE push_subscriptions (
    id TEXT PRIMARY KEY,
    collection_id INTEGER NOT NULL,
    owner TEXT NOT NULL,
    push_resource TEXT NOT NULL,
    public_key TEXT NOT NULL,
    auth_secret TEXT NOT NULL,
    topic TEXT NOT NULL,
    content_update INTEGER NOT NULL,
    property_update INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (collection_id, push_resource)
  )`,
  `CREATE INDEX push_subscriptions_expiry ON push_subscriptions (expires_at)`,
  `CREATE TABLE push_deliveries (
    subscription_id TEXT PRIMARY KEY,
    changed_at INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 0,
    content_update INTEGER NOT NULL DEFAULT 0,
    property_update INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
  )`,
  `CREATE INDEX push_deliveries_due ON push_deliveries (next_attempt_at, changed_at)`,
  `CREATE TABLE push_vapid_keys (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    private_key TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at INTEGER NOT NULL
  )`,
  // A content update: the collection's modseq moved (a member or the collection changed).
  `CREATE TRIGGER push_on_content_change AFTER UPDATE OF modseq ON collections
   WHEN NEW.modseq <> OLD.modseq AND EXISTS (SELECT 1 FROM push_subscriptions WHERE collection_id = NEW.id)
   BEGIN
     INSERT INTO push_deliveries (subscription_id, changed_at, content_update)
       SELECT id, NEW.modified_at, 1 FROM push_subscriptions
       WHERE collection_id = NEW.id AND content_update = 1 AND expires_at > NEW.modified_at
     ON CONFLICT (subscription_id) DO UPDATE SET content_update = 1, version = version + 1, changed_at = MIN(changed_at, excluded.changed_at);
   END`,
  // A property update of the collection itself (PROPPATCH stores properties by path). The clock
  // is the database's: a property row carries no time, and the write also bumps the modseq.
  `CREATE TRIGGER push_on_property_set AFTER INSERT ON properties
   WHEN EXISTS (SELECT 1 FROM push_subscriptions s JOIN collections c ON c.id = s.collection_id WHERE c.path = NEW.path)
   BEGIN
     INSERT INTO push_deliveries (subscription_id, changed_at, property_update)
       SELECT s.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 1
       FROM push_subscriptions s JOIN collections c ON c.id = s.collection_id
       WHERE c.path = NEW.path AND s.property_update = 1
     ON CONFLICT (subscription_id) DO UPDATE SET property_update = 1, version = version + 1, changed_at = MIN(changed_at, excluded.changed_at);
   END`,
  `CREATE TRIGGER push_on_property_removed AFTER DELETE ON properties
   WHEN EXISTS (SELECT 1 FROM push_subscriptions s JOIN collections c ON c.id = s.collection_id WHERE c.path = OLD.path)
   BEGIN
     INSERT INTO push_deliveries (subscription_id, changed_at, property_update)
       SELECT s.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 1
       FROM push_subscriptions s JOIN collections c ON c.id = s.collection_id
       WHERE c.path = OLD.path AND s.property_update = 1
     ON CONFLICT (subscription_id) DO UPDATE SET property_update = 1, version = version + 1, changed_at = MIN(changed_at, excluded.changed_at);
   END`,
  // A removed collection is a content update too (draft §3.1.1): its content-update subscriptions
  // get one last message (the topic is kept on the row for it) and are then removed; they point
  // at the negated id meanwhile, since a new collection may be given the old id (leftovers of an
  // earlier collection with this id, whose last message never went out, are dropped first).
  `CREATE TRIGGER push_on_collection_removed AFTER DELETE ON collections
   WHEN EXISTS (SELECT 1 FROM push_subscriptions WHERE collection_id = OLD.id)
   BEGIN
     DELETE FROM push_deliveries WHERE subscription_id IN (SELECT id FROM push_subscriptions WHERE collection_id = -OLD.id);
     DELETE FROM push_subscriptions WHERE collection_id = -OLD.id;
     DELETE FROM push_deliveries WHERE subscription_id IN (SELECT id FROM push_subscriptions WHERE collection_id = OLD.id AND content_update = 0);
     DELETE FROM push_subscriptions WHERE collection_id = OLD.id AND content_update = 0;
     UPDATE push_subscriptions SET collection_id = -OLD.id WHERE collection_id = OLD.id;
     INSERT INTO push_deliveries (subscription_id, changed_at, content_update)
       SELECT id, OLD.modified_at, 1 FROM push_subscriptions WHERE collection_id = -OLD.id
     ON CONFLICT (subscription_id) DO UPDATE SET content_update = 1, version = version + 1, changed_at = MIN(changed_at, excluded.changed_at);
   END`,
];
