// Cyrus IMAP rights letters (RFC 4314 §2.1 plus Cyrus's user-defined 9/8/7) and ACLs built from
// them: the text form Cyrus stores (`identifier<TAB>rights<TAB>…`) and a readable listing.

/** Every letter Orrery understands, in the canonical order rights are always written in. */
export const RIGHT_LETTERS = 'lrswipkxtean987';

export type RightLetter = 'l' | 'r' | 's' | 'w' | 'i' | 'p' | 'k' | 'x' | 't' | 'e' | 'a' | 'n' | '9' | '8' | '7';

export const RIGHT_DESCRIPTIONS: Readonly<Record<RightLetter, string>> = {
  l: 'lookup (the collection is visible)',
  r: 'read',
  s: 'keep seen state (IMAP only)',
  w: 'write collection properties',
  i: 'insert (write resource content)',
  p: 'post (add a resource with POST)',
  k: 'create collections',
  x: 'delete collections',
  t: 'delete resources',
  e: 'expunge deleted resources',
  a: 'administer (read and change the ACL, share)',
  n: 'write resource properties',
  9: 'free-busy (read-free-busy; on Inbox/Outbox: query or send free-busy)',
  8: 'scheduling invitations (deliver to Inbox / send from Outbox)',
  7: 'scheduling replies (deliver to Inbox / send from Outbox)',
};

declare const rightsBrand: unique symbol;
/** A set of rights, always in canonical order without duplicates: compare with `===`. */
export type Rights = string & { readonly [rightsBrand]: true };

export const NO_RIGHTS = '' as Rights;
export const ALL_RIGHTS = RIGHT_LETTERS as Rights;

export class InvalidRights extends Error {
  override readonly name = 'InvalidRights';
  constructor(readonly letter: string, readonly text: string) {
    super(`Unknown right '${letter}' in "${text}" (known rights: ${RIGHT_LETTERS})`);
  }
}

/**
 * Parses rights text into a normalised set; throws InvalidRights naming the first unknown letter.
 * The RFC 2086 macros are read as Cyrus reads them with its default `deleteright: c`
 * (`cyrus_acl_strtomask`): `c` means `kx` and `d` means `te`, but only when none of the
 * macro's own letters are also present. They are never written back.
 */
export function parseRights(text: string): Rights {
  // Every request evaluates ACLs, and a deployment only ever sees a handful of distinct rights texts.
  const known = PARSED.get(text);
  if (known !== undefined) return known;
  const rights = parseUncached(text);
  if (PARSED.size < PARSED_LIMIT) PARSED.set(text, rights);
  return rights;
}

const PARSED = new Map<string, Rights>();
const PARSED_LIMIT = 1000;

function parseUncached(text: string): Rights {
  const found = new Set<string>();
  let legacyCreate = false;
  let legacyDelete = false;
  for (const letter of text) {
    if (letter === 'c') legacyCreate = true;
    else if (letter === 'd') legacyDelete = true;
    else if (RIGHT_LETTERS.includes(letter)) found.add(letter);
    else throw new InvalidRights(letter, text);
  }
  if (legacyCreate && !found.has('k') && !found.has('x')) found.add('k').add('x');
  if (legacyDelete && !found.has('t') && !found.has('e')) found.add('t').add('e');
  return canonical(found);
}

/** Rights text in canonical order (`lrswipkxtean987`). */
export function formatRights(rights: string): string {
  return parseRights(rights);
}

export function unionRights(...sets: readonly string[]): Rights {
  // Each set is read on its own first: the legacy macros depend on the letters beside them.
  return parseRights(sets.map(parseRights).join(''));
}

export function subtractRights(from: string, remove: string): Rights {
  const removed = parseRights(remove);
  return canonical(new Set([...parseRights(from)].filter((letter) => !removed.includes(letter))));
}

export function intersectRights(a: string, b: string): Rights {
  const other = parseRights(b);
  return canonical(new Set([...parseRights(a)].filter((letter) => other.includes(letter))));
}

export function hasAllRights(rights: string, required: string): boolean {
  const held = parseRights(rights);
  return [...parseRights(required)].every((letter) => held.includes(letter));
}

export function hasAnyRight(rights: string, wanted: string): boolean {
  const held = parseRights(rights);
  return [...parseRights(wanted)].some((letter) => held.includes(letter));
}

