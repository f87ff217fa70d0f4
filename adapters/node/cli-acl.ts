// `orrery acl` and `orrery calendar`: the administrator's view of access control (as cyradm's
// listacl/setacl/deleteacl) and of calendars, public ones in the shared hierarchy included.
// Targets are DAV paths or Cyrus mailbox names (user.murch.#calendars.Default, #calendars.holidays).
import { plannedCollections } from '../../src/caldav/provisioning.ts';
import { componentSetElement, SUPPORTED_COMPONENT_SET } from '../../src/caldav/components.ts';
import { defaultCollectionAcl } from '../../src/caldav/rules.ts';
import { ConfigError } from '../../src/config.ts';
import { InvalidAcl, InvalidRights, formatAclListing, formatAclString, modifyRights, parseAclString, setAclEntry, GROUP_PREFIX } from '../../src/acl/rights.ts';
import type { AppDeps } from '../../src/dav/context.ts';
import { deserializeDeadProperty, serializeDeadProperty } from '../../src/dav/properties/registry.ts';
import { el, textContent } from '../../src/dav/xml/element.ts';
import { dav } from '../../src/dav/xml/names.ts';
import { AlreadyExistsError, type CollectionRecord, type Store } from '../../src/storage/index.ts';
import { openDatabase } from './database.ts';
import { loadSettings } from './settings.ts';

export const ACL_USAGE = `  orrery acl list TARGET [--db URL]
  orrery acl set TARGET IDENTIFIER RIGHTS [--db URL]      RIGHTS: letters of lrswipkxtean987, +add or -remove
  orrery acl delete TARGET IDENTIFIER [--db URL]
  orrery calendar create TARGET [--displayname NAME] [--db URL]
  orrery calendar list [USER] [--db URL]
  orrery calendar delete TARGET [--db URL]
  TARGET: /dav/calendars/user/murch/Default/, user.murch.#calendars.Default, #calendars.holidays`;

class CliError extends Error {}

/** Runs `orrery acl …` or `orrery calendar …`; prints one line on failure and returns the exit code. */
export async function runAclCommand(argv: string[]): Promise<number> {
  let close = (): void => undefined;
  try {
    const { values, positionals } = splitArguments(argv);
    const [command, sub, ...rest] = positionals;
    const settings = loadSettings(process.env, values);
    const { store, client } = await openDatabase(settings.database);
    close = () => client.close();
    const deps: AppDeps = { store, config: settings.config, now: Date.now, logger: { info: () => undefined, error: () => undefined } };
    if (command === 'acl') return await aclCommand(deps, sub, rest);
    return await calendarCommand(deps, sub, rest, values.displayname);
  } catch (error) {
    const known = [CliError, InvalidRights, InvalidAcl, AlreadyExistsError, ConfigError].some((type) => error instanceof type);
    if (!known) throw error;
    console.error(`orrery: ${(error as Error).message}`);
    return 1;
  } finally {
    close();
  }
}

async function aclCommand(deps: AppDeps, sub: string | undefined, args: string[]): Promise<number> {
  const [target, identifier, rights] = args;
  const collection = await existing(deps.store, target);
  const acl = parseAclString(collection.acl);
  switch (sub) {
    case 'list':
      console.log(acl.length === 0 ? '(no entries: only administrators have access)' : formatAclListing(acl));
      return 0;
    case 'set': {
      if (!identifier || rights === undefined) throw new CliError('Usage: orrery acl set TARGET IDENTIFIER RIGHTS');
      await checkIdentifier(deps.store, identifier);
      const current = acl.find((e) => (e.negative ? `-${e.identifier}` : e.identifier) === identifier)?.rights ?? '';
      const updated = setAclEntry(acl, identifier, modifyRights(current, rights));
      await deps.store.collections.setAcl(collection.path, formatAclString(updated), deps.now());
      console.log(formatAclListing(updated) || '(no entries: only administrators have access)');
      return 0;
    }
    case 'delete': {
      if (!identifier) throw new CliError('Usage: orrery acl delete TARGET IDENTIFIER');
      if (!acl.some((e) => (e.negative ? `-${e.identifier}` : e.identifier) === identifier)) throw new CliError(`${identifier} has no entry on ${collection.path}`);
      await deps.store.collections.setAcl(collection.path, formatAclString(setAclEntry(acl, identifier, '')), deps.now());
      console.log(`Deleted the entry of ${identifier} on ${collection.path}`);
      return 0;
    }
    default:
      throw new CliError(`Unknown acl command "${sub ?? ''}"; use list, set or delete`);
  }
}

