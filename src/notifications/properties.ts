// Properties of notification collections and their members (draft-pot-webdav-notifications
// §4, CalendarServer notifications): the collection's resource type and each notification's
// DAV:notificationtype / CS:notificationtype, which clients read before fetching it.
import type { PropertyDef } from '../dav/properties/registry.ts';
import type { ListedResource } from '../dav/resource.ts';
import { el } from '../dav/xml/element.ts';
import { calserver, dav } from '../dav/xml/names.ts';
import { notificationTypeOf } from './documents.ts';

const isNotifications = (r: ListedResource): boolean => r.kind === 'collection' && r.collection.kind === 'notifications';
const isNotification = (r: ListedResource): r is Extract<ListedResource, { kind: 'resource' }> =>
  r.kind === 'resource' && r.collection.kind === 'notifications';

export const NOTIFICATION_PROPERTIES: PropertyDef[] = [
  {
    name: dav('resourcetype'),
    appliesTo: isNotifications,
    inAllprop: true,
    write: 'protected',
    get: () => [el(dav('collection')), el(dav('notifications')), el(calserver('notification'))],
  },
  { name: dav('notificationtype'), appliesTo: isNotification, write: 'protected', get: ({ resource }) => typeOf(resource, false) },
  { name: calserver('notificationtype'), appliesTo: isNotification, write: 'protected', get: ({ resource }) => typeOf(resource, true) },
];

function typeOf(resource: ListedResource, legacy: boolean) {
  if (!isNotification(resource)) return undefined;
  const type = notificationTypeOf(resource.name);
  if (!type || !legacy) return type;
  // CalendarServer names the two sharing types differently (Cyrus `propfind_notifytype`).
  if (type.name === dav('share-invite-notification')) return el(calserver('invite-notification'));
  if (type.name === dav('share-reply-notification')) return el(calserver('invite-reply'));
  return type;
}
