// The ACL method (RFC 3744 §8.1): the request's ACEs replace a collection's whole ACL, mapped
// onto Cyrus ACL entries as Cyrus `meth_acl` maps them. Members inherit their collection's ACL,
// so only collections take an ACL.
import type { DavContext } from '../dav/context.ts';
import type { DavServices } from '../dav/services.ts';
import { badRequest, conditionError, DavError, methodNotAllowed, notFound, type Precondition } from '../dav/errors.ts';
import { allowedMethods } from '../dav/methods/options.ts';
import { childElements, findChild, textContent, type XmlElement } from '../dav/xml/element.ts';
import { dav } from '../dav/xml/names.ts';
import { parseXml } from '../dav/xml/parse.ts';
import { readBodyText } from '../http/body.ts';
import { principalFromHref } from '../principals/hrefs.ts';
import { storedCollection } from '../sharing/alias.ts';
import { AceRejected, aclFromAces, type Ace, type AcePrincipal } from './ace.ts';
import { aclKind, requireAccess } from './check.ts';
import { formatAclString, GROUP_PREFIX, type AclEntry } from './rights.ts';

export async function handleAcl(ctx: DavContext, services: Pick<DavServices, 'patchFormat'>): Promise<Response> {
  const resource = ctx.resource;
  if (resource.kind === 'missing') throw notFound();
  if (resource.kind !== 'collection') {
    throw methodNotAllowed(allowedMethods(resource, services), 'Only collections have an ACL; their members inherit it');
  }
  requireAccess(ctx, resource, 'admin');
  const aces = parseAclRequest(await readBodyText(ctx.request, ctx.deps.config.xml_max_size, 'ACL body'), ctx.url);
  const collection = await storedCollection(ctx, resource.collection);
  let acl: AclEntry[];
  try {
    acl = aclFromAces(aces, { kind: aclKind(collection.kind), owner: collection.owner, currentUser: ctx.principal?.name ?? null });
  } catch (error) {
    if (error instanceof AceRejected) throw conditionError({ name: `{DAV:}${error.condition}` } as Precondition, error.message);
    throw error;
  }
  await checkPrincipals(ctx, acl);
  await ctx.deps.store.collections.setAcl(collection.path, formatAclString(acl), ctx.deps.now());
  return new Response(null, { status: 200 });
}

/**
 * Parses a DAV:acl request body. ACEs marked protected or inherited are skipped: they are not
 * part of what the request can set, and clients send back what DAV:acl showed them.
 */
export function parseAclRequest(text: string, requestUrl: URL): Ace[] {
  if (text.trim() === '') throw badRequest('The ACL method needs a DAV:acl body');
  const root = parseXml(text);
  if (root.name !== dav('acl')) throw badRequest('The ACL body must be a DAV:acl element');
  const aces: Ace[] = [];
  for (const ace of childElements(root)) {
    if (ace.name !== dav('ace')) continue;
    if (findChild(ace, dav('protected')) || findChild(ace, dav('inherited'))) continue;
    if (findChild(ace, dav('invert'))) throw conditionError({ name: '{DAV:}no-invert' }, 'DAV:invert is not supported');
    const principal = findChild(ace, dav('principal'));
    if (!principal) throw badRequest('Each DAV:ace needs a DAV:principal');
    const grant = findChild(ace, dav('grant'));
    const deny = findChild(ace, dav('deny'));
    if ((grant === undefined) === (deny === undefined)) throw badRequest('Each DAV:ace needs exactly one of DAV:grant and DAV:deny');
    const privileges = childElements((grant ?? deny)!)
      .filter((p) => p.name === dav('privilege'))
      .flatMap((p) => childElements(p).map((child) => child.name));
    if (privileges.length === 0) throw badRequest('A DAV:grant or DAV:deny needs at least one DAV:privilege');
    aces.push({ principal: parsePrincipal(principal, requestUrl), deny: deny !== undefined, privileges });
  }
  return aces;
}

// --- Internal helpers ---

function parsePrincipal(element: XmlElement, requestUrl: URL): AcePrincipal {
  const [child] = childElements(element);
  switch (child?.name) {
    case dav('all'):
      return { type: 'all' };
    case dav('authenticated'):
      return { type: 'authenticated' };
    case dav('unauthenticated'):
      return { type: 'unauthenticated' };
    case dav('self'):
      return { type: 'self' };
    case dav('property'): {
      const [property] = childElements(child);
      if (property?.name === dav('owner')) return { type: 'owner' };
      throw unrecognized(`The property ${property?.name ?? '(none)'} does not name a principal here; only DAV:owner does`);
    }
    case dav('href'): {
      const text = textContent(child).trim();
      const found = principalFromHref(text, requestUrl);
      if (found) return found;
      throw unrecognized(`${text} is not a principal of this server`);
    }
    default:
      throw unrecognized('DAV:principal must hold DAV:href, all, authenticated, unauthenticated, self or property');
  }
}

/** Every user an entry names must exist, and `anyone` may be granted rights only as configured. */
async function checkPrincipals(ctx: DavContext, acl: readonly AclEntry[]): Promise<void> {
  for (const entry of acl) {
    const id = entry.identifier;
    if (id === 'anyone' && !entry.negative && !ctx.deps.config.anyoneuseracl && !ctx.principal?.isAdmin) {
      throw conditionError({ name: '{DAV:}allowed-principal' }, 'Only administrators may grant rights to everyone here (anyoneuseracl is off)');
    }
    if (id === 'anyone' || id === 'anonymous' || id.startsWith(GROUP_PREFIX)) continue;
    if (!(await ctx.deps.store.users.get(id))) throw unrecognized(`There is no user "${id}"`);
  }
}

function unrecognized(message: string): DavError {
  return conditionError({ name: '{DAV:}recognized-principal' }, message);
}
