// The checked-in list of CalDAVTester tests known to fail, and how a run compares with it: a
// failure not on the list is a regression, and a listed test that passes (or no longer runs)
// means the list is stale. A regression fails the run; a stale list fails it with
// CALDAVTESTER_STRICT=1 and is reported otherwise (caldavtester.test.ts). A separate
// list names the few tests whose outcome depends on timing; they may pass, fail or not run.
import { readFileSync, writeFileSync } from 'node:fs';
import type { LeafResult } from './harness.ts';

/** script → "suite | test" → one-line reason. */
export type LeafReasons = Record<string, Record<string, string>>;

export interface Expectations {
  /** Tests that fail on every run, each with why. */
  failures: LeafReasons;
  /** Tests whose outcome varies from run to run, each with the timing it depends on. */
  flaky: LeafReasons;
}

/**
 * The forms a reason takes, so that a reader can tell at once who is to act: Orrery's developers
 * ("defect:"), nobody (a deliberate omission, a CalendarServer assumption, a wrong test), or
 * whoever traces it ("undiagnosed:", which says what differs but not yet why; each such entry is
 * to be turned into one of the other four).
 */
export const REASON_FORMS = [/^Orrery deliberately lacks /, /^test assumes CalendarServer behaviour: /, /^test is wrong: /, /^defect: /, /^undiagnosed: /];
/** What CALDAVTESTER_UPDATE=1 writes for a new failure, until someone has read its exchange. */
export const UNREVIEWED = 'unreviewed: ';

export const leafKey = (leaf: Pick<LeafResult, 'suite' | 'test'>): string => `${leaf.suite} | ${leaf.test}`;

export function readExpectations(path: string): Expectations {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Expectations>;
  return { failures: parsed.failures ?? {}, flaky: parsed.flaky ?? {} };
}

export interface Comparison {
  counts: { passed: number; failed: number; skipped: number; known: number; flaky: number };
  /** Failing leaves the expectations do not list. */
  unexpected: LeafResult[];
  /** Listed leaves that passed in this run. */
  nowPassing: { script: string; key: string; reason: string }[];
  /** Listed leaves this run did not report as run at all (skipped, renamed or gone). */
  stale: { script: string; key: string; reason: string }[];
}

export function compareWithExpectations(leaves: readonly LeafResult[], expectations: Expectations, scripts: readonly string[]): Comparison {
  const counts = { passed: 0, failed: 0, skipped: 0, known: 0, flaky: 0 };
  const unexpected: LeafResult[] = [];
  const seen = outcomes(leaves);
  for (const leaf of leaves) {
    if (leaf.result === 'ok') counts.passed++;
    else if (leaf.result === 'ignored') counts.skipped++;
    else {
      counts.failed++;
      if (expectations.flaky[leaf.script]?.[leafKey(leaf)] !== undefined) counts.flaky++;
      else if (expectations.failures[leaf.script]?.[leafKey(leaf)] !== undefined) counts.known++;
      else unexpected.push(leaf);
    }
  }
  const nowPassing: Comparison['nowPassing'] = [];
  const stale: Comparison['stale'] = [];
  for (const script of scripts) {
    for (const [key, reason] of Object.entries(expectations.failures[script] ?? {})) {
      const result = seen.get(`${script}\u0000${key}`);
      if (result === 'ok') nowPassing.push({ script, key, reason });
      else if (result === undefined || result === 'ignored') stale.push({ script, key, reason });
    }
  }
  return { counts, unexpected, nowPassing, stale };
}

/**
 * Rewrites the known failures from a run (CALDAVTESTER_UPDATE=1): reasons of leaves that still
 * fail are kept, new failures get an "unreviewed:" reason with the verifier's complaint, leaves
 * that pass or no longer run are dropped. The flaky list is left as it is: that takes several runs.
 */
export function updateExpectations(path: string, leaves: readonly LeafResult[], scripts: readonly string[]): { added: number; removed: number } {
  const before = readExpectations(path);
  const failures: LeafReasons = Object.fromEntries(Object.entries(before.failures).filter(([script]) => !scripts.includes(script)));
  let added = 0;
  for (const [id, result] of outcomes(leaves)) {
    if (result !== 'failed' && result !== 'error') continue;
    const [script, key] = id.split('\u0000') as [string, string];
    if (before.flaky[script]?.[key] !== undefined) continue;
    const leaf = leaves.find((l) => l.script === script && leafKey(l) === key)!;
    const reason = before.failures[script]?.[key] ?? (added++, `${UNREVIEWED}${complaint(leaf)}`);
    (failures[script] ??= {})[key] = reason;
  }
  const count = (reasons: LeafReasons) => Object.values(reasons).reduce((n, r) => n + Object.keys(r).length, 0);
  const removed = count(before.failures) + added - count(failures);
  writeFileSync(path, `${JSON.stringify({ failures: sorted(failures), flaky: sorted(before.flaky) }, null, 1)}\n`);
  return { added, removed };
}

/** A failure as a reader needs it: where, what the verifier said, and the exchange that failed. */
export function describeFailure(leaf: LeafResult): string {
  const exchange = leaf.protocol.join('').split('\n').slice(0, 60).join('\n');
  return `${leaf.script} › ${leafKey(leaf)} (${leaf.result})\n${leaf.details}\n${exchange}`;
}

// --- Internal helpers ---

/** script NUL key → result; some scripts repeat a suite and test name, and any failure among them counts. */
function outcomes(leaves: readonly LeafResult[]): Map<string, LeafResult['result']> {
  const seen = new Map<string, LeafResult['result']>();
  for (const leaf of leaves) {
    const id = `${leaf.script}\u0000${leafKey(leaf)}`;
    const before = seen.get(id);
    if (before !== 'failed' && before !== 'error') seen.set(id, leaf.result);
  }
  return seen;
}

/** The first thing a failing leaf's verifiers complained about, on one line. */
function complaint(leaf: LeafResult): string {
  const lines = leaf.details.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const failed = lines.findIndex((line) => line.startsWith('Failed Verifier'));
  return (failed === -1 ? lines.slice(0, 1) : lines.slice(failed, failed + 2)).join(' ').slice(0, 200);
}

function sorted(reasons: LeafReasons): LeafReasons {
  return Object.fromEntries(Object.keys(reasons).sort().map((script) => [script, Object.fromEntries(Object.entries(reasons[script]!).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })))]));
}
