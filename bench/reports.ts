// Report benchmark: builds a calendar of N events (80% single events over two years, 20% weekly
// series with overrides and EXDATEs), then times calendar-query (RFC 4791 §7.8, with and without
// expand), free-busy-query (§7.10), calendar-multiget (§7.9), sync-collection (RFC 6578),
// PROPFIND Depth 1, concurrent GET and a mixed 70/30 read/write load, and samples the server's
// memory (RSS and PSS) and database files between phases. Every answer of the timed reports is
// checked against what the generated calendar must give (bench/expected.ts), after its timing.
// Usage: npx tsx bench/reports.ts [--events 10000] [--concurrency 8] [--mixed-clients 8,32]
//        [--mixed-ops 4000] [--pid SERVER_PID[,PID…]] [--db DATABASE_FILE]
//        [--url http://host:port --user U --password P]
import { vtimezoneText } from '../src/tz/catalogue.ts';
import { DAY, ExpectedCalendar, FIRST_DAY, isSeries, merge, startOf, ZONE, type Interval } from './expected.ts';
import { benchArgs, closeConnections, fileSizeMiB, httpRequest, openTarget, percentiles, processCpuMs, processMemoryMiB, runConcurrent, timeIt, type HttpResult } from './lib.ts';

const args = benchArgs({ pid: { type: 'string' }, db: { type: 'string' }, keep: { type: 'boolean' }, 'mixed-clients': { type: 'string' }, 'mixed-ops': { type: 'string' } });
const events = Number(args.events ?? 1000);
const concurrency = Number(args.concurrency ?? 8);
const mixedClients = (args['mixed-clients'] ?? '8,32').split(',').map(Number).filter((c) => c > 0);
const mixedOps = Number(args['mixed-ops'] ?? 4000);
const target = await openTarget(args);
/** The server's processes (`--pid 12,34`), when it runs apart from this one; none otherwise. */
const serverPids = args.pid ? args.pid.split(',').map(Number) : [];
const calendar = `/dav/calendars/user/${target.user}/reports-${Date.now()}/`;
const VTIMEZONE = vtimezoneText(ZONE, { startUtcMs: Date.UTC(2025, 0, 1) })!.trimEnd();

interface Row {
  operation: string;
  samples: number;
  p50: number;
  p99: number;
  perSecond: number;
  /** The server's CPU time per request in ms, when its processes are known (`--pid`). */
  cpuMs?: number;
  note: string;
}
const rows: Row[] = [];

async function request(method: string, path: string, body?: string, extra: Record<string, string> = {}): Promise<string> {
  const { status, text } = await httpRequest(target.baseUrl, method, path, { Authorization: target.auth, ...extra }, body);
  if (status >= 400) throw new Error(`${method} ${path} → ${status}: ${text.slice(0, 300)}`);
  return text;
}

/**
 * Times `count` sequential requests (one client), so p50 is the server's latency for that
 * operation; `check` then looks at each answer, outside the time measured.
 */
async function sequential(
  operation: string,
  count: number,
  task: (i: number) => Promise<string>,
  note = (last: string) => `${kb(last)} KB`,
  check: (answer: string, i: number) => void = () => undefined,
): Promise<void> {
  const times: number[] = [];
  let last = '';
  // A few unmeasured requests first, so that the first operation measured does not pay for JIT warm-up.
  for (let i = 0; i < Math.min(3, Math.ceil(count / 10)); i++) check(await task(count + i), count + i);
  const cpu = serverCpu();
  for (let i = 0; i < count; i++) {
    const [text, ms] = await timeIt(() => task(i));
    times.push(ms);
    last = text;
    check(text, i);
  }
  const { p50, p99, mean } = percentiles(times);
  rows.push({ operation, samples: count, p50, p99, perSecond: 1000 / mean, cpuMs: cpu.perRequest(count), note: note(last) });
}

async function concurrent(operation: string, count: number, task: (i: number) => Promise<unknown>): Promise<void> {
  const cpu = serverCpu();
  const result = await runConcurrent(count, concurrency, async (i) => void (await task(i)));
  const { p50, p99 } = percentiles(result.latencies);
  rows.push({ operation: `${operation} (c=${concurrency})`, samples: count, p50, p99, perSecond: result.perSecond, cpuMs: cpu.perRequest(count), note: '' });
}

