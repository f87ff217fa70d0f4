// The CalDAVTester scripts run against Orrery (paths under scripts/, as testcaldav.py takes them).
// Left out: scripts for CalendarServer-only extensions (proxies, auto-accept resources and
// groups, private events and comments, dropbox, trash, partitioning and podding, the control
// API, the old timezone services, travel time, batch refresh) and the CalendarServer
// sharing scripts, whose invite protocol Orrery does not follow; their tests would all be skipped.
// bad-json.xml is vendored but left out too: it iterates over Resource/CalDAV/bad-json, which is
// empty upstream, so it runs no test (malformed jCal is covered by test/protocol/caldav/calendar-formats.test.ts).
// managed-attachments-sharing runs: it shares with CS:share, which Orrery answers.

/** RFC 4791, 4918, 3744, 6578, 6764, 7240, 8607 behaviour that any CalDAV server should have. */
export const CORE_SCRIPTS: readonly string[] = [
  'acl', 'aclreports', 'add-member', 'brief', 'caldavIOP', 'conditional', 'copymove', 'ctag', 'current-user-principal', 'delete',
  'duplicate_uids', 'encodedURIs', 'errors', 'expandproperty', 'floating', 'freebusy', 'freebusy-url', 'get',
  'ical-client', 'json', 'managed-attachments', 'managed-attachments-implicit', 'managed-attachments-quota',
  'managed-attachments-recurrence', 'managed-attachments-sharing', 'mkcalendar', 'nonascii', 'options', 'polls', 'prefer', 'propfind', 'proppatch', 'put',
  'recurrenceput', 'reports', 'rscale', 'sync-report', 'timezones', 'vtodos', 'webcal', 'well-known',
].map((name) => `CalDAV/${name}.xml`);

/** RFC 6638 implicit scheduling and Outbox POST. */
export const SCHEDULING_SCRIPTS: readonly string[] = [
  'implicitacls', 'implicitallday', 'implicitattendeedelete', 'implicitbadclients', 'implicitcalendartransp', 'implicitcancels',
  'implicitcompatibility', 'implicitdefaultcalendar', 'implicitdeletecalendar', 'impliciterrors', 'implicitfreebusy',
  'implicitlarge', 'implicitoptions', 'implicitpartstatchange', 'implicitpublicproperties', 'implicitrecur1', 'implicitrecur2',
  'implicitreschedule', 'implicitscenario1', 'implicitscenario2', 'implicitscenario3', 'implicitscheduleagent',
  'implicitscheduletag', 'implicitsecurity', 'implicitsequence', 'implicittimezones', 'implicittodo', 'implicitxdash',
  'scheduleimplicit-compatability', 'schedulenomore', 'schedulepost', 'scheduleprops',
].map((name) => `CalDAV/${name}.xml`);
