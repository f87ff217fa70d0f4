// Text-match collations (RFC 4791 §7.5: RFC 4790 i;octet and i;ascii-casemap, RFC 5051
// i;unicode-casemap) and match types (RFC 6352 §10.5.4, as Cyrus accepts them in CalDAV).
import { describe, expect, it } from 'vitest';
import { collationMatches, type CollationName, type MatchType } from '../../../../src/caldav/filter/collation.ts';

type Case = [value: string, pattern: string, collation: CollationName, matchType: MatchType, expected: boolean];

const cases: Case[] = [
  ['NEEDS-ACTION', 'needs-action', 'i;ascii-casemap', 'equals', true],
  ['mailto:Lisa@Example.com', 'LISA@', 'i;ascii-casemap', 'contains', true],
  ['Éclair', 'éclair', 'i;ascii-casemap', 'equals', false], // only a-z fold under ascii-casemap
  ['Éclair', 'ÉCLAIR', 'i;ascii-casemap', 'equals', true],
  ['DC6C50A017428C5216A2F1CD@example.com', 'dc6c50a017428c5216a2f1cd@example.com', 'i;octet', 'equals', false],
  ['DC6C50A017428C5216A2F1CD@example.com', 'DC6C50A017428C5216A2F1CD@example.com', 'i;octet', 'equals', true],
  ['Éclair', 'éclair', 'i;unicode-casemap', 'equals', true],
  ['Éclair', 'E\u0301CLAIR', 'i;unicode-casemap', 'equals', true], // composed and decomposed É
  ['Straße', 'STRASSE', 'i;unicode-casemap', 'equals', true], // full case folding: ß ≡ SS
  ['Straße', 'STRASSE', 'i;ascii-casemap', 'equals', false],
  ['İstanbul', 'i\u0307stanbul', 'i;unicode-casemap', 'equals', true], // İ folds to i + combining dot
  ['İstanbul', 'istanbul', 'i;unicode-casemap', 'equals', false],
  ['İstanbul', 'STANBUL', 'i;unicode-casemap', 'ends-with', true],
  ['Team meeting', 'team', 'i;ascii-casemap', 'starts-with', true],
  ['Team meeting', 'meeting', 'i;ascii-casemap', 'starts-with', false],
  ['Team meeting', 'MEETING', 'i;ascii-casemap', 'ends-with', true],
  ['Team meeting', 'team', 'i;ascii-casemap', 'ends-with', false],
  ['Team meeting', 'm mee', 'i;ascii-casemap', 'contains', true],
  ['Team meeting', 'Team', 'i;ascii-casemap', 'equals', false],
];

describe('RFC 4791 §9.7.5 text-match collations and match types', () => {
  for (const [value, pattern, collation, matchType, expected] of cases) {
    it(`${collation} ${matchType}: "${value}" ~ "${pattern}" is ${expected}`, () => {
      expect(collationMatches(value, pattern, collation, matchType)).toBe(expected);
    });
  }
});
