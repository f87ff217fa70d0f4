// POST push-register to a collection (draft §3.1): registers a Web Push subscription, or renews
// the one with the same push resource (§3.2), and answers with the registration URL and the
// expiry actually granted. Registering needs read access to the collection: a subscriber learns
// no more than that it changed, which reading it tells anyway.
import { requireAccess, unauthorized } from '../acl/check.ts';
import type { DavContext } from '../dav/context.ts';
import { conditionError } from '../dav/errors.ts';
import { requestXml } from '../dav/request-xml.ts';
import { mediaType } from '../http/body.ts';
import { absoluteUrl } from '../http/public-url.ts';
import { toBase64Url } from '../bytes/base64.ts';
import { push } from './names.ts';
import { parsePushRegister } from './register-request.ts';
import { registrationPath } from './registration-route.ts';
import { pushTopic } from './topic.ts';

const XML_TYPES = new Set(['application/xml', 'text/xml']);

/** Handles a push-register POST; null for any other POST, which other areas handle. */
export async function handlePushRegister(ctx: DavContext): Promise<Response | null> {
  const { config, store } = ctx.deps;
  if (!config.webdav_push || !XML_TYPES.has(mediaType(ctx.request.headers.get('content-type')) ?? '')) return null;
  // A body that is not XML at all is no push registration: the next handler answers it.
  const root = await requestXml(ctx).catch(() => null);
  if (root?.name !== push('push-register')) return null;

  const resource = ctx.resource;
  if (!ctx.principal) throw unauthorized(ctx);
  if (resource.kind !== 'collection') {
    throw conditionError({ name: '{https://bitfire.at/webdav-push}push-not-available' }, 'Push subscriptions are registered on collections (a calendar, a calendar home, the scheduling Inbox), not on this resource');
  }
  requireAccess(ctx, resource, 'read');
  const request = await parsePushRegister(root, config.webdav_push_allow_http);

  const now = ctx.deps.now();
  const longest = now + config.webdav_push_max_expiry_seconds * 1000;
  if (request.expires !== null && request.expires <= now) {
    throw conditionError({ name: '{https://bitfire.at/webdav-push}invalid-subscription' }, 'The requested expires date has already passed');
  }
  // HTTP dates have whole seconds: the Expires header then says exactly what is stored.
  const expiresAt = Math.floor(Math.min(request.expires ?? longest, longest) / 1000) * 1000;
  const { record, created } = await store.push.register(
    {
      id: toBase64Url(crypto.getRandomValues(new Uint8Array(18))),
      collectionId: resource.collection.id,
      owner: ctx.principal.name,
      pushResource: request.pushResource,
      publicKey: request.publicKey,
      authSecret: request.authSecret,
      topic: await pushTopic(resource.collection),
      contentUpdate: request.contentUpdate,
      propertyUpdate: request.propertyUpdate,
      expiresAt,
    },
    now,
  );
  const path = registrationPath(record.id);
  // The draft asks for an absolute URL; without a configured public name the request's own
  // origin is the one this client reached us at (it goes back to nobody else).
  const location = absoluteUrl(config, path) ?? new URL(path, ctx.url).href;
  return new Response(null, {
    status: created ? 201 : 204,
    headers: { Location: location, Expires: new Date(record.expiresAt).toUTCString() },
  });
}
