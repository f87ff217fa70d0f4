// The composition root: every area, property, report and route is wired here and nowhere else.
import { Hono, type Context } from 'hono';
import type { AppConfig } from './config.ts';
import { clientAddressOf } from './http/client-address.ts';
import { noteFailure, requestIds } from './http/request-log.ts';
import { CALENDAR_CONTENT, NO_CONTENT } from './caldav/content.ts';
import { caldavProperties } from './caldav/properties.ts';
import { createProvisioner } from './caldav/provisioning.ts';
import { CALENDAR_MULTIGET } from './caldav/reports/calendar-multiget.ts';
import { CALENDAR_QUERY } from './caldav/reports/calendar-query.ts';
import { CALDAV_FREE_BUSY_QUERY } from './caldav/reports/free-busy-query.ts';
import { outgoingCalendarData, renderCollection } from './caldav/render.ts';
import { canContain, checkDeletable, initialAcl } from './caldav/rules.ts';
import { FILE_CONTENT, type ContentPolicy } from './dav/content.ts';
import { SILENT_LOGGER, type AppDeps, type Logger } from './dav/context.ts';
import { createDavHandler } from './dav/mount.ts';
import { PropertyRegistry } from './dav/properties/registry.ts';
import { WEBDAV_PROPERTIES } from './dav/properties/webdav.ts';
import { EXPAND_PROPERTY } from './dav/reports/expand-property.ts';
import { ReportRegistry } from './dav/reports/registry.ts';
import { SYNC_COLLECTION } from './dav/reports/sync-collection.ts';
import type { DavServices } from './dav/services.ts';
import { Authenticator } from './http/auth.ts';
import { errorResponse } from './http/on-error.ts';
import { redirectToContextPath, refuseBelowWellKnown } from './http/well-known.ts';
import { createTzdistApp } from './tzdist/index.ts';
import { publicOrigin } from './http/public-url.ts';
import { createFreeBusyApp } from './freebusy/route.ts';
import { ischeduleSetup, type DnsResolver } from './ischedule/peers.ts';
import { createIscheduleApp } from './ischedule/route.ts';
import { ischeduleTransport } from './ischedule/send.ts';
import { ischeduleFreeBusy } from './ischedule/freebusy.ts';
import { chooseTransport, type MessageTransport } from './scheduling/imip/transport.ts';
import { handleOutboxPost } from './scheduling/outbox.ts';
import { schedulingContent } from './scheduling/policy.ts';
import { SCHEDULING_PROPERTIES } from './scheduling/properties.ts';
import { NOTIFICATION_CONTENT } from './notifications/collection.ts';
import { withNotificationNegotiation } from './notifications/get.ts';
import { NOTIFICATION_PROPERTIES } from './notifications/properties.ts';
import { handleAcl } from './acl/acl-method.ts';
import { ACL_PROPERTIES } from './acl/properties.ts';
import { visibleResource } from './acl/visibility.ts';
import { ACL_PRINCIPAL_PROP_SET } from './acl/reports/acl-principal-prop-set.ts';
import { PRINCIPAL_MATCH } from './acl/reports/principal-match.ts';
import { PRINCIPAL_PROPERTY_SEARCH, PRINCIPAL_SEARCH_PROPERTY_SET } from './principals/search.ts';
import { handleSharingPost } from './sharing/post.ts';
import { sharingProperties } from './sharing/properties.ts';
import { withUnsubscribe } from './sharing/unsubscribe.ts';
import { handleDelete } from './dav/methods/delete.ts';
import { handleGetHead } from './dav/methods/get-head.ts';
import type { CollectionKind, Store } from './storage/index.ts';

export interface AppOptions {
  now?: () => number;
  logger?: Logger;
  /** How iMIP mail leaves (the Node adapter injects SMTP); without one, imip_webhook_url is used if set. */
  transport?: MessageTransport | null;
  /** Test only: called between a write's commit and the delivery of its scheduling messages (crash tests). */
  beforeSchedulingDelivery?: () => void;
  /** DNS for iSchedule (SRV discovery, TXT keys), where the runtime has it. */
  ischeduleDns?: DnsResolver | null;
  /** How iSchedule messages are POSTed (tests route them to another app in the same process). */
  ischeduleFetch?: typeof fetch;
}

const CONTENT_BY_KIND: Record<CollectionKind, ContentPolicy> = {
  calendar: CALENDAR_CONTENT,
  'calendar-home': NO_CONTENT,
  'schedule-inbox': NO_CONTENT,
  'schedule-outbox': NO_CONTENT,
  attachments: NO_CONTENT,
  'drive-home': FILE_CONTENT,
  folder: FILE_CONTENT,
  notifications: NOTIFICATION_CONTENT,
};

