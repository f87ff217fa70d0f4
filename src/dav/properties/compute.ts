// Property retrieval for PROPFIND and REPORTs: one resource at a time, dead properties prefetched
// per batch of resources so a Depth 1 listing stays at a constant number of queries.
import { hasAccess } from '../../acl/check.ts';
import { errorText, type DavContext } from '../context.ts';
import { badRequest } from '../errors.ts';
import type { MultistatusResponse, Propstat } from '../multistatus.ts';
import type { ListedResource } from '../resource.ts';
import { childElements, el, findChild, type XmlElement, type XmlNode } from '../xml/element.ts';
import { dav, type ClarkName } from '../xml/names.ts';
import { deserializeDeadProperty, type PropertyContext, type PropertyDef, type PropertyRegistry, type PropertyValue } from './registry.ts';

export type PropRequest =
  | { type: 'allprop'; include: ClarkName[] }
  | { type: 'propname' }
  /** `attributed`: the named elements that carry attributes (a form asked for by content-type). */
  | { type: 'prop'; names: ClarkName[]; attributed?: ReadonlyMap<ClarkName, XmlElement> };

/**
 * The properties a PROPFIND or REPORT body asks for (RFC 4918 §14.20): DAV:prop, DAV:propname, or
 * DAV:allprop with an optional DAV:include; undefined when the element holds none of them.
 */
export function propRequestOf(element: XmlElement): PropRequest | undefined {
  const prop = findChild(element, dav('prop'));
  if (prop) {
    const names = propNamesOf(prop);
    const attributed = new Map(childElements(prop).filter((child) => Object.keys(child.attributes).length > 0).map((child) => [child.name, child] as const));
    return attributed.size > 0 ? { type: 'prop', names, attributed } : { type: 'prop', names };
  }
  if (findChild(element, dav('propname'))) return { type: 'propname' };
  if (findChild(element, dav('allprop'))) {
    return { type: 'allprop', include: propNamesOf(findChild(element, dav('include'))) };
  }
  return undefined;
}

/**
 * Most distinct properties one request may name. Each is computed for every resource of the
 * answer: 100 of them over a 10,000-member collection is already a million values and about a
 * second of work. Clients name a few dozen at most (discovery on a calendar home), and two to
 * five when they list calendar objects.
 */
export const MAX_REQUESTED_PROPERTIES = 100;

/**
 * The property names a DAV:prop (or DAV:include) lists, each once, in order of first mention.
 * Every name is computed for every resource of the answer, so a name repeated thousands of times
 * would otherwise multiply the work of a whole listing (and the size of its answer) by as much.
 */
export function propNamesOf(prop: XmlElement | undefined): ClarkName[] {
  if (!prop) return [];
  const names = new Set<ClarkName>();
  for (const child of childElements(prop)) names.add(child.name);
  if (names.size > MAX_REQUESTED_PROPERTIES) {
    throw badRequest(`A request may name at most ${MAX_REQUESTED_PROPERTIES} different properties; this one names ${names.size}`);
  }
  return [...names];
}

/** Properties only an administrator of the resource may read (RFC 3744 §5.5: DAV:acl needs read-acl). */
const ADMIN_ONLY = new Set<ClarkName>([dav('acl'), dav('inherited-acl-set')]);

/** The dead properties of a resource that has none (shared: it is only ever read). */
export const NO_DEAD_PROPERTIES: ReadonlyMap<string, XmlElement> = new Map();

