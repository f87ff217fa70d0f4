// WebDAV privileges (RFC 3744 §3, §5.3; CalDAV RFC 4791 §6.1.1; scheduling RFC 6638 §6) as Cyrus
// maps them onto rights letters, per the seed's "Mapping of IMAP Rights to WebDAV Privileges".
import { caldav, cyrus, dav } from '../dav/xml/names.ts';
import type { ClarkName } from '../dav/xml/names.ts';
import { ALL_RIGHTS, aclEntry, hasAllRights, parseRights, unionRights } from './rights.ts';
import type { AclEntry, Rights } from './rights.ts';

export type CollectionKind =
  | 'calendar'
  | 'schedule-inbox'
  | 'schedule-outbox'
  | 'attachments'
  | 'home'
  | 'principal'
  | 'drive'
  | 'notifications';

export const COLLECTION_KINDS: readonly CollectionKind[] = [
  'calendar', 'schedule-inbox', 'schedule-outbox', 'attachments', 'home', 'principal', 'drive', 'notifications',
];

/** One `DAV:supported-privilege` (RFC 3744 §5.3). */
export interface PrivilegeNode {
  readonly name: ClarkName;
  readonly abstract: boolean;
  readonly description: string;
  readonly children: readonly PrivilegeNode[];
}

/** Thrown when an ACL request names a privilege it may not use (RFC 3744 §8.1.1). */
export class UnsupportedPrivilege extends Error {
  override readonly name = 'UnsupportedPrivilege';
  constructor(
    readonly privilege: ClarkName,
    readonly condition: 'no-abstract' | 'not-supported-privilege',
  ) {
    super(
      condition === 'no-abstract'
        ? `${privilege} is abstract and cannot be granted or denied`
        : `${privilege} is not supported here`,
    );
  }
}

// --- The privilege trees (Cyrus `propfind_supprivset`) ---
// Calendar homes list read-free-busy too: Cyrus accepts it there in ACL requests and its `9`
// governs the free-busy URL, so RFC 3744 §5.3 wants it in the supported set.

/**
 * The letters each privilege needs itself; an aggregate also needs all its children's. This is
 * the seed's model, where DAV:bind is `p` (CY:add-resource, POST) + `k` and write-content `i`
 * is a direct part of DAV:write; current Cyrus folds `p` into `i`, which the seed predates.
 */
const OWN_RIGHTS: ReadonlyMap<ClarkName, string> = new Map([
  [dav('read'), 'lr'],
  [caldav('read-free-busy'), '9'],
  [dav('write-content'), 'i'],
  [cyrus('write-properties-collection'), 'w'],
  [cyrus('write-properties-resource'), 'n'],
  [cyrus('make-collection'), 'k'],
  [cyrus('add-resource'), 'p'],
  [cyrus('remove-collection'), 'x'],
  [cyrus('remove-resource'), 'te'],
  [cyrus('admin'), 'a'],
  [caldav('schedule-deliver-invite'), '8'],
  [caldav('schedule-deliver-reply'), '7'],
  [caldav('schedule-query-freebusy'), '9'],
  [caldav('schedule-send-invite'), '8'],
  [caldav('schedule-send-reply'), '7'],
  [caldav('schedule-send-freebusy'), '9'],
]);

/** Memoised rightsOf: current-user-privilege-set is computed for every resource of a PROPFIND. */
const TOTAL_RIGHTS = new WeakMap<PrivilegeNode, Rights>();

const RELAXED_AGGREGATES: ReadonlyMap<ClarkName, string> = new Map([
  [dav('bind'), 'p'],
  [dav('unbind'), 'te'],
]);

const FREE_BUSY_KINDS: ReadonlySet<CollectionKind> = new Set(['calendar', 'home']);
const FLAT_KINDS: ReadonlySet<CollectionKind> = new Set([
  'calendar', 'schedule-inbox', 'schedule-outbox', 'attachments', 'notifications',
]);

function node(name: ClarkName, description: string, children: PrivilegeNode[] = [], abstract = false): PrivilegeNode {
  return { name, abstract, description, children };
}

