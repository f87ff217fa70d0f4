// The iSchedule service at /.well-known/ischedule and /ischedule (draft-desruisseaux-ischedule
// §6.1 capabilities, §6.2 POST). Unauthenticated, as in Cyrus: a message proves its sender by
// its DKIM signature. Every response carries iSchedule-Version and iSchedule-Capabilities.
import { Hono } from 'hono';
import type { AppDeps } from '../dav/context.ts';
import type { MessageTransport } from '../scheduling/imip/transport.ts';
import { el } from '../dav/xml/element.ts';
import { clark, NS } from '../dav/xml/names.ts';
import { toXml } from '../dav/xml/serialize.ts';
import { IscheduleError, ischeduleErrorResponse } from './errors.ts';
import type { IscheduleSetup } from './peers.ts';
import { RECEIVED_MEDIA_TYPES, RECEIVED_METHODS } from './methods.ts';
import { handleIschedulePost } from './receive.ts';

/** Changes whenever what the capabilities document says changes (draft §6.1.1 serial-number). */
const CAPABILITIES_SERIAL = '2';
const COMMON_HEADERS = { 'iSchedule-Version': '1.0', 'iSchedule-Capabilities': CAPABILITIES_SERIAL };
const ischedule = (local: string) => clark(NS.ISCHEDULE, local);

/** `transport` sends the refreshes a received REPLY causes to attendees on other servers. */
export function createIscheduleApp(deps: AppDeps, setup: IscheduleSetup, transport: MessageTransport | null): Hono {
  const app = new Hono();
  app.onError((error) => {
    if (error instanceof IscheduleError) {
      deps.logger.info('iSchedule request refused', { condition: error.condition, reason: error.message });
      return ischeduleErrorResponse(error, COMMON_HEADERS);
    }
    throw error;
  });
  app.get('/', (c) => {
    if (c.req.query('action') !== 'capabilities') throw new IscheduleError('invalid-query', 'The only query is ?action=capabilities');
    return new Response(toXml(capabilities(deps)), {
      status: 200,
      headers: { ...COMMON_HEADERS, 'Content-Type': 'application/xml; charset=utf-8', ETag: `"${CAPABILITIES_SERIAL}"` },
    });
  });
  app.post('/', async (c) => {
    const response = await handleIschedulePost({ deps, transport }, setup, c.req.raw);
    for (const [name, value] of Object.entries(COMMON_HEADERS)) response.headers.set(name, value);
    return response;
  });
  app.all('/', () => new Response('Method not allowed\n', { status: 405, headers: { ...COMMON_HEADERS, Allow: 'GET, HEAD, POST' } }));
  return app;
}

function capabilities(deps: AppDeps) {
  const { config } = deps;
  return el(ischedule('query-result'), el(ischedule('capabilities'), [
    el(ischedule('serial-number'), CAPABILITIES_SERIAL),
    el(ischedule('versions'), el(ischedule('version'), '1.0')),
    el(ischedule('scheduling-messages'), [...RECEIVED_METHODS].map(([component, methods]) =>
      el(ischedule('component'), methods.map((name) => el(ischedule('method'), null, { name })), { name: component.toUpperCase() }))),
    // Only iCalendar has a version of its own; jCal and xCal are its other notations (as Cyrus lists them).
    el(ischedule('calendar-data-types'), RECEIVED_MEDIA_TYPES.map((type) =>
      el(ischedule('calendar-data-type'), null, type === 'text/calendar' ? { 'content-type': type, version: '2.0' } : { 'content-type': type }))),
    el(ischedule('attachments'), el(ischedule('inline'))),
    el(ischedule('max-content-length'), String(config.icalendar_max_size || 10 * 1024 * 1024)),
    el(ischedule('min-date-time'), isoDateTime(config.caldav_mindatetime)),
    el(ischedule('max-date-time'), isoDateTime(config.caldav_maxdatetime)),
    el(ischedule('max-recipients'), '100'),
  ]));
}

/** 19011213T204552Z → 1901-12-13T20:45:52Z, the form the draft's examples use. */
function isoDateTime(value: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : value;
}