/** Starts counting the server's CPU time; `perRequest` divides what it used since by the requests sent. */
function serverCpu(): { perRequest(count: number): number | undefined } {
  const started = serverPids.length ? processCpuMs(serverPids) : NaN;
  return { perRequest: (count) => (Number.isNaN(started) ? undefined : (processCpuMs(serverPids) - started) / count) };
}

// --- Calendar data ---

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const local = (ms: number) => stamp(ms).slice(0, 15);
const kb = (text: string) => (text.length / 1024).toFixed(0);

function wrap(components: string[][], zoned: boolean): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Orrery bench//EN', ...(zoned ? [VTIMEZONE] : [])];
  for (const c of components) lines.push('BEGIN:VEVENT', ...c, 'END:VEVENT');
  return `${[...lines, 'END:VCALENDAR'].join('\r\n')}\r\n`;
}

/** Every fifth event is a weekly series in New York time: 4–20 weeks, one override, one EXDATE. */
function eventText(i: number, revision = 0, uid = `reports-${i}@orrery.bench`): string {
  const start = startOf(i);
  const common = [`UID:${uid}`, 'DTSTAMP:20260101T000000Z', `SEQUENCE:${revision}`];
  const text = [`SUMMARY:Benchmark event ${i}${revision ? ` (rev ${revision})` : ''}`, 'DESCRIPTION:Lorem ipsum dolor sit amet, consectetur adipiscing elit.', 'LOCATION:Room 4'];
  if (!isSeries(i)) return wrap([[...common, `DTSTART:${stamp(start)}`, `DTEND:${stamp(start + 3_600_000)}`, ...text]], false);
  const weeks = 4 + (i % 17);
  const at = (k: number) => local(start + k * 7 * DAY);
  const master = [
    ...common, `DTSTART;TZID=${ZONE}:${at(0)}`, `DTEND;TZID=${ZONE}:${local(start + 3_600_000)}`, `RRULE:FREQ=WEEKLY;COUNT=${weeks}`,
    `EXDATE;TZID=${ZONE}:${at(2)}`, ...text,
  ];
  const moved = start + 3 * 7 * DAY + DAY;
  const override = [...common, `RECURRENCE-ID;TZID=${ZONE}:${at(3)}`, `DTSTART;TZID=${ZONE}:${local(moved)}`, `DTEND;TZID=${ZONE}:${local(moved + 5_400_000)}`, ...text];
  return wrap([master, override], true);
}

const put = (i: number, revision = 0) =>
  request('PUT', `${calendar}e${i}.ics`, eventText(i, revision), { 'Content-Type': 'text/calendar', ...(revision ? {} : { 'If-None-Match': '*' }) });

// --- Request bodies ---

const NS = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"';
/** Which of the 100 weeks from FIRST_DAY sample k asks about. */
const weekIndexOf = (k: number) => (k * 37) % 100;
const weekOf = (k: number) => FIRST_DAY + weekIndexOf(k) * 7 * DAY;

function calendarQuery(k: number, data: 'etag' | 'data' | 'expand'): string {
  const [start, end] = [stamp(weekOf(k)), stamp(weekOf(k) + 7 * DAY)];
  const dataElement = data === 'etag' ? '' : data === 'data' ? '<C:calendar-data/>' : `<C:calendar-data><C:expand start="${start}" end="${end}"/></C:calendar-data>`;
  return (
    `<C:calendar-query ${NS}><D:prop><D:getetag/>${dataElement}</D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">` +
    `<C:time-range start="${start}" end="${end}"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`
  );
}

function freeBusyQuery(k: number): string {
  const month = Date.UTC(2026, k % 24, 1);
  return `<C:free-busy-query ${NS}><C:time-range start="${stamp(month)}" end="${stamp(Date.UTC(2026, (k % 24) + 1, 1))}"/></C:free-busy-query>`;
}

const multigetTargets = (k: number, count: number) => Array.from({ length: count }, (_, j) => ((k * count + j) * 104_729) % events);

function multiget(k: number, count = 50): string {
  const hrefs = multigetTargets(k, count).map((i) => `<D:href>${calendar}e${i}.ics</D:href>`);
  return `<C:calendar-multiget ${NS}><D:prop><D:getetag/><C:calendar-data/></D:prop>${hrefs.join('')}</C:calendar-multiget>`;
}

