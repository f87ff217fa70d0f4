// DAV:acl-principal-prop-set (RFC 3744 §9.2): the requested properties of every principal the
// resource's ACL names, so a client can show who the ACEs are about in one request.
import type { DavContext } from '../../dav/context.ts';
import { badRequest, conditionError } from '../../dav/errors.ts';
import { multistatusResponse, type MultistatusResponse } from '../../dav/multistatus.ts';
import { computePropstats, propNamesOf } from '../../dav/properties/compute.ts';
import type { ReportDef } from '../../dav/reports/registry.ts';
import { groupPrincipalPath, principalFromPath, principalPath } from '../../dav/urls.ts';
import { findChildren } from '../../dav/xml/element.ts';
import { dav } from '../../dav/xml/names.ts';
import { storedCollection } from '../../sharing/alias.ts';
import { requireAccess } from '../check.ts';
import { collectionAces } from '../properties.ts';

export const ACL_PRINCIPAL_PROP_SET: ReportDef = {
  name: dav('acl-principal-prop-set'),
  offeredOn: (resource) => resource.kind === 'collection',
  async run(ctx, body, services) {
    const resource = ctx.resource;
    if (resource.kind !== 'collection' && resource.kind !== 'resource') {
      throw conditionError({ name: '{DAV:}supported-report' }, 'acl-principal-prop-set needs a resource with an ACL');
    }
    // RFC 3744 §9.2: reading the ACL's principals needs DAV:read-acl, which is Cyrus's `a`.
    requireAccess(ctx, resource, 'admin');
    const depth = ctx.request.headers.get('depth');
    if (depth !== null && depth.trim() !== '0') throw badRequest('acl-principal-prop-set is defined for Depth: 0 only');
    // RFC 3744 §9.2: the body names the properties wanted in one DAV:prop.
    const props = findChildren(body, dav('prop'));
    if (props.length !== 1) throw badRequest('acl-principal-prop-set needs exactly one DAV:prop (RFC 3744 §9.2)');
    const names = propNamesOf(props[0]);
    const collection = await storedCollection(ctx, resource.collection);
    const responses: MultistatusResponse[] = [];
    for (const path of principalPaths(ctx, collection)) {
      const principal = principalFromPath(path);
      const record = principal?.type === 'user' ? await ctx.deps.store.users.get(principal.name) : undefined;
      if (!record) {
        responses.push({ path, status: 404 });
        continue;
      }
      const member = { kind: 'principal' as const, path, user: record };
      responses.push({ path, propstats: await computePropstats(ctx, services.properties, member, { type: 'prop', names }, new Map()) });
    }
    return multistatusResponse(responses);
  },
};

/** The principal URLs the ACEs name, each once; DAV:all and the other pseudo-principals have none. */
function principalPaths(ctx: DavContext, collection: Parameters<typeof collectionAces>[1]): string[] {
  const paths = new Set<string>();
  for (const { ace } of collectionAces(ctx, collection)) {
    const principal = ace.principal;
    if (principal.type === 'user') paths.add(principalPath(principal.name));
    else if (principal.type === 'group') paths.add(groupPrincipalPath(principal.name));
    else if (principal.type === 'owner' && collection.owner) paths.add(principalPath(collection.owner));
    else if (principal.type === 'self' && ctx.principal) paths.add(principalPath(ctx.principal.name));
  }
  return [...paths];
}
