// Cross-instance scheduling benchmark: two `orrery serve` processes on loopback, a.example and
// b.example, each with its own database and signing key and the other in its iSchedule peer table.
// alice on A invites bob on B N times; each sample runs from the start of alice's PUT until bob's
// copy can be read on B (a GET answering 200), so it covers the PUT, the signed iSchedule POST,
// B's verification and delivery, and one GET on B.
// Usage: npx tsx bench/ischedule.ts [--events 200] [--concurrency 1]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { basic, benchArgs, closeConnections, httpRequest, percentiles, runConcurrent, waitForServer } from './lib.ts';

const args = benchArgs();
const events = Number(args.events ?? 200);
const concurrency = Number(args.concurrency ?? 1);
const WARM_UP = 10;
const PASSWORD = 'bench';

interface Instance {
  domain: string;
  user: string;
  port: number;
  privateKey: string;
  publicKey: string;
}

interface Running {
  baseUrl: string;
  auth: string;
  stop(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'orrery-ischedule-bench-'));
const [a, b] = await Promise.all([instance('a.example', 'alice'), instance('b.example', 'bob')]);
const [serverA, serverB] = await Promise.all([start(a, b), start(b, a)]);
const run = Date.now().toString(36);

try {
  for (let i = 0; i < WARM_UP; i++) await invite(`warm-${run}-${i}`);
  const putMs: number[] = [];
  const { perSecond, latencies } = await runConcurrent(events, concurrency, async (i) => {
    putMs.push(await invite(`bench-${run}-${i}`));
  });
  const row = (label: string, samples: number[]) => {
    const { p50, p99, mean } = percentiles(samples);
    console.log(`${label.padEnd(44)} ${p50.toFixed(1).padStart(8)} ${p99.toFixed(1).padStart(8)} ${mean.toFixed(1).padStart(8)}`);
  };
  console.log(`${events} invitations alice@a.example → bob@b.example, concurrency ${concurrency}`);
  console.log(`${'ms'.padEnd(44)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'mean'.padStart(8)}`);
  row('PUT on A → bob\'s copy readable on B', latencies);
  row('  of which alice\'s PUT (delivery included)', putMs);
  console.log(`${perSecond.toFixed(1)} invitations/s`);
} finally {
  closeConnections();
  await Promise.all([serverA.stop(), serverB.stop()]);
  rmSync(dir, { recursive: true, force: true });
}

/** One invitation; resolves with the PUT's own duration once bob's copy exists on B. */
async function invite(uid: string): Promise<number> {
  const started = performance.now();
  const put = await httpRequest(serverA.baseUrl, 'PUT', `/dav/calendars/user/alice/Default/${uid}.ics`, {
    Authorization: serverA.auth, 'Content-Type': 'text/calendar; charset=utf-8', 'If-None-Match': '*',
  }, meeting(uid));
  const putMs = performance.now() - started;
  if (put.status !== 201) throw new Error(`PUT on A answered ${put.status}: ${put.text}`);
  // Delivery happens within the PUT, so the first GET normally finds the copy; poll in case a
  // delivery was left to the background run.
  for (let attempt = 0; ; attempt++) {
    const copy = await httpRequest(serverB.baseUrl, 'GET', `/dav/calendars/user/bob/Default/${uid}.ics`, { Authorization: serverB.auth });
    if (copy.status === 200) break;
    if (attempt > 2000) throw new Error(`bob's copy of ${uid} never appeared on B (${copy.status})`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return putMs;
}

function meeting(uid: string): string {
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery bench//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20300101T000000Z',
    'DTSTART:20300110T100000Z', 'DTEND:20300110T110000Z', 'SUMMARY:Bench meeting', 'ORGANIZER:mailto:alice@a.example',
    'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@a.example', 'ATTENDEE;RSVP=TRUE:mailto:bob@b.example', 'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

async function instance(domain: string, user: string): Promise<Instance> {
  const pair = await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
  const base64 = async (format: 'pkcs8' | 'spki', key: CryptoKey) => Buffer.from(await crypto.subtle.exportKey(format, key)).toString('base64');
  return { domain, user, port: await freePort(), privateKey: await base64('pkcs8', pair.privateKey), publicKey: await base64('spki', pair.publicKey) };
}

async function start(self: Instance, peer: Instance): Promise<Running> {
  const child = spawn(process.execPath, [resolve(import.meta.dirname, '../bin/orrery.js'), 'serve', '--host', '127.0.0.1', '--port', String(self.port)], {
    env: {
      PATH: process.env.PATH ?? '',
      ORRERY_DB: `file:${join(dir, `${self.domain}.db`)}`,
      ORRERY_BOOTSTRAP_USER: self.user,
      ORRERY_BOOTSTRAP_PASSWORD: PASSWORD,
      ORRERY_HTTPMODULES: 'caldav ischedule',
      ORRERY_DEFAULTDOMAIN: self.domain,
      ORRERY_ISCHEDULE_DKIM_KEY: self.privateKey,
      ORRERY_ISCHEDULE_PEERS: `${peer.domain}=http://127.0.0.1:${peer.port}`,
      ORRERY_ISCHEDULE_PEER_KEYS: `orrery._domainkey.${peer.domain}=${peer.publicKey}`,
    },
    // stdout carries a log line per request: kept out of the report.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const baseUrl = `http://127.0.0.1:${self.port}`;
  await waitForServer(baseUrl, () => child.exitCode !== null);
  return {
    baseUrl,
    auth: basic(self.user, PASSWORD),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
