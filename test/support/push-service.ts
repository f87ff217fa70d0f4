// A Web Push service stand-in on loopback (RFC 8030 §5): it records every push message POSTed to
// it and answers with the status the test chooses, so that the tests can decrypt and check what a
// server sent (test/helpers/web-push-client.ts) and how it reacts to the answer.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { freePort } from './processes.ts';

export interface ReceivedPush {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The status the stand-in answered this message with. */
  answered: number;
}

export interface PushServiceStandIn {
  /** http://127.0.0.1:PORT */
  origin: string;
  received: ReceivedPush[];
  /** The status later messages are answered with (201 until changed). */
  answerWith(status: number): void;
  /** Resolves with the `count`th message received (1-based), once it has arrived. */
  nextMessage(count: number): Promise<ReceivedPush>;
  close(): Promise<void>;
}

export async function startPushService(): Promise<PushServiceStandIn> {
  const port = await freePort();
  const received: ReceivedPush[] = [];
  let answer = 201;
  let wake: (() => void) | null = null;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks), answered: answer });
      response.writeHead(answer).end();
      wake?.();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    answerWith: (status) => {
      answer = status;
    },
    nextMessage: (count) =>
      new Promise((resolve) => {
        const check = () => {
          if (received.length >= count) {
            wake = null;
            resolve(received[count - 1]!);
          }
        };
        wake = check;
        check();
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
