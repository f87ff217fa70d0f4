// Sharing request bodies: DAV:share-resource (draft-pot-webdav-resource-sharing §5.3) and the
// CalendarServer CS:share with set/remove elements (caldav-sharing §5.2.1), read into one shape.
import { badRequest } from '../dav/errors.ts';
import { childElements, findChild, textContent, type XmlElement } from '../dav/xml/element.ts';
import { calserver, dav } from '../dav/xml/names.ts';

export type ShareAccessRequest = 'read' | 'read-write' | 'no-access';

export interface ShareInstruction {
  href: string;
  access: ShareAccessRequest;
  comment: string | null;
}

export interface ShareRequest {
  /** The CalendarServer form, which wants CalendarServer-shaped answers. */
  legacy: boolean;
  sharees: ShareInstruction[];
}

export function parseShareRequest(root: XmlElement | null): ShareRequest {
  if (!root) throw badRequest('A sharing request needs a DAV:share-resource body');
  if (root.name === dav('share-resource')) {
    return { legacy: false, sharees: childElements(root).filter((e) => e.name === dav('sharee')).map(parseSharee) };
  }
  if (root.name === calserver('share')) {
    const sharees: ShareInstruction[] = [];
    for (const child of childElements(root)) {
      if (child.name === calserver('set')) {
        const access = findChild(child, calserver('read-write')) ? 'read-write' : 'read';
        sharees.push({ href: hrefOf(child), access, comment: optionalText(findChild(child, calserver('summary'))) });
      } else if (child.name === calserver('remove')) {
        sharees.push({ href: hrefOf(child), access: 'no-access', comment: null });
      }
    }
    return { legacy: true, sharees };
  }
  throw badRequest('The body must be a DAV:share-resource or CS:share element');
}

// --- Internal helpers ---

function parseSharee(sharee: XmlElement): ShareInstruction {
  const accessElement = findChild(sharee, dav('share-access'));
  const chosen = accessElement ? childElements(accessElement)[0]?.name : dav('read');
  let access: ShareAccessRequest;
  if (chosen === dav('read')) access = 'read';
  else if (chosen === dav('read-write')) access = 'read-write';
  else if (chosen === dav('no-access')) access = 'no-access';
  else throw badRequest('DAV:share-access must be DAV:read, DAV:read-write or DAV:no-access');
  return { href: hrefOf(sharee), access, comment: optionalText(findChild(sharee, dav('comment'))) };
}

function hrefOf(element: XmlElement): string {
  const href = findChild(element, dav('href'));
  const text = href ? textContent(href).trim() : '';
  if (text === '') throw badRequest('Each sharee needs a DAV:href');
  return text;
}

function optionalText(element: XmlElement | undefined): string | null {
  const text = element ? textContent(element).trim() : '';
  return text === '' ? null : text;
}
