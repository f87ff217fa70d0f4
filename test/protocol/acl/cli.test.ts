// The administrator's command line (`orrery acl`, `orrery calendar`), run as a real process
// against a temporary database: cyradm-style listacl/setacl/deleteacl on DAV paths and on
// Cyrus mailbox names, public and personal calendars, and one-line errors with a non-zero exit.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
let db: string;

function orrery(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['bin/orrery.js', ...args, '--db', db], { cwd: join(import.meta.dirname, '../../..'), encoding: 'utf8', env: { ...process.env, ORRERY_CONFIG: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The same, without waiting: independent read-only commands run side by side. */
function orreryAsync(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/orrery.js', ...args, '--db', db], { cwd: join(import.meta.dirname, '../../..'), env: { ...process.env, ORRERY_CONFIG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orrery-cli-'));
  db = `file:${join(dir, 'cli.db')}`;
  expect(orrery('user', 'add', 'murch', '--password', 'pw').status).toBe(0);
  expect(orrery('user', 'add', 'ken', '--password', 'pw').status).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each command is a fresh Node process compiling TypeScript: allow for a busy machine.
describe('orrery calendar', { timeout: 120_000 }, () => {
  it('creates a personal calendar by mailbox name, provisioning the home first', () => {
    const created = orrery('calendar', 'create', 'user.murch.#calendars.Work', '--displayname', 'Work');
    expect(created.status).toBe(0);
    const listed = orrery('calendar', 'list', 'murch');
    expect(listed.stdout).toContain('/dav/calendars/user/murch/Work/\tmurch\tWork');
    expect(listed.stdout).toContain('/dav/calendars/user/murch/Default/');
  });

  it('creates a public calendar in the shared hierarchy with no access for anyone yet', () => {
    expect(orrery('calendar', 'create', '#calendars.holidays').status).toBe(0);
    expect(orrery('calendar', 'list').stdout).toContain('/dav/calendars/holidays/\t(public)');
    expect(orrery('acl', 'list', '/dav/calendars/holidays/').stdout).toContain('only administrators');
  });

  it('refuses names with dots, unknown users and existing calendars', async () => {
    const results = await Promise.all([['#calendars.a.b'], ['user.nobody.#calendars.X'], ['user.murch.#calendars.Work']].map((args) => orreryAsync('calendar', 'create', ...args)));
    for (const result of results) {
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('orrery acl', { timeout: 120_000 }, () => {
  it('set/list/delete on a DAV path and on the mailbox name of the same calendar', () => {
    expect(orrery('acl', 'set', '/dav/calendars/user/murch/Work/', 'ken', 'lr').status).toBe(0);
    expect(orrery('acl', 'set', 'user.murch.#calendars.Work', 'ken', '+w').status).toBe(0);
    expect(orrery('acl', 'set', '#calendars.holidays', 'anyone', 'lr').status).toBe(0);
    expect(orrery('acl', 'set', '#calendars.holidays', '-anonymous', 'r').status).toBe(0);
    const listing = orrery('acl', 'list', 'user.murch.#calendars.Work').stdout;
    expect(listing).toMatch(/^ken\s+lrw$/m);
    expect(listing).toMatch(/^murch\s+lrwipkxtean9$/m);
    expect(orrery('acl', 'list', '#calendars.holidays').stdout).toMatch(/^-anonymous\s+r$/m);
    expect(orrery('acl', 'delete', '/dav/calendars/user/murch/Work', 'ken').status).toBe(0);
    expect(orrery('acl', 'list', '/dav/calendars/user/murch/Work/').stdout).not.toContain('ken');
  });

  it('bad rights letters, unknown users, unknown targets and missing entries: one line on stderr, exit 1', async () => {
    const failures = await Promise.all([
      orreryAsync('acl', 'set', '#calendars.holidays', 'anyone', 'lrz'),
      orreryAsync('acl', 'set', '#calendars.holidays', 'nobody', 'lr'),
      orreryAsync('acl', 'list', 'user.nobody.#calendars.Default'),
      orreryAsync('acl', 'list', 'not-a-target'),
      orreryAsync('acl', 'delete', '#calendars.holidays', 'ken'),
      orreryAsync('acl', 'frobnicate', '#calendars.holidays'),
    ]);
    for (const failure of failures) {
      expect(failure.status).toBe(1);
      expect(failure.stderr.trim().split('\n')).toHaveLength(1);
      expect(failure.stderr).toMatch(/^orrery: /);
    }
    expect(failures[0]!.stderr).toContain("'z'");
    expect(failures[1]!.stderr).toContain('nobody');
  });

  it('calendar delete removes a calendar and refuses what is not one', () => {
    expect(orrery('calendar', 'delete', 'user.murch.#calendars').status).toBe(1);
    expect(orrery('calendar', 'delete', '#calendars.holidays').status).toBe(0);
    expect(orrery('acl', 'list', '#calendars.holidays').status).toBe(1);
  });
});
