// DAV:principal-match (RFC 3744 §9.3): the members of a collection that are, or belong to, the
// current user: DAV:self matches principals that are the user; DAV:principal-property matches
// members whose property (DAV:owner, say) points at the user's principal.
import { hasAccess, requireAccess } from '../check.ts';
import { listChildCollections } from '../../dav/children.ts';
import type { DavContext } from '../../dav/context.ts';
import { badRequest } from '../../dav/errors.ts';
import { multistatusResponse, type MultistatusResponse } from '../../dav/multistatus.ts';
import { computePropstats, loadDeadProperties, propNamesOf } from '../../dav/properties/compute.ts';
import type { ReportDef } from '../../dav/reports/registry.ts';
import type { DavResource } from '../../dav/resource.ts';
import type { DavServices } from '../../dav/services.ts';
import { childElements, findChild, findChildren, textContent, type XmlElement } from '../../dav/xml/element.ts';
import { dav, type ClarkName } from '../../dav/xml/names.ts';
import { principalFromHref } from '../../principals/hrefs.ts';

/**
 * Members are searched this many levels down, and only collections and principals are: "at any
 * depth" over every calendar object would make one request read a whole account.
 */
const MAX_LEVELS = 3;

export const PRINCIPAL_MATCH: ReportDef = {
  name: dav('principal-match'),
  // RFC 3744 §9.3: it searches the members of any collection.
  offeredOn: (resource) => resource.kind !== 'resource' && resource.kind !== 'missing',
  async run(ctx, body, services) {
    const depth = ctx.request.headers.get('depth');
    if (depth !== null && depth.trim() !== '0') throw badRequest('principal-match is defined for Depth: 0 only (RFC 3744 §9.3)');
    requireAccess(ctx, ctx.resource, 'read');
    const self = findChild(body, dav('self'));
    const principalProperty = findChild(body, dav('principal-property'));
    if ((self === undefined) === (principalProperty === undefined)) throw badRequest('principal-match needs exactly one of DAV:self and DAV:principal-property');
    // RFC 3744 §9.3: ((principal-property | self), prop?).
    const props = findChildren(body, dav('prop'));
    if (props.length > 1) throw badRequest('principal-match takes at most one DAV:prop (RFC 3744 §9.3)');
    const names = propNamesOf(props[0]);
    const me = ctx.principal?.name;
    const property = principalProperty ? childElements(principalProperty)[0]?.name : undefined;
    if (principalProperty && property === undefined) throw badRequest('DAV:principal-property needs a property');
    const found: Member[] = [];
    if (me !== undefined) {
      const matches = (member: DavResource, users: string[]) => (property === undefined ? member.kind === 'principal' && member.user.name === me : users.includes(me));
      const dead = (await loadDeadProperties(ctx, [ctx.resource])).get(ctx.resource.path) ?? new Map();
      await collect(ctx, services, { resource: ctx.resource, dead }, 0, found, matches, property);
    }
    const responses: MultistatusResponse[] = [];
    for (const { resource, dead } of found) {
      responses.push({ path: resource.path, propstats: await computePropstats(ctx, services.properties, resource, { type: 'prop', names }, dead) });
    }
    return multistatusResponse(responses);
  },
};

// --- Internal helpers ---

/** A member with its dead properties, read once for its whole level. */
interface Member {
  resource: DavResource;
  dead: Map<string, XmlElement>;
}

async function collect(
  ctx: DavContext,
  services: DavServices,
  member: Member,
  level: number,
  found: Member[],
  matches: (member: DavResource, users: string[]) => boolean,
  property: ClarkName | undefined,
): Promise<void> {
  const resource = member.resource;
  if (matches(resource, property === undefined ? [] : await usersNamedBy(ctx, services, member, property))) found.push(member);
  if (level >= MAX_LEVELS || (resource.kind !== 'virtual' && resource.kind !== 'collection')) return;
  const children = (await listChildCollections(ctx, resource)).filter((child) => hasAccess(ctx, child, 'read'));
  const dead = await loadDeadProperties(ctx, children);
  for (const child of children) await collect(ctx, services, { resource: child, dead: dead.get(child.path) ?? new Map() }, level + 1, found, matches, property);
}

/** The users whose principals the member's property names (hrefs that are no user principal, or unreadable, count for nothing). */
async function usersNamedBy(ctx: DavContext, services: DavServices, member: Member, property: ClarkName): Promise<string[]> {
  const [propstat] = await computePropstats(ctx, services.properties, member.resource, { type: 'prop', names: [property] }, member.dead);
  const element: XmlElement | undefined = propstat?.status === 200 ? propstat.props[0] : undefined;
  if (!element) return [];
  return childElements(element).flatMap((e) => {
    const principal = e.name === dav('href') ? principalFromHref(textContent(e).trim(), ctx.url) : null;
    return principal?.type === 'user' ? [principal.name] : [];
  });
}
