// Principal URLs (RFC 3744 §2) ↔ the identifiers Cyrus ACLs use: /dav/principals/user/<u>/ for
// users and /dav/principals/group/<g>/ for `group:<g>` entries, plus the RFC 3744 §5.5.1
// pseudo-principals an ACE may name.
import type { AcePrincipal } from '../acl/ace.ts';
import { hrefToPath } from '../dav/path.ts';
import { href } from '../dav/properties/webdav.ts';
import { groupPrincipalPath, principalFromPath, principalPath } from '../dav/urls.ts';
import { el, type XmlElement } from '../dav/xml/element.ts';
import { dav } from '../dav/xml/names.ts';


/** The user or group a principal URL names; null when it names no principal of this server. */
export function principalFromHref(text: string, requestUrl: URL): { type: 'user' | 'group'; name: string } | null {
  let path: string | null;
  try {
    path = hrefToPath(text, requestUrl);
  } catch {
    return null;
  }
  return path === null ? null : principalFromPath(path);
}

/**
 * The address a mailto: calendar user address (RFC 6638 §2.4.1) stands for, percent-decoded; null
 * for another scheme or an encoding that does not decode, which then names nobody.
 */
export function mailtoAddress(text: string): string | null {
  const match = /^mailto:(.+)$/i.exec(text.trim());
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

/** The content of a DAV:principal element (RFC 3744 §5.5.1). */
export function principalContent(principal: AcePrincipal): XmlElement {
  switch (principal.type) {
    case 'all':
    case 'authenticated':
    case 'unauthenticated':
    case 'self':
      return el(dav(principal.type));
    case 'owner':
      return el(dav('property'), el(dav('owner')));
    case 'user':
      return href(principalPath(principal.name));
    case 'group':
      return href(groupPrincipalPath(principal.name));
  }
}
