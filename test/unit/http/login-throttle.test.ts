// The login throttle as a pure state machine over an injected clock: growing pauses, lockouts per
// user name and per client address, and what a success or an unchecked attempt takes back.
import { describe, expect, it } from 'vitest';
import { clientAddressOf } from '../../../src/http/client-address.ts';
import { hostBucket, LoginThrottle } from '../../../src/http/login-throttle.ts';
import { WorkLimit, WorkLimitFull } from '../../../src/http/work-limit.ts';

function throttle(settings: Partial<ConstructorParameters<typeof LoginThrottle>[0]> = {}) {
  const clock = { now: 1_000_000 };
  const t = new LoginThrottle({ pauseMs: 1000, perUser: 5, perHost: 8, lockoutMs: 60_000, ...settings }, () => clock.now);
  return { t, clock };
}

/** An attempt the throttle lets through (failing the test when it refuses). */
function attempt(t: LoginThrottle, user: string, host: string) {
  const refusal = t.refusal(user, host);
  if (refusal) throw new Error(`refused (${refusal.scope})`);
  return t.begin(user, host);
}

describe('LoginThrottle', () => {
  it('doubles the pause with each failure of a user name, then refuses until the lockout passes', () => {
    const { t, clock } = throttle();
    const pauses = [1, 2, 3, 4, 5].map(() => attempt(t, 'alice', '192.0.2.1').failed());
    expect(pauses).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(t.refusal('alice', '192.0.2.99')).toEqual({ retryAfterSeconds: 60, scope: 'user' });
    clock.now += 59_000;
    expect(t.refusal('ALICE', '192.0.2.99')).not.toBeNull();
    clock.now += 1_000;
    expect(t.refusal('alice', '192.0.2.99')).toBeNull();
  });

  it('caps the pause at 30 seconds', () => {
    const { t } = throttle({ perUser: 0, perHost: 0 });
    let last = 0;
    for (let i = 0; i < 40; i++) last = attempt(t, 'alice', '192.0.2.1').failed();
    expect(last).toBe(30_000);
  });

  it('counts attempts when they start, so parallel guesses stop at the limit too', () => {
    const { t } = throttle();
    for (let i = 0; i < 5; i++) attempt(t, 'alice', '192.0.2.1'); // none has ended yet
    expect(t.refusal('alice', '192.0.2.1')).toMatchObject({ scope: 'user' });
  });

  it('counts names that are no user like real ones, and locks out an address guessing many names', () => {
    const { t } = throttle();
    for (let i = 0; i < 8; i++) attempt(t, `nobody-${i}`, '2001:db8:1:2:aaaa::1').failed();
    // The same /64 is the same client.
    expect(t.refusal('carol', '2001:db8:1:2:ffff::9')).toMatchObject({ scope: 'host' });
    expect(t.refusal('carol', '2001:db8:1:3::9')).toBeNull();
  });

  it("a success clears the user's failures but not the address's", () => {
    const { t } = throttle();
    for (let i = 0; i < 4; i++) attempt(t, 'alice', '192.0.2.1').failed();
    attempt(t, 'alice', '192.0.2.1').succeeded();
    expect(attempt(t, 'alice', '192.0.2.2').failed()).toBe(1000);
    // mallory's own successful logins do not reset the count of her address.
    const { t: t2 } = throttle();
    for (let i = 0; i < 8; i++) {
      attempt(t2, `guess-${i}`, '192.0.2.7').failed();
      if (i < 7) attempt(t2, 'mallory', '192.0.2.7').succeeded();
    }
    expect(t2.refusal('mallory', '192.0.2.7')).toMatchObject({ scope: 'host' });
  });

  it('an attempt whose password was never checked does not count', () => {
    const { t } = throttle();
    for (let i = 0; i < 20; i++) attempt(t, 'alice', '192.0.2.1').withdrawn();
    expect(attempt(t, 'alice', '192.0.2.1').failed()).toBe(1000);
  });
});

describe('LoginThrottle memory', () => {
  it('keeps a lockout in memory however many other names are sprayed', () => {
    const { t } = throttle({ perHost: 0 });
    for (let i = 0; i < 5; i++) attempt(t, 'alice', '192.0.2.1').failed();
    expect(t.refusal('alice', '192.0.2.1')).not.toBeNull();
    for (let i = 0; i < 60_000; i++) attempt(t, `sprayed-${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`).failed();
    expect(t.refusal('alice', '192.0.2.1')).toMatchObject({ scope: 'user' });
  });

  it('does not count requests whose client address is unknown against a shared address', () => {
    const { t } = throttle({ perUser: 0 });
    for (let i = 0; i < 20; i++) attempt(t, `nobody-${i}`, 'unknown').failed();
    expect(t.refusal('carol', 'unknown')).toBeNull();
  });
});

describe('hostBucket', () => {
  it('keeps IPv4 addresses and groups IPv6 by /64', () => {
    expect(hostBucket('192.0.2.1')).toBe('192.0.2.1');
    expect(hostBucket('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(hostBucket('2001:db8:0:1:2:3:4:5')).toBe('2001:db8:0:1::/64');
    expect(hostBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(hostBucket('::1')).toBe('0:0:0:0::/64');
  });
});

describe('clientAddressOf', () => {
  const request = (forwarded?: string) => new Request('http://orrery.test/', { headers: forwarded ? { 'X-Forwarded-For': forwarded } : {} });
  it('takes the peer the adapter reports, and ignores X-Forwarded-For from anyone else', () => {
    expect(clientAddressOf({ clientAddress: '::ffff:192.0.2.5' }, request('198.51.100.1'), [])).toBe('192.0.2.5');
    expect(clientAddressOf({ clientAddress: '192.0.2.5' }, request('198.51.100.1'), ['10.0.0.1'])).toBe('192.0.2.5');
    expect(clientAddressOf(undefined, request(), [])).toBe('unknown');
  });
  it('looks through trusted proxies to the last address they did not write themselves', () => {
    expect(clientAddressOf({ clientAddress: '10.0.0.1' }, request('203.0.113.9, 198.51.100.1'), ['10.0.0.1'])).toBe('198.51.100.1');
    expect(clientAddressOf({ clientAddress: '10.0.0.1' }, request('203.0.113.9, 10.0.0.2'), ['10.0.0.1', '10.0.0.2'])).toBe('203.0.113.9');
  });
});

describe('WorkLimit', () => {
  it('runs at most `concurrency` tasks at once and refuses beyond the queue', async () => {
    const limit = new WorkLimit(1, 2);
    let running = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const task = () =>
      limit.run(async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
      });
    const tasks = [task(), task(), task()];
    await expect(task()).rejects.toBeInstanceOf(WorkLimitFull);
    while (releases.length > 0 || running > 0) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      releases.shift()?.();
    }
    await Promise.all(tasks);
    expect(most).toBe(1);
    await limit.run(async () => undefined); // the slots all came back
  });
});
