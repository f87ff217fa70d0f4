// The per-user notification collection (draft-pot-webdav-notifications §3, Cyrus
// `#notifications`): /dav/notifications/user/<u>/, written only by the server, read and
// emptied by its owner. It is created with the first notification a user receives.
import { DavError } from '../dav/errors.ts';
import { strongEtag, type ContentPolicy } from '../dav/content.ts';
import type { AppDeps } from '../dav/context.ts';
import { defaultAcl } from '../acl/privileges.ts';
import { formatAclString } from '../acl/rights.ts';
import type { CollectionRecord } from '../storage/index.ts';
import { utf8Length } from '../bytes/utf8.ts';

export const NOTIFICATIONS_ROOT = '/dav/notifications/user/';
export const NOTIFICATION_CONTENT_TYPE = 'application/davnotification+xml; charset=utf-8';

export const notificationsPath = (user: string): string => `${NOTIFICATIONS_ROOT}${user}/`;

/** Clients cannot store notifications; only the server writes them (Cyrus allows no PUT there). */
export const NOTIFICATION_CONTENT: ContentPolicy = {
  async prepare() {
    throw new DavError(403, undefined, 'Notifications are created by the server; they cannot be written');
  },
  async acceptTransfer() {
    throw new DavError(403, undefined, 'Notifications are created by the server; nothing can be copied here');
  },
  maxBytes: (ctx) => ctx.deps.config.xml_max_size,
  allowsSubcollections: false,
};

/** The user's notification collection, created on first use. */
export async function ensureNotificationCollection(deps: AppDeps, user: string): Promise<CollectionRecord> {
  const path = notificationsPath(user);
  const existing = await deps.store.collections.get(path);
  if (existing) return existing;
  await deps.store.collections.ensure(
    [{ path, parentPath: NOTIFICATIONS_ROOT, owner: user, kind: 'notifications', acl: formatAclString(defaultAcl('notifications', user)) }],
    deps.now(),
  );
  return (await deps.store.collections.get(path))!;
}

/** Stores (or replaces) one notification document in a user's collection. */
export async function storeNotification(deps: AppDeps, user: string, name: string, xml: string): Promise<void> {
  const collection = await ensureNotificationCollection(deps, user);
  const size = utf8Length(xml);
  await deps.store.resources.put(collection, name, { contentType: NOTIFICATION_CONTENT_TYPE, data: xml, etag: await strongEtag(xml), size, index: null }, { any: true }, deps.now());
}

export async function deleteNotification(deps: AppDeps, user: string, name: string): Promise<void> {
  const collection = await deps.store.collections.get(notificationsPath(user));
  if (collection) await deps.store.resources.delete(collection, name, { any: true }, deps.now());
}
