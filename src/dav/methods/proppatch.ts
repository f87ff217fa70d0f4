// PROPPATCH (RFC 4918 §9.2): instructions applied in document order, all or nothing. A refused
// property fails the request (403/409), and every other property is reported 424.
import { requireAccess } from '../../acl/check.ts';
import { readBodyText } from '../../http/body.ts';
import { collectionExists } from '../../storage/index.ts';
import type { DavContext } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { requireUnlocked } from '../locking.ts';
import { multistatusResponse, type Propstat } from '../multistatus.ts';
import { loadDeadProperties } from '../properties/compute.ts';
import { PROTECTED, serializeDeadProperty, type PropertyContext, type PropertyDef, type PropertyRegistry, type WriteCheck } from '../properties/registry.ts';
import { childElements, el, type XmlElement } from '../xml/element.ts';
import { dav, orrery } from '../xml/names.ts';
import { MAX_XML_DEPTH, parseXml } from '../xml/parse.ts';
import { preferences } from '../prefer.ts';

interface Instruction {
  action: 'set' | 'remove';
  property: XmlElement;
}

export async function handleProppatch(ctx: DavContext, registry: PropertyRegistry): Promise<Response> {
  const resource = ctx.resource;
  if (resource.kind === 'missing') throw notFound();
  if (resource.kind !== 'collection' && resource.kind !== 'resource') {
    throw badRequest('Properties of this resource cannot be changed');
  }
  requireAccess(ctx, resource, 'write-properties');
  await requireUnlocked(ctx, resource.path);
  const instructions = parseProppatch(await readBodyText(ctx.request, ctx.deps.config.xml_max_size, 'PROPPATCH body'));
  const dead = (await loadDeadProperties(ctx, [resource])).get(resource.path) ?? new Map();
  const failures = new Map<string, { status: number; error?: XmlElement[] }>();
  const set = new Map<string, string>();
  const removed = new Set<string>();
  // A property's check depends only on the instruction and the stored state, so an instruction
  // repeated (a body can hold thousands) is checked once; the order of sets and removals still counts.
  const checked = new Map<string, WriteCheck>();
  for (const { action, property } of instructions) {
    const def = registry.find(property.name, resource);
    const serialized = action === 'set' ? serializeDeadProperty(property) : '';
    const key = `${action} ${property.name} ${serialized}`;
    let problem = checked.get(key);
    if (problem === undefined) {
      problem = action === 'set' && depthOf(property) > MAX_VALUE_DEPTH
        ? `The value of ${property.name} nests more than ${MAX_VALUE_DEPTH} levels; a PROPFIND answer could not carry it back within the XML depth this server reads`
        : await checkInstruction(def, action, property, { ctx, resource, dead });
      checked.set(key, problem);
    }
    if (problem === PROTECTED) {
      failures.set(property.name, { status: 403, error: [el(dav('cannot-modify-protected-property'))] });
      continue;
    }
    if (typeof problem === 'string') {
      failures.set(property.name, { status: 409, error: [el(orrery('message'), problem)] });
      continue;
    }
    if (problem !== null) {
      failures.set(property.name, { status: 403, error: [el(problem.condition), el(orrery('message'), problem.message)] });
      continue;
    }
    if (action === 'set') {
      set.set(property.name, serialized);
      removed.delete(property.name);
    } else {
      set.delete(property.name);
      removed.add(property.name);
    }
  }
  const names = [...new Set(instructions.map((i) => i.property.name))];
  const propstats: Propstat[] = [];
  if (failures.size > 0) {
    for (const [name, failure] of failures) {
      propstats.push({ status: failure.status, props: [el(name)], ...(failure.error ? { error: failure.error } : {}) });
    }
    const dependent = names.filter((name) => !failures.has(name));
    if (dependent.length > 0) propstats.push({ status: 424, props: dependent.map((name) => el(name)) });
  } else {
    const collectionId = resource.kind === 'collection' ? resource.collection.id : undefined;
    await ctx.deps.store.properties.patch(resource.path, set, [...removed], {
      ...(collectionId === undefined ? {} : { bumpCollectionId: collectionId }),
      mustExist: collectionExists(resource.kind === 'collection' ? resource.path : resource.collection.path),
      now: ctx.deps.now(),
    });
    if (preferences(ctx.request).returnMinimal) return new Response(null, { status: 200, headers: { 'Preference-Applied': 'return=minimal' } });
    propstats.push({ status: 200, props: names.map((name) => el(name)) });
  }
  return multistatusResponse([{ path: resource.path, propstats }]);
}

/** What the property's definition says about the instruction: null when it may be applied. */
async function checkInstruction(def: PropertyDef | undefined, action: Instruction['action'], property: XmlElement, context: PropertyContext): Promise<WriteCheck> {
  if (def?.write === 'protected') return PROTECTED;
  return def && action === 'set' ? await def.write(property, context) : null;
}

function parseProppatch(text: string): Instruction[] {
  if (text.trim() === '') throw badRequest('PROPPATCH needs a DAV:propertyupdate body');
  const root = parseXml(text);
  if (root.name !== dav('propertyupdate')) throw badRequest('The PROPPATCH body must be a DAV:propertyupdate element');
  const instructions: Instruction[] = [];
  for (const child of childElements(root)) {
    if (child.name !== dav('set') && child.name !== dav('remove')) continue;
    const action = child.name === dav('set') ? 'set' : 'remove';
    for (const prop of childElements(child).filter((e) => e.name === dav('prop'))) {
      for (const property of childElements(prop)) instructions.push({ action, property });
    }
  }
  if (instructions.length === 0) throw badRequest('DAV:propertyupdate contains no property to set or remove');
  return instructions;
}

/**
 * Deepest property value stored: a PROPFIND answer wraps it in multistatus, response, propstat and
 * prop, and the server must be able to read back what it writes (the same parser limit as requests).
 */
const MAX_VALUE_DEPTH = MAX_XML_DEPTH - 8;

/** Levels of elements in a value (an element with no element children is 1), without recursion. */
function depthOf(root: XmlElement): number {
  let deepest = 0;
  const stack: [XmlElement, number][] = [[root, 1]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [element, depth] = next;
    deepest = Math.max(deepest, depth);
    for (const child of childElements(element)) stack.push([child, depth + 1]);
  }
  return deepest;
}
