// WebDAV-Push subscriptions, their pending deliveries and the stored VAPID key pair (migration
// 0009). Deliveries are created by triggers on collection changes; this repository only reads,
// claims (with a lease, like scheduling_jobs) and settles them.
import { queryRow, queryRows, writeBatch, type DbClient, type Row } from './db.ts';

export interface PushSubscriptionRecord {
  /** The random part of the registration URL. */
  id: string;
  /** The subscribed collection; negated once the collection is removed (its last message pending). */
  collectionId: number;
  owner: string;
  pushResource: string;
  /** The user agent's P-256 ECDH public key, base64url (RFC 8291 §3.2). */
  publicKey: string;
  /** The 16-byte authentication secret, base64url (RFC 8291 §3.2). */
  authSecret: string;
  /** The collection's push topic, kept for the last message after the collection is removed. */
  topic: string;
  contentUpdate: boolean;
  propertyUpdate: boolean;
  expiresAt: number;
  createdAt: number;
}

export type NewPushSubscription = Omit<PushSubscriptionRecord, 'createdAt'>;

export interface PushDeliveryRecord {
  subscription: PushSubscriptionRecord;
  changedAt: number;
  nextAttemptAt: number;
  attempts: number;
  version: number;
  contentUpdate: boolean;
  propertyUpdate: boolean;
}

export interface VapidKeyRecord {
  /** The private scalar d, base64url. */
  privateKey: string;
  /** The uncompressed public point, base64url. */
  publicKey: string;
}

export class PushRepo {
  constructor(private readonly db: DbClient) {}

  /**
   * Registers a subscription, or renews the one with the same push resource on the collection
   * (the draft's "subscription update"), which keeps its id and so its registration URL.
   */
  async register(subscription: NewPushSubscription, now: number): Promise<{ record: PushSubscriptionRecord; created: boolean }> {
    const existing = await this.find(subscription.collectionId, subscription.pushResource);
    await writeBatch(this.db, [
      {
        sql: `INSERT INTO push_subscriptions (id, collection_id, owner, push_resource, public_key, auth_secret, topic, content_update, property_update, expires_at, created_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (collection_id, push_resource) DO UPDATE SET owner = excluded.owner, public_key = excluded.public_key,
                auth_secret = excluded.auth_secret, topic = excluded.topic, content_update = excluded.content_update,
                property_update = excluded.property_update, expires_at = excluded.expires_at`,
        args: [
          subscription.id, subscription.collectionId, subscription.owner, subscription.pushResource, subscription.publicKey, subscription.authSecret,
          subscription.topic, subscription.contentUpdate ? 1 : 0, subscription.propertyUpdate ? 1 : 0, subscription.expiresAt, now,
        ],
      },
    ]);
    const record = await this.find(subscription.collectionId, subscription.pushResource);
    if (!record) throw new Error('push subscription vanished while it was registered');
    return { record, created: existing === undefined };
  }

  async get(id: string): Promise<PushSubscriptionRecord | undefined> {
    const row = await queryRow(this.db, 'SELECT * FROM push_subscriptions WHERE id = ?', [id]);
    return row ? toSubscription(row) : undefined;
  }

  async find(collectionId: number, pushResource: string): Promise<PushSubscriptionRecord | undefined> {
    const row = await queryRow(this.db, 'SELECT * FROM push_subscriptions WHERE collection_id = ? AND push_resource = ?', [collectionId, pushResource]);
    return row ? toSubscription(row) : undefined;
  }

  /** Removes a subscription and what was waiting for it; false when there was none. */
  async remove(id: string): Promise<boolean> {
    const [, removed] = await writeBatch(this.db, [
      { sql: 'DELETE FROM push_deliveries WHERE subscription_id = ?', args: [id] },
      { sql: 'DELETE FROM push_subscriptions WHERE id = ?', args: [id] },
    ]);
    return Number(removed!.rowsAffected) > 0;
  }

  /** Forgets subscriptions that expired before `now`. */
  async removeExpired(now: number): Promise<number> {
    const [, removed] = await writeBatch(this.db, [
      { sql: 'DELETE FROM push_deliveries WHERE subscription_id IN (SELECT id FROM push_subscriptions WHERE expires_at <= ?)', args: [now] },
      { sql: 'DELETE FROM push_subscriptions WHERE expires_at <= ?', args: [now] },
    ]);
    return Number(removed!.rowsAffected);
  }

  /** Deliveries to live subscriptions whose debounce delay has passed (first change before `changedBefore`) and whose attempt is due. */
  async due(now: number, changedBefore: number, limit: number): Promise<PushDeliveryRecord[]> {
    const rows = await queryRows(
      this.db,
      `SELECT d.changed_at AS d_changed_at, d.next_attempt_at AS d_next_attempt_at, d.attempts AS d_attempts, d.version AS d_version,
              d.content_update AS d_content_update, d.property_update AS d_property_update, s.*
       FROM push_deliveries d JOIN push_subscriptions s ON s.id = d.subscription_id
       WHERE d.next_attempt_at <= ? AND d.changed_at <= ? AND s.expires_at > ? ORDER BY d.changed_at LIMIT ?`,
      [now, changedBefore, now, limit],
    );
    return rows.map((row) => ({
      subscription: toSubscription(row),
      changedAt: Number(row.d_changed_at),
      nextAttemptAt: Number(row.d_next_attempt_at),
      attempts: Number(row.d_attempts),
      version: Number(row.d_version),
      contentUpdate: Number(row.d_content_update) === 1,
      propertyUpdate: Number(row.d_property_update) === 1,
    }));
  }