async function calendarCommand(deps: AppDeps, sub: string | undefined, args: string[], displayname: string | undefined): Promise<number> {
  const store = deps.store;
  switch (sub) {
    case 'create': {
      const path = targetPath(args[0]);
      const match = /^\/dav\/calendars\/(?:user\/([^/]+)\/)?([^/]+)\/$/.exec(path);
      if (!match || match[2] === 'user') throw new CliError(`${path} is not a place for a calendar: use /dav/calendars/NAME/ or /dav/calendars/user/USER/NAME/`);
      const [, owner, name] = match;
      // Dots separate "<owner>.<calendar>" in a sharee's home, as in Cyrus.
      if (name!.includes('.')) throw new CliError('Calendar names may not contain "."');
      if (owner !== undefined) {
        if (!(await store.users.get(owner))) throw new CliError(`Unknown user ${owner}`);
        await store.collections.ensure(plannedCollections(deps, owner), deps.now());
      }
      const properties = new Map([[SUPPORTED_COMPONENT_SET, serializeDeadProperty(componentSetElement(deps.config.calendar_component_set))]]);
      if (displayname) properties.set(dav('displayname'), serializeDeadProperty(el(dav('displayname'), displayname)));
      const parentPath = owner === undefined ? '/dav/calendars/' : `/dav/calendars/user/${owner}/`;
      await store.collections.create({ path, parentPath, owner: owner ?? null, kind: 'calendar', acl: defaultCollectionAcl('calendar', owner ?? null), properties }, deps.now());
      console.log(owner === undefined ? `Created ${path} (only administrators have access; publish it with: orrery acl set ${path} anyone lr)` : `Created ${path}`);
      return 0;
    }
    case 'list': {
      const users = args[0] ? [args[0]] : (await store.users.list()).map((u) => u.name);
      if (args[0] && !(await store.users.get(args[0]))) throw new CliError(`Unknown user ${args[0]}`);
      const calendars = args[0] ? [] : await store.collections.listChildren('/dav/calendars/');
      for (const user of users) calendars.push(...(await store.collections.listByOwner(user, ['calendar'])));
      for (const calendar of calendars) console.log(`${calendar.path}\t${calendar.owner ?? '(public)'}\t${await displaynameOf(store, calendar)}`);
      return 0;
    }
    case 'delete': {
      const calendar = await existing(store, args[0]);
      if (calendar.kind !== 'calendar') throw new CliError(`${calendar.path} is a ${calendar.kind}, not a calendar`);
      await store.collections.delete(calendar.path);
      console.log(`Deleted ${calendar.path} and everything in it`);
      return 0;
    }
    default:
      throw new CliError(`Unknown calendar command "${sub ?? ''}"; use create, list or delete`);
  }
}

// --- Internal helpers ---

const VALUE_OPTIONS = new Set(['db', 'config', 'displayname']);

/**
 * Options and positionals. A single dash starts a negative ACL identifier (`-anonymous`), as in
 * cyradm, so only `--name value` and `--name=value` are options here.
 */
function splitArguments(argv: readonly string[]): { values: { db?: string; config?: string; displayname?: string }; positionals: string[] } {
  const values: Record<string, string> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const option = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    if (!option) {
      positionals.push(arg);
      continue;
    }
    if (!VALUE_OPTIONS.has(option[1]!)) throw new CliError(`Unknown option ${arg}`);
    const value = option[2] ?? argv[++i];
    if (value === undefined) throw new CliError(`${arg} needs a value`);
    values[option[1]!] = value;
  }
  return { values, positionals };
}

/** A DAV path or a Cyrus mailbox name → the collection path it names. */
export function targetPath(target: string | undefined): string {
  if (!target) throw new CliError('A target is needed: a DAV path or a mailbox name such as user.murch.#calendars.Default');
  if (target.startsWith('/')) return target.endsWith('/') ? target : `${target}/`;
  const shared = /^#calendars\.([^.]+)$/.exec(target);
  if (shared) return `/dav/calendars/${shared[1]}/`;
  // User names may contain dots, so the user is everything up to ".#calendars".
  const personal = /^user\.(.+?)\.#calendars(?:\.([^.]+))?$/.exec(target);
  if (personal) return `/dav/calendars/user/${personal[1]}/${personal[2] ? `${personal[2]}/` : ''}`;
  throw new CliError(`Unknown target "${target}": give a DAV path or a mailbox name such as user.murch.#calendars.Default`);
}

async function existing(store: Store, target: string | undefined): Promise<CollectionRecord> {
  const path = targetPath(target);
  const collection = await store.collections.get(path);
  if (!collection) throw new CliError(`No collection at ${path}`);
  return collection;
}

async function checkIdentifier(store: Store, identifier: string): Promise<void> {
  const bare = identifier.startsWith('-') ? identifier.slice(1) : identifier;
  if (bare === 'anyone' || bare === 'anonymous' || (bare.startsWith(GROUP_PREFIX) && bare.length > GROUP_PREFIX.length)) return;
  if (!(await store.users.get(bare))) throw new CliError(`Unknown user ${bare} (identifiers are user names, anyone, anonymous or group:NAME)`);
}

async function displaynameOf(store: Store, collection: CollectionRecord): Promise<string> {
  const stored = (await store.properties.get(collection.path)).get(dav('displayname'));
  return stored ? textContent(deserializeDeadProperty(stored)) : '';
}

