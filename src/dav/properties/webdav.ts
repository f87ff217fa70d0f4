// RFC 4918 §15 live properties, plus RFC 5397 current-user-principal, RFC 3744 owner and
// principal-collection-set, RFC 6578 sync-token and RFC 4331 quota properties.
import { aclKind, collectionRights } from '../../acl/check.ts';
import { privilegesFromRights } from '../../acl/privileges.ts';
import type { ListedResource } from '../resource.ts';
import { el } from '../xml/element.ts';
import { dav, calserver } from '../xml/names.ts';
import { encodePath } from '../path.ts';
import type { PropertyDef } from './registry.ts';
import type { ReportRegistry } from '../reports/registry.ts';
import { principalPath } from '../urls.ts';

const any = (): boolean => true;
const isCollection = (r: ListedResource): boolean => r.kind === 'collection' || r.kind === 'virtual' || r.kind === 'principal';
const isStoredCollection = (r: ListedResource): r is Extract<ListedResource, { kind: 'collection' }> => r.kind === 'collection';
const isObject = (r: ListedResource): r is Extract<ListedResource, { kind: 'resource' }> => r.kind === 'resource';

export const href = (path: string) => el(dav('href'), encodePath(path));

export function syncToken(collection: { syncId: string; modseq: number }): string {
  return `https://orrery.dev/ns/sync/${collection.syncId}_${collection.modseq}`;
}

export function collectionEtag(collection: { syncId: string; modseq: number }): string {
  return `"${collection.syncId.slice(0, 8)}-${collection.modseq}"`;
}

