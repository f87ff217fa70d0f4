// Collations for CALDAV:text-match (RFC 4791 §7.5, RFC 4790 i;octet and i;ascii-casemap, RFC 5051
// i;unicode-casemap) and the match types equals/contains/starts-with/ends-with (RFC 6352 §10.5.4).

export type CollationName = 'i;ascii-casemap' | 'i;octet' | 'i;unicode-casemap';
export type MatchType = 'equals' | 'contains' | 'starts-with' | 'ends-with';

/** What CALDAV:supported-collation-set advertises, default first (RFC 4791 §7.5.1). */
export const SUPPORTED_COLLATIONS: readonly CollationName[] = ['i;ascii-casemap', 'i;octet', 'i;unicode-casemap'];
export const MATCH_TYPES: readonly MatchType[] = ['equals', 'contains', 'starts-with', 'ends-with'];

export function isSupportedCollation(name: string): name is CollationName {
  return (SUPPORTED_COLLATIONS as readonly string[]).includes(name);
}

export function isMatchType(name: string): name is MatchType {
  return (MATCH_TYPES as readonly string[]).includes(name);
}

/** Whether `value` matches `pattern` under the collation; both are folded the same way first. */
export function collationMatches(value: string, pattern: string, collation: CollationName, matchType: MatchType): boolean {
  const v = foldForCollation(value, collation);
  const p = foldForCollation(pattern, collation);
  switch (matchType) {
    case 'equals':
      return v === p;
    case 'starts-with':
      return v.startsWith(p);
    case 'ends-with':
      return v.endsWith(p);
    case 'contains':
      return v.includes(p);
  }
}

/**
 * The form of a string that the collation compares.
 * - i;octet: the string itself (UTF-16 code units compare as UTF-8 octets do for equality and substrings).
 * - i;ascii-casemap: a-z folded to A-Z, every other character left alone (RFC 4790 §9.2).
 * - i;unicode-casemap: RFC 5051 titlecases with simple mappings, then decomposes (NFKD). We fold
 *   with the runtime's full case mappings instead (upper then lower, so "ß" ≡ "SS" ≡ "ss" and
 *   "İ" folds to "i̇"), then apply NFKD, so "É" ≡ "é" ≡ "e\u0301". Full rather than simple folding
 *   makes a few more strings equal than RFC 5051 does (e.g. "ß" and "ss").
 */
export function foldForCollation(text: string, collation: CollationName): string {
  switch (collation) {
    case 'i;octet':
      return text;
    case 'i;ascii-casemap':
      return text.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
    case 'i;unicode-casemap':
      return text.normalize('NFKD').toUpperCase().toLowerCase().normalize('NFKD');
  }
}
