// CALDAV:text-match (RFC 4791 §9.7.5) on property and parameter values: the values a property
// offers for matching, and negate-condition applied over all of them.
import type ICAL from 'ical.js';
import type { TextMatch } from './ast.ts';
import { collationMatches } from './collation.ts';

/**
 * A match when any value matches (or, with negate-condition="yes", when none does). A property
 * that is absent has no value to test, so callers never reach here for it.
 */
export function matchesText(match: TextMatch, values: readonly string[]): boolean {
  const matched = values.some((value) => collationMatches(value, match.text, match.collation, match.matchType));
  return match.negate ? !matched : matched;
}

/**
 * The strings a property is matched on: TEXT values unescaped, one per value (CATEGORIES:a,b gives
 * "a", "b" and "a,b"); other value types as their iCalendar text (DTSTART gives "20060104T100000").
 */
export function propertyTexts(property: ICAL.Property): string[] {
  const values = property.getValues() as unknown[];
  if (values.length > 0 && values.every((v) => typeof v === 'string')) {
    const texts = values as string[];
    return texts.length > 1 ? [...texts, texts.join(',')] : texts;
  }
  if (values.every((v) => typeof v === 'number')) return values.map(String);
  return [rawValueText(property.toICALString())];
}

/** The text after the first ':' that is not inside a quoted parameter value. */
function rawValueText(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === '"') quoted = !quoted;
    else if (char === ':' && !quoted) return line.slice(i + 1);
  }
  return '';
}