  /** When the next delivery falls due (ignoring the debounce delay), if any is waiting. */
  async nextDue(): Promise<{ changedAt: number; nextAttemptAt: number } | undefined> {
    const row = await queryRow(this.db, 'SELECT changed_at, next_attempt_at FROM push_deliveries ORDER BY MAX(next_attempt_at, changed_at) LIMIT 1');
    return row ? { changedAt: Number(row.changed_at), nextAttemptAt: Number(row.next_attempt_at) } : undefined;
  }

  /** Takes a delivery until `leaseUntil`; false when another worker took it first. */
  async claim(delivery: PushDeliveryRecord, leaseUntil: number): Promise<boolean> {
    const [result] = await writeBatch(this.db, [
      {
        sql: 'UPDATE push_deliveries SET next_attempt_at = ?, attempts = attempts + 1 WHERE subscription_id = ? AND next_attempt_at = ? AND attempts = ?',
        args: [leaseUntil, delivery.subscription.id, delivery.nextAttemptAt, delivery.attempts],
      },
    ]);
    return Number(result!.rowsAffected) === 1;
  }

  /**
   * Settles a sent delivery. Changes that arrived while it was being sent (a newer version) keep
   * the row, due at once, so that they are announced too.
   */
  async delivered(delivery: PushDeliveryRecord): Promise<void> {
    const id = delivery.subscription.id;
    await writeBatch(this.db, [
      { sql: 'DELETE FROM push_deliveries WHERE subscription_id = ? AND version = ?', args: [id, delivery.version] },
      { sql: 'UPDATE push_deliveries SET next_attempt_at = 0, attempts = 0, last_error = NULL WHERE subscription_id = ?', args: [id] },
    ]);
  }

  /**
   * Withdraws the deliveries a write queued (first change at or after `since`) for the given
   * subscriptions, or for every subscription of the given collections: Push-Dont-Notify. Deliveries
   * already waiting from earlier changes stay, so nobody misses those.
   */
  async suppress(target: { ids: readonly string[] } | { collectionPaths: readonly string[] }, since: number): Promise<void> {
    if ('ids' in target) {
      if (target.ids.length === 0) return;
      const marks = target.ids.map(() => '?').join(', ');
      await writeBatch(this.db, [{ sql: `DELETE FROM push_deliveries WHERE changed_at >= ? AND subscription_id IN (${marks})`, args: [since, ...target.ids] }]);
      return;
    }
    if (target.collectionPaths.length === 0) return;
    const marks = target.collectionPaths.map(() => '?').join(', ');
    await writeBatch(this.db, [
      {
        sql: `DELETE FROM push_deliveries WHERE changed_at >= ? AND subscription_id IN
                (SELECT s.id FROM push_subscriptions s JOIN collections c ON c.id = s.collection_id WHERE c.path IN (${marks}))`,
        args: [since, ...target.collectionPaths],
      },
    ]);
  }

  async retryLater(subscriptionId: string, nextAttemptAt: number, error: string): Promise<void> {
    await writeBatch(this.db, [{ sql: 'UPDATE push_deliveries SET next_attempt_at = ?, last_error = ? WHERE subscription_id = ?', args: [nextAttemptAt, error, subscriptionId] }]);
  }

  /** Drops a delivery that will not be retried any more (the subscription itself stays). */
  async abandon(subscriptionId: string): Promise<void> {
    await writeBatch(this.db, [{ sql: 'DELETE FROM push_deliveries WHERE subscription_id = ?', args: [subscriptionId] }]);
  }

  async vapidKey(): Promise<VapidKeyRecord | undefined> {
    const row = await queryRow(this.db, 'SELECT private_key, public_key FROM push_vapid_keys WHERE id = 1');
    return row ? { privateKey: String(row.private_key), publicKey: String(row.public_key) } : undefined;
  }

  /** Stores a generated key pair unless another instance stored one first; returns the one kept. */
  async keepVapidKey(key: VapidKeyRecord, now: number): Promise<VapidKeyRecord> {
    await writeBatch(this.db, [
      { sql: 'INSERT OR IGNORE INTO push_vapid_keys (id, private_key, public_key, created_at) VALUES (1, ?, ?, ?)', args: [key.privateKey, key.publicKey, now] },
    ]);
    return (await this.vapidKey()) ?? key;
  }
}

// --- Internal helpers ---

function toSubscription(row: Row): PushSubscriptionRecord {
  return {
    id: String(row.id),
    collectionId: Number(row.collection_id),
    owner: String(row.owner),
    pushResource: String(row.push_resource),
    publicKey: String(row.public_key),
    authSecret: String(row.auth_secret),
    topic: String(row.topic),
    contentUpdate: Number(row.content_update) === 1,
    propertyUpdate: Number(row.property_update) === 1,
    expiresAt: Number(row.expires_at),
    createdAt: Number(row.created_at),
  };
}