export const WEBDAV_PROPERTIES: PropertyDef[] = [
  {
    name: dav('resourcetype'),
    appliesTo: any,
    inAllprop: true,
    write: 'protected',
    get: ({ resource }) => resourceTypeChildren(resource),
  },
  {
    name: dav('displayname'),
    appliesTo: any,
    inAllprop: true,
    write: () => null,
    get: ({ resource, dead }) => {
      const stored = dead.get(dav('displayname'));
      if (stored) return stored.children;
      if (resource.kind === 'principal') return resource.user.displayname ?? resource.user.name;
      return undefined;
    },
  },
  {
    name: dav('getetag'),
    appliesTo: (r) => isObject(r) || isStoredCollection(r),
    inAllprop: true,
    write: 'protected',
    get: ({ resource }) => (isObject(resource) ? resource.meta.etag : isStoredCollection(resource) ? collectionEtag(resource.collection) : undefined),
  },
  {
    name: dav('getcontenttype'),
    appliesTo: isObject,
    inAllprop: true,
    write: 'protected',
    get: ({ resource }) => (isObject(resource) ? resource.meta.contentType : undefined),
  },
  {
    name: dav('getcontentlength'),
    appliesTo: isObject,
    inAllprop: true,
    write: 'protected',
    get: ({ resource }) => (isObject(resource) ? String(resource.meta.size) : undefined),
  },
  {
    name: dav('getlastmodified'),
    appliesTo: (r) => isObject(r) || isStoredCollection(r),
    inAllprop: true,
    write: 'protected',
    get: ({ resource }) => {
      const time = isObject(resource) ? resource.meta.modifiedAt : isStoredCollection(resource) ? resource.collection.modifiedAt : undefined;
      return time === undefined ? undefined : new Date(time).toUTCString();
    },
  },
  {
    name: dav('creationdate'),
    appliesTo: (r) => isObject(r) || isStoredCollection(r),
    inAllprop: true,
    write: 'protected',
    get: ({ resource }) => {
      const time = isObject(resource) ? resource.meta.createdAt : isStoredCollection(resource) ? resource.collection.createdAt : undefined;
      return time === undefined ? undefined : new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
    },
  },
  {
    name: dav('supportedlock'),
    appliesTo: (r) => r.kind === 'resource' || r.kind === 'collection',
    inAllprop: true,
    write: 'protected',
    get: () =>
      ['exclusive', 'shared'].map((scope) =>
        el(dav('lockentry'), [el(dav('lockscope'), el(dav(scope))), el(dav('locktype'), el(dav('write')))]),
      ),
  },
  {
    name: dav('current-user-principal'),
    appliesTo: any,
    write: 'protected',
    get: ({ ctx }) => (ctx.principal ? href(principalPath(ctx.principal.name)) : el(dav('unauthenticated'))),
  },
  {
    name: dav('principal-URL'),
    appliesTo: (r) => r.kind === 'principal',
    write: 'protected',
    get: ({ resource }) => (resource.kind === 'principal' ? href(principalPath(resource.user.name)) : undefined),
  },
  {
    name: dav('principal-collection-set'),
    appliesTo: any,
    write: 'protected',
    get: () => href('/dav/principals/user/'),
  },
  {
    name: dav('owner'),
    appliesTo: (r) => r.kind !== 'virtual',
    write: 'protected',
    get: ({ resource }) => {
      const owner = resource.kind === 'principal' ? resource.user.name : resource.kind === 'collection' || resource.kind === 'resource' ? resource.collection.owner : null;
      return owner ? href(principalPath(owner)) : [];
    },
  },
  {
    name: dav('sync-token'),
    appliesTo: isStoredCollection,
    write: 'protected',
    get: ({ resource }) => (isStoredCollection(resource) ? syncToken(resource.collection) : undefined),
  },
  {
    name: calserver('getctag'),
    appliesTo: isStoredCollection,
    write: 'protected',
    get: ({ resource }) => (isStoredCollection(resource) ? collectionEtag(resource.collection).slice(1, -1) : undefined),
  },
  {
    name: dav('quota-used-bytes'),
    appliesTo: isStoredCollection,
    write: 'protected',
    get: async ({ ctx, resource }) =>
      isStoredCollection(resource) ? String((await ctx.deps.store.resources.countAndSize(resource.collection.id)).bytes) : undefined,
  },
  {
    name: dav('quota-available-bytes'),
    appliesTo: isStoredCollection,
    write: 'protected',
    // No per-user quota is enforced; RFC 4331 §3 lets a server report what it would accept.
    get: () => String(2 ** 40),
  },
  {
    name: dav('current-user-privilege-set'),
    appliesTo: any,
    write: 'protected',
    get: ({ ctx, resource }) => {
      if (resource.kind === 'collection' || resource.kind === 'resource') {
        const privileges = privilegesFromRights(collectionRights(ctx, resource.collection), aclKind(resource.collection.kind), 'expanded');
        return privileges.map((name) => el(dav('privilege'), el(name)));
      }
      return ctx.principal ? [el(dav('privilege'), el(dav('read'))), el(dav('privilege'), el(dav('read-current-user-privilege-set')))] : [];
    },
  },
];

/** RFC 3253 §3.1.5 DAV:supported-report-set of collections: the reports the registry offers there. */
export function supportedReportSetProperty(reports: ReportRegistry): PropertyDef {
  return {
    name: dav('supported-report-set'),
    appliesTo: isCollection,
    write: 'protected',
    get: ({ resource }) => reports.offeredOn(resource).map((name) => el(dav('supported-report'), el(dav('report'), el(name)))),
  };
}

function resourceTypeChildren(resource: ListedResource) {
  switch (resource.kind) {
    case 'resource':
    case 'missing':
      return [];
    case 'principal':
      return [el(dav('collection')), el(dav('principal'))];
    case 'virtual':
      return [el(dav('collection'))];
    case 'collection':
      switch (resource.collection.kind) {
        case 'calendar':
          return [el(dav('collection')), el('{urn:ietf:params:xml:ns:caldav}calendar')];
        case 'schedule-inbox':
          return [el(dav('collection')), el('{urn:ietf:params:xml:ns:caldav}schedule-inbox')];
        case 'schedule-outbox':
          return [el(dav('collection')), el('{urn:ietf:params:xml:ns:caldav}schedule-outbox')];
        default:
          return [el(dav('collection'))];
      }
  }
}
