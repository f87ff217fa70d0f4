// Where managed attachments live (RFC 8607 §3.2): members of their owner's Attachments collection,
// named by MANAGED-ID. The URL goes into ATTACH values, absolute when the server knows its public
// origin (servername, http_baseurl), else as a path (docs/deployment.md).
import type { AppConfig } from '../config.ts';
import { decodePath, encodePath } from '../dav/path.ts';
import { calendarHomePath } from '../dav/urls.ts';
import { toHex } from '../http/digest.ts';
import { linkTo, publicOrigin } from '../http/public-url.ts';

export const ATTACHMENTS_COLLECTION = 'Attachments';

export const attachmentsCollectionPath = (owner: string): string => `${calendarHomePath(owner)}${ATTACHMENTS_COLLECTION}/`;

/** The decoded path of an attachment. */
export const attachmentPath = (owner: string, managedId: string): string => `${attachmentsCollectionPath(owner)}${managedId}`;

/** The URL an ATTACH property carries, and Location names, for an attachment. */
export function attachmentUrl(config: AppConfig, owner: string, managedId: string): string {
  return linkTo(config, encodePath(attachmentPath(owner, managedId)));
}

/** The owner and MANAGED-ID an ATTACH value names when it is a URL of this server's attachments. */
export function attachmentOfUrl(config: AppConfig, value: string): { owner: string; managedId: string } | null {
  let pathname = value;
  if (!value.startsWith('/')) {
    const origin = publicOrigin(config);
    if (origin === null || !value.startsWith(`${origin}/`)) return null;
    pathname = value.slice(origin.length);
  }
  let segments: string[];
  try {
    segments = decodePath(pathname.split(/[?#]/)[0]!).segments;
  } catch {
    return null;
  }
  if (segments.length !== 6 || segments[0] !== 'dav' || segments[1] !== 'calendars' || segments[2] !== 'user' || segments[4] !== ATTACHMENTS_COLLECTION) return null;
  return { owner: segments[3]!, managedId: segments[5]! };
}

/** A new MANAGED-ID: 128 random bits, so that an attachment's URL cannot be guessed (its collection is readable by anyone). */
export function newManagedId(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(16)));
}