/** Applies a change as IMAP SETACL does (RFC 4314 §3.1): `+lr` adds, `-w` removes, `lr` replaces. */
export function modifyRights(current: string, change: string): Rights {
  if (change.startsWith('+')) return unionRights(current, change.slice(1));
  if (change.startsWith('-')) return subtractRights(current, change.slice(1));
  return parseRights(change);
}

// --- ACLs ---

/**
 * One access control entry. `identifier` is `anyone`, `anonymous`, a user name or
 * `group:<name>`; a negative entry (written `-bob` in Cyrus) removes rights instead of granting
 * them. `rights` is canonical rights text when the entry comes from this module.
 */
export interface AclEntry {
  readonly identifier: string;
  readonly rights: string;
  readonly negative: boolean;
}

export class InvalidAcl extends Error {
  override readonly name = 'InvalidAcl';
}

export const GROUP_PREFIX = 'group:';

/** Checks an identifier; the leading `-` of negative entries is not part of it. */
export function validateIdentifier(identifier: string): string {
  if (identifier === '' || identifier.startsWith('-') || /[\s\u0000-\u001f\u007f]/u.test(identifier)) {
    throw new InvalidAcl(`Invalid ACL identifier "${identifier}"`);
  }
  if (identifier.startsWith(GROUP_PREFIX) && identifier.length === GROUP_PREFIX.length) {
    throw new InvalidAcl(`Group identifier "${identifier}" has no group name`);
  }
  return identifier;
}

/** Builds an entry from the Cyrus spelling: `aclEntry('-bob', 'w')` is a negative entry for bob. */
export function aclEntry(identifier: string, rights: string): AclEntry {
  const negative = identifier.startsWith('-');
  return {
    identifier: validateIdentifier(negative ? identifier.slice(1) : identifier),
    rights: parseRights(rights),
    negative,
  };
}

/** `-bob` for a negative entry, `bob` otherwise. */
export function entryKey(entry: Pick<AclEntry, 'identifier' | 'negative'>): string {
  return entry.negative ? `-${entry.identifier}` : entry.identifier;
}

/** Parses Cyrus's stored ACL text: tab-separated identifier/rights pairs, trailing tab optional. */
export function parseAclString(text: string): AclEntry[] {
  if (text === '') return [];
  const fields = text.endsWith('\t') ? text.slice(0, -1).split('\t') : text.split('\t');
  if (fields.length % 2 !== 0) throw new InvalidAcl(`ACL text has an identifier without rights: "${text}"`);
  const entries: AclEntry[] = [];
  for (let i = 0; i < fields.length; i += 2) entries.push(aclEntry(fields[i] ?? '', fields[i + 1] ?? ''));
  return entries;
}

/** Writes the Cyrus ACL text form (each pair followed by a tab, as Cyrus stores it). */
export function formatAclString(acl: readonly AclEntry[]): string {
  return acl.map((entry) => `${entryKey(entry)}\t${formatRights(entry.rights)}\t`).join('');
}

/** One line per entry, identifiers padded into a column, for the admin command line. */
export function formatAclListing(acl: readonly AclEntry[]): string {
  const width = Math.max(0, ...acl.map((entry) => entryKey(entry).length));
  return acl.map((entry) => `${entryKey(entry).padEnd(width)}  ${formatRights(entry.rights) || '(none)'}`).join('\n');
}

/**
 * Sets the rights of one identifier (positive or negative) as Cyrus's `cyrus_acl_set` does:
 * an existing entry keeps its place, a new one is appended, and empty rights remove the entry.
 */
export function setAclEntry(acl: readonly AclEntry[], identifier: string, rights: string): AclEntry[] {
  const entry = aclEntry(identifier, rights);
  const key = entryKey(entry);
  const index = acl.findIndex((existing) => entryKey(existing) === key);
  const result = [...acl];
  if (index === -1) {
    if (entry.rights !== '') result.push(entry);
  } else if (entry.rights === '') {
    result.splice(index, 1);
  } else {
    result[index] = entry;
  }
  return result;
}

// --- Internal helpers ---

function canonical(letters: ReadonlySet<string>): Rights {
  let text = '';
  for (const letter of RIGHT_LETTERS) if (letters.has(letter)) text += letter;
  return text as Rights;
}