export function createApp(config: AppConfig, store: Store, options: AppOptions = {}): Hono {
  const deps: AppDeps = { store, config, now: options.now ?? Date.now, logger: options.logger ?? SILENT_LOGGER };
  const ischeduleOptions = { dns: options.ischeduleDns ?? null, now: deps.now, ...(options.ischeduleFetch ? { fetch: options.ischeduleFetch } : {}) };
  const transport = ischeduleTransport(config, chooseTransport(config, options.transport), ischeduleOptions);
  const remoteFreeBusy = ischeduleFreeBusy(config, ischeduleOptions);
  const calendarContent = schedulingContent(CALENDAR_CONTENT, { deps, transport, beforeDelivery: options.beforeSchedulingDelivery });
  const services: DavServices = {
    // Sharing and notifications come first: their DAV:resourcetype answers for calendars and notification collections.
    properties: new PropertyRegistry([
      ...sharingProperties(config), ...NOTIFICATION_PROPERTIES, ...WEBDAV_PROPERTIES, ...SCHEDULING_PROPERTIES, ...caldavProperties(config), ...ACL_PROPERTIES,
    ]),
    reports: new ReportRegistry([
      SYNC_COLLECTION, EXPAND_PROPERTY, CALENDAR_MULTIGET, CALENDAR_QUERY, CALDAV_FREE_BUSY_QUERY,
      ACL_PRINCIPAL_PROP_SET, PRINCIPAL_MATCH, PRINCIPAL_PROPERTY_SEARCH, PRINCIPAL_SEARCH_PROPERTY_SET,
    ]),
    content: (kind) => (kind === 'calendar' ? calendarContent : CONTENT_BY_KIND[kind]),
    canContain,
    initialAcl,
    checkDeletable,
    visible: visibleResource,
    post: async (ctx) => (await handleSharingPost(ctx)) ?? handleOutboxPost(ctx, remoteFreeBusy),
    ...(config.httpmodules.has('tzdist') ? { outgoingBody: outgoingCalendarData } : {}),
  };
  const authenticator = new Authenticator(deps);
  const getHead = withNotificationNegotiation((ctx) => handleGetHead(ctx, renderCollection, services.outgoingBody));
  const dav = createDavHandler({
    deps,
    services,
    authenticator,
    provision: createProvisioner(deps),
    renderCollection,
    extraMethods: {
      ACL: handleAcl,
      DELETE: withUnsubscribe((ctx) => handleDelete(ctx, services)),
      GET: getHead,
      HEAD: getHead,
    },
    createEmpty: async (ctx, resource) => {
      const write = await services.content(resource.parent!.kind).prepare(ctx, resource.parent!, resource.name, new Uint8Array(0), null);
      await deps.store.resources.put(resource.parent!, resource.name, write, { absent: true }, deps.now());
    },
  });

  const app = new Hono();
  const client = (c: Context) => clientAddressOf(c.env, c.req.raw, config.trusted_proxies);
  app.use(requestIds());
  app.onError((error, c) => {
    noteFailure(c.req.raw, error);
    return errorResponse(error, deps.logger, c.req.raw);
  });
  app.notFound(() => new Response('Not found\n', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } }));

  // RFC 6764 §5: bootstrapping via well-known URIs redirects to the context path.
  app.all('/.well-known/caldav', redirectToContextPath('/dav/calendars/'));
  app.all('/.well-known/caldav/', redirectToContextPath('/dav/calendars/'));
  app.all('/.well-known/caldav/*', refuseBelowWellKnown);

  if (config.httpmodules.has('tzdist')) {
    // RFC 7808 §4.1: the well-known URI redirects to the service's context path.
    app.all('/.well-known/timezone', redirectToContextPath('/tzdist'));
    app.route('/tzdist', createTzdistApp({ tzdistPath: '/tzdist', origin: publicOrigin(config) }));
  }

  if (config.httpmodules.has('ischedule') && config.httpmodules.has('caldav')) {
    const ischedule = createIscheduleApp(deps, ischeduleSetup(config, options.ischeduleDns ?? null), transport);
    app.route('/.well-known/ischedule', ischedule);
    app.route('/ischedule', ischedule);
  }

  if (config.httpmodules.has('freebusy') && config.httpmodules.has('caldav')) {
    app.route('/freebusy', createFreeBusyApp(deps, authenticator));
  }

  app.all('/', (c) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      return c.text('Orrery calendar server. CalDAV clients: use this server\'s address; calendars live under /dav/calendars/.\n');
    }
    return dav(c.req.raw, client(c));
  });
  app.all('/dav', (c) => dav(c.req.raw, client(c)));
  app.all('/dav/*', (c) => dav(c.req.raw, client(c)));
  return app;
}
