// PROPFIND (RFC 4918 §9.1), with Prefer: return=minimal and depth-noroot (RFC 8144).
import { requireAccess } from '../../acl/check.ts';
import { readBodyText } from '../../http/body.ts';
import { childPages } from '../children.ts';
import type { DavContext } from '../context.ts';
import { badRequest, conditionError, notFound } from '../errors.ts';
import { streamingMultistatus, type MultistatusItem } from '../multistatus.ts';
import { propertyResponses, propRequestOf, type PropRequest } from '../properties/compute.ts';
import type { PropertyRegistry } from '../properties/registry.ts';
import { childElements } from '../xml/element.ts';
import { dav } from '../xml/names.ts';
import { parseXml } from '../xml/parse.ts';
import { preferences } from '../prefer.ts';
import type { ListedResource } from '../resource.ts';

export async function handlePropfind(ctx: DavContext, registry: PropertyRegistry): Promise<Response> {
  const resource = ctx.resource;
  if (resource.kind === 'missing') throw notFound();
  requireAccess(ctx, resource, 'read');
  const depth = parseDepth(ctx.request.headers.get('depth'));
  const request = parsePropfindBody(await readBodyText(ctx.request, ctx.deps.config.xml_max_size, 'PROPFIND body'));
  const prefer = preferences(ctx.request);
  const respond = (targets: readonly ListedResource[]) => propertyResponses(ctx, registry, targets, request, prefer);
  // Members are read a page at a time as the response is sent: memory does not grow with the collection.
  async function* responses(): AsyncGenerator<MultistatusItem> {
    if (!(prefer.depthNoroot && depth === 1)) yield await respond([resource]);
    if (depth === 1) for await (const page of childPages(ctx, resource)) yield await respond(page);
  }
  const headers: Record<string, string> = { Vary: 'Brief, Prefer' };
  if (prefer.applied.length > 0) headers['Preference-Applied'] = prefer.applied.join(', ');
  return streamingMultistatus(responses(), () => [], headers, { path: resource.path, logger: ctx.deps.logger });
}

/** PROPFIND Depth: 0 or 1; infinity is refused as RFC 4918 §9.1 allows, and is the default. */
function parseDepth(header: string | null): 0 | 1 {
  const value = (header ?? 'infinity').trim().toLowerCase();
  if (value === '0') return 0;
  if (value === '1') return 1;
  if (value === 'infinity') throw conditionError({ name: '{DAV:}propfind-finite-depth' }, 'PROPFIND with Depth: infinity is not supported; use Depth: 0 or 1');
  throw badRequest(`Invalid Depth header "${header}"`);
}

const PROPFIND_CHOICES: ReadonlySet<string> = new Set([dav('prop'), dav('propname'), dav('allprop')]);

export function parsePropfindBody(text: string): PropRequest {
  if (text.trim() === '') return { type: 'allprop', include: [] };
  const root = parseXml(text);
  if (root.name !== dav('propfind')) throw badRequest('The PROPFIND body must be a DAV:propfind element');
  // RFC 4918 §14.20: ( propname | (allprop, include?) | prop ), so exactly one of the three.
  const choices = childElements(root).filter((child) => PROPFIND_CHOICES.has(child.name));
  if (choices.length > 1) throw badRequest('DAV:propfind must contain only one of prop, propname and allprop (RFC 4918 §14.20)');
  const request = propRequestOf(root);
  if (!request) throw badRequest('DAV:propfind must contain prop, propname or allprop');
  return request;
}
