// A real SMTP server on loopback for the iMIP tests: aiosmtpd (Debian python3-aiosmtpd) with the
// RawSink handler beside this file, which keeps each message's envelope and bytes as received.
import { freePort } from './processes.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ReceivedMail {
  mailFrom: string;
  rcptTos: string[];
  raw: string;
}

export interface SmtpSink {
  port: number;
  messages(): ReceivedMail[];
  /** Waits until at least `count` messages have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

export { freePort };

export async function startSmtpSink(port?: number): Promise<SmtpSink> {
  const listenPort = port ?? (await freePort());
  const directory = mkdtempSync(join(tmpdir(), 'orrery-smtp-'));
  const here = dirname(fileURLToPath(import.meta.url));
  const child: ChildProcess = spawn('/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${listenPort}`, '-c', 'smtp_sink.RawSink', directory], {
    env: { ...process.env, PYTHONPATH: here },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  await waitForPort(listenPort, child, () => stderr);
  const messages = (): ReceivedMail[] =>
    readdirSync(directory)
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(join(directory, name), 'utf8')) as { mail_from: string; rcpt_tos: string[]; data: string })
      .map((record) => ({ mailFrom: record.mail_from, rcptTos: record.rcpt_tos, raw: Buffer.from(record.data, 'base64').toString('utf8') }));
  return {
    port: listenPort,
    messages,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages();
        if (found.length >= count) return found;
        if (Date.now() > deadline) throw new Error(`Expected ${count} message(s), got ${found.length}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`aiosmtpd exited: ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`aiosmtpd did not start on port ${port}: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
