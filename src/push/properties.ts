// WebDAV-Push properties of collections (draft §2.1): the transports (Web Push with the VAPID
// public key), the push topic and the supported triggers. Every stored collection can be
// subscribed to: calendars, homes, scheduling Inbox and Outbox, notification and file collections.
import type { AppConfig } from '../config.ts';
import type { PropertyDef } from '../dav/properties/registry.ts';
import type { ListedResource } from '../dav/resource.ts';
import { el, type XmlElement } from '../dav/xml/element.ts';
import { dav } from '../dav/xml/names.ts';
import { push } from './names.ts';
import { pushTopic } from './topic.ts';
import { vapidKeys } from './vapid.ts';

/** Deepest change of members announced (content-update) and of properties (property-update). */
export const SUPPORTED_CONTENT_DEPTH = '1';
export const SUPPORTED_PROPERTY_DEPTH = '0';

export const isPushCollection = (r: ListedResource): r is Extract<ListedResource, { kind: 'collection' }> => r.kind === 'collection';

export function pushProperties(config: AppConfig): PropertyDef[] {
  if (!config.webdav_push) return [];
  const transports = async (deps: Parameters<typeof vapidKeys>[0]): Promise<XmlElement[]> => {
    const keys = await vapidKeys(deps);
    return [el(push('web-push'), el(push('vapid-public-key'), keys.publicKey, { type: 'p256ecdsa' }))];
  };
  return [
    {
      name: push('transports'),
      appliesTo: isPushCollection,
      write: 'protected',
      get: ({ ctx }) => transports(ctx.deps),
    },
    {
      // The name of drafts before October 2024, which clients of that time ask for.
      name: push('push-transports'),
      appliesTo: isPushCollection,
      write: 'protected',
      get: ({ ctx }) => transports(ctx.deps),
    },
    {
      name: push('topic'),
      appliesTo: isPushCollection,
      write: 'protected',
      get: async ({ resource }) => (isPushCollection(resource) ? pushTopic(resource.collection) : undefined),
    },
    {
      name: push('supported-triggers'),
      appliesTo: isPushCollection,
      write: 'protected',
      get: () => [
        el(push('content-update'), el(dav('depth'), SUPPORTED_CONTENT_DEPTH)),
        el(push('property-update'), el(dav('depth'), SUPPORTED_PROPERTY_DEPTH)),
      ],
    },
  ];
}
