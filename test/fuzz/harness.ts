// Sends fuzzed requests to the real app and checks what every one of them must leave true: no 5xx
// but the 507 and 502 the RFCs call for, a body that reads to its end and parses when it is XML or
// JSON, nothing of bob's in a response to anyone else, no write that succeeds where its sender has
// no rights, nothing in the server's error log, and both sentinel objects byte-for-byte as they were.
import { XMLValidator } from 'fast-xml-parser';
import type { Logger } from '../../src/dav/context.ts';
import { event, ics, type TestApp } from '../helpers/app.ts';
import { parseMultistatus, parseXml } from '../helpers/multistatus.ts';
import { SENTINEL_UIDS } from './ical-values.ts';
import { ALICE_SENTINEL, BOB_SENTINEL, ETAG_PLACEHOLDER, LOCK_TOKEN_PLACEHOLDER, SENTINEL_COLLECTION, type FuzzRequest } from './request-arbitraries.ts';
import { SYNC_TOKEN_PLACEHOLDER } from './xml-arbitraries.ts';

/** Text only bob's sentinel holds: it must never appear in a response to alice, carol or nobody. */
export const BOB_SECRET = 'bob-secret-7f3a9c';

export interface Sentinel {
  path: string;
  owner: string;
  body: string;
  etag: string;
}

/**
 * A failure that is understood and tracked, matched narrowly on the request and the problem so
 * that it cannot hide any other failure.
 */
export interface KnownFailure {
  bug: string;
  matches(request: FuzzRequest, problem: string): boolean;
}

const WRITE_METHODS = new Set(['PUT', 'POST', 'PROPPATCH', 'MKCOL', 'MKCALENDAR', 'ACL', 'LOCK', 'UNLOCK', 'COPY', 'MOVE', 'DELETE']);
const BOB_SPACE = /^\/dav\/(calendars|drive|principals|notifications)\/user\/bob(\/|$)/;
/** 507 answers a limit or quota, as RFC 4918 §11.5 and RFC 6578 §3.6 have it; any other 5xx is a server failure. */
const ALLOWED_5XX = new Set([507]);

interface Timed {
  ms: number;
  status: number;
  request: FuzzRequest;
}

/** The app's error log, kept so that an error it logs fails the request that caused it. */
export class ServerLog {
  readonly errors: string[] = [];
  readonly logger: Logger = {
    info: () => undefined,
    error: (message, fields) => this.errors.push(fields ? `${message} ${JSON.stringify(fields)}` : message),
  };
}

export class Harness {
  readonly sentinels: Sentinel[] = [];
  /** Requests sent and statuses seen, per property. */
  readonly statuses = new Map<string, Map<number, number>>();
  readonly knownHits = new Map<string, number>();
  slowest: Timed | null = null;
  private etags: string[] = [];
  private lockTokens: string[] = [];

  constructor(
    private readonly t: TestApp,
    private readonly log: ServerLog,
    private readonly knownFailures: readonly KnownFailure[],
  ) {}

  async addSentinel(path: string, owner: string): Promise<void> {
    const response = await this.t.request('GET', path, { user: owner, expect: 200 });
    this.sentinels.push({ path, owner, body: await response.text(), etag: response.headers.get('etag')! });
  }

  /** Sends one request and throws, describing every broken invariant, unless all of them hold. */
  async check(request: FuzzRequest, property: string): Promise<void> {
    const sent = await this.send(request, property);
    const problems = [...sent.problems, ...(await this.checkSentinels())];
    const unknown = problems.filter((problem) => {
      const known = this.knownFailures.find((k) => k.matches(request, problem));
      if (known) this.knownHits.set(known.bug, (this.knownHits.get(known.bug) ?? 0) + 1);
      return !known;
    });
    if (unknown.length > 0) throw new Error([...unknown, sent.response].join('\n'));
  }

  /** Problems with the sentinels; any that changed are put back, so that later runs (and shrinking) start clean. */
  async checkSentinels(): Promise<string[]> {
    const problems: string[] = [];
    for (const sentinel of this.sentinels) {
      const response = await this.t.request('GET', sentinel.path, { user: sentinel.owner });
      const body = await response.text();
      const etag = response.headers.get('etag');
      if (response.status === 200 && body === sentinel.body && etag === sentinel.etag) continue;
      problems.push(`sentinel ${sentinel.path} changed: GET as ${sentinel.owner} → ${response.status}, ETag ${etag} (was ${sentinel.etag})${body === sentinel.body ? '' : `, body now:\n${body.slice(0, 2000)}`}`);
      const restored = await this.t.request('PUT', sentinel.path, { user: sentinel.owner, body: sentinel.body, headers: { 'Content-Type': 'text/calendar' } });
      await restored.arrayBuffer();
      const again = await this.t.request('GET', sentinel.path, { user: sentinel.owner });
      sentinel.body = await again.text();
      sentinel.etag = again.headers.get('etag') ?? '';
    }
    return problems;
  }

