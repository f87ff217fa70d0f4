// Runs Apple's CalDAVTester scripts against real Orrery server processes: a writable copy of the
// tester, a fresh server on a fresh copy of one database for every script (the scripts share
// user01…user40 and assume empty Inboxes, so whatever one script leaves behind would change the
// results of the next one on the same server), and the results as per-test records.
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createClient } from '@libsql/client';
import { createStore, migrate } from '../../../src/storage/index.ts';
import { addUser } from '../../../src/users.ts';
import { freePort, ROOT, startProcess } from '../../support/processes.ts';
import { caldavtesterUsers, orreryServerInfo } from './serverinfo.ts';

/** Where the python3 CalDAVTester and pycalendar trees are; CALDAVTESTER_DIR and PYCALENDAR_DIR override. */
export const CALDAVTESTER_DIR = process.env.CALDAVTESTER_DIR ?? resolve(import.meta.dirname, '../../../../shared/conformance/caldavtester');
export const PYCALENDAR_DIR = process.env.PYCALENDAR_DIR ?? resolve(CALDAVTESTER_DIR, '../pycalendar');
/** The scripts run, kept in the repository at a known upstream revision (see scripts/README.md). */
export const SCRIPTS_DIR = resolve(import.meta.dirname, 'scripts');

/**
 * Server options for the run. Failed-login throttling is off because errors.xml and acl.xml log
 * in wrongly on purpose; the historical-age cutoff is off because many scheduling scripts use
 * fixed dates years in the past, which Orrery (like Cyrus) would otherwise exempt from
 * scheduling; admin is CalDAVTester's $useradmin. Scheduling runs in Orrery's CalendarServer
 * emulation (caldav_allowscheduling=apple): its one difference, invitations not yet answered
 * being TRANSP:TRANSPARENT in the attendee's copy, is what the scheduling scripts expect.
 */
const SERVER_ENV: Record<string, string> = {
  ORRERY_DEFAULTDOMAIN: 'example.com',
  ORRERY_ADMINS: 'admin',
  ORRERY_FAILEDLOGINPAUSE: '0s',
  ORRERY_MAXFAILEDLOGINS_PER_USER: '0',
  ORRERY_MAXFAILEDLOGINS_PER_HOST: '0',
  ORRERY_PASSWORD_CHECK_CONCURRENCY: '0',
  ORRERY_CALDAV_HISTORICAL_AGE: '-1',
  ORRERY_CALDAV_ALLOWSCHEDULING: 'apple',
  // managed-attachments.xml ("Too many") expects the sixth attachment of one event to be refused,
  // the limit of CalendarServer's test configuration.
  ORRERY_CALDAV_ATTACH_MAXCOUNT: '5',
};

export interface LeafResult {
  script: string;
  suite: string;
  test: string;
  result: 'ok' | 'failed' | 'error' | 'ignored';
  details: string;
  protocol: string[];
}

export interface Workspace {
  dir: string;
  testerDir: string;
  /** A migrated database with CalDAVTester's users (not yet provisioned), copied for each script. */
  templateDb: string;
  close(): void;
}

