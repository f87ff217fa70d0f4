// Media types a TZDist get can return (RFC 7808 §5.3, RFC 8536 §7) and their selection from the
// `format` query parameter (a Cyrus extension) or the Accept header (RFC 9110 §12.5.1).
import { negotiateMediaType } from '../http/accept.ts';
import { TzdistError } from './problem.ts';

export const ZONE_FORMATS = [
  'text/calendar',
  'application/calendar+json',
  'application/calendar+xml',
  'application/tzif',
  'application/tzif-leap',
] as const;

export type ZoneFormat = (typeof ZONE_FORMATS)[number];

export const CONTENT_TYPES: Record<ZoneFormat, string> = {
  'text/calendar': 'text/calendar; charset=utf-8',
  'application/calendar+json': 'application/calendar+json; charset=utf-8',
  'application/calendar+xml': 'application/calendar+xml; charset=utf-8',
  'application/tzif': 'application/tzif',
  'application/tzif-leap': 'application/tzif-leap',
};

/** The requested format; text/calendar when nothing is asked for (RFC 7808 §5.3). */
export function negotiateZoneFormat(url: URL, accept: string | null): ZoneFormat {
  const formats = url.searchParams.getAll('format');
  if (formats.length > 1) throw new TzdistError('invalid-format', '"format" must not occur more than once');
  if (formats[0] !== undefined) {
    const wanted = mediaType(formats[0]);
    const format = ZONE_FORMATS.find((candidate) => candidate === wanted);
    if (!format) throw new TzdistError('invalid-format', `unsupported format "${formats[0]}"`);
    return format;
  }
  const format = negotiateMediaType(accept, ZONE_FORMATS, { version: '2.0' });
  if (!format) throw new TzdistError('invalid-format', `none of "${accept}" is available`);
  return format;
}

function mediaType(text: string): string {
  return (text.split(';')[0] ?? '').trim().toLowerCase();
}
