// The composition root: every area, property, report and route is wired here and nowhere else.
import { Hono, type Context } from 'hono';
import type { AppConfig } from './config.ts';
import { clientAddressOf } from './http/client-address.ts';
import { noteFailure, requestIds } from './http/request-log.ts';
import { CALENDAR_CONTENT, NO_CONTENT } from './caldav/content.ts';
import { VPATCH_FORMAT } from './caldav/patch.ts';
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
import { supportedReportSetProperty, WEBDAV_PROPERTIES } from './dav/properties/webdav.ts';
import { addMemberProperty } from './dav/properties/add-member.ts';
import { EXPAND_PROPERTY } from './dav/reports/expand-property.ts';
import { ReportRegistry } from './dav/reports/registry.ts';
import { SYNC_COLLECTION } from './dav/reports/sync-collection.ts';
import type { DavServices } from './dav/services.ts';
import { Authenticator } from './http/auth.ts';
import { errorResponse } from './http/on-error.ts';
import { isDavPath, SERVER_INFO_PATH, serveServerInfo, serverInfoSource, withServerInfoLink } from './server-info/route.ts';
import { redirectToContextPath, refuseBelowWellKnown } from './http/well-known.ts';
import { createTzdistApp } from './tzdist/index.ts';
import { publicOrigin } from './http/public-url.ts';
import { createFreeBusyApp } from './freebusy/route.ts';
import { ischeduleSetup, type DnsResolver } from './ischedule/peers.ts';
import { createIscheduleApp } from './ischedule/route.ts';
import { createDomainKeyApp } from './ischedule/domainkey.ts';
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
import { handleCalendarImport } from './caldav/import/import.ts';
import { sharingProperties } from './sharing/properties.ts';
import { withUnsubscribe } from './sharing/unsubscribe.ts';
import { handleDelete } from './dav/methods/delete.ts';
import { handleGetHead } from './dav/methods/get-head.ts';
import { attachmentContent } from './attachments/content.ts';
import { withAttachmentDownload } from './attachments/get.ts';
import { handleAttachmentPost } from './attachments/post.ts';
import { attachmentProperties } from './attachments/properties.ts';
import type { CollectionKind, Store } from './storage/index.ts';
import { notifyingWrites, PushDispatcher } from './push/dispatcher.ts';
import { pushProperties } from './push/properties.ts';
import { handlePushRegister } from './push/register.ts';
import { createPushRegistrationApp } from './push/registration-route.ts';

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
  /** How WebDAV-Push messages are POSTed to push services (tests catch them). */
  pushFetch?: typeof fetch;
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

/** Collections that take POST ?action=add-member (RFC 5995): those whose content policy stores members. */
const ADD_MEMBER_KINDS: ReadonlySet<CollectionKind> = new Set(['calendar', 'drive-home', 'folder']);