/** A writable copy of CalDAVTester and pycalendar with the repository's scripts in place, and the template database. */
export async function prepareWorkspace(): Promise<Workspace> {
  for (const dir of [CALDAVTESTER_DIR, PYCALENDAR_DIR, SCRIPTS_DIR]) {
    if (!existsSync(dir)) throw new Error(`CalDAVTester run: ${dir} is missing`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'orrery-caldavtester-'));
  const testerDir = join(dir, 'caldavtester');
  cpSync(CALDAVTESTER_DIR, testerDir, { recursive: true, mode: 0 });
  cpSync(PYCALENDAR_DIR, join(dir, 'pycalendar'), { recursive: true });
  mkdirSync(join(testerDir, 'scripts/tests'), { recursive: true });
  cpSync(join(SCRIPTS_DIR, 'CalDAV'), join(testerDir, 'scripts/tests/CalDAV'), { recursive: true });
  for (const fix of PYTHON3_FIXES) {
    const file = join(testerDir, fix.file);
    const text = readFileSync(file, 'utf8');
    if (!text.includes(fix.from)) throw new Error(`CalDAVTester run: ${fix.file} no longer contains ${JSON.stringify(fix.from)}; drop or update the fix`);
    writeFileSync(file, text.replaceAll(fix.from, fix.to));
  }
  const templateDb = join(dir, 'template.db');
  const setup = createClient({ url: `file:${templateDb}` });
  try {
    await migrate(setup);
    const store = createStore(setup);
    const now = Date.now();
    await Promise.all([...caldavtesterUsers()].map(([name, password]) => addUser(store, name, password, `${name}@example.com`, now)));
  } finally {
    setup.close();
  }
  return { dir, testerDir, templateDb, close: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Changes to the tester itself. In calendarDataMatch, filter() became a one-shot iterator in the
 * python3 port: only the first property it looks at is filtered, so every comparison would fail on
 * DTSTAMP, PRODID and the other properties serverinfo.xml says to ignore. The polls for inbox
 * items spin on time.time() between attempts, which takes a whole core of this machine from the
 * server it waits for; they sleep instead. WAITDELETEALL empties an Inbox only when it holds the
 * expected number of items, so one message more or less than CalendarServer sends would leave items
 * behind that put every later count in the script off; it empties the Inbox either way (the step
 * still fails), so that each difference is reported once, where it happens. Two more python3-port
 * bugs: http.client encodes a str body as Latin-1, so a script's UTF-8 data (nonascii.xml starts
 * with a BOM) crashed the tester; and dataMatch passed encoding= to ElementTree() instead of
 * tostring(), so no XML response could ever match. Response headers are read the python2 way
 * (msg[name] is the value in python3, so [0] took its first character, and getheaders() is gone):
 * every grabbed Schedule-Tag, ETag, Last-Modified or Location became a lone quote or nothing.
 */
const PYTHON3_FIXES = [
  { file: 'verifiers/calendarDataMatch.py', from: 'filters = filter(lambda x: x[0] != "!", filters)', to: 'filters = list(filter(lambda x: x[0] != "!", filters))' },
  { file: 'src/caldavtest.py', from: 'while (time.time() < starttime + delay):\n                pass', to: 'time.sleep(max(0, starttime + delay - time.time()))' },
  {
    file: 'src/caldavtest.py',
    from: `                if waitresult:
                    hrefs = self.dofindall(req, collection, label="%s | %s" % (label, "DELETEALL"))
                    self.dodeleteall(req, hrefs, label="%s | %s" % (label, "DELETEALL"))
                else:
                    return False,`,
    to: `                hrefs = self.dofindall(req, collection, label="%s | %s" % (label, "DELETEALL"))
                self.dodeleteall(req, hrefs, label="%s | %s" % (label, "DELETEALL"))
                if not waitresult:
                    return False,`,
  },
  { file: 'src/caldavtest.py', from: 'http.request(method, quri, data, headers)', to: 'http.request(method, quri, data.encode("utf-8") if isinstance(data, str) else data, headers)' },
  {
    file: 'verifiers/dataMatch.py',
    from: 'tostring(ElementTree(file=_cdt_bio(respdata), encoding="unicode").getroot())',
    to: 'tostring(ElementTree(file=_cdt_bio(respdata)).getroot(), encoding="unicode")',
  },
  { file: 'src/caldavtest.py', from: 'hdrs = response.msg[hdrname]', to: 'hdrs = response.msg.get_all(hdrname)' },
  { file: 'src/caldavtest.py', from: 'hdrs = response.msg["Etag"]', to: 'hdrs = response.msg.get_all("Etag")' },
  { file: 'src/caldavtest.py', from: 'hdrs = response.msg.getheaders("Etag")', to: 'hdrs = response.msg.get_all("Etag")' },
];

/**
 * Runs one script (a path under scripts/tests, e.g. CalDAV/put.xml) against a server of its own,
 * started on a fresh copy of the template database in lane `lane`'s files.
 */
export async function runScript(workspace: Workspace, lane: number, script: string, timeoutMs: number): Promise<LeafResult[]> {
  const dbPath = join(workspace.dir, `lane${lane}.db`);
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(dbPath + suffix, { force: true });
  copyFileSync(workspace.templateDb, dbPath);
  const port = await freePort();
  const server = await startProcess({
    command: process.execPath,
    args: [join(ROOT, 'bin/orrery.js'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--db', `file:${dbPath}`],
    cwd: ROOT,
    env: SERVER_ENV,
    baseUrl: `http://127.0.0.1:${port}/`,
  });
  try {
    const serverInfo = join(workspace.testerDir, `serverinfo-lane${lane}.xml`);
    writeFileSync(serverInfo, orreryServerInfo(join(workspace.testerDir, 'scripts/server/serverinfo.xml'), '127.0.0.1', port));
    return await runTester(workspace, serverInfo, script, timeoutMs);
  } finally {
    await server.stop();
    // CALDAVTESTER_SERVER_LOGS=dir keeps each script's server output, for tracing a failure.
    const logs = process.env.CALDAVTESTER_SERVER_LOGS;
    if (logs) writeFileSync(join(logs, `${script.replace(/[/\\]/g, '_')}.log`), server.output());
  }
}

async function runTester(workspace: Workspace, serverInfo: string, script: string, timeoutMs: number): Promise<LeafResult[]> {
  const args = ['testcaldav.py', '-s', serverInfo, '--observer', 'jsondump', '--print-details-onfail', script];
  const stdout = await new Promise<string>((done, fail) => {
    const child = execFile('/usr/bin/python3', args, {
      cwd: workspace.testerDir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYTHONPATH: join(workspace.dir, 'pycalendar/src'), PYTHONDONTWRITEBYTECODE: '1' },
      timeout: timeoutMs,
      maxBuffer: 256 * 1024 * 1024,
    }, (error, out, err) => {
      // testcaldav.py exits non-zero when a test failed; only a missing JSON document is an error.
      if (out.trimEnd().endsWith(']')) done(out);
      else fail(new Error(`CalDAVTester ${error ? `failed (${error.message})` : 'printed no results'}:\n${err.slice(-4000)}`));
    });
    // A script's <pause/> waits for a line on stdin (polls.xml has one): end of input lets it go on.
    child.stdin?.end();
  });
  return flattenResults(JSON.parse(stdout.slice(stdout.lastIndexOf('\n[') + 1)) as ResultNode[]);
}

interface ResultNode {
  name: string;
  result: number | null;
  details?: string;
  protocol?: string[];
  tests?: ResultNode[];
}

// src/manager.py: RESULT_OK, RESULT_FAILED, RESULT_ERROR, RESULT_IGNORED.
const RESULT_NAMES = ['ok', 'failed', 'error', 'ignored'] as const;

/**
 * One record per leaf test. A script or suite skipped as a whole (missing feature, failed start
 * requests) has no leaf records of its own, so it yields one record named "*" standing for them.
 */
export function flattenResults(files: ResultNode[]): LeafResult[] {
  const leaves: LeafResult[] = [];
  for (const file of files) {
    const script = file.name.replace(/^.*scripts\/tests\//, '');
    const record = (suite: string, node: ResultNode): LeafResult => ({
      script,
      suite,
      test: node.name,
      result: RESULT_NAMES[node.result ?? 0] ?? 'error',
      details: (node.details ?? '').trim(),
      protocol: node.protocol ?? [],
    });
    if (file.result !== null) leaves.push({ ...record('*', file), test: '*' });
    for (const suite of file.tests ?? []) {
      if (suite.result !== null) leaves.push({ ...record(suite.name, suite), test: '*' });
      for (const test of suite.tests ?? []) leaves.push(record(suite.name, test));
    }
  }
  return leaves;
}

export interface ScriptRun {
  script: string;
  seconds: number;
  leaves: LeafResult[];
}

/**
 * Runs each script in its own tester process against its own server, taking them in order from
 * one queue across `lanes` parallel lanes; a script that crashes the tester shows up as an error
 * of that script alone.
 */
export async function runAcrossLanes(workspace: Workspace, lanes: number, scripts: readonly string[], perScriptTimeoutMs: number): Promise<ScriptRun[]> {
  const queue = [...scripts];
  const runs: ScriptRun[] = [];
  await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
    for (let script = queue.shift(); script !== undefined; script = queue.shift()) {
      const started = performance.now();
      let leaves: LeafResult[];
      try {
        leaves = await runScript(workspace, lane, script, perScriptTimeoutMs);
      } catch (error) {
        leaves = [{ script, suite: '*', test: '*', result: 'error', details: String(error).slice(0, 2000), protocol: [] }];
      }
      runs.push({ script, seconds: (performance.now() - started) / 1000, leaves });
    }
  }));
  return runs.sort((a, b) => a.script.localeCompare(b.script));
}
