// The UTF-8 encoder of response bodies gives TextEncoder's bytes on every runtime, whichever
// encoder it uses underneath.
import { describe, expect, it } from 'vitest';
import { encodeUtf8, utf8Length } from '../../../src/bytes/utf8.ts';

const TEXTS = [
  '',
  'BEGIN:VCALENDAR\r\n',
  'Café, Zürich – 東京 📅',
  // A lone surrogate (a truncated emoji in a summary) becomes U+FFFD in both.
  'broken \uD83D end',
  'x'.repeat(70_000) + 'é',
];

describe('encodeUtf8 and utf8Length', () => {
  it.each(TEXTS.map((text) => [text.slice(0, 24), text]))('match TextEncoder for %j', (_label, text) => {
    const expected = new TextEncoder().encode(text);
    expect([...encodeUtf8(text)]).toEqual([...expected]);
    expect(utf8Length(text)).toBe(expected.byteLength);
  });

  it('give views that read correctly side by side (small ones may share a buffer)', () => {
    const a = encodeUtf8('first');
    const b = encodeUtf8('second');
    expect(new TextDecoder().decode(a)).toBe('first');
    expect(new TextDecoder().decode(b)).toBe('second');
  });
});
