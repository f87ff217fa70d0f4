// The CalDAVTester scripts run against Orrery (paths under scripts/, as testcaldav.py takes them).
// Left out: scripts for CalendarServer-only extensions (proxies, auto-accept resources and
// groups, private events and comments, dropbox, trash, partitioning and podding, the control
// API, VPOLL, jCal, the old timezone services, travel time, batch refresh) and the CalendarServer
// sharing scripts, whose invite protocol Orrery does not follow; their tests would all be skipped.

/** RFC 4791, 4918, 3744, 6578, 6764, 7240, 8607 behaviour that any CalDAV server should have. */
export const CORE_SCRIPTS: readonly string[] = [
  'acl', 'aclreports', 'brief', 'caldavIOP', 'conditional', 'copymove', 'ctag', 'current-user-principal', 'delete',
  'duplicate_uids', 'encodedURIs', 'errors', 'expandproperty', 'floating', 'freebusy', 'freebusy-url', 'get',
  'ical-client', 'managed-attachments', 'mkcalendar', 'nonascii', 'options', 'prefer', 'propfind', 'proppatch', 'put',
  'recurrenceput', 'reports', 'sync-report', 'timezones', 'vtodos', 'webcal', 'well-known',
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
