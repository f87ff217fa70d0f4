// Throttling of password guessing, per user name and per client address: each failure makes the
// next answer wait longer (failedloginpause, doubling), and past a number of failures further
// attempts are refused outright until the lockout has passed (429 with Retry-After), without
// checking the password, so that a guessed password is never confirmed during a lockout. Names
// that are no user are counted exactly like real ones, so the answers do not tell them apart.
//
// Attempts are counted when they start, not when they fail: a burst of parallel guesses is cut
// off at the limit just like a sequence. A success takes its own attempt back and clears the
// user's count; it does not clear the address's, or an attacker with an account of their own
// could reset it between guesses.
//
// The state is held in this instance's memory, bounded in size: several instances each count on
// their own (docs/deployment.md says what that means on Workers and behind a load balancer).
import { UNKNOWN_CLIENT } from './client-address.ts';

/** Most pause before a 401, however many failures came before. */
const MAX_PAUSE_MS = 30_000;
/** Counters kept at most; the least recently touched go first. */
const MAX_TRACKED = 50_000;

export interface LoginThrottleSettings {
  /** Pause after the first failure; each further one doubles it. 0 disables pauses. */
  pauseMs: number;
  /** Failures of one user name after which attempts are refused; 0: never. */
  perUser: number;
  /** Failures from one client address after which attempts are refused; 0: never. */
  perHost: number;
  /** How long failures are remembered, and how long a lockout lasts after the last one. */
  lockoutMs: number;
}

export interface LoginRefusal {
  retryAfterSeconds: number;
  scope: 'user' | 'host';
}

export interface LoginAttempt {
  /** The password was right: the user's failures are forgotten. */
  succeeded(): void;
  /** The password was wrong: how long to wait before answering. */
  failed(): number;
  /** The password was never checked: the attempt does not count. */
  withdrawn(): void;
}

interface Counter {
  failures: number;
  /** When the counter is forgotten (and a lockout ends). */
  expiresAt: number;
}

export class LoginThrottle {
  private readonly users: CounterMap;
  private readonly hosts: CounterMap;

  constructor(
    private readonly settings: LoginThrottleSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.users = new CounterMap(settings.perUser);
    this.hosts = new CounterMap(settings.perHost);
  }

  /** Why attempts for this user name from this client address are refused now; null if they are not. */
  refusal(user: string, host: string): LoginRefusal | null {
    const now = this.now();
    const hostCount = counted(host) ? this.hosts.current(hostBucket(host), now) : undefined;
    if (this.settings.perHost > 0 && hostCount && hostCount.failures >= this.settings.perHost) {
      return { retryAfterSeconds: secondsUntil(hostCount.expiresAt, now), scope: 'host' };
    }
    const userCount = this.users.current(user.toLowerCase(), now);
    if (this.settings.perUser > 0 && userCount && userCount.failures >= this.settings.perUser) {
      return { retryAfterSeconds: secondsUntil(userCount.expiresAt, now), scope: 'user' };
    }
    return null;
  }

  /** Counts an attempt (the caller has checked refusal() first); its outcome is reported on it. */
  begin(user: string, host: string): LoginAttempt {
    const now = this.now();
    const userKey = user.toLowerCase();
    const hostKey = counted(host) ? hostBucket(host) : null;
    const userFailures = this.users.bump(userKey, now, this.settings.lockoutMs);
    const hostFailures = hostKey === null ? 0 : this.hosts.bump(hostKey, now, this.settings.lockoutMs);
    let settled = false;
    const takeBackHost = () => {
      if (hostKey !== null) this.hosts.takeBack(hostKey);
    };
    return {
      succeeded: () => {
        if (settled) return;
        settled = true;
        this.users.delete(userKey);
        takeBackHost();
      },
      withdrawn: () => {
        if (settled) return;
        settled = true;
        this.users.takeBack(userKey);
        takeBackHost();
      },
      failed: () => {
        if (settled) return 0;
        settled = true;
        const failures = Math.max(userFailures, hostFailures);
        if (this.settings.pauseMs <= 0) return 0;
        return Math.min(MAX_PAUSE_MS, this.settings.pauseMs * 2 ** Math.min(failures - 1, 16));
      },
    };
  }
}

/**
 * Counters by key, at most MAX_TRACKED of them, the least recently touched first. When full, an
 * expired or unlocked counter makes room, never one that is locking its key out: otherwise
 * spraying made-up names (or addresses) would push a victim's lockout out of memory.
 */
class CounterMap {
  private readonly counters = new Map<string, Counter>();

  /** @param limit failures that lock a key out (0: none do) */
  constructor(private readonly limit: number) {}

  current(key: string, now: number): Counter | undefined {
    const counter = this.counters.get(key);
    if (counter && counter.expiresAt <= now) {
      this.counters.delete(key);
      return undefined;
    }
    return counter;
  }

  bump(key: string, now: number, lockoutMs: number): number {
    const counter = this.current(key, now) ?? { failures: 0, expiresAt: 0 };
    counter.failures += 1;
    counter.expiresAt = now + lockoutMs;
    // Re-inserting moves the key to the end, so the map's first keys are the least recent.
    this.counters.delete(key);
    this.counters.set(key, counter);
    if (this.counters.size > MAX_TRACKED) this.makeRoom(now);
    return counter.failures;
  }

  takeBack(key: string): void {
    const counter = this.counters.get(key);
    if (counter && counter.failures > 0) counter.failures -= 1;
  }

  delete(key: string): void {
    this.counters.delete(key);
  }

  private makeRoom(now: number): void {
    let looked = 0;
    for (const [key, counter] of this.counters) {
      if (counter.expiresAt <= now || this.limit === 0 || counter.failures < this.limit) {
        this.counters.delete(key);
        return;
      }
      // Among the least recent only: a map full of lockouts is not scanned whole on every failure.
      if (++looked >= EVICTION_SCAN) break;
    }
    const oldest = this.counters.keys().next().value;
    if (oldest !== undefined) this.counters.delete(oldest);
  }
}

/** Counters looked at for one that may go, before the least recent goes whatever it holds. */
const EVICTION_SCAN = 256;

/**
 * Requests whose address the adapter did not know share no counter: one client's failures would
 * otherwise lock out every login that arrives the same way.
 */
function counted(host: string): boolean {
  return host !== UNKNOWN_CLIENT && host !== '';
}

/**
 * The unit an address is counted by: IPv4 addresses one by one, IPv6 by /64, since one host or
 * home network is usually given a whole /64 and could otherwise rotate through it.
 */
export function hostBucket(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::') ? [...headGroups, ...Array(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups] : headGroups;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

function secondsUntil(time: number, now: number): number {
  return Math.max(1, Math.ceil((time - now) / 1000));
}