const syncCollection = (token: string) =>
  `<D:sync-collection xmlns:D="DAV:"><D:sync-token>${token}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`;
const syncTokenOf = (xml: string) => /<(?:\w+:)?sync-token>([^<]*)<\/(?:\w+:)?sync-token>/.exec(xml)?.[1] ?? '';
const responsesIn = (xml: string) => (xml.match(/<(?:\w+:)?response>/g) ?? []).length;

// --- Checks of the answers ---

const expected = new ExpectedCalendar(events);
/** Answers that differ from what the calendar must give: printed after the table; the run then fails. */
const wrongAnswers: string[] = [];

function expect(what: string, ok: boolean, detail: () => string): void {
  if (!ok && wrongAnswers.length < 1000) wrongAnswers.push(`${what}: ${detail()}`);
}

/** The responses of a multistatus by member index (`e<i>.ics`), each response's markup. */
function responsesByEvent(xml: string): Map<number, string> {
  const found = new Map<number, string>();
  for (const block of xml.split(/<(?:\w+:)?response>/).slice(1)) {
    const href = /<(?:\w+:)?href>([^<]*)</.exec(block)?.[1] ?? '';
    const index = /\/e(\d+)\.ics$/.exec(decodeURIComponent(href))?.[1];
    if (index !== undefined) found.set(Number(index), block);
  }
  return found;
}

const sameSet = (a: Iterable<number>, b: Iterable<number>) => [...a].sort((x, y) => x - y).join() === [...b].sort((x, y) => x - y).join();
const hasUid = (text: string, i: number) => text.includes(`UID:reports-${i}@orrery.bench`);

/** A one-week calendar-query: exactly the events with an instance that week, each with its own data. */
function checkWeekQuery(data: 'etag' | 'data' | 'expand'): (answer: string, k: number) => void {
  return (answer, k) => {
    const week = weekIndexOf(k);
    const found = responsesByEvent(answer);
    const wanted = expected.eventsInWeek(week);
    expect(`calendar-query (${data}) week ${week}`, sameSet(found.keys(), wanted), () => `${found.size} objects, expected ${wanted.size}`);
    if (data === 'etag') return;
    for (const [i, block] of found) expect(`calendar-query (${data}) week ${week}`, hasUid(block, i), () => `e${i}.ics without its own data`);
    if (data === 'expand') {
      const instances = (answer.match(/BEGIN:VEVENT/g) ?? []).length;
      expect(`calendar-query (expand) week ${week}`, instances === expected.instancesInWeek(week), () => `${instances} instances, expected ${expected.instancesInWeek(week)}`);
    }
  };
}

/** A month's free-busy-query: its busy periods, merged, are the month's busy time. */
function checkFreeBusy(answer: string, k: number): void {
  const month = k % 24;
  const found = merge(busyPeriodsOf(answer));
  const wanted = expected.busyInMonth(month);
  const text = (list: Interval[]) => list.map((p) => `${stamp(p.start)}/${stamp(p.end)}`).join(',');
  expect(`free-busy-query month ${month}`, text(found) === text(wanted), () => `${found.length} periods, expected ${wanted.length}; first difference near ${firstDifference(found, wanted)}`);
}

function firstDifference(a: Interval[], b: Interval[]): string {
  const at = a.findIndex((p, j) => p.start !== b[j]?.start || p.end !== b[j]?.end);
  const p = a[at === -1 ? a.length : at] ?? b[at === -1 ? a.length : at];
  return p ? stamp(p.start) : 'the end';
}

/** FREEBUSY periods (start/end or start/duration, UTC) of an iCalendar text, unfolded. */
function busyPeriodsOf(ics: string): Interval[] {
  const periods: Interval[] = [];
  for (const line of ics.replace(/\r?\n[ \t]/g, '').split(/\r?\n/)) {
    const match = /^FREEBUSY(?:;[^:]*)?:(.*)$/i.exec(line);
    if (!match) continue;
    for (const period of match[1]!.split(',')) {
      const [from, to] = period.split('/') as [string, string];
      const start = parseStamp(from);
      periods.push({ start, end: to.startsWith('P') || to.startsWith('+P') ? start + durationMs(to) : parseStamp(to) });
    }
  }
  return periods;
}