export async function loadDeadProperties(ctx: DavContext, resources: readonly ListedResource[]): Promise<Map<string, Map<string, XmlElement>>> {
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

/**
 * Whether answering `request` can involve stored (dead, or writable live) property values.
 * `computedHere`: names the caller answers itself rather than the registry (CALDAV:calendar-data
 * in reports), which are not stored either.
 */
export function needsDeadProperties(registry: PropertyRegistry, request: PropRequest, computedHere: ReadonlySet<ClarkName> = NOTHING_COMPUTED_HERE): boolean {
  if (request.type !== 'prop') return true;
  return request.names.some((name) => !computedHere.has(name) && (!registry.isLive(name) || registry.isWritable(name)));
}

const NOTHING_COMPUTED_HERE: ReadonlySet<ClarkName> = new Set();

/** The dead properties of `resources` by path, read only when `request` can name one. */
export async function deadPropertiesFor(
  ctx: DavContext,
  registry: PropertyRegistry,
  resources: readonly ListedResource[],
  request: PropRequest,
  computedHere?: ReadonlySet<ClarkName>,
): Promise<ReadonlyMap<string, ReadonlyMap<string, XmlElement>>> {
  return needsDeadProperties(registry, request, computedHere) ? loadDeadProperties(ctx, resources) : new Map();
}

/**
 * The responses of a page of resources to one property request, as PROPFIND and sync-collection
 * answer them: dead properties read for the page at once, and with Prefer: return=minimal the
 * properties a resource does not have left out (RFC 8144 §2.1).
 */
export async function propertyResponses(
  ctx: DavContext,
  registry: PropertyRegistry,
  resources: readonly ListedResource[],
  request: PropRequest,
  options: { returnMinimal: boolean },
): Promise<MultistatusResponse[]> {
  const dead = await deadPropertiesFor(ctx, registry, resources, request);
  const page: MultistatusResponse[] = [];
  for (const resource of resources) {
    const computed = computePropstats(ctx, registry, resource, request, dead.get(resource.path) ?? NO_DEAD_PROPERTIES);
    const propstats = computed instanceof Promise ? await computed : computed;
    page.push({ path: resource.path, propstats: options.returnMinimal ? propstats.filter((p) => p.status !== 404) : propstats });
  }
  return page;
}

/**
 * The propstats of one resource. Most values are computed synchronously, and so is the answer
 * then: a listing calls this per member, and a promise per member and property costs a turn of
 * the microtask queue each. The values that are promises are awaited together.
 */
export function computePropstats(
  ctx: DavContext,
  registry: PropertyRegistry,
  resource: ListedResource,
  request: PropRequest,
  dead: ReadonlyMap<string, XmlElement>,
  extra?: (name: ClarkName) => Promise<PropertyValue | null> | PropertyValue | null,
): Propstat[] | Promise<Propstat[]> {
  if (request.type === 'propname') {
    const names = new Set([...registry.namesFor(resource), ...dead.keys()]);
    return [{ status: 200, props: [...names].map((name) => el(name)) }];
  }
  const names =
    request.type === 'allprop'
      ? [...new Set([...registry.allpropNames(resource), ...dead.keys(), ...request.include])]
      : request.names;
  const outcomes: (PropertyOutcome | Promise<PropertyOutcome>)[] = [];
  let pending = false;
  for (const name of names) {
    const outcome = propertyOutcome(ctx, registry, resource, request, dead, name, extra);
    if (outcome instanceof Promise) pending = true;
    outcomes.push(outcome);
  }
  return pending ? Promise.all(outcomes).then((settled) => propstatsOf(request, names, settled)) : propstatsOf(request, names, outcomes as PropertyOutcome[]);
}

/** Refused to this principal (DAV:acl without read-acl), or failed while computed. */
const FORBIDDEN: unique symbol = Symbol('forbidden');
const FAILED: unique symbol = Symbol('failed');
type PropertyOutcome = PropertyValue | typeof FORBIDDEN | typeof FAILED;

function propertyOutcome(
  ctx: DavContext,
  registry: PropertyRegistry,
  resource: ListedResource,
  request: PropRequest,
  dead: ReadonlyMap<string, XmlElement>,
  name: ClarkName,
  extra: ((name: ClarkName) => Promise<PropertyValue | null> | PropertyValue | null) | undefined,
): PropertyOutcome | Promise<PropertyOutcome> {
  if (ADMIN_ONLY.has(name) && !hasAccess(ctx, resource, 'admin')) return FORBIDDEN;
  try {
    const requested = request.type === 'prop' ? request.attributed?.get(name) : undefined;
    const computed = propertyValue({ ctx, resource, dead, requested }, registry, name, extra);
    return computed instanceof Promise ? computed.catch((error: unknown) => propertyFailed(ctx, resource, name, error)) : computed;
  } catch (error) {
    return propertyFailed(ctx, resource, name, error);
  }
}

/**
 * A property that cannot be computed (calendar data an older version stored, say) fails on its
 * own with 500: the resource's other properties, and the rest of a streamed multistatus whose
 * status line is already sent, are still answered.
 */
function propertyFailed(ctx: DavContext, resource: ListedResource, name: ClarkName, error: unknown): typeof FAILED {
  ctx.deps.logger.error('A property could not be computed', { href: resource.path, property: name, error: errorText(error) });
  return FAILED;
}

function propstatsOf(request: PropRequest, names: readonly ClarkName[], outcomes: readonly PropertyOutcome[]): Propstat[] {
  const found: XmlElement[] = [];
  // The other outcomes are rare: their lists are made when first needed (this runs per member).
  let missing: XmlElement[] | undefined;
  let forbidden: XmlElement[] | undefined;
  let failed: XmlElement[] | undefined;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const outcome = outcomes[i];
    if (outcome === FORBIDDEN) (forbidden ??= []).push(el(name));
    else if (outcome === FAILED) (failed ??= []).push(el(name));
    else if (outcome !== undefined) found.push(toPropElement(name, outcome));
    else if (request.type === 'prop') (missing ??= []).push(el(name));
  }
  const propstats: Propstat[] = [];
  if (found.length > 0 || (!missing && !forbidden && !failed)) propstats.push({ status: 200, props: found });
  if (forbidden) propstats.push({ status: 403, props: forbidden });
  if (missing) propstats.push({ status: 404, props: missing });
  if (failed) propstats.push({ status: 500, props: failed });
  return propstats;
}

/** A property's value from the caller's `extra`, else its live definition, else the dead property store. */
function propertyValue(
  pc: PropertyContext,
  registry: PropertyRegistry,
  name: ClarkName,
  extra: ((name: ClarkName) => Promise<PropertyValue | null> | PropertyValue | null) | undefined,
): PropertyValue | Promise<PropertyValue> {
  const special = extra ? extra(name) : null;
  if (special instanceof Promise) return special.then((value) => (value !== null && value !== undefined ? value : ownValue(pc, registry, name)));
  if (special !== null && special !== undefined) return special;
  return ownValue(pc, registry, name);
}

function ownValue(pc: PropertyContext, registry: PropertyRegistry, name: ClarkName): PropertyValue | Promise<PropertyValue> {
  const def = registry.find(name, pc.resource);
  if (def) return def.get(pc);
  return pc.dead.has(name) ? { element: pc.dead.get(name)! } : undefined;
}

export function toPropElement(name: ClarkName, value: Exclude<PropertyValue, undefined>): XmlElement {
  if (typeof value === 'object' && !Array.isArray(value) && 'element' in value) return value.element;
  return el(name, value as XmlNode | XmlNode[]);
}

export type { PropertyDef };
