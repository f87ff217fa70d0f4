// Managed attachments (RFC 8607): upload and download of one large attachment against `orrery serve`
// started as its own process on a temporary database. The client streams the body (it never holds
// it whole either) and checks the download's SHA-256 against what it sent. Reports MB/s each way
// and the server's memory: VmHWM (peak resident set since start, from /proc/<pid>/status) after
// start-up and a small warm-up, after the uploads and after the downloads, and VmRSS at the end.
// Usage: npx tsx bench/attachments.ts [--mb 20] [--runs 3]
// (ORRERY_<OPTION> variables are passed on to the server.)
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient } from '@libsql/client';
import { createStore, migrate } from '../src/storage/index.ts';
import { addUser } from '../src/users.ts';
import { basic, closeConnections, httpRequest, report, waitForServer } from './lib.ts';

const args = parseArgs({ options: { mb: { type: 'string' }, runs: { type: 'string' } } }).values;
const MB = Number(args.mb ?? 20);
const RUNS = Number(args.runs ?? 3);
const BYTES = MB * 1024 * 1024;
const PIECE = 64 * 1024;
const PORT = 18000 + Math.floor(Math.random() * 1000);
const BASE = `http://127.0.0.1:${PORT}`;
const AUTH = basic('bench', 'bench');
const OBJECT = '/dav/calendars/user/bench/Default/attachment-bench.ics';

const dir = mkdtempSync(join(tmpdir(), 'orrery-attach-bench-'));
const db = `file:${join(dir, 'bench.db')}`;
const setup = createClient({ url: db });
await migrate(setup);
await addUser(createStore(setup), 'bench', 'bench', null, Date.now());
setup.close();

const server = spawn(process.execPath, [resolve(import.meta.dirname, '../bin/orrery.js'), 'serve', '--host', '127.0.0.1', '--port', String(PORT), '--db', db], {
  env: {
    PATH: process.env.PATH ?? '',
    // Room for the runs: each upload is new content, kept until its object drops it.
    ORRERY_CALDAV_ATTACH_MAXSIZE: `${MB + 1}M`,
    ORRERY_CALDAV_ATTACH_QUOTA: '0',
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('ORRERY_'))),
  },
  stdio: 'ignore',
});
try {
  await waitForServer(BASE, () => server.exitCode !== null);
  const put = await httpRequest(BASE, 'PUT', OBJECT, { Authorization: AUTH, 'Content-Type': 'text/calendar' }, calendarObject());
  if (put.status !== 201) throw new Error(`PUT of the event: ${put.status} ${put.text}`);
  // Warm-up: one small attachment each way, so that the baseline includes the code paths.
  const warm = await upload(1, 64 * 1024);
  await download(warm.location);
  await remove(warm.managedId);
  report('server memory after start-up and warm-up', memory(server.pid!));

  const uploads: number[] = [];
  const downloads: number[] = [];
  let afterUploads: Record<string, number> = {};
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const { location, managedId, sha256 } = await upload(run + 2, BYTES);
    uploads.push(BYTES / 1024 / 1024 / ((performance.now() - started) / 1000));
    afterUploads = memory(server.pid!);
    const fetched = performance.now();
    const got = await download(location);
    downloads.push(BYTES / 1024 / 1024 / ((performance.now() - fetched) / 1000));
    if (got.size !== BYTES || got.sha256 !== sha256) throw new Error(`download ${run}: ${got.size} bytes, SHA-256 ${got.sha256}, expected ${BYTES} and ${sha256}`);
    await remove(managedId);
  }
  report(`upload of ${MB} MB (attachment-add), ${RUNS} runs`, { mb_per_s_median: median(uploads), mb_per_s_min: Math.min(...uploads), mb_per_s_max: Math.max(...uploads) });
  report(`server memory after the uploads`, afterUploads);
  report(`download of ${MB} MB (GET), ${RUNS} runs, SHA-256 checked`, { mb_per_s_median: median(downloads), mb_per_s_min: Math.min(...downloads), mb_per_s_max: Math.max(...downloads) });
  report('server memory after the downloads', memory(server.pid!));
} finally {
  closeConnections();
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}

/** Streams `size` bytes (a pattern that differs per seed, so that every run is new content) as attachment-add. */
function upload(seed: number, size: number): Promise<{ location: string; managedId: string; sha256: string }> {
  const hash = createHash('sha256');
  const piece = Buffer.alloc(PIECE);
  return new Promise((resolvePromise, reject) => {
    const request = http.request(`${BASE}${OBJECT}?action=attachment-add`, {
      method: 'POST',
      agent: false,
      headers: { Authorization: AUTH, 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment;filename=bench-${seed}.bin`, 'Content-Length': String(size) },
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const location = response.headers.location;
        const managedId = response.headers['cal-managed-id'];
        if (response.statusCode !== 201 || !location || typeof managedId !== 'string') reject(new Error(`attachment-add: ${response.statusCode} ${Buffer.concat(chunks).toString()}`));
        else resolvePromise({ location, managedId, sha256: hash.digest('hex') });
      });
    });
    request.on('error', reject);
    let sent = 0;
    const write = () => {
      while (sent < size) {
        const length = Math.min(PIECE, size - sent);
        for (let i = 0; i < length; i += 4) piece.writeUInt32LE(((sent + i) * 2654435761 + seed) >>> 0, i);
        const chunk = piece.subarray(0, length);
        hash.update(chunk);
        sent += length;
        // Copy: the request may still hold the buffer when the next piece is written into it.
        if (!request.write(Buffer.from(chunk))) {
          request.once('drain', write);
          return;
        }
      }
      request.end();
    };
    write();
  });
}

function download(location: string): Promise<{ size: number; sha256: string }> {
  return new Promise((resolvePromise, reject) => {
    http.get(new URL(location, BASE), { agent: false, headers: { Authorization: AUTH } }, (response) => {
      if (response.statusCode !== 200) reject(new Error(`GET ${location}: ${response.statusCode}`));
      const hash = createHash('sha256');
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        hash.update(chunk);
      });
      response.on('end', () => resolvePromise({ size, sha256: hash.digest('hex') }));
      response.on('error', reject);
    }).on('error', reject);
  });
}

async function remove(managedId: string): Promise<void> {
  const response = await httpRequest(BASE, 'POST', `${OBJECT}?action=attachment-remove&managed-id=${managedId}`, { Authorization: AUTH });
  if (response.status !== 204) throw new Error(`attachment-remove: ${response.status} ${response.text}`);
}

/** VmHWM and VmRSS of a process in MiB (Linux). */
function memory(pid: number): Record<string, number> {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { vmhwm_mib: kib('VmHWM') / 1024, vmrss_mib: kib('VmRSS') / 1024 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function calendarObject(): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery bench//EN', 'BEGIN:VEVENT', 'UID:attachment-bench', 'DTSTAMP:20300101T000000Z',
    'DTSTART:20300301T090000Z', 'DTEND:20300301T100000Z', 'SUMMARY:Attachment bench', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
}