export function createApp(config: AppConfig, store: Store, options: AppOptions = {}): Hono {
  const deps: AppDeps = { store, config, now: options.now ?? Date.now, logger: options.logger ?? SILENT_LOGGER };
  const ischeduleOptions = { dns: options.ischeduleDns ?? null, now: deps.now, ...(options.ischeduleFetch ? { fetch: options.ischeduleFetch } : {}) };
  const transport = ischeduleTransport(config, chooseTransport(config, options.transport), ischeduleOptions);
  const remoteFreeBusy = ischeduleFreeBusy(config, ischeduleOptions);
  // Managed attachments inside scheduling: invitations carry the ATTACH properties as stored.
  const calendarObjects = config.caldav_allowattach ? attachmentContent(CALENDAR_CONTENT) : CALENDAR_CONTENT;
  const calendarContent = schedulingContent(calendarObjects, { deps, transport, beforeDelivery: options.beforeSchedulingDelivery });
  const reports = new ReportRegistry([
    EXPAND_PROPERTY, SYNC_COLLECTION, ACL_PRINCIPAL_PROP_SET, PRINCIPAL_MATCH, PRINCIPAL_PROPERTY_SEARCH, PRINCIPAL_SEARCH_PROPERTY_SET,
    CALENDAR_QUERY, CALENDAR_MULTIGET, CALDAV_FREE_BUSY_QUERY,
  ]);
  const services: DavServices = {
    // Sharing and notifications come first: their DAV:resourcetype answers for calendars and notification collections.
    properties: new PropertyRegistry([
      // Attachments before WebDAV: their quota properties answer for calendar homes and the Attachments collection.
      ...sharingProperties(config), ...NOTIFICATION_PROPERTIES, ...attachmentProperties(config), ...WEBDAV_PROPERTIES, supportedReportSetProperty(reports), ...SCHEDULING_PROPERTIES, ...caldavProperties(config), ...ACL_PROPERTIES, ...pushProperties(config),
      addMemberProperty((kind) => ADD_MEMBER_KINDS.has(kind)),
    ]),
    reports,
    content: (kind) => (kind === 'calendar' ? calendarContent : CONTENT_BY_KIND[kind]),
    canContain,
    initialAcl,
    checkDeletable,
    visible: visibleResource,
    patchFormat: (kind) => (kind === 'calendar' ? VPATCH_FORMAT : null),
    post: async (ctx) => (await handlePushRegister(ctx)) ?? (await handleSharingPost(ctx)) ?? (await handleCalendarImport(ctx, services)) ?? handleOutboxPost(ctx, remoteFreeBusy),
    postResource: (ctx) => handleAttachmentPost(ctx, services),
    outgoingBody: outgoingCalendarData,
  };
  const authenticator = new Authenticator(deps);
  const getHead = withAttachmentDownload(withNotificationNegotiation((ctx) => handleGetHead(ctx, renderCollection, services.outgoingBody)));
  const dav = createDavHandler({
    deps,
    services,
    authenticator,
    provision: createProvisioner(deps),
    renderCollection,
    extraMethods: {
      ACL: (ctx) => handleAcl(ctx, services),
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
  // draft-douglass-server-info: the document, and the Link header on DAV answers that points to it.
  const serverInfo = serverInfoSource(deps);
  app.onError((error, c) => {
    noteFailure(c.req.raw, error);
    const response = errorResponse(error, deps.logger, c.req.raw);
    // DAV answers carry the Link whether they succeed or fail, as Cyrus's do.
    return isDavPath(c.req.path) ? withServerInfoLink(c.req.raw, response, serverInfo) : response;
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
    const ischedule = createIscheduleApp(deps, ischeduleSetup(config, options.ischeduleDns ?? null, options.ischeduleFetch), transport);
    app.route('/.well-known/ischedule', ischedule);
    app.route('/ischedule', ischedule);
    // The signing key's record for peers that fetch it (q=http/well-known).
    app.route('/.well-known/domainkey', createDomainKeyApp(config));
  }

  if (config.httpmodules.has('freebusy') && config.httpmodules.has('caldav')) {
    app.route('/freebusy', createFreeBusyApp(deps, authenticator));
  }

  const serveInfo = serveServerInfo(deps, authenticator, serverInfo);
  app.all(SERVER_INFO_PATH, serveInfo);
  app.all('/.well-known/server-info', serveInfo);

  app.all('/', async (c) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      return c.text('Orrery calendar server. CalDAV clients: use this server\'s address; calendars live under /dav/calendars/.\n');
    }
    return withServerInfoLink(c.req.raw, await dav(c.req.raw, client(c)), serverInfo);
  });
  // WebDAV-Push: writes wake the dispatcher, which sends what their changes queued.
  const push = new PushDispatcher(deps, options.pushFetch);
  const davNotifying = notifyingWrites(push, deps, async (c: Context) => withServerInfoLink(c.req.raw, await dav(c.req.raw, client(c)), serverInfo));
  if (config.webdav_push) app.route('/push', createPushRegistrationApp(deps, authenticator));
  app.all('/dav', davNotifying);
  app.all('/dav/*', davNotifying);
  return app;
}