function parseStamp(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : NaN;
}

function durationMs(text: string): number {
  const m = /^\+?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
  if (!m) return NaN;
  const [weeks, days, hours, minutes, seconds] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number];
  return (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60_000 + seconds * 1000;
}

/** A multiget: every object named, found, with its own data. */
function checkMultiget(answer: string, k: number): void {
  const found = responsesByEvent(answer);
  for (const i of new Set(multigetTargets(k, 50))) {
    const block = found.get(i);
    expect('calendar-multiget', block !== undefined && / 200 /.test(block) && hasUid(block, i), () => `e${i}.ics missing or without its data`);
  }
}

// --- Memory and database files ---

const samples: { label: string; rss?: number; pss?: number; db?: number; wal?: number }[] = [];
function sampleServer(label: string): void {
  // Several pids (`--pid 12,34`) are added up: PSS is additive, RSS counts shared pages in each.
  const pids = serverPids.length ? serverPids : args.url ? [] : [process.pid];
  const memory = pids.length ? pids.map(processMemoryMiB).reduce((a, b) => ({ rss: a.rss + b.rss, pss: a.pss + b.pss })) : undefined;
  const files = args.db ? { db: fileSizeMiB(args.db), wal: fileSizeMiB(`${args.db}-wal`) } : {};
  samples.push({ label, ...memory, ...files });
}

// --- Mixed load ---

// Twenty slots, 14 reads (70%) and 6 writes (30%); operation i takes slot (i * 7) % 20, so that
// clients running side by side send different kinds of requests.
const MIXED_SLOTS = [
  ...Array<string>(8).fill('GET'), 'calendar-query', 'calendar-query', 'multiget', 'multiget', 'sync', 'sync',
  'PUT If-Match', 'PUT If-Match', 'PUT', 'PUT', 'create', 'delete',
];

class MixedLoad {
  errors: string[] = [];
  preconditionFailed = 0;
  private revision = 1;
  private created: string[] = [];
  /** What each client last read: the object it edits with If-Match, as a client edits what it shows. */
  private lastRead: ({ index: number; etag: string } | undefined)[] = [];

  /** `run` numbers the loads of one bench run: each touches other objects and creates its own. */
  constructor(private readonly run: number, private syncToken: string) {}

  async perform(i: number, client: number): Promise<void> {
    const k = (i * 7919 + this.run) % events;
    const path = `${calendar}e${k}.ics`;
    switch (MIXED_SLOTS[(i * 7) % 20]) {
      case 'GET':
        return this.read(k, client);
      case 'calendar-query':
        return void (await this.send('REPORT', calendar, [207], calendarQuery(i, 'etag'), REPORT));
      case 'multiget': {
        const answer = await this.send('REPORT', calendar, [207], multiget(i, 10), REPORT);
        if (answer && (responsesIn(answer.text) !== 10 || answer.text.includes(' 404 '))) this.errors.push(`multiget of 10: ${responsesIn(answer.text)} responses, ${snippet(answer.text)}`);
        return;
      }
      case 'sync': {
        // Incremental sync from the token of the previous one: the changes of the last moments.
        const answer = await this.send('REPORT', calendar, [207], syncCollection(this.syncToken), REPORT);
        if (answer) this.syncToken = syncTokenOf(answer.text) || this.syncToken;
        return;
      }
      case 'PUT If-Match': {
        if (!this.lastRead[client]) await this.read(k, client);
        const seen = this.lastRead[client];
        if (!seen) return;
        const answer = await this.send('PUT', `${calendar}e${seen.index}.ics`, [204, 412], eventText(seen.index, this.revision++), { 'Content-Type': 'text/calendar', 'If-Match': seen.etag });
        // 412: another client changed the object since it was read, which the condition is for.
        if (answer?.status === 412) this.preconditionFailed++;
        const etag = answer?.status === 204 ? answer.headers.etag : undefined;
        this.lastRead[client] = etag ? { index: seen.index, etag } : undefined;
        return;
      }
      case 'PUT':
        return void (await this.send('PUT', path, [204], eventText(k, this.revision++), { 'Content-Type': 'text/calendar' }));
      case 'delete': {
        const victim = this.created.shift();
        if (victim) return void (await this.send('DELETE', victim, [204]));
        return this.create(i, k); // nothing created yet
      }
      case 'create':
        return this.create(i, k);
    }
  }

