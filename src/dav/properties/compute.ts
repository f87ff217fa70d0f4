// Property retrieval for PROPFIND and REPORTs: one resource at a time, dead properties prefetched
// per batch of resources so a Depth 1 listing stays at a constant number of queries.
import { hasAccess } from '../../acl/check.ts';
import type { DavContext } from '../context.ts';
import type { Propstat } from '../multistatus.ts';
import type { DavResource } from '../resource.ts';
import { childElements, el, findChild, type XmlElement, type XmlNode } from '../xml/element.ts';
import { dav, type ClarkName } from '../xml/names.ts';
import { deserializeDeadProperty, type PropertyDef, type PropertyRegistry, type PropertyValue } from './registry.ts';

export type PropRequest = { type: 'allprop'; include: ClarkName[] } | { type: 'propname' } | { type: 'prop'; names: ClarkName[] };

/**
 * The properties a PROPFIND or REPORT body asks for (RFC 4918 §14.20): DAV:prop, DAV:propname, or
 * DAV:allprop with an optional DAV:include; undefined when the element holds none of them.
 */
export function propRequestOf(element: XmlElement): PropRequest | undefined {
  const prop = findChild(element, dav('prop'));
  if (prop) return { type: 'prop', names: childElements(prop).map((e) => e.name) };
  if (findChild(element, dav('propname'))) return { type: 'propname' };
  if (findChild(element, dav('allprop'))) {
    const include = findChild(element, dav('include'));
    return { type: 'allprop', include: include ? childElements(include).map((e) => e.name) : [] };
  }
  return undefined;
}

/** Properties only an administrator of the resource may read (RFC 3744 §5.5: DAV:acl needs read-acl). */
const ADMIN_ONLY = new Set<ClarkName>([dav('acl'), dav('inherited-acl-set')]);

export async function loadDeadProperties(ctx: DavContext, resources: readonly DavResource[]): Promise<Map<string, Map<string, XmlElement>>> {
  const paths = resources.filter((r) => r.kind === 'collection' || r.kind === 'resource').map((r) => r.path);
  const raw = await ctx.deps.store.properties.getForPaths(paths);
  const result = new Map<string, Map<string, XmlElement>>();
  for (const [path, props] of raw) {
    const parsed = new Map<string, XmlElement>();
    for (const [name, value] of props) parsed.set(name, deserializeDeadProperty(value));
    result.set(path, parsed);
  }
  return result;
}

/** Whether answering `request` can involve stored (dead, or writable live) property values. */
export function needsDeadProperties(registry: PropertyRegistry, request: PropRequest): boolean {
  if (request.type !== 'prop') return true;
  return request.names.some((name) => !registry.isLive(name) || registry.isWritable(name));
}

export async function computePropstats(
  ctx: DavContext,
  registry: PropertyRegistry,
  resource: DavResource,
  request: PropRequest,
  dead: ReadonlyMap<string, XmlElement>,
  extra?: (name: ClarkName) => Promise<PropertyValue | null> | PropertyValue | null,
): Promise<Propstat[]> {
  if (request.type === 'propname') {
    const names = new Set([...registry.namesFor(resource), ...dead.keys()]);
    return [{ status: 200, props: [...names].map((name) => el(name)) }];
  }
  const found: XmlElement[] = [];
  const missing: XmlElement[] = [];
  const forbidden: XmlElement[] = [];
  const names =
    request.type === 'allprop'
      ? [...new Set([...registry.allpropNames(resource), ...dead.keys(), ...request.include])]
      : request.names;
  for (const name of names) {
    if (ADMIN_ONLY.has(name) && !hasAccess(ctx, resource, 'admin')) {
      forbidden.push(el(name));
      continue;
    }
    const special = extra ? await extra(name) : null;
    if (special !== null && special !== undefined) {
      found.push(toPropElement(name, special));
      continue;
    }
    const def = registry.find(name, resource);
    let value: PropertyValue;
    if (def) value = await def.get({ ctx, resource, dead });
    else value = dead.has(name) ? { element: dead.get(name)! } : undefined;
    if (value === undefined) {
      if (request.type === 'prop') missing.push(el(name));
    } else {
      found.push(toPropElement(name, value));
    }
  }
  const propstats: Propstat[] = [];
  if (found.length > 0 || (missing.length === 0 && forbidden.length === 0)) propstats.push({ status: 200, props: found });
  if (forbidden.length > 0) propstats.push({ status: 403, props: forbidden });
  if (missing.length > 0) propstats.push({ status: 404, props: missing });
  return propstats;
}

export function toPropElement(name: ClarkName, value: Exclude<PropertyValue, undefined>): XmlElement {
  if (typeof value === 'object' && !Array.isArray(value) && 'element' in value) return value.element;
  return el(name, value as XmlNode | XmlNode[]);
}

export type { PropertyDef };
