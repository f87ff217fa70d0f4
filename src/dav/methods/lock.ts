// LOCK and UNLOCK (RFC 4918 §9.10, §9.11): exclusive and shared write locks, depth 0 or
// infinity, stored in the database; a LOCK on an unmapped URL creates an empty resource (§7.3).
import { hasAccess, requireAccess } from '../../acl/check.ts';
import { readBodyText } from '../../http/body.ts';
import type { LockRecord } from '../../storage/index.ts';
import type { DavContext } from '../context.ts';
import { badRequest, conditionError, conflict, DavError, notFound, preconditionFailed } from '../errors.ts';
import { requestLockTokens } from '../locking.ts';
import { encodePath } from '../path.ts';
import { childElements, el, findChild, type XmlElement } from '../xml/element.ts';
import { dav } from '../xml/names.ts';
import { parseXml } from '../xml/parse.ts';
import { toXml } from '../xml/serialize.ts';
import { deserializeDeadProperty, serializeDeadProperty } from '../properties/registry.ts';
import type { CreateEmptyResource } from './put.ts';

const DEFAULT_TIMEOUT_SECONDS = 3600;
const MAX_TIMEOUT_SECONDS = 7 * 86400;

export async function handleLock(ctx: DavContext, createEmpty: CreateEmptyResource): Promise<Response> {
  let resource = ctx.resource;
  const body = await readBodyText(ctx.request, ctx.deps.config.xml_max_size, 'LOCK body');
  const timeoutSeconds = parseTimeout(ctx.request.headers.get('timeout'));
  const now = ctx.deps.now();
  if (body.trim() === '') return refreshLock(ctx, timeoutSeconds, now);

  const info = parseLockinfo(body);
  const depthHeader = (ctx.request.headers.get('depth') ?? 'infinity').toLowerCase();
  if (depthHeader !== '0' && depthHeader !== 'infinity') throw badRequest('LOCK Depth must be 0 or infinity');
  const depthInfinity = depthHeader === 'infinity' && (resource.kind === 'collection' || resource.kind === 'virtual');
  if (resource.kind === 'virtual' || resource.kind === 'principal') throw new DavError(405, undefined, 'This resource cannot be locked', { Allow: 'OPTIONS, PROPFIND' });

  if (resource.kind === 'missing' && !resource.parent) throw conflict('The parent collection does not exist (RFC 4918 §9.10.4)');
  requireAccess(ctx, resource, 'write-content');
  const existing = await ctx.deps.store.locks.covering(resource.path, now, depthInfinity);
  const conflicting = existing.filter((lock) => lock.exclusive || info.exclusive);
  if (conflicting.length > 0) {
    throw conditionError({ name: '{DAV:}no-conflicting-lock', hrefs: [...new Set(conflicting.map((l) => encodePath(l.path)))] }, 'The resource is already locked');
  }
  let created = false;
  if (resource.kind === 'missing') {
    await createEmpty(ctx, resource);
    created = true;
  }
  const lock: LockRecord = {
    token: `opaquelocktoken:${crypto.randomUUID()}`,
    path: resource.path,
    depthInfinity,
    exclusive: info.exclusive,
    ownerXml: info.owner ? serializeDeadProperty(info.owner) : null,
    principal: ctx.principal?.name ?? null,
    timeoutSeconds,
    expiresAt: now + timeoutSeconds * 1000,
  };
  await ctx.deps.store.locks.create(lock, now);
  return lockResponse(lock, created ? 201 : 200, true);
}

