// Push-Dont-Notify (draft §4.2): a client asks not to be told about the change it makes itself,
// naming its registration URLs, or "*" for no notification at all. The write's triggers have
// already queued deliveries; those it queued are withdrawn before the answer goes out.
import { decodePath, joinPath, parentPath } from '../dav/path.ts';
import { REGISTRATIONS_PATH } from './registration-route.ts';

export type DontNotify = { ids: string[] } | { everyone: true } | null;

/** The header's registration ids (only URLs of this server's form count; invalid values are ignored, §4.2). */
export function parseDontNotify(headers: Headers): DontNotify {
  const value = headers.get('push-dont-notify');
  if (value === null) return null;
  if (value.trim() === '*') return { everyone: true };
  const ids: string[] = [];
  for (const match of value.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    let url: URL;
    try {
      url = new URL(match[1]!.replace(/\\(.)/g, '$1'));
    } catch {
      continue;
    }
    if (!url.pathname.startsWith(REGISTRATIONS_PATH)) continue;
    const id = url.pathname.slice(REGISTRATIONS_PATH.length);
    if (/^[A-Za-z0-9_-]+$/.test(id)) ids.push(id);
  }
  return ids.length > 0 ? { ids } : null;
}

/** The collections a request to `pathname` changes: the collection it names and the one it is a member of. */
export function touchedCollectionPaths(pathname: string): string[] {
  let segments: string[];
  try {
    segments = decodePath(pathname).segments;
  } catch {
    return [];
  }
  if (segments.length === 0) return [];
  const asCollection = joinPath(segments, true);
  return [asCollection, parentPath(asCollection)];
}
