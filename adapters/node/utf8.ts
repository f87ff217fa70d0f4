// Node's Buffer as the core's UTF-8 codec: two to three times faster than Node 20's TextEncoder,
// and it counts bytes without encoding. Same bytes as TextEncoder (U+FFFD for a lone surrogate).
import { Buffer } from 'node:buffer';
import type { Utf8Codec } from '../../src/bytes/utf8.ts';

export const NODE_UTF8_CODEC: Utf8Codec = {
  encode: (text) => Buffer.from(text, 'utf8'),
  byteLength: (text) => Buffer.byteLength(text, 'utf8'),
};
