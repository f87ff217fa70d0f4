// Apple's CalDAVTester (python3 port) over its core CalDAV and scheduling (RFC 6638) scripts,
// against real Orrery server processes. Every leaf test's result is compared with
// caldavtester/expectations.json, which lists the known failures with a reason each.
// CALDAVTESTER_UPDATE=1 rewrites its known failures from the run (see updateExpectations);
// CALDAVTESTER_LANES sets how many scripts run at once; CALDAVTESTER_RESULTS=file saves every
// leaf's result with its exchange, to read failures by. CALDAVTESTER_ONLY=put,json runs just
// those scripts (names without CalDAV/ and .xml; scripts outside the lists may be named too), to
// check one area while working on it; the expectations are then compared for those scripts only.
// CALDAVTESTER_SERVER_LOGS=dir keeps each script's server output there (request lines, refused
// scheduling messages), to trace what the server did behind a failure.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithExpectations, describeFailure, leafKey, readExpectations, REASON_FORMS, updateExpectations } from './caldavtester/expectations.ts';
import { prepareWorkspace, runAcrossLanes, type ScriptRun, type Workspace } from './caldavtester/harness.ts';
import { CORE_SCRIPTS, SCHEDULING_SCRIPTS } from './caldavtester/scripts.ts';

const EXPECTATIONS = join(import.meta.dirname, 'caldavtester/expectations.json');
/**
 * Scripts run at once, each with its own server. A lane spends most of its time waiting on the
 * other process of its pair, so three lanes keep the two cores of a CI machine busy without
 * starving the test files that run beside this one.
 */
const LANES = Number(process.env.CALDAVTESTER_LANES ?? 3);
const UPDATE = process.env.CALDAVTESTER_UPDATE === '1';
const ONLY = process.env.CALDAVTESTER_ONLY?.split(',').map((name) => `CalDAV/${name.trim()}.xml`);
const SETS = ONLY
  ? ([['selected', ONLY]] as const)
  : ([['core', CORE_SCRIPTS], ['scheduling', SCHEDULING_SCRIPTS]] as const);

describe('CalDAVTester (core CalDAV and scheduling scripts)', () => {
  let workspace: Workspace | undefined;
  let runs: ScriptRun[] = [];

  beforeAll(async () => {
    workspace = await prepareWorkspace();
    const started = performance.now();
    // The slow scheduling scripts first, so that the quick core ones fill in the lanes at the end.
    runs = await runAcrossLanes(workspace, LANES, ONLY ?? [...SCHEDULING_SCRIPTS, ...CORE_SCRIPTS], 240_000);
    const slowest = [...runs].sort((a, b) => b.seconds - a.seconds).slice(0, 3).map((run) => `${run.script} ${run.seconds.toFixed(0)} s`);
    console.info(`CalDAVTester: ${runs.length} scripts in ${((performance.now() - started) / 1000).toFixed(0)} s on ${LANES} lanes (slowest: ${slowest.join(', ')})`);
    if (process.env.CALDAVTESTER_RESULTS) writeFileSync(process.env.CALDAVTESTER_RESULTS, JSON.stringify(runs, null, 1));
    if (UPDATE && !ONLY) {
      const { added, removed } = updateExpectations(EXPECTATIONS, runs.flatMap((run) => run.leaves), [...CORE_SCRIPTS, ...SCHEDULING_SCRIPTS]);
      console.info(`CalDAVTester: expectations.json rewritten, ${added} new failures (reason "unreviewed"), ${removed} entries dropped`);
    }
  }, 900_000);

  afterAll(() => workspace?.close());

  it('expectations.json names only scripts that are run, and gives each known failure a reviewed reason', () => {
    const run: readonly string[] = [...CORE_SCRIPTS, ...SCHEDULING_SCRIPTS];
    if (ONLY) return;
    const { failures, flaky } = readExpectations(EXPECTATIONS);
    expect([...Object.keys(failures), ...Object.keys(flaky)].filter((script) => !run.includes(script))).toEqual([]);
    const badReasons = [failures, flaky].flatMap((reasons) => Object.entries(reasons).flatMap(([script, entries]) =>
      Object.entries(entries).filter(([, reason]) => !REASON_FORMS.some((form) => form.test(reason))).map(([key, reason]) => `${script} › ${key}: ${reason}`)));
    expect(badReasons).toEqual([]);
  });

  for (const [set, scripts] of SETS) {
    it(`${set} scripts: every failure is a known one, and every known one still fails`, () => {
      const leaves = runs.filter((run) => scripts.includes(run.script)).flatMap((run) => run.leaves);
      const result = compareWithExpectations(leaves, readExpectations(EXPECTATIONS), scripts);
      const { passed, failed, skipped, known, flaky } = result.counts;
      console.info(`CalDAVTester ${set} leaf tests: passed ${passed} / failed ${failed} / skipped ${skipped} (known failures ${known}, tolerated flaky ${flaky}, unexpected ${result.unexpected.length})`);
      // A new failure always fails the run. A known failure that passes, or no longer runs, fails it
      // only with CALDAVTESTER_STRICT=1 (set it when refreshing the list): elsewhere it is reported,
      // so that a leaf passing by the timing of one machine cannot block a change.
      const outdated = [
        ...result.nowPassing.map((e) => `NOW PASSES (remove it from expectations.json) ${e.script} › ${e.key}: ${e.reason}`),
        ...result.stale.map((e) => `NOT RUN (remove or rename it in expectations.json) ${e.script} › ${e.key}: ${e.reason}`),
      ];
      if (outdated.length > 0 && !process.env.CALDAVTESTER_STRICT) console.warn(outdated.join('\n'));
      const problems = [...result.unexpected.map((leaf) => `NEW FAILURE ${describeFailure(leaf)}`), ...(process.env.CALDAVTESTER_STRICT ? outdated : [])];
      if (problems.length > 0) {
        console.error(problems.join('\n\n'));
        console.error(`Entries for new failures, to fix or to add with a reason (CALDAVTESTER_UPDATE=1 adds them):\n${JSON.stringify(Object.fromEntries(result.unexpected.map((leaf) => [`${leaf.script} › ${leafKey(leaf)}`, leaf.details.split('\n')[0]])), null, 1)}`);
      }
      expect(problems.map((p) => p.split('\n')[0])).toEqual([]);
    });
  }
});