  private async read(k: number, client: number): Promise<void> {
    const answer = await this.send('GET', `${calendar}e${k}.ics`, [200]);
    if (!answer) return;
    if (!answer.text.includes(`UID:reports-${k}@orrery.bench`)) this.errors.push(`GET e${k}.ics: not the object stored: ${snippet(answer.text)}`);
    else if (answer.headers.etag) this.lastRead[client] = { index: k, etag: answer.headers.etag };
  }

  private async create(i: number, k: number): Promise<void> {
    const path = `${calendar}mixed-${this.run}-${i}.ics`;
    const answer = await this.send('PUT', path, [201], eventText(k, 0, `mixed-${this.run}-${i}@orrery.bench`), { 'Content-Type': 'text/calendar', 'If-None-Match': '*' });
    if (answer) this.created.push(path);
  }

  /** Sends one request; an answer with another status than `expected`, or none, is counted as an error. */
  private async send(method: string, path: string, expected: number[], body?: string, headers: Record<string, string> = {}): Promise<HttpResult | undefined> {
    try {
      const answer = await httpRequest(target.baseUrl, method, path, { Authorization: target.auth, ...headers }, body);
      if (expected.includes(answer.status)) return answer;
      this.errors.push(`${method} ${path} → ${answer.status}: ${snippet(answer.text)}`);
    } catch (error) {
      this.errors.push(`${method} ${path} → ${String(error)}`);
    }
    return undefined;
  }
}

const snippet = (text: string) => text.replace(/\s+/g, ' ').slice(0, 160);

async function mixed(clients: number, run: number): Promise<string[]> {
  const load = new MixedLoad(run, syncTokenOf(await request('REPORT', calendar, syncCollection(''), REPORT)));
  const cpu = serverCpu();
  const result = await runConcurrent(mixedOps, clients, (i, client) => load.perform(i, client));
  const { p50, p99 } = percentiles(result.latencies);
  const note = `${load.errors.length} errors, ${load.preconditionFailed} If-Match 412`;
  rows.push({ operation: `mixed 70/30 (c=${clients})`, samples: mixedOps, p50, p99, perSecond: result.perSecond, cpuMs: cpu.perRequest(mixedOps), note });
  return load.errors;
}

// --- Run ---

const REPORT = { Depth: '1', 'Content-Type': 'application/xml; charset=utf-8' };
sampleServer('start');
await request('PROPFIND', `/dav/calendars/user/${target.user}/`, undefined, { Depth: '0' });
await makeCalendar();
await concurrent(`PUT ${events} events`, events, (i) => put(i));
sampleServer('after PUT');

for (const [label, data] of [['one-week calendar-query, getetag', 'etag'], ['one-week calendar-query + calendar-data', 'data'], ['one-week calendar-query + expand', 'expand']] as const) {
  await sequential(label, 40, (k) => request('REPORT', calendar, calendarQuery(k, data), REPORT), (last) => `${responsesIn(last)} objects, ${kb(last)} KB`, checkWeekQuery(data));
}
sampleServer('after calendar-query');
await sequential('one-month free-busy-query', 30, (k) => request('REPORT', calendar, freeBusyQuery(k), REPORT), undefined, checkFreeBusy);
await sequential('calendar-multiget, 50 hrefs', 40, (k) => request('REPORT', calendar, multiget(k), REPORT), undefined, checkMultiget);
const everyEvent = Array.from({ length: events }, (_, i) => i);
const checkListing = (what: string) => (answer: string) => {
  const found = responsesByEvent(answer);
  expect(what, found.size === events && sameSet(found.keys(), everyEvent), () => `${found.size} members, expected ${events}`);
};
await sequential('sync-collection, initial', 8, () => request('REPORT', calendar, syncCollection(''), REPORT), (last) => `${responsesIn(last)} members, ${kb(last)} KB`, checkListing('sync-collection, initial'));
const token = syncTokenOf(await request('REPORT', calendar, syncCollection(''), REPORT));
for (let i = 0; i < 10; i++) await put(i * 13, 1);
const changed = new Set(Array.from({ length: 10 }, (_, i) => (i * 13) % events));
await sequential('sync-collection, after 10 changes', 100, () => request('REPORT', calendar, syncCollection(token), REPORT), (last) => `${responsesIn(last)} changes`, (answer) => {
  const found = responsesByEvent(answer);
  expect('sync-collection, after 10 changes', sameSet(found.keys(), changed), () => `${found.size} changes reported, expected ${changed.size}`);
});
const propfind = '<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/><D:getcontenttype/><D:resourcetype/></D:prop></D:propfind>';
await sequential('PROPFIND Depth 1', 8, () => request('PROPFIND', calendar, propfind, { Depth: '1', 'Content-Type': 'application/xml' }), (last) => `${responsesIn(last)} responses, ${kb(last)} KB`, checkListing('PROPFIND Depth 1'));
sampleServer('after reports');
await concurrent('GET', Math.max(4000, events), async (i) => {
  const index = (i * 7919) % events;
  const body = await request('GET', `${calendar}e${index}.ics`);
  expect('GET', hasUid(body, index), () => `e${index}.ics is not the object stored`);
});
sampleServer('after GET');
const mixedErrors: string[] = [];
for (const [run, clients] of mixedClients.entries()) {
  mixedErrors.push(...(await mixed(clients, run)));
  sampleServer(`after mixed c=${clients}`);
}