  /** The problems with one exchange, and the response for the failure message. */
  private async send(request: FuzzRequest, property: string): Promise<{ problems: string[]; response: string }> {
    const headers = this.resolveHeaders(request.headers);
    const body = request.body === undefined ? undefined : await this.resolveBody(request.body, request.invalidUtf8 === true);
    this.log.errors.length = 0;
    const started = performance.now();
    const problems: string[] = [];
    let status = 0;
    let text = '';
    let contentType = '';
    try {
      const response = await this.t.request(request.method, request.path, { user: request.user, headers, ...(body === undefined ? {} : { body }) });
      status = response.status;
      contentType = response.headers.get('content-type') ?? '';
      // Reading to the end is what fails when a streamed body breaks off.
      const bytes = new Uint8Array(await response.arrayBuffer());
      text = new TextDecoder().decode(bytes);
      const declared = response.headers.get('content-length');
      if (declared !== null && Number(declared) !== bytes.byteLength && request.method !== 'HEAD') problems.push(`Content-Length ${declared} but ${bytes.byteLength} bytes`);
      this.remember(response);
    } catch (error) {
      problems.push(`the request or its body failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    const ms = performance.now() - started;
    if (!this.slowest || ms > this.slowest.ms) this.slowest = { ms, status, request };
    const counts = this.statuses.get(property) ?? new Map<number, number>();
    counts.set(status, (counts.get(status) ?? 0) + 1);
    this.statuses.set(property, counts);

    const expected5xx = ALLOWED_5XX.has(status) || (status === 502 && crossesServers(request, headers));
    if (status >= 500 && !expected5xx) problems.push(`status ${status}`);
    problems.push(...checkBody(status, contentType, text));
    if (text.includes(BOB_SECRET)) problems.push(`bob's sentinel leaked to ${request.user ?? 'an anonymous client'} (status ${status})`);
    if (status >= 200 && status < 300 && WRITE_METHODS.has(request.method)) {
      const touched = [...(request.method === 'COPY' ? [] : [request.path]), ...(request.method === 'COPY' || request.method === 'MOVE' ? [headers['Destination'] ?? ''] : [])];
      if (request.user === null) problems.push(`an anonymous ${request.method} succeeded (${status})`);
      else if (touched.some(inBobsSpace)) problems.push(`${request.user}'s ${request.method} changed bob's space (${status})`);
    }
    // A 5xx that the RFCs call for is logged like any 5xx; only its own line is expected.
    const logged = this.log.errors.filter((line) => !(expected5xx && text.trim() !== '' && line.startsWith(text.trim())));
    if (logged.length > 0) problems.push(`the server logged errors:\n${logged.join('\n')}`);
    return { problems, response: `response (${status}, ${contentType}):\n${text.slice(0, 1500)}` };
  }

  /** Remembers ETags and lock tokens so that later If, If-Match and Lock-Token headers can name real ones. */
  private remember(response: Response): void {
    const etag = response.headers.get('etag');
    if (etag) this.etags = [etag, ...this.etags.slice(0, 15)];
    const lockToken = /<([^>]+)>/.exec(response.headers.get('lock-token') ?? '')?.[1];
    if (lockToken) this.lockTokens = [lockToken, ...this.lockTokens.slice(0, 7)];
  }

  private resolveHeaders(headers: Record<string, string>): Record<string, string> {
    const resolved: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      resolved[name] = value.replaceAll(ETAG_PLACEHOLDER, this.etags[0] ?? '"none"').replaceAll(LOCK_TOKEN_PLACEHOLDER, this.lockTokens[0] ?? 'opaquelocktoken:none');
    }
    return resolved;
  }

  private async resolveBody(body: string, invalidUtf8: boolean): Promise<Uint8Array> {
    let text = body;
    if (text.includes(SYNC_TOKEN_PLACEHOLDER)) text = text.replaceAll(SYNC_TOKEN_PLACEHOLDER, await this.currentSyncToken());
    const bytes = new TextEncoder().encode(text);
    if (!invalidUtf8) return bytes;
    const middle = Math.floor(bytes.length / 2);
    return new Uint8Array([...bytes.subarray(0, middle), 0xff, 0xc0, 0x80, ...bytes.subarray(middle)]);
  }

  private async currentSyncToken(): Promise<string> {
    const response = await this.t.request('PROPFIND', '/dav/calendars/user/alice/Default/', {
      headers: { Depth: '0', 'Content-Type': 'application/xml' },
      body: '<D:propfind xmlns:D="DAV:"><D:prop><D:sync-token/></D:prop></D:propfind>',
    });
    return /<[A-Za-z]*:?sync-token>([^<]*)</.exec(await response.text())?.[1] ?? '';
  }
}

/**
 * What the fuzz starts from: bob's sentinel, alice's sentinel in a calendar no write names, and a
 * few objects of alice's (a series with an override, a task) so that reports have data to walk.
 */
export async function storeFixtures(t: TestApp): Promise<void> {
  const put = (path: string, body: string, user = 'alice') => t.request('PUT', path, { user, headers: { 'Content-Type': 'text/calendar' }, body, expect: 201 });
  await put(BOB_SENTINEL, event(SENTINEL_UIDS[0]!, undefined, undefined, [`DESCRIPTION:${BOB_SECRET}`]), 'bob');
  await t.request('MKCALENDAR', SENTINEL_COLLECTION, { expect: 201 });
  await put(ALICE_SENTINEL, event(SENTINEL_UIDS[1]!, '20260110T120000Z', '20260110T130000Z', ['RRULE:FREQ=WEEKLY;COUNT=10']));
  await t.request('MKCALENDAR', '/dav/calendars/user/alice/Fuzz1/', { expect: 201 });
  await put('/dav/calendars/user/alice/Fuzz1/a.ics', event('fuzz-a@example.com'));
  await t.request('MKCOL', '/dav/drive/user/alice/folder/', { expect: 201 });
  await put('/dav/calendars/user/alice/Default/a.ics', event('fuzz-b@example.com'));
  await put('/dav/calendars/user/alice/Default/series.ics', ics([
    'BEGIN:VEVENT', 'UID:series@example.com', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Europe/Berlin:20260105T090000', 'DURATION:PT1H',
    'RRULE:FREQ=DAILY;COUNT=30', 'EXDATE;TZID=Europe/Berlin:20260107T090000', 'SUMMARY:Standup', 'ORGANIZER:mailto:alice@example.com',
    'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com', 'ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:carol@example.com', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:series@example.com', 'DTSTAMP:20260101T000000Z', 'RECURRENCE-ID;TZID=Europe/Berlin:20260108T090000',
    'DTSTART;TZID=Europe/Berlin:20260108T110000', 'DURATION:PT1H', 'SUMMARY:Standup (moved)', 'END:VEVENT',
  ]));
  await put('/dav/calendars/user/alice/Default/task.ics', ics([
    'BEGIN:VTODO', 'UID:task@example.com', 'DTSTAMP:20260101T000000Z', 'DUE;VALUE=DATE:20260120', 'SUMMARY:Taxes', 'STATUS:NEEDS-ACTION',
    'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-P1D', 'DESCRIPTION:Taxes', 'END:VALARM', 'END:VTODO',
  ]));
}

// --- Internal helpers ---

function checkBody(status: number, contentType: string, text: string): string[] {
  if (status === 207) {
    let parsed: ReturnType<typeof parseMultistatus>;
    try {
      parsed = parseMultistatus(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // parseXml bounds nesting for request bodies; a dead property stored close to that bound
      // comes back a few levels deeper inside a multistatus, which is still a complete answer.
      if (!/nests elements more than/.test(message)) return [`207 body does not parse: ${message}`];
      const validation = XMLValidator.validate(text);
      if (validation !== true) return [`207 body is not well-formed: ${validation.err.msg} (line ${validation.err.line})`];
      return [...text.matchAll(/<(?:\w+:)?status>HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1])).filter((s) => s >= 500 && !ALLOWED_5XX.has(s)).map((s) => `multistatus status ${s}`);
    }
    const problems: string[] = [];
    for (const [href, response] of parsed) {
      if (response.status !== undefined && response.status >= 500 && !ALLOWED_5XX.has(response.status)) problems.push(`multistatus response for ${href}: ${response.status}`);
      for (const [name, prop] of response.props) if (prop.status >= 500 && !ALLOWED_5XX.has(prop.status)) problems.push(`multistatus ${href} ${name}: ${prop.status}`);
    }
    return problems;
  }
  if (text.trim() === '') return [];
  if (/xml/i.test(contentType)) {
    try {
      parseXml(text, { maxElements: Infinity });
    } catch (error) {
      return [`${contentType} body does not parse: ${error instanceof Error ? error.message : String(error)}`];
    }
  }
  if (/json/i.test(contentType)) {
    try {
      JSON.parse(text);
    } catch (error) {
      return [`${contentType} body does not parse: ${error instanceof Error ? error.message : String(error)}`];
    }
  }
  return [];
}

/** RFC 4918 §9.8.5 and §9.9.4: 502 answers a COPY or MOVE whose Destination is on another server. */
function crossesServers(request: FuzzRequest, headers: Record<string, string>): boolean {
  if (request.method !== 'COPY' && request.method !== 'MOVE') return false;
  try {
    return new URL(headers['Destination'] ?? '', 'http://orrery.test').host !== 'orrery.test';
  } catch {
    return false;
  }
}

function inBobsSpace(path: string): boolean {
  try {
    const pathname = new URL(path, 'http://orrery.test').pathname;
    // Decode, then resolve dot segments again, the way a server that decodes %2F would see it.
    return BOB_SPACE.test(new URL(decodeURIComponent(pathname), 'http://orrery.test').pathname);
  } catch {
    return false;
  }
}
