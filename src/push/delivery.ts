// Sending push messages (draft §4, RFC 8030 §5): the deliveries the change triggers queued
// (migration 0009), each claimed with a lease so that instances sharing the database never send
// one twice, encrypted (RFC 8291) and signed (RFC 8292) per subscription. Push services that say
// the subscription is gone (404, 410) get it removed; temporary failures are retried with backoff.
import { aclKind, rightsOfUser } from '../acl/check.ts';
import { isOperationAllowed } from '../acl/evaluate.ts';
import { syncToken } from '../dav/properties/webdav.ts';
import type { AppDeps } from '../dav/context.ts';
import type { PushDeliveryRecord } from '../storage/index.ts';
import { encryptPushMessage, subscriptionKeys } from './encryption.ts';
import { pushMessageXml, type PushNews } from './message.ts';
import { vapidAuthorization, vapidKeys, vapidSubject } from './vapid.ts';

/** How long a run holds a delivery while sending it; another instance may take it over afterwards. */
const LEASE_MS = 60_000;
/** Retries after 10 s, 20 s, 40 s, … up to an hour; then the message is dropped (the subscription stays). */
const FIRST_RETRY_MS = 10_000;
const LONGEST_RETRY_MS = 3_600_000;
const MAX_ATTEMPTS = 10;
/** RFC 8030 §5.2: how long the push service keeps an undelivered message; a day-old change still matters. */
const TTL_SECONDS = 86_400;
/** A push service that does not answer within this is treated as a temporary failure. */
const SEND_TIMEOUT_MS = 15_000;

/** How often expired subscriptions are removed. */
const PURGE_INTERVAL_MS = 600_000;
const lastPurge = new WeakMap<object, number>();

export interface PushRunCounts {
  sent: number;
  retried: number;
  dropped: number;
}

export interface PushSendOptions {
  fetch?: typeof fetch;
  limit?: number;
}

/** Sends every delivery that is due; call it after writes (past the delay) and periodically. */
export async function processPushDeliveries(deps: AppDeps, now: number, options: PushSendOptions = {}): Promise<PushRunCounts> {
  const counts: PushRunCounts = { sent: 0, retried: 0, dropped: 0 };
  const repo = deps.store.push;
  // Expired subscriptions get nothing anyway (the triggers skip them); forgetting them is housekeeping.
  if (now - (lastPurge.get(deps.store) ?? 0) >= PURGE_INTERVAL_MS) {
    await repo.removeExpired(now);
    lastPurge.set(deps.store, now);
  }
  const changedBefore = now - deps.config.webdav_push_delay_seconds * 1000;
  for (const delivery of await repo.due(now, changedBefore, options.limit ?? 100)) {
    if (!(await repo.claim(delivery, now + LEASE_MS))) continue;
    const outcome = await send(deps, delivery, now, options.fetch ?? fetch);
    const id = delivery.subscription.id;
    const collectionRemoved = delivery.subscription.collectionId < 0;
    if (outcome.kind === 'sent') {
      // The last message about a removed collection ends its subscriptions.
      if (collectionRemoved) await repo.remove(id);
      else await repo.delivered(delivery);
      counts.sent++;
    } else if (outcome.kind === 'gone') {
      deps.logger.info('Push subscription removed', { subscription: id, reason: outcome.reason });
      await repo.remove(id);
      counts.dropped++;
    } else if (outcome.kind === 'retry' && delivery.attempts + 1 < MAX_ATTEMPTS) {
      const delay = Math.min(FIRST_RETRY_MS * 2 ** delivery.attempts, LONGEST_RETRY_MS);
      await repo.retryLater(id, now + Math.max(delay, outcome.retryAfterMs ?? 0), outcome.reason);
      counts.retried++;
    } else {
      deps.logger.error('Push message dropped', { subscription: id, reason: outcome.reason });
      if (collectionRemoved) await repo.remove(id);
      else await repo.abandon(id);
      counts.dropped++;
    }
  }
  return counts;
}

// --- Internal helpers ---

type Outcome = { kind: 'sent' } | { kind: 'gone'; reason: string } | { kind: 'retry'; reason: string; retryAfterMs?: number } | { kind: 'failed'; reason: string };

async function send(deps: AppDeps, delivery: PushDeliveryRecord, now: number, doFetch: typeof fetch): Promise<Outcome> {
  const subscription = delivery.subscription;
  const keys = subscriptionKeys(subscription.publicKey, subscription.authSecret);
  if (!keys) return { kind: 'gone', reason: 'the stored subscription keys are unusable' };
  let news: PushNews;
  if (subscription.collectionId < 0) {
    // The collection was removed: a content-update with no sync token to offer.
    news = { topic: subscription.topic, syncToken: null, contentUpdate: true, propertyUpdate: false };
  } else {
    const collection = await deps.store.collections.getById(subscription.collectionId);
    if (!collection) return { kind: 'gone', reason: 'the collection no longer exists' };
    // Read access was checked at registration; a user who has lost it since hears nothing more.
    const owner = { name: subscription.owner, isAdmin: deps.config.admins.includes(subscription.owner) };
    if (!isOperationAllowed('read', aclKind(collection.kind), rightsOfUser(collection, owner, deps.config))) {
      return { kind: 'gone', reason: 'its owner may no longer read the collection' };
    }
    // The topic stored at registration: the collection's sync id, which it is derived from, never changes.
    news = { topic: subscription.topic, syncToken: delivery.contentUpdate ? syncToken(collection) : null, contentUpdate: delivery.contentUpdate, propertyUpdate: delivery.propertyUpdate };
  }
  const xml = pushMessageXml(news);
  let body: Uint8Array<ArrayBuffer>;
  try {
    body = await encryptPushMessage(new TextEncoder().encode(xml), keys);
  } catch (error) {
    return { kind: 'gone', reason: `the message cannot be encrypted for it: ${error instanceof Error ? error.message : String(error)}` };
  }
  // A key that cannot be read now (a database hiccup) fails the run, and the lease brings the message back.
  const authorization = await vapidAuthorization(await vapidKeys(deps), subscription.pushResource, vapidSubject(deps.config), now);
  let response: Response;
  try {
    response = await doFetch(subscription.pushResource, {
      method: 'POST',
      headers: {
        Authorization: authorization,
        'Content-Encoding': 'aes128gcm',
        'Content-Type': 'application/octet-stream',
        TTL: String(TTL_SECONDS),
        Urgency: 'normal',
        // RFC 8030 §5.4: a newer message about the same collection replaces one not delivered yet.
        Topic: news.topic,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    await response.body?.cancel();
  } catch (error) {
    return { kind: 'retry', reason: `push service unreachable: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (response.ok) return { kind: 'sent' };
  const reason = `push service answered ${response.status}`;
  // RFC 8030 §7.3: 404 and 410 mean the subscription is gone for good.
  if (response.status === 404 || response.status === 410) return { kind: 'gone', reason };
  if (response.status === 429 || response.status >= 500) return { kind: 'retry', reason, ...retryAfter(response) };
  return { kind: 'failed', reason };
}

function retryAfter(response: Response): { retryAfterMs?: number } {
  const value = response.headers.get('retry-after');
  if (value === null || !/^\d+$/.test(value.trim())) return {};
  return { retryAfterMs: Math.min(Number(value.trim()) * 1000, LONGEST_RETRY_MS) };
}
