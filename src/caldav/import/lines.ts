// iCalendar content lines read from a byte stream as they arrive (RFC 5545 §3.1), for a bulk
// import that must not hold its whole body: each line comes with its text as sent (folds and all,
// so a stored object keeps what the client wrote) and unfolded (to read its name and value).
import { conditionError } from '../../dav/errors.ts';

export interface StreamedLine {
  /** The line as sent, folds included, without its final line break. */
  raw: string;
  /** The line with its folds removed. */
  unfolded: string;
}

/**
 * Yields logical lines. Bytes that are not UTF-8, and a single line longer than `maxLineChars`
 * (no calendar object can hold it), end the stream with valid-calendar-data.
 */
export async function* contentLines(body: ReadableStream<Uint8Array>, maxLineChars: number): AsyncGenerator<StreamedLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const reader = body.getReader();
  const folding = new LineFolder(maxLineChars);
  let pending = '';
  let finished = false;
  try {
    while (!finished) {
      let read: ReadableStreamReadResult<Uint8Array>;
      try {
        read = await reader.read();
      } catch (error) {
        throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-calendar-data' }, `The calendar data could not be read in full: ${(error as Error).message}`);
      }
      finished = read.done;
      pending += decode(decoder, read.done ? undefined : read.value);
      let start = 0;
      for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
        const line = folding.add(pending.slice(start, end > start && pending[end - 1] === '\r' ? end - 1 : end));
        start = end + 1;
        if (line) yield line;
      }
      pending = pending.slice(start);
      if (pending.length > maxLineChars) throw tooLong();
    }
    const last = folding.add(pending.endsWith('\r') ? pending.slice(0, -1) : pending);
    if (last) yield last;
    const rest = folding.flush();
    if (rest) yield rest;
  } finally {
    // Stopped early (the import failed as a whole): the rest of the body is not wanted.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

// --- Internal helpers ---

/** Joins physical lines into logical ones: a line beginning with a blank continues the one before. */
class LineFolder {
  private current: StreamedLine | null = null;

  constructor(private readonly maxLineChars: number) {}

  /** Takes a physical line; returns the logical line it completed, if any. */
  add(physical: string): StreamedLine | null {
    if (physical === '') return null;
    const current = this.current;
    if (current && (physical.startsWith(' ') || physical.startsWith('\t'))) {
      current.raw += `\r\n${physical}`;
      current.unfolded += physical.slice(1);
      if (current.raw.length > this.maxLineChars) throw tooLong();
      return null;
    }
    this.current = { raw: physical, unfolded: physical };
    return current;
  }

  flush(): StreamedLine | null {
    const current = this.current;
    this.current = null;
    return current;
  }
}

function decode(decoder: TextDecoder, bytes: Uint8Array | undefined): string {
  try {
    return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
  } catch {
    throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-calendar-data' }, 'Calendar data must be UTF-8 (RFC 5545 §3.1.4)');
  }
}

function tooLong(): Error {
  return conditionError({ name: '{urn:ietf:params:xml:ns:caldav}valid-calendar-data' }, 'A content line is longer than a calendar object may be');
}
