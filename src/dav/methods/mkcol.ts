// MKCOL (RFC 4918 §9.3) with the extended body of RFC 5689, and MKCALENDAR (RFC 4791 §5.3.1):
// both create a collection and set its initial properties in one atomic write.
import { requireAccess } from '../../acl/check.ts';
import { mediaType, readBodyText } from '../../http/body.ts';
import { AlreadyExistsError, type CollectionKind } from '../../storage/index.ts';
import type { DavContext } from '../context.ts';
import { conditionError, conflict, DavError, methodNotAllowed, unsupportedMediaType } from '../errors.ts';
import { requireUnlocked } from '../locking.ts';
import { PROTECTED, serializeDeadProperty } from '../properties/registry.ts';
import type { DavServices } from '../services.ts';
import { childElements, el, findChild, type XmlElement } from '../xml/element.ts';
import { caldav, dav } from '../xml/names.ts';
import { parseXml } from '../xml/parse.ts';
import { toXml } from '../xml/serialize.ts';
import { statusLine } from '../multistatus.ts';

export async function handleMkcol(ctx: DavContext, services: DavServices, method: 'MKCOL' | 'MKCALENDAR'): Promise<Response> {
  const resource = ctx.resource;
  if (resource.kind !== 'missing') throw methodNotAllowed(['OPTIONS', 'PROPFIND', 'DELETE'], 'Something already exists at this URL (RFC 4918 §9.3.1)');
  const text = await readBodyText(ctx.request, ctx.deps.config.xml_max_size, `${method} body`);
  const parentResource = resource.parent ? ({ kind: 'collection', path: resource.parent.path, collection: resource.parent } as const) : null;
  const parent = parentResource ?? (await virtualParent(ctx, resource.path));
  if (!parent) throw conflict('The parent collection does not exist (RFC 4918 §9.3.1)');
  let kind: CollectionKind = method === 'MKCALENDAR' ? 'calendar' : 'folder';
  let properties: XmlElement[] = [];
  if (text.trim() !== '') {
    const type = mediaType(ctx.request.headers.get('content-type'));
    if (method === 'MKCOL' && type !== null && type !== 'application/xml' && type !== 'text/xml') {
      throw unsupportedMediaType('An MKCOL body must be XML (RFC 5689)');
    }
    const root = parseXml(text);
    const expected = method === 'MKCALENDAR' ? caldav('mkcalendar') : dav('mkcol');
    if (root.name !== expected) {
      if (method === 'MKCOL') throw unsupportedMediaType('MKCOL understands only a DAV:mkcol body (RFC 5689)');
      throw new DavError(400, undefined, 'The MKCALENDAR body must be a CALDAV:mkcalendar element');
    }
    properties = setProperties(root);
    const resourcetype = properties.find((p) => p.name === dav('resourcetype'));
    if (resourcetype) {
      kind = kindFromResourcetype(resourcetype);
      properties = properties.filter((p) => p !== resourcetype);
    }
  }
  if (!services.canContain(parent, kind)) {
    if (kind === 'calendar') throw conditionError({ name: '{urn:ietf:params:xml:ns:caldav}calendar-collection-location-ok' }, 'Calendars can only be created directly in a calendar home');
    throw new DavError(403, undefined, 'A collection of this kind cannot be created here');
  }
  if (resource.name.includes('.') && resource.area === 'calendars') {
    // Shared calendars appear in a sharee's home as "<owner>.<calendar>" (Cyrus), so names may not contain dots.
    throw new DavError(403, undefined, 'Calendar names may not contain "."');
  }
  requireAccess(ctx, { ...resource, parent: resource.parent }, 'make-collection');
  await requireUnlocked(ctx, resource.path, { membership: true });
  const failures = await validateInitial(ctx, services, resource.path, kind, properties);
  if (failures.length > 0) return failedCreation(method, properties, failures);
  const stored = new Map(properties.map((p) => [p.name, serializeDeadProperty(p)]));
  try {
    await ctx.deps.store.collections.create(
      { path: resource.path.endsWith('/') ? resource.path : `${resource.path}/`, parentPath: parent.path, owner: ownerOf(ctx, parent), kind, acl: services.initialAcl(ctx, kind, parent), properties: stored },
      ctx.deps.now(),
    );
  } catch (error) {
    if (error instanceof AlreadyExistsError) throw methodNotAllowed(['OPTIONS', 'PROPFIND', 'DELETE'], 'Something already exists at this URL');
    throw error;
  }
  return new Response(null, { status: 201, headers: { 'Cache-Control': 'no-cache' } });
}