export async function handleUnlock(ctx: DavContext): Promise<Response> {
  const resource = ctx.resource;
  if (resource.kind === 'missing') throw notFound();
  const header = ctx.request.headers.get('lock-token');
  const token = header?.trim().replace(/^<(.*)>$/, '$1');
  if (!token) throw badRequest('UNLOCK needs a Lock-Token header');
  // Whether a token locks the resource is for those who may unlock something here to learn.
  if (!hasAccess(ctx, resource, 'unlock-any')) requireAccess(ctx, resource, 'write-content');
  const now = ctx.deps.now();
  const covering = await ctx.deps.store.locks.covering(resource.path, now);
  const lock = covering.find((l) => l.token === token);
  if (!lock) throw conditionError({ name: '{DAV:}lock-token-matches-request-uri' }, 'That lock token does not lock this resource');
  // The seed's UNLOCK rows: the lock's owner needs `i` like any writer; removing anybody else's
  // lock is DAV:unlock, part of CY:admin (`a`).
  requireAccess(ctx, resource, lock.principal !== null && lock.principal === ctx.principal?.name ? 'write-content' : 'unlock-any');
  await ctx.deps.store.locks.delete(token);
  return new Response(null, { status: 204 });
}

export function activeLockElement(lock: LockRecord): XmlElement {
  return el(dav('activelock'), [
    el(dav('locktype'), el(dav('write'))),
    el(dav('lockscope'), el(dav(lock.exclusive ? 'exclusive' : 'shared'))),
    el(dav('depth'), lock.depthInfinity ? 'infinity' : '0'),
    lock.ownerXml ? deserializeDeadProperty(lock.ownerXml) : null,
    el(dav('timeout'), `Second-${lock.timeoutSeconds}`),
    el(dav('locktoken'), el(dav('href'), lock.token)),
    el(dav('lockroot'), el(dav('href'), encodePath(lock.path))),
  ]);
}

async function refreshLock(ctx: DavContext, timeoutSeconds: number, now: number): Promise<Response> {
  if (ctx.resource.kind === 'missing') throw preconditionFailed('No lock to refresh on an unmapped URL');
  requireAccess(ctx, ctx.resource, 'write-content');
  const tokens = requestLockTokens(ctx);
  if (tokens.size === 0) throw badRequest('A LOCK refresh needs the lock token in an If header');
  const covering = await ctx.deps.store.locks.covering(ctx.resource.path, now);
  const lock = covering.find((l) => tokens.has(l.token));
  if (!lock) throw preconditionFailed('None of the submitted lock tokens locks this resource');
  await ctx.deps.store.locks.refresh(lock.token, timeoutSeconds, now + timeoutSeconds * 1000);
  return lockResponse({ ...lock, timeoutSeconds }, 200, false);
}

function lockResponse(lock: LockRecord, status: number, withTokenHeader: boolean): Response {
  const headers: Record<string, string> = { 'Content-Type': 'application/xml; charset=utf-8' };
  if (withTokenHeader) headers['Lock-Token'] = `<${lock.token}>`;
  const body = el(dav('prop'), el(dav('lockdiscovery'), activeLockElement(lock)));
  return new Response(toXml(body), { status, headers });
}

function parseLockinfo(text: string): { exclusive: boolean; owner: XmlElement | undefined } {
  const root = parseXml(text);
  if (root.name !== dav('lockinfo')) throw badRequest('The LOCK body must be a DAV:lockinfo element');
  const scope = findChild(root, dav('lockscope'));
  const scopeValue = scope ? childElements(scope)[0]?.name : undefined;
  if (scopeValue !== dav('exclusive') && scopeValue !== dav('shared')) throw badRequest('DAV:lockscope must be exclusive or shared');
  const type = findChild(root, dav('locktype'));
  if (!type || !findChild(type, dav('write'))) throw badRequest('Only write locks are supported');
  return { exclusive: scopeValue === dav('exclusive'), owner: findChild(root, dav('owner')) };
}

function parseTimeout(header: string | null): number {
  if (!header) return DEFAULT_TIMEOUT_SECONDS;
  for (const part of header.split(',').map((p) => p.trim())) {
    if (/^infinite$/i.test(part)) return MAX_TIMEOUT_SECONDS;
    const match = /^Second-(\d+)$/i.exec(part);
    if (match) return Math.min(Math.max(Number(match[1]), 1), MAX_TIMEOUT_SECONDS);
  }
  return DEFAULT_TIMEOUT_SECONDS;
}
