// Who a sharing request names (draft-pot-webdav-resource-sharing §5.3.1, Cyrus `dav_post_share`):
// a mailto: address, a principal URL, or the DAV: pseudo-principals Cyrus accepts there.
import type { AppConfig } from '../config.ts';
import { mailtoAddress, principalFromHref } from '../principals/hrefs.ts';
import type { Store, UserRecord } from '../storage/index.ts';

export type Sharee =
  | { type: 'user'; user: UserRecord }
  /** DAV:all (Cyrus `anyone`), DAV:unauthenticated (`anonymous`), DAV:authenticated (`anyone` minus `anonymous`). */
  | { type: 'all' | 'unauthenticated' | 'authenticated' };

/** The sharee an href names, or null when it names nobody this server knows. */
export async function resolveSharee(store: Store, config: AppConfig, text: string, requestUrl: URL): Promise<Sharee | null> {
  const value = text.trim();
  if (value === 'DAV:all') return { type: 'all' };
  if (value === 'DAV:unauthenticated') return { type: 'unauthenticated' };
  if (value === 'DAV:authenticated') return { type: 'authenticated' };
  if (/^mailto:/i.test(value)) {
    const address = mailtoAddress(value);
    const user = address === null ? null : await userByAddress(store, config, address);
    return user ? { type: 'user', user } : null;
  }
  const principal = principalFromHref(value, requestUrl);
  if (principal?.type !== 'user') return null;
  const user = await store.users.get(principal.name);
  return user ? { type: 'user', user } : null;
}

/** A user's address as sharing properties show it (Cyrus `xml_add_sharee`): mailto:user@domain. */
export function shareeAddress(user: UserRecord, config: AppConfig): string {
  if (user.email) return `mailto:${user.email}`;
  return user.name.includes('@') ? `mailto:${user.name}` : `mailto:${user.name}@${config.defaultdomain}`;
}

// --- Internal helpers ---

/**
 * A user's own address first; otherwise user@domain for a domain this server serves, where the
 * domain is dropped as Cyrus drops it without virtual domains.
 */
async function userByAddress(store: Store, config: AppConfig, address: string): Promise<UserRecord | undefined> {
  const byEmail = await store.users.findByEmail(address);
  if (byEmail) return byEmail;
  const at = address.lastIndexOf('@');
  if (at === -1) return store.users.get(address);
  const domain = address.slice(at + 1).toLowerCase();
  const served = [config.defaultdomain, config.servername, ...config.calendar_user_address_set].map((d) => d.toLowerCase());
  if (!served.includes(domain)) return (await store.users.get(address)) ?? undefined;
  return (await store.users.get(address.slice(0, at))) ?? (await store.users.get(address));
}
