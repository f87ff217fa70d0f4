// Lock enforcement and If-header evaluation (RFC 4918 §6, §7, §10.4): a write to a locked
// resource needs one of the covering locks' tokens in the If header, else 423.
import type { LockRecord } from '../storage/index.ts';
import type { DavContext } from './context.ts';
import type { ResourceView } from './resource.ts';
import type { DavServices } from './services.ts';
import { conditionError, preconditionFailed } from './errors.ts';
import { evaluateIf, parseIfHeader, submittedTokens, type ResourceState } from './if-header.ts';
import { encodePath, hrefToPath, parentPath } from './path.ts';
import { collectionEtag } from './properties/webdav.ts';
import { resolveResource } from './resolve.ts';

/**
 * Evaluates the If header, if any (412 when no list holds). Runs once per request, before the
 * handler. Each resource it names is judged as the principal may know it (`visible`): what they
 * may not see has no entity tag and no locks, exactly like a URL that maps to nothing.
 */
export async function checkIfHeader(ctx: DavContext, requestView: ResourceView, visible: DavServices['visible']): Promise<void> {
  const header = ctx.request.headers.get('if');
  if (!header) return;
  const lists = parseIfHeader(header);
  const now = ctx.deps.now();
  const states = new Map<string | null, ResourceState>();
  for (const tag of new Set(lists.map((l) => l.resourceTag))) {
    const path = tag === null ? ctx.resource.path : hrefToPath(tag, ctx.url);
    if (path === null) {
      states.set(tag, { etag: null, lockTokens: new Set() });
      continue;
    }
    const view = tag === null ? requestView : await viewOf(ctx, visible, encodePath(path));
    states.set(tag, await stateOf(ctx, view, now));
  }
  if (!evaluateIf(lists, (tag) => states.get(tag)!)) throw preconditionFailed('The If header conditions are not met');
}

export function requestLockTokens(ctx: DavContext): Set<string> {
  const header = ctx.request.headers.get('if');
  return header ? submittedTokens(parseIfHeader(header)) : new Set();
}

/**
 * Refuses (423 lock-token-submitted) a change to `path` covered by a lock whose token was not
 * submitted. `membership` also checks the parent collection, whose member list changes when a
 * resource is created, deleted or moved; `descendants` checks locks below a collection.
 */
export async function requireUnlocked(ctx: DavContext, path: string, options: { membership?: boolean; descendants?: boolean } = {}): Promise<void> {
  const now = ctx.deps.now();
  const parent = options.membership && path !== '/' ? parentPath(path) : undefined;
  const locks: LockRecord[] = await ctx.deps.store.locks.covering(path, now, options.descendants ?? false, parent);
  if (locks.length === 0) return;
  const tokens = requestLockTokens(ctx);
  const blocking = locks.filter((lock) => !tokens.has(lock.token));
  if (blocking.length === 0) return;
  throw conditionError({ name: '{DAV:}lock-token-submitted', hrefs: [...new Set(blocking.map((l) => encodePath(l.path)))] }, 'The resource is locked and no matching lock token was submitted');
}

// --- Internal helpers ---

async function viewOf(ctx: DavContext, visible: DavServices['visible'], pathname: string): Promise<ResourceView> {
  return visible(ctx, await resolveResource(ctx.deps.store, ctx.deps.config, pathname), pathname);
}

async function stateOf(ctx: DavContext, view: ResourceView, now: number): Promise<ResourceState> {
  if (view.hidden) return { etag: null, lockTokens: new Set() };
  const resource = view.resource;
  const etag = resource.kind === 'resource' ? resource.meta.etag : resource.kind === 'collection' ? collectionEtag(resource.collection) : null;
  let locks = await ctx.deps.store.locks.covering(resource.path, now);
  // Where nothing is (as far as the principal knows), only locks on collections above count: a lock
  // rooted at the path itself would be on something they may not see.
  if (resource.kind === 'missing') locks = locks.filter((lock) => isAbove(lock.path, resource.path));
  return { etag, lockTokens: new Set(locks.map((l) => l.token)) };
}

function isAbove(collectionPath: string, path: string): boolean {
  const asCollection = path.endsWith('/') ? path : `${path}/`;
  return collectionPath.endsWith('/') && collectionPath !== asCollection && asCollection.startsWith(collectionPath);
}
