// User administration shared by every adapter's command line and start-up bootstrap.
import { hashPassword } from './http/password.ts';
import { calendarHomePath, driveHomePath } from './dav/urls.ts';
import type { Store } from './storage/index.ts';

const VALID_NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;

export class UserAdminError extends Error {
  override name = 'UserAdminError';
}

export async function addUser(store: Store, name: string, password: string, email: string | null, now: number): Promise<void> {
  if (!VALID_NAME.test(name) || name.includes('..')) {
    throw new UserAdminError(`Invalid user name "${name}": use letters, digits and . _ @ + - (at most 64)`);
  }
  if (password.length < 1) throw new UserAdminError('The password must not be empty');
  if (await store.users.get(name)) throw new UserAdminError(`User ${name} already exists`);
  await store.users.create({ name, passwordHash: await hashPassword(password), email, displayname: null }, now);
}

export async function setPassword(store: Store, name: string, password: string): Promise<void> {
  if (!(await store.users.get(name))) throw new UserAdminError(`No user ${name}`);
  await store.users.update(name, { passwordHash: await hashPassword(password) });
}

/** Removes the user with their calendars and files. */
export async function deleteUser(store: Store, name: string): Promise<void> {
  if (!(await store.users.get(name))) throw new UserAdminError(`No user ${name}`);
  await store.users.delete(name, [calendarHomePath(name), driveHomePath(name)]);
}

/** Creates the bootstrap user (ORRERY_BOOTSTRAP_USER/PASSWORD) when it does not exist yet. */
export async function ensureBootstrapUser(store: Store, name: string | undefined, password: string | undefined, now: number): Promise<boolean> {
  if (!name || !password) return false;
  if (await store.users.get(name)) return false;
  try {
    await addUser(store, name, password, null, now);
  } catch (error) {
    // Several instances starting together on a fresh database race to create it; one wins.
    if (await store.users.get(name)) return false;
    throw error;
  }
  return true;
}
