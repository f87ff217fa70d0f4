// The server-information document (draft-douglass-server-info, in the shape Cyrus 3.6 serves):
// one DAV:server-info element naming what this server implements, the WebDAV features and, per
// application (CalDAV, the time zone service, iSchedule), that application's features, with a
// token clients keep to tell whether anything changed. Everything in it follows from the
// configuration, so it is built once per app.
import type { AppConfig } from '../config.ts';
import { davComplianceClasses } from '../dav/methods/options.ts';
import { el, type XmlElement } from '../dav/xml/element.ts';
import { caldav, calserver, dav } from '../dav/xml/names.ts';
import { toXml } from '../dav/xml/serialize.ts';
import { sha256, toHex } from '../http/digest.ts';
import { supportedCalendarData } from '../caldav/calendar-format.ts';

export const SERVER_INFO_MEDIA_TYPE = 'application/server-info+xml';

/** Where the document is served: beside the principals, as Cyrus has it (/dav/principals/.server-info). */
export const SERVER_INFO_PATH = '/dav/principals/.server-info';

export interface ServerInfo {
  /**
   * The document's own digest: it changes exactly when what the document says changes, that is
   * when a configuration change adds or removes a feature (Cyrus derives its token from the
   * configuration file's size and time, which a restart with the same settings would also change).
   */
  token: string;
  /** The document as sent. */
  body: string;
}

/** The document for a configuration, with its token. */
export async function buildServerInfo(config: AppConfig): Promise<ServerInfo> {
  const content = serverInfoContent(config);
  const token = toHex(await sha256(new TextEncoder().encode(toXml(el(dav('server-info'), content)))), 20);
  return { token, body: toXml(el(dav('server-info'), [el(dav('token'), token), ...content])) };
}

// --- Internal helpers ---

/** The elements after DAV:token: the WebDAV features, then one DAV:application per protocol served. */
function serverInfoContent(config: AppConfig): XmlElement[] {
  const classes = davComplianceClasses(config, true);
  // The compliance classes that belong to CalDAV (RFC 4791, 6638, 7809, 7953, 8607, and
  // CalendarServer's sharing) are listed under its application; the rest are WebDAV's.
  const isCalendarClass = (name: string) => name.startsWith('calendar-') || name === 'calendarserver-sharing';
  const davFeatures = classes
    .filter((name) => !isCalendarClass(name))
    .map((name) => el(dav(/^\d+$/.test(name) ? `class-${name}` : name)));
  // Reports and properties every collection has, which the DAV header has no class for (Cyrus lists them too).
  davFeatures.push(el(dav('quota')), el(dav('sync-collection')));
  const applications: XmlElement[] = [];
  if (config.httpmodules.has('caldav')) {
    const features = classes.filter(isCalendarClass).map((name) => el(name === 'calendarserver-sharing' ? calserver(name) : caldav(name)));
    // The forms calendar data is read and written in (jCal and xCal beside iCalendar), as the
    // CALDAV:supported-calendar-data property of every calendar lists them.
    features.push(el(caldav('supported-calendar-data'), supportedCalendarData()));
    applications.push(application('caldav', features));
  }
  if (config.httpmodules.has('tzdist')) applications.push(application('timezone', [])); // RFC 7808
  if (config.httpmodules.has('ischedule') && config.httpmodules.has('caldav')) applications.push(application('ischedule', []));
  return [el(dav('features'), davFeatures), el(dav('applications'), applications)];
}

function application(name: string, features: XmlElement[]): XmlElement {
  return el(dav('application'), [el(dav('name'), name), el(dav('features'), features)]);
}
