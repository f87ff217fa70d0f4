// DAV:expand-property (RFC 3253 §3.8): properties whose values are hrefs are replaced by the
// referenced resources' requested properties, recursively. Apple clients use it on principals.
import { hasAccess, requireAccess } from '../../acl/check.ts';
import type { DavContext } from '../context.ts';
import { multistatusResponse, responseElement, type Propstat } from '../multistatus.ts';
import { computePropstats, loadDeadProperties } from '../properties/compute.ts';
import { encodePath, hrefToPath } from '../path.ts';
import { resolveResource } from '../resolve.ts';
import type { DavResource } from '../resource.ts';
import type { DavServices } from '../services.ts';
import { childElements, el, findChildren, textContent, type XmlElement } from '../xml/element.ts';
import { clark, dav } from '../xml/names.ts';
import type { ReportDef } from './registry.ts';

const MAX_DEPTH = 3;

export const EXPAND_PROPERTY: ReportDef = {
  name: dav('expand-property'),
  offeredOn: () => true,
  async run(ctx, body, services) {
    requireAccess(ctx, ctx.resource, 'read');
    const propstats = await expand(ctx, services, ctx.resource, findChildren(body, dav('property')), 0);
    return multistatusResponse([{ path: ctx.resource.path, propstats }]);
  },
};

async function expand(ctx: DavContext, services: DavServices, resource: DavResource, requested: XmlElement[], level: number): Promise<Propstat[]> {
  // Each property once, with the nesting of its first mention: a repeated DAV:property would
  // otherwise repeat the whole expansion below it.
  const specs = new Map<string, XmlElement>();
  for (const spec of requested) {
    const name = clark(spec.attributes.namespace ?? 'DAV:', spec.attributes.name ?? '');
    if (!specs.has(name)) specs.set(name, spec);
  }
  const names = [...specs.keys()];
  const dead = (await loadDeadProperties(ctx, [resource])).get(resource.path) ?? new Map();
  const propstats = await computePropstats(ctx, services.properties, resource, { type: 'prop', names }, dead);
  if (level >= MAX_DEPTH) return propstats;
  for (const propstat of propstats) {
    if (propstat.status !== 200) continue;
    for (let i = 0; i < propstat.props.length; i++) {
      const prop = propstat.props[i]!;
      const spec = specs.get(prop.name);
      const nested = spec ? findChildren(spec, dav('property')) : [];
      const hrefs = childElements(prop).filter((c) => c.name === dav('href'));
      if (nested.length === 0 || hrefs.length === 0) continue;
      const expanded: XmlElement[] = [];
      for (const hrefElement of hrefs) {
        const path = hrefToPath(textContent(hrefElement), ctx.url);
        if (path === null) continue;
        const target = await resolveResource(ctx.deps.store, ctx.deps.config, encodePath(path));
        if (target.kind === 'missing' || !hasAccess(ctx, target, 'read')) {
          expanded.push(responseElement({ path, status: 404 }));
          continue;
        }
        expanded.push(responseElement({ path: target.path, propstats: await expand(ctx, services, target, nested, level + 1) }));
      }
      propstat.props[i] = el(prop.name, expanded);
    }
  }
  return propstats;
}
