// HTTP Basic authentication (RFC 7617) against the users table. Verified credentials are
// remembered per instance by a digest that includes the stored hash, so a password change
// invalidates them at once and the slow KDF runs once per client rather than once per request.
// Credentials not yet verified are throttled per user name and client address (login-throttle.ts)
// and their KDF runs take turns (work-limit.ts), so that guessing is slow and cannot starve the
// users who are already signed in.
import type { AppDeps, Principal } from '../dav/context.ts';
import type { UserRecord } from '../storage/index.ts';
import { DavError, serviceUnavailable, tooManyRequests } from '../dav/errors.ts';
import { basicChallenge, parseBasicCredentials } from './basic-credentials.ts';
import { UNKNOWN_CLIENT } from './client-address.ts';
import { sha256Hex } from './digest.ts';
import { hostBucket, LoginThrottle } from './login-throttle.ts';
import { UNMATCHABLE_HASH, verifyPassword } from './password.ts';
import { WorkLimit, WorkLimitFull } from './work-limit.ts';

const VERIFIED_CACHE_LIMIT = 10_000;
const ADDRESSES_PER_CREDENTIAL = 32;

export class Authenticator {
  /** Digests of verified credentials, each with the client addresses (hostBucket) that used them. */
  private readonly verified = new Map<string, Set<string>>();
  private readonly throttle: LoginThrottle;
  private readonly passwordChecks: WorkLimit;

  constructor(private readonly deps: AppDeps) {
    const config = deps.config;
    this.throttle = new LoginThrottle(
      {
        pauseMs: config.failedloginpause_seconds * 1000,
        perUser: config.maxfailedlogins_per_user,
        perHost: config.maxfailedlogins_per_host,
        lockoutMs: config.failedloginlockout_seconds * 1000,
      },
      deps.now,
    );
    this.passwordChecks = new WorkLimit(config.password_check_concurrency, config.password_check_queue);
  }

  /**
   * The principal of the request, null when it carries no credentials; 401 for wrong ones, 429
   * while the user name or client address is locked out, 503 when too many checks are waiting.
   */
  async authenticate(request: Request, clientAddress: string = UNKNOWN_CLIENT): Promise<Principal | null> {
    const credentials = parseBasicCredentials(request.headers.get('authorization'));
    if (credentials === null) return null;
    if ('malformed' in credentials) throw this.challenge(credentials.malformed);
    const { name, password } = credentials;
    const user = await this.deps.store.users.get(name);
    const cacheKey = user ? await sha256Hex(`${name}\u0000${password}\u0000${user.passwordHash}`) : null;
    const knownFrom = cacheKey === null ? undefined : this.verified.get(cacheKey);
    const bucket = hostBucket(clientAddress);
    const refusal = this.throttle.refusal(name, clientAddress);
    if (refusal) {
      // During a lockout only credentials verified before from this same address pass: the
      // user's own devices keep working, while anyone else learns nothing about a guess.
      if (knownFrom?.has(bucket)) return this.principal(user!);
      this.deps.logger.info('Login refused during lockout', { user: name, client: clientAddress, scope: refusal.scope, retryAfter: refusal.retryAfterSeconds });
      throw tooManyRequests(refusal.retryAfterSeconds, 'Too many failed logins; try again later');
    }
    // Credentials this instance has verified before pass without another KDF run.
    if (knownFrom) {
      this.remember(cacheKey!, knownFrom, bucket);
      return this.principal(user!);
    }
    const attempt = this.throttle.begin(name, clientAddress);
    let valid: boolean;
    try {
      // Names that are no user cost the same KDF run as real ones, so that response times do
      // not reveal which user names exist.
      valid = await this.passwordChecks.run(() => verifyPassword(password, user?.passwordHash ?? UNMATCHABLE_HASH));
    } catch (error) {
      attempt.withdrawn();
      if (!(error instanceof WorkLimitFull)) throw error;
      this.deps.logger.info('Login refused: too many password checks waiting', { user: name, client: clientAddress });
      throw serviceUnavailable(1, 'Too many logins at once; try again shortly');
    }
    if (!user || !valid) {
      const pause = attempt.failed();
      this.deps.logger.info('Login failed', { user: name, client: clientAddress, pauseMs: pause });
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      throw this.challenge('Wrong user name or password');
    }
    attempt.succeeded();
    this.remember(cacheKey!, new Set(), bucket);
    return this.principal(user);
  }

  private principal(user: UserRecord): Principal {
    return { name: user.name, user, isAdmin: this.deps.config.admins.includes(user.name) };
  }

  private remember(cacheKey: string, addresses: Set<string>, bucket: string): void {
    if (!this.verified.has(cacheKey) && this.verified.size >= VERIFIED_CACHE_LIMIT) this.verified.clear();
    // A handful of addresses per credential is plenty for one person's devices.
    if (addresses.size >= ADDRESSES_PER_CREDENTIAL && !addresses.has(bucket)) addresses.clear();
    addresses.add(bucket);
    this.verified.set(cacheKey, addresses);
  }

  challenge(message?: string): DavError {
    return basicChallenge(this.deps.config.caldav_realm, message);
  }
}

