// Proactive negotiation on Accept (RFC 9110 §12.5.1) as calendar data uses it: q-values,
// wildcards, explicit refusals, the version parameter, and malformed ranges read as refusals.
import { describe, expect, it } from 'vitest';
import { negotiateMediaType } from '../../../src/http/accept.ts';

const OFFERED = ['text/calendar', 'application/calendar+json', 'application/calendar+xml'] as const;
const pick = (accept: string | null) => negotiateMediaType(accept, OFFERED, { version: '2.0' });

describe('negotiateMediaType', () => {
  it.each([
    [null, 'text/calendar'],
    ['', 'text/calendar'],
    ['*/*', 'text/calendar'],
    ['application/calendar+json', 'application/calendar+json'],
    ['APPLICATION/Calendar+XML', 'application/calendar+xml'],
    ['application/*', 'application/calendar+json'],
    ['application/calendar+json;q=0.5, application/calendar+xml', 'application/calendar+xml'],
    ['application/calendar+json;q=0.5, */*;q=0.4', 'application/calendar+json'],
    // An exact type beats a wildcard of the same quality.
    ['*/*, application/calendar+xml', 'application/calendar+xml'],
    ['text/calendar;q=0, */*', 'application/calendar+json'],
    ['application/calendar+json; version=2.0', 'application/calendar+json'],
    ['application/calendar+json; version="2.0"', 'application/calendar+json'],
    ['text/calendar; charset=utf-8', 'text/calendar'],
  ])('%s → %s', (accept, chosen) => {
    expect(pick(accept)).toBe(chosen);
  });

  it.each([
    ['text/html'],
    ['application/json'],
    ['application/calendar+json; version=1.0'],
    ['text/calendar;q=0, application/calendar+json;q=0, application/calendar+xml;q=0'],
    ['*/*;q=0'],
    // A malformed q-value is a refusal, not a preference nobody stated.
    ['application/calendar+json;q=high'],
    ['application/calendar+json;q=1.5'],
    ['not a media range'],
  ])('%s → nothing acceptable', (accept) => {
    expect(pick(accept)).toBeNull();
  });
});
