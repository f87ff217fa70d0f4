// Proactive content negotiation on the Accept header (RFC 9110 §12.5.1): q-values, wildcards,
// explicit refusals (q=0) and a `version` parameter, as calendar media types carry one.

/**
 * The offered media type the client prefers: the highest q-value, then an exact type over a
 * wildcard, then the order of `offered` (the server's preference). No Accept header, or an empty
 * one, accepts the first offer; null means nothing offered is acceptable (406).
 */
export function negotiateMediaType<T extends string>(accept: string | null, offered: readonly T[], options: { version?: string } = {}): T | null {
  if (accept === null || accept.trim() === '') return offered[0] ?? null;
  const ranges = parseAccept(accept).filter((range) => range.version === undefined || range.version === options.version);
  // "text/calendar;q=0, */*" refuses text/calendar even though the wildcard would cover it.
  const refused = new Set(ranges.filter((r) => r.quality <= 0).map((r) => r.type));
  let best: { type: T; quality: number; specificity: number; order: number } | undefined;
  for (const { type, quality } of ranges) {
    if (quality <= 0) continue;
    offered.forEach((candidate, order) => {
      if (refused.has(candidate)) return;
      const specificity = type === candidate ? 2 : type === '*/*' || type === `${candidate.split('/')[0]}/*` ? 1 : 0;
      if (specificity === 0) return;
      const better = !best || quality > best.quality || (quality === best.quality && (specificity > best.specificity || (specificity === best.specificity && order < best.order)));
      if (better) best = { type: candidate, quality, specificity, order };
    });
  }
  return best?.type ?? null;
}

// --- Internal helpers ---

interface MediaRange {
  type: string;
  quality: number;
  version: string | undefined;
}

function parseAccept(accept: string): MediaRange[] {
  return accept.split(',').flatMap((range) => {
    const [typePart = '', ...parameters] = range.split(';');
    const type = typePart.trim().toLowerCase();
    if (!/^[^\s/]+\/[^\s/]+$/.test(type)) return [];
    let quality = 1;
    let version: string | undefined;
    for (const parameter of parameters) {
      const [name = '', value = ''] = parameter.split('=').map((s) => s.trim());
      if (name.toLowerCase() === 'q') {
        const q = Number(value);
        // A malformed q-value is read as a refusal rather than as a preference nobody stated.
        quality = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value) ? q : 0;
      } else if (name.toLowerCase() === 'version') version = value.replace(/^"(.*)"$/, '$1');
    }
    return [{ type, quality, version }];
  });
}
