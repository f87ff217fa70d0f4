// Request log lines written to standard output in batches: one write per turn of the event loop
// instead of one per request. Each write to a file or pipe is a system call, which under load is a
// measurable part of a small request; batching leaves the lines in order and at most one turn late.
// Lines still buffered when the process is killed outright are lost; close() writes them first.

/** Above this many characters a batch is written at once rather than at the end of the turn. */
const FLUSH_CHARS = 64 * 1024;

export interface LineBuffer {
  write(line: string): void;
  /** Writes what is buffered now (shutdown). */
  flush(): void;
}

export function bufferedLines(output: { write(text: string): unknown } = process.stdout): LineBuffer {
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    output.write(text);
  };
  return {
    write(line) {
      pending += `${line}\n`;
      if (pending.length >= FLUSH_CHARS) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
