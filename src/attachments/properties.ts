// RFC 8607 §6 properties, and RFC 4331 quota on the calendar home and the Attachments collection,
// where the owner's attachment storage is what the quota counts.
import type { AppConfig } from '../config.ts';
import type { PropertyDef } from '../dav/properties/registry.ts';
import type { ListedResource } from '../dav/resource.ts';
import { caldav, dav } from '../dav/xml/names.ts';

const isHome = (r: ListedResource): r is Extract<ListedResource, { kind: 'collection' }> => r.kind === 'collection' && r.collection.kind === 'calendar-home';
const isHomeOrCalendar = (r: ListedResource): boolean => r.kind === 'collection' && (r.collection.kind === 'calendar-home' || r.collection.kind === 'calendar');
const holdsQuota = (r: ListedResource): r is Extract<ListedResource, { kind: 'collection' }> =>
  r.kind === 'collection' && r.collection.owner !== null && (r.collection.kind === 'calendar-home' || r.collection.kind === 'attachments');

/** What the server reports when no quota is set (RFC 4331 §3 lets it report what it would accept). */
const UNLIMITED_BYTES = 2 ** 40;

export function attachmentProperties(config: AppConfig): PropertyDef[] {
  if (!config.caldav_allowattach) return [];
  return [
    {
      // §6.1: present and empty, the attachments live on this server, under the calendar home.
      name: caldav('managed-attachments-server-URL'),
      appliesTo: isHome,
      write: 'protected',
      get: () => [],
    },
    {
      name: caldav('max-attachment-size'),
      appliesTo: (r) => isHomeOrCalendar(r) && config.caldav_attach_maxsize > 0,
      write: 'protected',
      get: () => String(config.caldav_attach_maxsize),
    },
    {
      name: caldav('max-attachments-per-resource'),
      appliesTo: (r) => isHomeOrCalendar(r) && config.caldav_attach_maxcount > 0,
      write: 'protected',
      get: () => String(config.caldav_attach_maxcount),
    },
    {
      name: dav('quota-used-bytes'),
      appliesTo: holdsQuota,
      write: 'protected',
      get: async ({ ctx, resource }) => (holdsQuota(resource) ? String(await ctx.deps.store.attachments.usedBytes(resource.collection.owner!)) : undefined),
    },
    {
      name: dav('quota-available-bytes'),
      appliesTo: holdsQuota,
      write: 'protected',
      get: async ({ ctx, resource }) => {
        if (!holdsQuota(resource)) return undefined;
        if (config.caldav_attach_quota <= 0) return String(UNLIMITED_BYTES);
        const used = await ctx.deps.store.attachments.usedBytes(resource.collection.owner!);
        return String(Math.max(0, config.caldav_attach_quota - used));
      },
    },
  ];
}
