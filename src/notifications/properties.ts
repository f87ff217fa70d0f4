// Properties of notification collections and their members (draft-pot-webdav-notifications
// §4, CalendarServer notifications): the collection's resource type and each notification's
// DAV:notificationtype / CS:notificationtype, which clients read before fetching it.
import type { PropertyDef } from '../dav/properties/registry.ts';
import type { DavResource } from '../dav/resource.ts';
import { el } from '../dav/xml/element.ts';
import { calserver, dav } from '../dav/xml/names.ts';
import { parseXml } from '../dav/xml/parse.ts';
import { notificationType } from './documents.ts';

const isNotifications = (r: DavResource): boolean => r.kind === 'collection' && r.collection.kind === 'notifications';
const isNotification = (r: DavResource): r is Extract<DavResource, { kind: 'resource' }> =>
  r.kind === 'resource' && r.collection.kind === 'notifications';

export const NOTIFICATION_PROPERTIES: PropertyDef[] = [
  {
    name: dav('resourcetype'),
    appliesTo: isNotifications,
    inAllprop: true,
    write: 'protected',
    get: () => [el(dav('collection')), el(dav('notifications')), el(calserver('notification'))],
  },
  { name: dav('notificationtype'), appliesTo: isNotification, write: 'protected', get: async ({ ctx, resource }) => typeOf(ctx, resource, false) },
  { name: calserver('notificationtype'), appliesTo: isNotification, write: 'protected', get: async ({ ctx, resource }) => typeOf(ctx, resource, true) },
];

async function typeOf(ctx: Parameters<PropertyDef['get']>[0]['ctx'], resource: DavResource, legacy: boolean) {
  if (!isNotification(resource)) return undefined;
  const record = await ctx.deps.store.resources.get(resource.collection.id, resource.name);
  if (!record || typeof record.data !== 'string') return undefined;
  const type = notificationType(parseXml(record.data));
  if (!type || !legacy) return type;
  // CalendarServer names the two sharing types differently (Cyrus `propfind_notifytype`).
  if (type.name === dav('share-invite-notification')) return el(calserver('invite-notification'));
  if (type.name === dav('share-reply-notification')) return el(calserver('invite-reply'));
  return type;
}
