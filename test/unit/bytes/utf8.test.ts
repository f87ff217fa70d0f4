// The UTF-8 codecs of the core (TextEncoder) and of the Node adapter (Buffer) give TextEncoder's
// bytes and byte counts, lone surrogates included.
import { afterEach, describe, expect, it } from 'vitest';
import { NODE_UTF8_CODEC } from '../../../adapters/node/utf8.ts';
import { encodeUtf8, useUtf8Codec, utf8Length, WEB_UTF8_CODEC, type Utf8Codec } from '../../../src/bytes/utf8.ts';

const TEXTS = [
  '',
  'BEGIN:VCALENDAR\r\n',
  'Café, Zürich – 東京 📅',
  // A lone surrogate (a truncated emoji in a summary) becomes U+FFFD in both.
  'broken \uD83D end',
  'x'.repeat(70_000) + 'é',
];

describe.each([
  ['TextEncoder (the core)', WEB_UTF8_CODEC],
  ['Buffer (the Node adapter)', NODE_UTF8_CODEC],
] as [string, Utf8Codec][])('UTF-8 codec: %s', (_name, codec) => {
  it.each(TEXTS.map((text) => [text.slice(0, 24), text]))('matches TextEncoder for %j', (_label, text) => {
    const expected = new TextEncoder().encode(text);
    expect([...codec.encode(text)]).toEqual([...expected]);
    expect(codec.byteLength(text)).toBe(expected.byteLength);
  });

  it('gives views that read correctly side by side (small ones may share a buffer)', () => {
    const [a, b] = [codec.encode('first'), codec.encode('second')];
    expect([new TextDecoder().decode(a), new TextDecoder().decode(b)]).toEqual(['first', 'second']);
  });
});

describe('the installed codec', () => {
  afterEach(() => useUtf8Codec(WEB_UTF8_CODEC));

  it('is what encodeUtf8 and utf8Length use', () => {
    useUtf8Codec({ encode: () => new Uint8Array([1]), byteLength: () => 42 });
    expect([...encodeUtf8('x')]).toEqual([1]);
    expect(utf8Length('x')).toBe(42);
  });
});
