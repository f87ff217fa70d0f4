// RFC 3744 §5 access control properties: DAV:acl, supported-privilege-set, acl-restrictions,
// inherited-acl-set, and the principal properties alternate-URI-set and group membership.
// DAV:current-user-privilege-set and DAV:owner live with the core WebDAV properties.
import type { DavContext } from '../dav/context.ts';
import type { PropertyDef } from '../dav/properties/registry.ts';
import { href } from '../dav/properties/webdav.ts';
import type { ListedResource } from '../dav/resource.ts';
import { el, type XmlElement } from '../dav/xml/element.ts';
import { dav } from '../dav/xml/names.ts';
import { principalContent } from '../principals/hrefs.ts';
import { storedCollection } from '../sharing/alias.ts';
import type { CollectionRecord } from '../storage/index.ts';
import { acesFromAcl, type Ace } from './ace.ts';
import { aclKind } from './check.ts';
import { privilegesFromRights, supportedPrivilegeSet, type PrivilegeNode } from './privileges.ts';
import { parseAclString, unionRights } from './rights.ts';

const XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang';

const isStored = (r: ListedResource): r is Extract<ListedResource, { kind: 'collection' | 'resource' }> => r.kind === 'collection' || r.kind === 'resource';

export const ACL_PROPERTIES: PropertyDef[] = [
  {
    name: dav('acl'),
    appliesTo: isStored,
    write: 'protected',
    get: async ({ ctx, resource }) => (isStored(resource) ? aclElements(ctx, resource) : undefined),
  },
  {
    name: dav('supported-privilege-set'),
    appliesTo: (r) => isStored(r) || r.kind === 'principal',
    write: 'protected',
    get: ({ resource }) => {
      const kind = isStored(resource) ? aclKind(resource.collection.kind) : 'principal';
      return supportedPrivilegeElement(supportedPrivilegeSet(kind));
    },
  },
  {
    // Cyrus keeps ACEs in no order and cannot invert a principal; deny ACEs work (negative rights).
    name: dav('acl-restrictions'),
    appliesTo: isStored,
    write: 'protected',
    get: () => el(dav('no-invert')),
  },
  {
    name: dav('inherited-acl-set'),
    appliesTo: isStored,
    write: 'protected',
    get: ({ resource }) => (resource.kind === 'resource' ? href(resource.collection.path) : []),
  },
  { name: dav('alternate-URI-set'), appliesTo: (r) => r.kind === 'principal', write: 'protected', get: () => [] },
  // Groups are ACL identifiers only; no principal is a member of one over DAV (as in Cyrus).
  { name: dav('group-membership'), appliesTo: (r) => r.kind === 'principal', write: 'protected', get: () => [] },
  { name: dav('group-member-set'), appliesTo: (r) => r.kind === 'principal', write: 'protected', get: () => [] },
];

/** The ACEs of a collection's ACL as DAV:acl shows them (RFC 3744 §5.5). */
export async function aclElements(ctx: DavContext, resource: Extract<ListedResource, { kind: 'collection' | 'resource' }>): Promise<XmlElement[]> {
  const collection = await storedCollection(ctx, resource.collection);
  const inherited = resource.kind === 'resource' ? el(dav('inherited'), href(resource.collection.path)) : null;
  return collectionAces(ctx, collection).map(({ ace, isProtected }) => aceElement(ace, [isProtected ? el(dav('protected')) : null, inherited]));
}

/**
 * The ACEs of a collection: first, when it has an owner, a protected ACE with the rights owners
 * always hold (`implicit_owner_rights` and admin), which no ACL request can take away; then one
 * ACE per stored entry.
 */
export function collectionAces(ctx: DavContext, collection: CollectionRecord): { ace: Ace; isProtected: boolean }[] {
  const kind = aclKind(collection.kind);
  const result: { ace: Ace; isProtected: boolean }[] = [];
  if (collection.owner !== null) {
    const implicit = privilegesFromRights(unionRights(ctx.deps.config.implicit_owner_rights, 'a'), kind, 'compact');
    result.push({ ace: { principal: { type: 'owner' }, deny: false, privileges: implicit }, isProtected: true });
  }
  const context = { kind, owner: collection.owner, currentUser: ctx.principal?.name ?? null };
  for (const ace of acesFromAcl(parseAclString(collection.acl), context)) result.push({ ace, isProtected: false });
  return result;
}

export function aceElement(ace: Ace, extra: (XmlElement | null)[] = []): XmlElement {
  return el(dav('ace'), [
    el(dav('principal'), principalContent(ace.principal)),
    el(dav(ace.deny ? 'deny' : 'grant'), ace.privileges.map((privilege) => el(dav('privilege'), el(privilege)))),
    ...extra,
  ]);
}

/** A DAV:supported-privilege tree (RFC 3744 §5.3). */
export function supportedPrivilegeElement(node: PrivilegeNode): XmlElement {
  return el(dav('supported-privilege'), [
    el(dav('privilege'), el(node.name)),
    node.abstract ? el(dav('abstract')) : null,
    el(dav('description'), node.description, { [XML_LANG]: 'en' }),
    ...node.children.map(supportedPrivilegeElement),
  ]);
}