function buildTree(kind: CollectionKind): PrivilegeNode {
  const read = node(dav('read'), 'Read any object', [
    node(dav('read-current-user-privilege-set'), 'Read the current user privilege set', [], true),
    ...(FREE_BUSY_KINDS.has(kind) ? [node(caldav('read-free-busy'), 'Read free-busy time')] : []),
  ]);
  const write = node(dav('write'), 'Write any object', [
    node(dav('write-content'), 'Write resource content'),
    node(dav('write-properties'), 'Write properties', [
      node(cyrus('write-properties-collection'), 'Write properties of a collection'),
      node(cyrus('write-properties-resource'), 'Write properties of a resource'),
    ]),
    node(dav('bind'), 'Add a member to a collection', [
      node(cyrus('make-collection'), 'Create a collection'),
      node(cyrus('add-resource'), 'Add a resource with POST'),
    ]),
    node(dav('unbind'), 'Remove a member from a collection', [
      node(cyrus('remove-collection'), 'Remove a collection'),
      node(cyrus('remove-resource'), 'Remove a resource'),
    ]),
  ]);
  const admin = node(cyrus('admin'), 'Administer the collection', [
    node(dav('read-acl'), 'Read the ACL', [], true),
    node(dav('write-acl'), 'Change the ACL', [], true),
    node(dav('unlock'), 'Remove any lock', [], true),
    node(dav('share'), 'Share the collection', [], true),
  ]);
  const scheduling: PrivilegeNode[] = [];
  if (kind === 'schedule-inbox') {
    scheduling.push(node(caldav('schedule-deliver'), 'Deliver scheduling messages', [
      node(caldav('schedule-deliver-invite'), 'Deliver invitations from organizers'),
      node(caldav('schedule-deliver-reply'), 'Deliver replies from attendees'),
      node(caldav('schedule-query-freebusy'), 'Query free-busy time'),
    ]));
  } else if (kind === 'schedule-outbox') {
    scheduling.push(node(caldav('schedule-send'), 'Send scheduling messages', [
      node(caldav('schedule-send-invite'), 'Send invitations as organizer'),
      node(caldav('schedule-send-reply'), 'Send replies as attendee'),
      node(caldav('schedule-send-freebusy'), 'Send free-busy requests'),
    ]));
  }
  return node(dav('all'), 'Any operation', [read, write, admin, ...scheduling]);
}

const TREES: Record<CollectionKind, PrivilegeNode> = Object.fromEntries(
  COLLECTION_KINDS.map((kind) => [kind, buildTree(kind)]),
) as Record<CollectionKind, PrivilegeNode>;

// --- Privileges and rights ---

/**
 * The `DAV:supported-privilege-set` tree for a kind of collection, rooted at DAV:all. As in Cyrus,
 * only read-current-user-privilege-set and the parts of CY:admin are abstract.
 */
export function supportedPrivilegeSet(kind: CollectionKind): PrivilegeNode {
  return TREES[kind];
}

/** Whether lookup+read also grants read-free-busy here (RFC 4791 §6.1.1; Cyrus `httpd_myrights`). */
export function freeBusyImpliedByRead(kind: CollectionKind): boolean {
  return FREE_BUSY_KINDS.has(kind);
}

/** Adds the rights a kind implies: `9` for anyone holding `lr` on a calendar or calendar home. */
export function withImpliedRights(rights: string, kind: CollectionKind): Rights {
  const held = parseRights(rights);
  return freeBusyImpliedByRead(kind) && hasAllRights(held, 'lr') ? unionRights(held, '9') : held;
}

/**
 * The privileges that rights grant. `expanded` (for `DAV:current-user-privilege-set`) lists
 * every granted aggregate and every granted contained privilege, as Cyrus does; `compact` (for
 * the ACEs of `DAV:acl` and for `DAV:need-privileges`) lists only the outermost granted ones.
 * An aggregate is granted only when all its letters are held, except that in a collection that
 * cannot hold subcollections DAV:bind/unbind stand for add-resource/remove-resource in the
 * expanded listing (Cyrus `PRIV_NOSUBCOL`). Abstract privileges are never listed.
 */
export function privilegesFromRights(
  rights: string,
  kind: CollectionKind,
  mode: 'expanded' | 'compact' = 'expanded',
): ClarkName[] {
  const held = withImpliedRights(rights, kind);
  const granted: ClarkName[] = [];
  const visit = (node: PrivilegeNode): void => {
    if (node.abstract) return;
    const relaxed = mode === 'expanded' && FLAT_KINDS.has(kind) ? RELAXED_AGGREGATES.get(node.name) : undefined;
    if (hasAllRights(held, rightsOf(node)) || (relaxed !== undefined && hasAllRights(held, relaxed))) {
      granted.push(node.name);
      if (mode === 'compact') return;
    }
    node.children.forEach(visit);
  };
  visit(TREES[kind]);
  return granted;
}

/**
 * The letters an ACL request's grant or deny of a privilege sets (Cyrus `meth_acl` +
 * `caldav_acl`): an aggregate sets all its parts, so DAV:read on a calendar is `lr9` and DAV:all
 * on Inbox/Outbox includes `789`. Denying DAV:all removes every right there is.
 */
export function rightsForPrivilege(
  privilege: ClarkName,
  kind: CollectionKind,
  effect: 'grant' | 'deny' = 'grant',
): Rights {
  if (effect === 'deny' && privilege === dav('all')) return ALL_RIGHTS;
  const node = findNode(TREES[kind], privilege);
  if (node === undefined) throw new UnsupportedPrivilege(privilege, 'not-supported-privilege');
  if (node.abstract) throw new UnsupportedPrivilege(privilege, 'no-abstract');
  return rightsOf(node);
}

/** Union of `rightsForPrivilege` over several privileges. */
export function rightsForPrivileges(
  privileges: readonly ClarkName[],
  kind: CollectionKind,
  effect: 'grant' | 'deny' = 'grant',
): Rights {
  return unionRights(...privileges.map((privilege) => rightsForPrivilege(privilege, kind, effect)));
}

