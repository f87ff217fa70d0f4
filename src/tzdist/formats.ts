// Media types a TZDist get can return (RFC 7808 §5.3, RFC 8536 §7) and their selection from the
// `format` query parameter (a Cyrus extension) or the Accept header (RFC 9110 §12.5.1).
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
  if (accept === null || accept.trim() === '') return 'text/calendar';

  const ranges = accept.split(',').map((range) => {
    const [typePart = '', ...parameters] = range.split(';');
    const qParameter = parameters.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    return { type: mediaType(typePart), quality: qParameter ? Number(qParameter.slice(2)) : 1 };
  });
  // "text/calendar;q=0, */*" refuses text/calendar even though the wildcard would cover it.
  const refused = new Set(ranges.filter((r) => !(r.quality > 0)).map((r) => r.type));
  let best: { format: ZoneFormat; quality: number; specificity: number; order: number } | undefined;
  for (const { type, quality } of ranges) {
    if (!(quality > 0)) continue;
    ZONE_FORMATS.forEach((format, order) => {
      if (refused.has(format)) return;
      const specificity = type === format ? 2 : type === '*/*' || type === `${format.split('/')[0]}/*` ? 1 : 0;
      if (specificity === 0) return;
      // Higher q wins, then an exact type over a wildcard, then our order of preference.
      const better =
        !best ||
        quality > best.quality ||
        (quality === best.quality && (specificity > best.specificity || (specificity === best.specificity && order < best.order)));
      if (better) best = { format, quality, specificity, order };
    });
  }
  if (!best) throw new TzdistError('invalid-format', `none of "${accept}" is available`);
  return best.format;
}

function mediaType(text: string): string {
  return (text.split(';')[0] ?? '').trim().toLowerCase();
}