// --keep leaves the calendar in place, e.g. to profile a server against it afterwards.
if (args.keep) console.log(`kept ${calendar}`);
else await request('DELETE', calendar);
closeConnections();
await target.close();

console.log(`\n${events} events (${events / 5} weekly series), ${target.baseUrl}\n`);
// The server's CPU per request is shown when it runs in processes of its own (`--pid`).
const cpuColumn = (text: string) => (serverPids.length ? ` ${text.padStart(8)}` : '');
console.log(`${'operation'.padEnd(42)} ${'n'.padStart(5)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'req/s'.padStart(8)}${cpuColumn('cpu ms')}  note`);
for (const r of rows) {
  const cpu = cpuColumn(r.cpuMs === undefined ? '' : r.cpuMs.toFixed(r.cpuMs < 10 ? 2 : 1));
  console.log(`${r.operation.padEnd(42)} ${String(r.samples).padStart(5)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${r.perSecond.toFixed(0).padStart(8)}${cpu}  ${r.note}`);
}
if (wrongAnswers.length) {
  console.log(`\nWrong answers: ${wrongAnswers.length}, the first ones:`);
  for (const wrong of wrongAnswers.slice(0, 10)) console.log(`  ${wrong}`);
}
if (mixedErrors.length) {
  console.log(`\nMixed load: ${mixedErrors.length} errors (answers other than expected; If-Match 412 excluded), the first ones:`);
  for (const error of mixedErrors.slice(0, 10)) console.log(`  ${error}`);
}
if (wrongAnswers.length || mixedErrors.length) process.exitCode = 1;
else console.log('\nEvery answer matched the generated calendar (reports, GETs) or the status expected (mixed load).');
if (args.pid || args.db || !args.url) {
  const mib = (value: number | undefined) => (value === undefined ? '' : value.toFixed(1)).padStart(9);
  console.log(`\n${'server'.padEnd(22)} ${'RSS MiB'.padStart(9)} ${'PSS MiB'.padStart(9)} ${'db MiB'.padStart(9)} ${'WAL MiB'.padStart(9)}`);
  for (const s of samples) console.log(`${s.label.padEnd(22)} ${mib(s.rss)} ${mib(s.pss)} ${mib(s.db)} ${mib(s.wal)}`);
}

/**
 * MKCALENDAR, or on Workers, whose runtime answers MKCALENDAR with 501 before the Worker runs, the
 * POST with X-HTTP-Method-Override that Orrery takes instead (adapters/workers/README.md).
 */
async function makeCalendar(): Promise<void> {
  const { status, text } = await httpRequest(target.baseUrl, 'MKCALENDAR', calendar, { Authorization: target.auth });
  if (status === 501) await request('POST', calendar, undefined, { 'X-HTTP-Method-Override': 'MKCALENDAR' });
  else if (status !== 201) throw new Error(`MKCALENDAR ${calendar} → ${status}: ${text.slice(0, 300)}`);
}
