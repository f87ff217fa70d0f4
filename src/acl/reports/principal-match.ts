// DAV:principal-match (RFC 3744 §9.3): the members of a collection that are, or belong to, the
// current user: DAV:self matches principals that are the user; DAV:principal-property matches
// members whose property (DAV:owner, say) points at the user's principal.
import { hasAccess, requireAccess } from '../check.ts';
import { listChildren } from '../../dav/children.ts';
import type { DavContext } from '../../dav/context.ts';
import { badRequest } from '../../dav/errors.ts';
import { multistatusResponse, type MultistatusResponse } from '../../dav/multistatus.ts';
import { computePropstats, loadDeadProperties } from '../../dav/properties/compute.ts';
import type { ReportDef } from '../../dav/reports/registry.ts';
import type { DavResource } from '../../dav/resource.ts';
import type { DavServices } from '../../dav/services.ts';
import { principalPath } from '../../dav/urls.ts';
import { childElements, findChild, textContent, type XmlElement } from '../../dav/xml/element.ts';
import { dav, type ClarkName } from '../../dav/xml/names.ts';

/**
 * Members are searched this many levels down, and only collections and principals are: "at any
 * depth" over every calendar object would make one request read a whole account.
 */
const MAX_LEVELS = 3;

export const PRINCIPAL_MATCH: ReportDef = {
  name: dav('principal-match'),
  async run(ctx, body, services) {
    const depth = ctx.request.headers.get('depth');
    if (depth !== null && depth.trim() !== '0') throw badRequest('principal-match is defined for Depth: 0 only (RFC 3744 §9.3)');
    requireAccess(ctx, ctx.resource, 'read');
    const self = findChild(body, dav('self'));
    const principalProperty = findChild(body, dav('principal-property'));
    if ((self === undefined) === (principalProperty === undefined)) throw badRequest('principal-match needs exactly one of DAV:self and DAV:principal-property');
    const prop = findChild(body, dav('prop'));
    const names = prop ? childElements(prop).map((e) => e.name) : [];
    const me = ctx.principal ? principalPath(ctx.principal.name) : null;
    const property = principalProperty ? childElements(principalProperty)[0]?.name : undefined;
    if (principalProperty && property === undefined) throw badRequest('DAV:principal-property needs a property');
    const found: DavResource[] = [];
    if (me !== null) await collect(ctx, services, ctx.resource, 0, found, (member, value) => (property === undefined ? member.kind === 'principal' && member.path === me : value.includes(me)), property);
    const dead = await loadDeadProperties(ctx, found);
    const responses: MultistatusResponse[] = [];
    for (const member of found) {
      responses.push({ path: member.path, propstats: await computePropstats(ctx, services.properties, member, { type: 'prop', names }, dead.get(member.path) ?? new Map()) });
    }
    return multistatusResponse(responses);
  },
};

// --- Internal helpers ---

async function collect(
  ctx: DavContext,
  services: DavServices,
  resource: DavResource,
  level: number,
  found: DavResource[],
  test: (member: DavResource, hrefs: string[]) => boolean,
  property: ClarkName | undefined,
): Promise<void> {
  if (test(resource, property === undefined ? [] : await hrefsOf(ctx, services, resource, property))) found.push(resource);
  if (level >= MAX_LEVELS || (resource.kind !== 'virtual' && resource.kind !== 'collection')) return;
  for (const child of await listChildren(ctx, resource)) {
    if (child.kind !== 'resource' && hasAccess(ctx, child, 'read')) await collect(ctx, services, child, level + 1, found, test, property);
  }
}

async function hrefsOf(ctx: DavContext, services: DavServices, resource: DavResource, property: ClarkName): Promise<string[]> {
  const dead = (await loadDeadProperties(ctx, [resource])).get(resource.path) ?? new Map();
  const [propstat] = await computePropstats(ctx, services.properties, resource, { type: 'prop', names: [property] }, dead);
  const element: XmlElement | undefined = propstat?.status === 200 ? propstat.props[0] : undefined;
  if (!element) return [];
  return childElements(element).filter((e) => e.name === dav('href')).map((e) => decodeURI(textContent(e).trim()));
}
