// Reading a push-register body (draft §3.1, §5.1): one Web Push subscription (push resource,
// aes128gcm, the user agent's p256dh key and auth secret), the triggers and the requested expiry.
// Triggers are taken relaxedly as the draft asks: depths beyond what is supported are lowered.
import { badRequest, conditionError } from '../dav/errors.ts';
import { childElements, findChild, findChildren, textContent, type XmlElement } from '../dav/xml/element.ts';
import { dav } from '../dav/xml/names.ts';
import { toBase64Url } from '../bytes/base64.ts';
import { isValidPublicKey, subscriptionKeys } from './encryption.ts';
import { push } from './names.ts';
import { isInternalHost } from '../http/internal-host.ts';

/** Longer push resource URLs are refused; real push services use a few hundred characters. */
const MAX_PUSH_RESOURCE_LENGTH = 2048;

export interface PushRegisterRequest {
  pushResource: string;
  publicKey: string;
  authSecret: string;
  contentUpdate: boolean;
  propertyUpdate: boolean;
  /** The requested expiry (ms since the epoch); null when none or not an IMF-fixdate. */
  expires: number | null;
}

export async function parsePushRegister(root: XmlElement, allowHttp: boolean): Promise<PushRegisterRequest> {
  const subscriptions = findChildren(root, push('subscription'));
  if (subscriptions.length !== 1) throw invalidSubscription('push-register must contain exactly one subscription element');
  const webPush = findChildren(subscriptions[0]!, push('web-push-subscription'));
  if (webPush.length !== 1 || childElements(subscriptions[0]!).length !== 1) {
    throw invalidSubscription('The subscription must contain exactly one web-push-subscription (the only transport this server offers)');
  }
  const subscription = webPush[0]!;

  const pushResource = onlyText(subscription, 'push-resource');
  if (pushResource === null) throw invalidSubscription('web-push-subscription must contain one push-resource with the push resource URL');
  checkPushResource(pushResource, allowHttp);

  const encoding = onlyText(subscription, 'content-encoding');
  if (encoding !== null && encoding !== 'aes128gcm') throw invalidSubscription(`content-encoding "${encoding}" is not supported; only aes128gcm (RFC 8291) is`);

  const keyElement = findChild(subscription, push('subscription-public-key'));
  const publicKey = keyElement ? textContent(keyElement).trim() : '';
  if (!keyElement || publicKey === '') throw invalidSubscription('web-push-subscription must contain subscription-public-key (message encryption is required)');
  const keyType = keyElement.attributes.type;
  if (keyType !== undefined && keyType !== 'p256dh') throw invalidSubscription(`subscription-public-key type "${keyType}" is not supported; only p256dh is`);
  const authSecret = onlyText(subscription, 'auth-secret');
  if (authSecret === null) throw invalidSubscription('web-push-subscription must contain auth-secret (message encryption is required)');
  const keys = subscriptionKeys(publicKey, authSecret);
  if (!keys) throw invalidSubscription('subscription-public-key must be an uncompressed P-256 point and auth-secret 16 bytes, both base64url');
  if (!(await isValidPublicKey(keys.publicKey))) throw invalidSubscription('subscription-public-key is not a point on the P-256 curve');

  const { contentUpdate, propertyUpdate } = parseTriggers(findChild(root, push('trigger')));
  const expiresElement = findChild(root, push('expires'));
  return {
    pushResource,
    // Stored in one canonical form, whatever padding the client used.
    publicKey: toBase64Url(keys.publicKey),
    authSecret: toBase64Url(keys.authSecret),
    contentUpdate,
    propertyUpdate,
    expires: expiresElement ? parseImfFixdate(textContent(expiresElement).trim()) : null,
  };
}

// --- Internal helpers ---

const invalidSubscription = (message: string) => conditionError({ name: '{https://bitfire.at/webdav-push}invalid-subscription' }, message);

/** The text of the one child of that name; null when absent or empty. */
function onlyText(parent: XmlElement, local: string): string | null {
  const children = findChildren(parent, push(local));
  if (children.length > 1) throw invalidSubscription(`${local} may be given once`);
  const text = children[0] ? textContent(children[0]).trim() : '';
  return text === '' ? null : text;
}

function checkPushResource(value: string, allowHttp: boolean): void {
  if (value.length > MAX_PUSH_RESOURCE_LENGTH) throw invalidSubscription(`push-resource is longer than ${MAX_PUSH_RESOURCE_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidSubscription(`push-resource "${value}" is not an absolute URL`);
  }
  const schemes = allowHttp ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) throw invalidSubscription(`push-resource must be an ${allowHttp ? 'http or https' : 'https'} URL (RFC 8030 §8)`);
  if (url.username !== '' || url.password !== '') throw invalidSubscription('push-resource must not carry user name or password');
  // webdav_push_allow_http is for a push service on the same machine or network (tests, a
  // private deployment); otherwise the server never posts to an internal host on a client's say-so.
  if (!allowHttp && isInternalHost(url.hostname)) throw invalidSubscription(`push-resource must not name a loopback, private or link-local host (${url.hostname})`);
}

/**
 * No trigger element at all is what clients written against drafts before triggers existed
 * send; they meant content updates of the members. A trigger element naming nothing supported
 * is refused (draft §3.1.3).
 */
function parseTriggers(trigger: XmlElement | undefined): { contentUpdate: boolean; propertyUpdate: boolean } {
  if (!trigger) return { contentUpdate: true, propertyUpdate: false };
  const content = findChild(trigger, push('content-update'));
  const property = findChild(trigger, push('property-update'));
  if (content) checkDepth(content, 'content-update');
  if (property) checkDepth(property, 'property-update');
  if (!content && !property) {
    throw conditionError({ name: '{https://bitfire.at/webdav-push}no-supported-trigger' }, 'trigger names neither content-update nor property-update, the triggers this server supports');
  }
  return { contentUpdate: content !== undefined, propertyUpdate: property !== undefined };
}

/** Any depth is accepted and served at the supported one (draft §3.1.1: fall back, do not refuse). */
function checkDepth(trigger: XmlElement, what: string): void {
  const depth = findChild(trigger, dav('depth'));
  if (!depth) return;
  const value = textContent(depth).trim().toLowerCase();
  if (value !== '0' && value !== '1' && value !== 'infinity') throw badRequest(`${what} depth "${value}" is not 0, 1 or infinity`);
}

/** RFC 9110 §5.6.7 IMF-fixdate, e.g. "Wed, 02 Oct 2024 07:28:00 GMT"; anything else is ignored. */
function parseImfFixdate(text: string): number | null {
  if (!/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}
