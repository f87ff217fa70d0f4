// Seeded property-based fuzzing of the whole server over a real libSQL file: iCalendar bodies,
// WebDAV/CalDAV XML bodies and their headers, generated from real component, property and element
// names so that most requests get past the parsers. Every request must leave the invariants in
// harness.ts true; a failure reports fast-check's shrunk request. FUZZ_SEED and FUZZ_RUNS replay
// or widen a run (FUZZ_RUNS is per property).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { Harness, ServerLog, storeFixtures, type KnownFailure } from './harness.ts';
import { ALICE_SENTINEL, BOB_SENTINEL, icalRequest, structureRequest, xmlRequest, type FuzzRequest } from './request-arbitraries.ts';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20260401;
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : undefined;

/**
 * Failures already understood, so that the rest of the fuzz still runs while they are fixed. Each
 * names its bug and matches only its own shape: the method, the target and the server's own stack.
 */
const KNOWN_FAILURES: KnownFailure[] = [];

/** Room for the default runs and their shrinking on a slow, shared machine; more when FUZZ_RUNS asks for more. */
const TIMEOUT_MS = Math.max(150_000, (RUNS ?? 0) * 100);

let t: TestApp;
let harness: Harness;

beforeAll(async () => {
  const log = new ServerLog();
  t = await makeTestApp({ caldav_allowcalendaradmin: 'on' }, ['alice', 'bob', 'carol'], { logger: log.logger });
  harness = new Harness(t, log, KNOWN_FAILURES);
  await storeFixtures(t);
  await harness.addSentinel(BOB_SENTINEL, 'bob');
  await harness.addSentinel(ALICE_SENTINEL, 'alice');
  console.info(`request fuzz: seed ${SEED}, ${RUNS ?? 'default'} runs per property (set FUZZ_SEED / FUZZ_RUNS to change)`);
});

afterAll(() => {
  const counts = [...harness.statuses].map(([property, statuses]) => {
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    return `${property}: ${total} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`;
  });
  const slowest = harness.slowest;
  console.info(
    [
      `request fuzz (seed ${SEED}):`,
      ...counts,
      ...(harness.knownHits.size ? [`known failures hit: ${JSON.stringify(Object.fromEntries(harness.knownHits))}`] : []),
      slowest ? `slowest: ${slowest.ms.toFixed(0)} ms, status ${slowest.status}: ${describeRequest(slowest.request)}` : 'no request sent',
    ].join('\n'),
  );
  t?.close();
});

describe('fuzzed requests keep the server whole (no 5xx, complete bodies, sentinels untouched)', () => {
  it('iCalendar bodies: PUT of calendar objects, free-busy POST to an Outbox', async () => {
    await fc.assert(fc.asyncProperty(icalRequest, (request) => harness.check(request, 'iCalendar')), parameters(1500));
  }, TIMEOUT_MS);

  it('XML bodies: PROPFIND, PROPPATCH and every REPORT', async () => {
    await fc.assert(fc.asyncProperty(xmlRequest, (request) => harness.check(request, 'XML')), parameters(2500));
  }, TIMEOUT_MS);

  it('MKCALENDAR, MKCOL, ACL, LOCK, COPY, MOVE, DELETE and reads, with hostile headers', async () => {
    await fc.assert(fc.asyncProperty(structureRequest, (request) => harness.check(request, 'structure')), parameters(1500));
  }, TIMEOUT_MS);

  it('leaves both sentinels and the database intact', async () => {
    expect(await harness.checkSentinels()).toEqual([]);
    const result = await t.client.execute('PRAGMA integrity_check');
    expect(result.rows.map((row) => row[0])).toEqual(['ok']);
  });
});

function parameters(defaultRuns: number): fc.Parameters<[FuzzRequest]> {
  return { seed: SEED, numRuns: RUNS ?? defaultRuns };
}

function describeRequest(request: FuzzRequest): string {
  const body = request.body === undefined ? '' : `\n${request.body.length > 600 ? `${request.body.slice(0, 600)}… (${request.body.length} chars)` : request.body}`;
  return `${request.method} ${request.path} as ${request.user ?? 'anonymous'} ${JSON.stringify(request.headers)}${body}`;
}
