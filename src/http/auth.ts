// HTTP Basic authentication (RFC 7617) against the users table. Verified credentials are
// remembered per instance by a digest that includes the stored hash, so a password change
// invalidates them at once and the slow KDF runs once per client rather than once per request.
import type { AppDeps, Principal } from '../dav/context.ts';
import { DavError } from '../dav/errors.ts';
import { sha256Hex } from './digest.ts';
import { verifyPassword } from './password.ts';

const VERIFIED_CACHE_LIMIT = 10_000;

export class Authenticator {
  private readonly verified = new Map<string, true>();

  constructor(private readonly deps: AppDeps) {}

  /** The principal of the request, null when it carries no credentials; 401 for wrong ones. */
  async authenticate(request: Request): Promise<Principal | null> {
    const header = request.headers.get('authorization');
    if (!header) return null;
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!match) throw this.challenge('Only HTTP Basic authentication is supported');
    let decoded: string;
    try {
      decoded = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(atob(match[1]!), (c) => c.charCodeAt(0)));
    } catch {
      throw this.challenge('Malformed Basic credentials');
    }
    const colon = decoded.indexOf(':');
    if (colon < 1) throw this.challenge('Malformed Basic credentials');
    const name = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const user = await this.deps.store.users.get(name);
    if (!user) {
      // Spend the same time as for a real user so that response times do not reveal user names.
      await verifyPassword(password, DUMMY_HASH);
      throw this.challenge('Wrong user name or password');
    }
    const cacheKey = await sha256Hex(`${name}\u0000${password}\u0000${user.passwordHash}`);
    if (!this.verified.has(cacheKey)) {
      if (!(await verifyPassword(password, user.passwordHash))) throw this.challenge('Wrong user name or password');
      if (this.verified.size >= VERIFIED_CACHE_LIMIT) this.verified.clear();
      this.verified.set(cacheKey, true);
    }
    return { name, user, isAdmin: this.deps.config.admins.includes(name) };
  }

  challenge(message = 'Authentication required'): DavError {
    const realm = this.deps.config.caldav_realm.replace(/["\\]/g, '');
    return new DavError(401, undefined, message, { 'WWW-Authenticate': `Basic realm="${realm}", charset="UTF-8"` });
  }
}

const DUMMY_HASH = 'pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
