// XML namespaces used by WebDAV, CalDAV and the extensions Orrery speaks, and the Clark
// notation ({namespace}local) every XML name is carried in inside the server.

export const NS = {
  DAV: 'DAV:',
  CALDAV: 'urn:ietf:params:xml:ns:caldav',
  CALSERVER: 'http://calendarserver.org/ns/',
  APPLE_ICAL: 'http://apple.com/ns/ical/',
  CYRUS: 'http://cyrusimap.org/ns/',
  ORRERY: 'https://orrery.dev/ns/',
  ISCHEDULE: 'urn:ietf:params:xml:ns:ischedule',
} as const;

/** An XML expanded name in Clark notation: `{DAV:}getetag`, or a bare local name for no namespace. */
export type ClarkName = string;

export function clark(namespace: string, local: string): ClarkName {
  return namespace === '' ? local : `{${namespace}}${local}`;
}

export function splitClark(name: ClarkName): { namespace: string; local: string } {
  if (!name.startsWith('{')) return { namespace: '', local: name };
  const end = name.indexOf('}');
  return { namespace: name.slice(1, end), local: name.slice(end + 1) };
}

export const dav = (local: string): ClarkName => clark(NS.DAV, local);
export const caldav = (local: string): ClarkName => clark(NS.CALDAV, local);
export const calserver = (local: string): ClarkName => clark(NS.CALSERVER, local);
export const appleIcal = (local: string): ClarkName => clark(NS.APPLE_ICAL, local);
export const cyrus = (local: string): ClarkName => clark(NS.CYRUS, local);
export const orrery = (local: string): ClarkName => clark(NS.ORRERY, local);
