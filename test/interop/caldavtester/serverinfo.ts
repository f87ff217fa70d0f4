// CalDAVTester's serverinfo.xml for Orrery: the stock file's substitutions, with Orrery's URL
// layout, calendar user addresses and feature set put in, and the users the scripts log in as.
import { readFileSync } from 'node:fs';

/**
 * What Orrery implements, in CalDAVTester's feature names. A feature left out makes the scripts
 * (or suites, or tests) that require it count as skipped; one listed here makes them run.
 * CalendarServer-only extensions stay out: proxies, auto-accept resources and locations, groups,
 * private events and comments, dropbox, default alarms, the control API, trash, split task
 * calendars, the old timezone services, podding. So does
 * no-duplicate-uids: Orrery keeps UIDs unique per calendar (RFC 4791 §5.3.2.1), not per home.
 * timezones-by-reference (RFC 7809) makes calendarDataMatch ignore VTIMEZONE components, as
 * Orrery answers with its own catalogue's definitions (src/caldav/timezones-by-reference.ts); the
 * tester sends no CalDAV-Timezones header, so Orrery includes them, which the RFC's default is.
 */
export const ORRERY_FEATURES = [
  'COPY Method',
  'MOVE Method',
  'Extended MKCOL',
  'ACL Method',
  'acl-principal-prop-set REPORT',
  'principal-match REPORT',
  'principal-property-search REPORT',
  'principal-search-property-set REPORT',
  'add-member',
  'brief',
  'ctag',
  'current-user-principal',
  'expand-property',
  'prefer',
  'prefer-minimal',
  'prefer-representation',
  'prefer-noroot',
  'quota',
  'sync-report',
  'sync-report-home',
  // DAV:limit on sync-collection (RFC 6578 §3.6): the one test that needs its absence is skipped.
  'sync-report-limit',
  'well-known',
  'timezones-by-reference',
  'caldav',
  'attachments-collection',
  'freebusy-url',
  'implicit-scheduling',
  'managed-attachments',
  'shared-calendars',
  'vavailability',
  'vpoll',
  'rscale',
  'webcal',
  'json-data',
  // POST of many objects to a calendar (bulk import, as Cyrus has it); json.xml alone requires it.
  'bulk-post',
] as const;

/** Users created before the run: name → password, CalDAVTester's convention (password = name). */
export function caldavtesterUsers(): Map<string, string> {
  const users = new Map<string, string>();
  const add = (prefix: string, count: number) => {
    for (let i = 1; i <= count; i++) {
      const name = `${prefix}${String(i).padStart(2, '0')}`;
      users.set(name, name);
    }
  };
  add('user', 40);
  add('public', 10);
  add('resource', 20);
  add('location', 10);
  users.set('admin', 'admin');
  users.set('apprentice', 'apprentice');
  users.set('i18nuser', 'i18nuser');
  return users;
}

/**
 * Orrery has one principal collection (/dav/principals/user/) and one calendar-home collection
 * (/dav/calendars/user/), keyed by user name; CalendarServer's __uids__ and per-type collections
 * all map onto them, with the user name standing in for the GUID. Orrery's calendar user
 * addresses are mailto: only, so the urn:x-uid: and principal-URL forms become mailto: too.
 */
const OVERRIDES: Record<string, string> = {
  '$root:': '/dav/',
  '$uidstype:': 'user',
  '$userstype:': 'user',
  '$groupstype:': 'user',
  '$locationstype:': 'user',
  '$resourcestype:': 'user',
  '$calendar:': 'Default',
  '$tasks:': 'Default',
  '$polls:': 'Default',
  '$inbox:': 'Inbox',
  '$outbox:': 'Outbox',
  '$dropbox:': 'Attachments',
  '$attachments:': 'Attachments',
  // The home's initial sync lists its member collections, not the home itself (RFC 6578 §3.2).
  '$calendar_home_items_initial_sync:': '[$calendar:/,$inbox:/,$outbox:/,$attachments:/]',
  '$useradminguid:': 'admin',
  '$userapprenticeguid:': 'apprentice',
  '$i18nguid:': 'i18nuser',
  '$userguid%d:': 'user%02d',
  '$cuaddralt%d:': '$cuaddr%d:',
  '$cuaddraltnoslash%d:': '$cuaddr%d:',
  '$cuaddrurn%d:': '$cuaddr%d:',
  '$publicuserguid%d:': 'public%02d',
  '$publiccuaddrurn%d:': '$publiccuaddr%d:',
  '$resourceguid%d:': 'resource%02d',
  '$rcuaddralt%d:': 'mailto:$resourceid%d:@example.com',
  '$rcuaddrurn%d:': 'mailto:$resourceid%d:@example.com',
  '$locationguid%d:': 'location%02d',
  '$lcuaddralt%d:': 'mailto:$locationid%d:@example.com',
  '$lcuaddrurn%d:': 'mailto:$locationid%d:@example.com',
  '$i18ncuaddrurn:': '$i18ncuaddr:',
  // RFC 5995 leaves the add-member URL to the server (DAV:add-member names it); ;add-member is CalendarServer's.
  '$add-member:': '?action=add-member',
  // RFC 6578 §3.2 reports the members of a collection, not the collection itself as CalendarServer does.
  '$calendar_sync_extra_items:': '[]',
  '$calendar_sync_extra_count:': '0',
  // Sharing invitations arrive in /dav/notifications/user/<name>/, beside the calendar home rather than inside it.
  '$notificationpath%d:': '/dav/notifications/user/$userid%d:',
};

/** The stock serverinfo.xml of a CalDAVTester tree, rewritten for a server at host:port. */
export function orreryServerInfo(stockPath: string, host: string, port: number): string {
  let xml = readFileSync(stockPath, 'utf8');
  xml = xml.replace(/<host>[^<]*<\/host>/, `<host>${host}</host>`).replace(/<nonsslport>[^<]*<\/nonsslport>/, `<nonsslport>${port}</nonsslport>`);
  // Orrery delivers scheduling messages within the request that causes them (deliverNow in
  // src/scheduling/policy.ts; only a failed delivery is retried, a minute later), so an Inbox
  // holds its final count when the tester first looks: one look, no pause. waitsuccess counts
  // whole seconds and 0 would skip the request, so a wait-for-success request gets 1 s.
  xml = xml.replace(/<waitcount>[^<]*<\/waitcount>/, '<waitcount>1</waitcount>').replace(/<waitdelay>[^<]*<\/waitdelay>/, '<waitdelay>0</waitdelay>').replace(/<waitsuccess>[^<]*<\/waitsuccess>/, '<waitsuccess>1</waitsuccess>');
  const features = ORRERY_FEATURES.map((f) => `\t\t<feature>${f}</feature>\n`).join('');
  xml = xml.replace(/<features>[\s\S]*?<\/features>/, `<features>\n${features}\t</features>`);
  const seen = new Set<string>();
  xml = xml.replace(/(<key>([^<]+)<\/key>\s*<value>)([^<]*)(<\/value>)/g, (whole, open: string, key: string, _value: string, close: string) => {
    const value = OVERRIDES[key];
    if (value === undefined) return whole;
    seen.add(key);
    return `${open}${value}${close}`;
  });
  const missing = Object.keys(OVERRIDES).filter((key) => !seen.has(key));
  if (missing.length > 0) throw new Error(`serverinfo.xml has no substitution for ${missing.join(', ')}`);
  return xml;
}
