// Password guessing over app.fetch, with the client address an adapter would pass: lockouts per
// user name and per address answer 429 with Retry-After and confirm no guess, credentials verified
// before from the same address keep working, and unknown names are treated like real ones.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.ts';
import { parseConfig } from '../../../src/config.ts';
import { makeTestApp, PASSWORD, type TestApp } from '../../helpers/app.ts';

const PHONE = '192.0.2.10';
const ATTACKER = '203.0.113.66';

describe('login throttling', () => {
  let t: TestApp;
  let clock: number;
  let app: ReturnType<typeof createApp>;

  function setUp(entries: Record<string, string>) {
    const config = parseConfig({ failedloginpause: '0', maxfailedlogins_per_user: '3', maxfailedlogins_per_host: '6', failedloginlockout: '10m', ...entries });
    app = createApp(config, t.store, { now: () => clock });
  }

  const login = (user: string, password: string, from: string, path = '/dav/calendars/user/alice/') =>
    app.fetch(new Request(`http://orrery.test${path}`, { method: 'PROPFIND', headers: { Depth: '0', Authorization: `Basic ${btoa(`${user}:${password}`)}` } }), { clientAddress: from });

  beforeEach(async () => {
    t = await makeTestApp();
    clock = Date.UTC(2030, 0, 1);
    setUp({});
  });
  afterEach(() => t.close());

  it('locks a user name out after its failures, without confirming the right password to anyone else', async () => {
    expect((await login('alice', PASSWORD, PHONE)).status).toBe(207);
    for (let i = 0; i < 3; i++) expect((await login('alice', `guess-${i}`, ATTACKER)).status).toBe(401);
    const refused = await login('alice', PASSWORD, ATTACKER);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBe(600);
    expect((await login('alice', 'guess-4', ATTACKER)).status).toBe(429);
    // alice's phone, which signed in from its own address before, keeps working; a wrong password from there does not.
    expect((await login('alice', PASSWORD, PHONE)).status).toBe(207);
    expect((await login('alice', 'typo', PHONE)).status).toBe(429);
    // Other users are not affected.
    expect((await login('bob', PASSWORD, ATTACKER, '/dav/calendars/user/bob/')).status).toBe(207);
    // The lockout ends.
    clock += 600_000;
    expect((await login('alice', PASSWORD, ATTACKER)).status).toBe(207);
  });

  it('a password checked and found right clears the user name, so a typo now and then never locks anyone out', async () => {
    setUp({ maxfailedlogins_per_host: '0' });
    expect((await login('alice', 'typo', PHONE)).status).toBe(401);
    expect((await login('alice', 'typo', PHONE)).status).toBe(401);
    expect((await login('alice', PASSWORD, PHONE)).status).toBe(207);
    expect((await login('alice', 'typo', PHONE)).status).toBe(401);
    expect((await login('alice', 'typo', PHONE)).status).toBe(401);
    expect((await login('alice', PASSWORD, PHONE)).status).toBe(207);
  });

  it('a signed-in client polling between guesses does not reset the count', async () => {
    expect((await login('alice', PASSWORD, PHONE)).status).toBe(207);
    for (let i = 0; i < 3; i++) {
      expect((await login('alice', `guess-${i}`, ATTACKER)).status).toBe(401);
      expect((await login('alice', PASSWORD, PHONE)).status).toBe(207);
    }
    expect((await login('alice', 'guess-3', ATTACKER)).status).toBe(429);
  });

  it('requests whose client address is unknown share no address counter', async () => {
    setUp({ maxfailedlogins_per_user: '0', maxfailedlogins_per_host: '2' });
    for (const name of ['bob', 'nobody', 'carol', 'ghost']) {
      const response = await app.fetch(new Request('http://orrery.test/dav/calendars/user/alice/', { method: 'PROPFIND', headers: { Depth: '0', Authorization: `Basic ${btoa(`${name}:wrong`)}` } }));
      expect(response.status).toBe(401);
    }
  });

  it('locks out an address that guesses across user names, real or not, with identical answers', async () => {
    const answers = new Set<string>();
    for (const name of ['bob', 'nobody', 'carol', 'ghost', 'zed', 'bob']) {
      const response = await login(name, 'wrong', ATTACKER);
      expect(response.status).toBe(401);
      answers.add(`${response.headers.get('www-authenticate')}|${await response.text()}`);
    }
    expect(answers.size).toBe(1);
    expect((await login('carol', PASSWORD, ATTACKER, '/dav/calendars/user/carol/')).status).toBe(429);
    expect((await login('carol', PASSWORD, PHONE, '/dav/calendars/user/carol/')).status).toBe(207);
  });

  it('throttles the freebusy URL too', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await app.fetch(new Request('http://orrery.test/freebusy/user/alice', { headers: { Authorization: `Basic ${btoa(`alice:guess-${i}`)}` } }), { clientAddress: ATTACKER });
      expect(response.status).toBe(401);
    }
    const response = await app.fetch(new Request('http://orrery.test/freebusy/user/alice', { headers: { Authorization: `Basic ${btoa(`alice:${PASSWORD}`)}` } }), { clientAddress: ATTACKER });
    expect(response.status).toBe(429);
  });

  it('answers 503 with Retry-After when more password checks wait than the queue holds', async () => {
    setUp({ password_check_concurrency: '1', password_check_queue: '1', maxfailedlogins_per_host: '0', maxfailedlogins_per_user: '0' });
    const statuses = await Promise.all(Array.from({ length: 6 }, (_, i) => login(`nobody-${i}`, 'x', `198.51.100.${i}`).then((r) => [r.status, r.headers.get('retry-after')] as const)));
    expect(statuses.filter(([s]) => s === 401).length).toBeGreaterThanOrEqual(2);
    expect(statuses.filter(([s]) => s === 503).every(([, retry]) => retry === '1')).toBe(true);
    expect(statuses.some(([s]) => s === 503)).toBe(true);
    // Checks that were never run do not count against anyone.
    expect((await login('alice', PASSWORD, '198.51.100.0')).status).toBe(207);
  });
});
