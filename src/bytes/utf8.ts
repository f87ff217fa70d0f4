// UTF-8 encoding of response bodies and byte lengths of stored text.
// Node's Buffer encodes UTF-8 two to three times faster than its TextEncoder (Node 20), and a
// listing's answer is megabytes of text; other runtimes use TextEncoder. Both replace a lone
// surrogate with U+FFFD, so the bytes are the same.

interface NodeBuffer {
  from(text: string, encoding: 'utf8'): Uint8Array;
  byteLength(text: string, encoding: 'utf8'): number;
}

const runtime = globalThis as { Buffer?: NodeBuffer; Deno?: unknown; process?: { release?: { name?: string } } };
const nodeBuffer = runtime.process?.release?.name === 'node' && runtime.Deno === undefined ? runtime.Buffer : undefined;
const encoder = new TextEncoder();

/**
 * The UTF-8 bytes of `text`, as a view that may share its underlying buffer with others (Node
 * pools small ones): for bodies and streams, which read the view, never for `.buffer`.
 */
export const encodeUtf8: (text: string) => Uint8Array = nodeBuffer ? (text) => nodeBuffer.from(text, 'utf8') : (text) => encoder.encode(text);

/** How many bytes `text` takes in UTF-8, without encoding it where the runtime can count. */
export const utf8Length: (text: string) => number = nodeBuffer ? (text) => nodeBuffer.byteLength(text, 'utf8') : (text) => encoder.encode(text).byteLength;
