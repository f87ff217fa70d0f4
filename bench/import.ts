// Bulk import: POST one generated .ics of N events to a calendar of a real `orrery serve` process
// (started here on a temporary database), and report the time it takes, the size of the file, the
// objects stored, and the server's resident memory before and at its peak (VmHWM where Linux has
// it, else the largest of samples taken every 50 ms).
// The file: 90% single events over two years, 10% weekly series in a zone of the file's own
// VTIMEZONE with one overridden instance each, written at the end of the file, far from its
// master (the case that needs the import's window).
// Usage: npx tsx bench/import.ts [--events 10000] (ORRERY_<OPTION> variables reach the server)
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { basic, closeConnections, httpRequest, report, waitForServer } from './lib.ts';

const args = parseArgs({ options: { events: { type: 'string' } } }).values;
const EVENTS = Number(args.events ?? 10000);
const PORT = 18000 + Math.floor(Math.random() * 1000);
const BASE = `http://127.0.0.1:${PORT}`;
const CALENDAR = '/dav/calendars/user/bench/Default/';
const AUTH = basic('bench', 'bench');

const dir = mkdtempSync(join(tmpdir(), 'orrery-import-bench-'));
const server = spawn(process.execPath, [resolve(import.meta.dirname, '../bin/orrery.js'), 'serve', '--host', '127.0.0.1', '--port', String(PORT), '--db', `file:${join(dir, 'bench.db')}`], {
  env: {
    PATH: process.env.PATH ?? '',
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('ORRERY_'))),
    ORRERY_BOOTSTRAP_USER: 'bench',
    ORRERY_BOOTSTRAP_PASSWORD: 'bench',
  },
  stdio: 'ignore',
});
try {
  await waitForServer(BASE, () => server.exitCode !== null);
  if ((await httpRequest(BASE, 'PROPFIND', CALENDAR, { Authorization: AUTH, Depth: '0' })).status !== 207) throw new Error('the bench user has no Default calendar');
  const file = calendarFile(EVENTS);
  const bytes = Buffer.from(file, 'utf8');
  const before = rssKib(server.pid!);
  let sampledPeak = before;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, rssKib(server.pid!));
  }, 50);
  const started = performance.now();
  const answer = await post(bytes);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const peak = Math.max(sampledPeak, peakKib(server.pid!) ?? 0);
  // An override further from its master than the import's window is added to the stored object
  // and its UID answered again: objects are counted once per href.
  const responses = answer.text.split('<D:response>').slice(1);
  const stored = new Set(responses.filter((r) => r.includes('HTTP/1.1 200 OK')).map((r) => /<D:href>([^<]*)<\/D:href>/.exec(r)?.[1])).size;
  const refused = responses.filter((r) => !r.includes('HTTP/1.1 200 OK')).length;
  report(`POST import of ${EVENTS} events`, {
    status: answer.status,
    seconds: Number(seconds.toFixed(2)),
    file_MB: Number((bytes.byteLength / 1024 / 1024).toFixed(2)),
    'objects/s': Math.round(stored / seconds),
    stored,
    answers: responses.length,
    refused,
    rss_before_MB: Number((before / 1024).toFixed(1)),
    rss_peak_MB: Number((peak / 1024).toFixed(1)),
  });
} finally {
  server.kill();
  closeConnections();
  rmSync(dir, { recursive: true, force: true });
}

/** The file as a client exports it; series' overrides come last. */
function calendarFile(count: number): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery bench//EN', 'METHOD:PUBLISH', 'X-WR-CALNAME:Imported',
    'BEGIN:VTIMEZONE', 'TZID:Bench/Zone', 'BEGIN:STANDARD', 'DTSTART:19701025T030000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD',
    'BEGIN:DAYLIGHT', 'DTSTART:19700329T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'END:DAYLIGHT', 'END:VTIMEZONE'];
  const overrides: string[] = [];
  for (let i = 0; i < count; i++) {
    const day = new Date(Date.UTC(2026, 0, 1) + (i % 730) * 86400_000).toISOString().slice(0, 10).replace(/-/g, '');
    const hour = String(8 + (i % 10)).padStart(2, '0');
    const common = [`UID:import-${i}@bench`, 'DTSTAMP:20260101T000000Z', `SUMMARY:Imported event ${i}`, 'DESCRIPTION:Lorem ipsum dolor sit amet, consectetur adipiscing elit'];
    if (i % 10 === 0) {
      lines.push('BEGIN:VEVENT', ...common, `DTSTART;TZID=Bench/Zone:${day}T${hour}0000`, 'DURATION:PT1H', 'RRULE:FREQ=WEEKLY;COUNT=10', 'END:VEVENT');
      overrides.push('BEGIN:VEVENT', ...common, `RECURRENCE-ID;TZID=Bench/Zone:${day}T${hour}0000`, `DTSTART;TZID=Bench/Zone:${day}T${hour}3000`, 'DURATION:PT1H', 'END:VEVENT');
    } else {
      lines.push('BEGIN:VEVENT', ...common, `DTSTART:${day}T${hour}0000Z`, `DTEND:${day}T${hour}3000Z`, 'END:VEVENT');
    }
  }
  return `${[...lines, ...overrides, 'END:VCALENDAR'].join('\r\n')}\r\n`;
}

function post(body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolvePost, reject) => {
    const request = http.request(`${BASE}${CALENDAR}`, { method: 'POST', headers: { Authorization: AUTH, 'Content-Type': 'text/calendar; charset=utf-8', 'Content-Length': String(body.byteLength) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolvePost({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * The process's resident set size: from /proc where Linux has it (a file read, so sampling every
 * 50 ms does not stall this client's upload the way spawning `ps` would), else from `ps`.
 */
function rssKib(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // no /proc: ask ps
  }
  try {
    return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)]).toString().trim()) || 0;
  } catch {
    return 0;
  }
}

/** The process's peak resident set size (Linux /proc, VmHWM), if the system keeps it. */
function peakKib(pid: number): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}
