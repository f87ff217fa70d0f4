// UTF-8 encoding of response bodies and byte lengths of stored text. The core encodes with
// TextEncoder; a runtime with a faster encoder installs it (the Node adapter installs Buffer's,
// two to three times faster than Node 20's TextEncoder on the megabytes of a listing's answer).

export interface Utf8Codec {
  /** The UTF-8 bytes of `text`: a view, which may share its underlying buffer with others. */
  encode(text: string): Uint8Array;
  byteLength(text: string): number;
}

const encoder = new TextEncoder();

export const WEB_UTF8_CODEC: Utf8Codec = {
  encode: (text) => encoder.encode(text),
  byteLength: (text) => encoder.encode(text).byteLength,
};

let codec = WEB_UTF8_CODEC;

/** Installs the runtime's encoder; it must give TextEncoder's bytes (U+FFFD for a lone surrogate). */
export function useUtf8Codec(runtimeCodec: Utf8Codec): void {
  codec = runtimeCodec;
}

/** For bodies and streams, which read the view; never for its `.buffer`. */
export function encodeUtf8(text: string): Uint8Array {
  return codec.encode(text);
}

export function utf8Length(text: string): number {
  return codec.byteLength(text);
}