function ownerOf(ctx: DavContext, parent: { kind: string; path: string; collection?: { owner: string | null } }): string | null {
  if (parent.collection) return parent.collection.owner;
  return parent.path === '/dav/calendars/' ? null : ctx.principal?.name ?? null;
}

async function virtualParent(ctx: DavContext, path: string) {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  const parentPath = trimmed.slice(0, trimmed.lastIndexOf('/') + 1);
  if (parentPath === '/dav/calendars/' && ctx.deps.config.httpmodules.has('caldav')) return { kind: 'virtual' as const, path: parentPath, name: 'calendars-root' as const };
  return null;
}

function setProperties(root: XmlElement): XmlElement[] {
  const set = findChild(root, dav('set'));
  if (!set) return [];
  const prop = findChild(set, dav('prop'));
  return prop ? childElements(prop) : [];
}

function kindFromResourcetype(element: XmlElement): CollectionKind {
  const types = childElements(element).map((c) => c.name);
  if (!types.includes(dav('collection'))) throw conditionError({ name: '{DAV:}valid-resourcetype' }, 'The resourcetype must include DAV:collection');
  const others = types.filter((t) => t !== dav('collection'));
  if (others.length === 0) return 'folder';
  if (others.length === 1 && others[0] === caldav('calendar')) return 'calendar';
  throw conditionError({ name: '{DAV:}valid-resourcetype' }, `Collections of type ${others.join(', ')} cannot be created`);
}

async function validateInitial(ctx: DavContext, services: DavServices, path: string, kind: CollectionKind, properties: XmlElement[]): Promise<{ name: string; message: string }[]> {
  const failures: { name: string; message: string }[] = [];
  const target = { kind: 'collection' as const, path, collection: { id: 0, path, parentPath: null, owner: null, kind, syncId: '', modseq: 0, acl: '', createdAt: 0, modifiedAt: 0 } };
  for (const property of properties) {
    const def = services.properties.find(property.name, target);
    // Creation may set the component set, which PROPPATCH may not (RFC 4791 §5.2.3).
    if (property.name === caldav('supported-calendar-component-set')) {
      if (childElements(property).length === 0) failures.push({ name: property.name, message: 'The component set must not be empty' });
      continue;
    }
    if (def?.write === 'protected') failures.push({ name: property.name, message: 'This property is protected' });
    else if (def) {
      const problem = await def.write(property, { ctx, resource: target, dead: new Map() });
      if (problem === PROTECTED) failures.push({ name: property.name, message: 'This property is protected' });
      else if (typeof problem === 'string') failures.push({ name: property.name, message: problem });
      else if (problem) failures.push({ name: property.name, message: problem.message });
    }
  }
  return failures;
}

/** RFC 4791 §5.3.1.2 / RFC 5689 §3.3: the refused properties and, as 424, the ones that failed with them. */
function failedCreation(method: string, properties: XmlElement[], failures: { name: string; message: string }[]): Response {
  const failed = new Set(failures.map((f) => f.name));
  const propstats = [
    ...failures.map((f) => ({ status: 403, props: [el(f.name)], message: f.message })),
    { status: 424, props: properties.filter((p) => !failed.has(p.name)).map((p) => el(p.name)), message: undefined },
  ].filter((p) => p.props.length > 0);
  const root = method === 'MKCALENDAR' ? caldav('mkcalendar-response') : dav('mkcol-response');
  const body = el(
    root,
    propstats.map((p) => el(dav('propstat'), [el(dav('prop'), p.props), el(dav('status'), statusLine(p.status)), p.message ? el(dav('responsedescription'), p.message) : null])),
  );
  return new Response(toXml(body), { status: 403, headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
}
