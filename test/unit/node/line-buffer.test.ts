// The Node adapter's request log: lines batched into one write per turn of the event loop.
import { describe, expect, it } from 'vitest';
import { bufferedLines } from '../../../adapters/node/line-buffer.ts';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('bufferedLines', () => {
  it('writes the lines of one turn together, in order, at the end of the turn', async () => {
    const writes: string[] = [];
    const log = bufferedLines({ write: (text: string) => writes.push(text) });
    log.write('first');
    log.write('second');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['first\nsecond\n']);
    log.write('third');
    await nextTurn();
    expect(writes).toEqual(['first\nsecond\n', 'third\n']);
  });

  it('writes a large batch at once and whatever is left on flush', () => {
    const writes: string[] = [];
    const log = bufferedLines({ write: (text: string) => writes.push(text) });
    const long = 'x'.repeat(40 * 1024);
    log.write(long);
    log.write(long);
    expect(writes).toEqual([`${long}\n${long}\n`]);
    log.write('last');
    log.flush();
    expect(writes.at(-1)).toBe('last\n');
  });
});