/** Privileges that exist only to be aggregated and may not appear in an ACL request. */
export const ABSTRACT_PRIVILEGES: ReadonlySet<ClarkName> = new Set([
  dav('read-current-user-privilege-set'), dav('read-acl'), dav('write-acl'), dav('unlock'), dav('share'),
]);

/** Each privilege a kind supports with the letters that grant it, in tree order. */
export interface PrivilegeRights {
  readonly privilege: ClarkName;
  readonly rights: Rights;
  readonly abstract: boolean;
}

export const RIGHTS_TO_PRIVILEGES: Readonly<Record<CollectionKind, readonly PrivilegeRights[]>> =
  Object.fromEntries(COLLECTION_KINDS.map((kind) => [kind, flatten(TREES[kind])])) as unknown as Record<
    CollectionKind,
    readonly PrivilegeRights[]
  >;

// --- Default ACLs (the seed's "Default WebDAV Privileges by Collection") and sharing ---

/**
 * Owner and `anyone` rights of a newly provisioned collection, from the seed's privilege column.
 * Its letter column (`lrwipkxtan9`…) leaves out `e`, which its own mapping table puts in DAV:all
 * through CY:remove-resource; without it owners could not delete events, so `e` is kept. Kinds
 * the seed does not list give their owner DAV:all and nobody else anything.
 */
export const DEFAULT_ACLS: Readonly<Record<CollectionKind, DefaultRights>> = {
  calendar: { owner: rightsOf(TREES.calendar), anyone: parseRights('9') },
  home: { owner: rightsOf(TREES.home), anyone: parseRights('9') },
  attachments: { owner: rightsOf(TREES.attachments), anyone: parseRights('lr') },
  'schedule-inbox': { owner: rightsOf(TREES['schedule-inbox']), anyone: parseRights('789') },
  'schedule-outbox': { owner: rightsOf(TREES['schedule-outbox']), anyone: null },
  principal: { owner: rightsOf(TREES.principal), anyone: null },
  drive: { owner: rightsOf(TREES.drive), anyone: null },
  notifications: { owner: rightsOf(TREES.notifications), anyone: null },
};

/**
 * The ACL a collection starts with: the owner holds DAV:all of its kind (on calendars and homes
 * that includes read-free-busy, on Inbox/Outbox the scheduling privileges). Calendars made later
 * by MKCALENDAR get the same ACL as the provisioned one. A collection without an owner (a public
 * calendar in the shared namespace) starts empty: only server admins reach it until granted.
 */
export function defaultAcl(kind: CollectionKind, owner: string | null): AclEntry[] {
  if (owner === null) return [];
  const { owner: ownerRights, anyone } = DEFAULT_ACLS[kind];
  const acl = [aclEntry(owner, ownerRights)];
  if (anyone !== null) acl.push(aclEntry('anyone', anyone));
  return acl;
}

export interface DefaultRights {
  readonly owner: Rights;
  readonly anyone: Rights | null;
}

export type ShareAccess = 'read' | 'read-write';

/**
 * Rights a sharee gets (Cyrus `DACL_SHARE`/`DACL_SHARERW`, draft-pot-webdav-resource-sharing
 * §4.1). Cyrus includes `w` even for read shares so JMAP clients do not see them as read-only;
 * the JMAP-only letters 5 and 6 of `DACL_SHARERW` are left out.
 */
export function shareAccessRights(access: ShareAccess): Rights {
  return access === 'read' ? SHARE_READ : SHARE_READ_WRITE;
}

/** The letters sharing manages: `no-access` removes exactly these from the sharee's entry. */
export const SHARE_RIGHTS: Rights = parseRights('lrwiten9');

/** The share access an entry's rights amount to, for `DAV:share-access` and `DAV:invite`. */
export function shareAccessFromRights(rights: string): ShareAccess | 'no-access' {
  if (hasAllRights(rights, SHARE_READ_WRITE)) return 'read-write';
  return hasAllRights(rights, 'lr') ? 'read' : 'no-access';
}

// --- Internal helpers ---

const SHARE_READ = parseRights('lrw9');
const SHARE_READ_WRITE = parseRights('lrwiten9');

function rightsOf(privilege: PrivilegeNode): Rights {
  let rights = TOTAL_RIGHTS.get(privilege);
  if (rights === undefined) {
    rights = privilege.abstract
      ? parseRights('')
      : unionRights(OWN_RIGHTS.get(privilege.name) ?? '', ...privilege.children.map(rightsOf));
    TOTAL_RIGHTS.set(privilege, rights);
  }
  return rights;
}

function findNode(root: PrivilegeNode, name: ClarkName): PrivilegeNode | undefined {
  if (root.name === name) return root;
  for (const child of root.children) {
    const found = findNode(child, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

function flatten(root: PrivilegeNode): PrivilegeRights[] {
  return [
    { privilege: root.name, rights: rightsOf(root), abstract: root.abstract },
    ...root.children.flatMap(flatten),
  ];
}
