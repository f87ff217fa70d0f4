// Request bodies: read with a size limit (413) so a huge upload never sits in memory whole.
import { concatBytes } from '../bytes/concat.ts';
import { badRequest, payloadTooLarge } from '../dav/errors.ts';

/** Bodies up to this size, when their Content-Length says so, are read in one call. */
const WHOLE_BODY_BYTES = 256 * 1024;

export async function readBodyBytes(request: Request, limitBytes: number, what = 'request body'): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limitBytes) {
    throw payloadTooLarge(`The ${what} is larger than the ${limitBytes} bytes this server accepts`);
  }
  // A body of declared, modest length is read whole in one call: runtimes answer that from their own
  // buffers (the Node adapter without building a stream at all), which costs a small PUT a good
  // part of its time through a reader. Larger or undeclared bodies are read a chunk at a time, so
  // that one past the limit is refused before it is all in memory.
  if (declared !== null && Number(declared) <= WHOLE_BODY_BYTES) return readWhole(request, limitBytes, what);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let read: ReadableStreamReadResult<Uint8Array>;
    try {
      read = await reader.read();
    } catch (error) {
      // The body stopped arriving: the client went away, or an adapter's request timeout ended it.
      throw badRequest(`The ${what} could not be read in full: ${(error as Error).message}`);
    }
    const { done, value } = read;
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw payloadTooLarge(`The ${what} is larger than the ${limitBytes} bytes this server accepts`);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : concatBytes(...chunks);
}

async function readWhole(request: Request, limitBytes: number, what: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await request.arrayBuffer());
  } catch (error) {
    // The body stopped arriving: the client went away, or an adapter's request timeout ended it.
    throw badRequest(`The ${what} could not be read in full: ${(error as Error).message}`);
  }
  if (bytes.byteLength > limitBytes) throw payloadTooLarge(`The ${what} is larger than the ${limitBytes} bytes this server accepts`);
  return bytes;
}

/** Reads a text body; bytes that are not UTF-8 are answered 415 by the caller's choice of `onInvalid`. */
export async function readBodyText(request: Request, limitBytes: number, what?: string): Promise<string> {
  const bytes = await readBodyBytes(request, limitBytes, what);
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(header: string | null): string | null {
  if (!header) return null;
  return header.split(';')[0]!.trim().toLowerCase() || null;
}

/** A parameter of a Content-Type header (`charset`, `component`), lower-cased name, unquoted value. */
export function mediaTypeParameter(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';').slice(1)) {
    const [key, ...rest] = part.split('=');
    if (key?.trim().toLowerCase() === name) return rest.join('=').trim().replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}
