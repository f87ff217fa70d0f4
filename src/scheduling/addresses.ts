// Calendar user addresses (RFC 6638 §2.4.1): who is local. An address is local when it is one of
// a user's calendar-user-address-set (Cyrus caladdress_lookup: a served domain and an existing user).
import { calendarUserAddresses } from '../caldav/properties.ts';
import type { AppConfig } from '../config.ts';
import type { DavContext } from '../dav/context.ts';
import type { CollectionRecord, Store, UserRecord } from '../storage/index.ts';
import { mailtoAddress } from '../principals/hrefs.ts';
import { normalizeAddress } from './itip/model.ts';

export function addressSet(user: UserRecord, config: AppConfig): Set<string> {
  return new Set(calendarUserAddresses(user, config).map(normalizeAddress));
}

/** The user whose calendar this is: usually the one making the request, whose record is at hand. */
export async function ownerOf(ctx: DavContext, collection: CollectionRecord): Promise<UserRecord | undefined> {
  if (!collection.owner) return undefined;
  if (ctx.principal?.name === collection.owner) return ctx.principal.user;
  return ctx.deps.store.users.get(collection.owner);
}

/** The local user a calendar user address belongs to, or null when it is someone elsewhere. */
export async function findLocalUser(store: Store, config: AppConfig, address: string): Promise<UserRecord | null> {
  const normalized = normalizeAddress(address);
  const email = mailtoAddress(normalized);
  if (email === null) return null;
  const candidates: (UserRecord | undefined)[] = [await store.users.findByEmail(email)];
  const at = email.lastIndexOf('@');
  if (at > 0) {
    const domains = config.calendar_user_address_set.length > 0 ? config.calendar_user_address_set : [config.defaultdomain];
    if (domains.some((d) => d.toLowerCase() === email.slice(at + 1))) candidates.push(await store.users.get(email.slice(0, at)));
    candidates.push(await store.users.get(email));
  }
  for (const user of candidates) {
    if (user && addressSet(user, config).has(normalized)) return user;
  }
  return null;
}
