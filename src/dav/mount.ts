// The DAV dispatcher: authentication, first-login provisioning, path resolution, the principal's
// view of the target and the If header run once here; then a table maps the method to its handler.
import { hasAccess } from '../acl/check.ts';
import type { Authenticator } from '../http/auth.ts';
import type { AppDeps, DavContext, Principal } from './context.ts';
import { DavError, methodNotAllowed, notFound } from './errors.ts';
import { checkIfHeader } from './locking.ts';
import { handleCopyMove } from './methods/copy-move.ts';
import { handleDelete } from './methods/delete.ts';
import { handleGetHead, type CollectionRenderer } from './methods/get-head.ts';
import { handleLock, handleUnlock } from './methods/lock.ts';
import { handleMkcol } from './methods/mkcol.ts';
import { handleOptions, allowedMethods } from './methods/options.ts';
import { handlePatch } from './methods/patch.ts';
import { handlePost } from './methods/post.ts';
import { handlePropfind } from './methods/propfind.ts';
import { handleProppatch } from './methods/proppatch.ts';
import { handlePut, type CreateEmptyResource } from './methods/put.ts';
import { handleReport } from './methods/report.ts';
import { resolveResource } from './resolve.ts';
import type { DavResource } from './resource.ts';
import type { DavServices } from './services.ts';

export type MethodHandler = (ctx: DavContext) => Promise<Response> | Response;

export interface DavMountOptions {
  deps: AppDeps;
  services: DavServices;
  authenticator: Authenticator;
  provision: (principal: Principal) => Promise<void>;
  renderCollection: CollectionRenderer;
  createEmpty: CreateEmptyResource;
  /** Extra methods from the areas (ACL). */
  extraMethods?: Record<string, MethodHandler>;
}

/** Methods an anonymous client may use; the ACL then decides (Cyrus `http_allow_noauth_get`). */
const ANONYMOUS_METHODS = new Set(['GET', 'HEAD']);
/**
 * Read methods an anonymous client may also use, but only on a resource whose ACL lets anonymous
 * users read it (a public calendar with `anyone lr`), so that it can be subscribed to without an
 * account. Anywhere else they are challenged, because clients send their first PROPFIND without
 * credentials and expect a 401 to learn that they must log in.
 */
const ANONYMOUS_READ_METHODS = new Set(['PROPFIND', 'REPORT']);

/** The handler of every DAV path; `clientAddress` is where the request came from (login throttling). */
export function createDavHandler(options: DavMountOptions): (request: Request, clientAddress?: string) => Promise<Response> {
  const { services, deps } = options;
  const handlers: Record<string, MethodHandler> = {
    OPTIONS: (ctx) => handleOptions(ctx, services, acceptPatchOf(services, ctx.resource)),
    GET: (ctx) => handleGetHead(ctx, options.renderCollection),
    HEAD: (ctx) => handleGetHead(ctx, options.renderCollection),
    PROPFIND: (ctx) => handlePropfind(ctx, services.properties),
    PROPPATCH: (ctx) => handleProppatch(ctx, services.properties),
    PUT: (ctx) => handlePut(ctx, services),
    PATCH: (ctx) => handlePatch(ctx, services),
    DELETE: (ctx) => handleDelete(ctx, services),
    MKCOL: (ctx) => handleMkcol(ctx, services, 'MKCOL'),
    MKCALENDAR: (ctx) => handleMkcol(ctx, services, 'MKCALENDAR'),
    COPY: (ctx) => handleCopyMove(ctx, services, 'copy'),
    MOVE: (ctx) => handleCopyMove(ctx, services, 'move'),
    LOCK: (ctx) => handleLock(ctx, options.createEmpty),
    UNLOCK: handleUnlock,
    REPORT: (ctx) => handleReport(ctx, services),
    POST: (ctx) => handlePost(ctx, services),
    ...options.extraMethods,
  };
  return async (request, clientAddress) => {
    let method = request.method.toUpperCase();
    // Proxies and platforms that refuse unknown methods (Cloudflare's runtime refuses MKCALENDAR) can tunnel it.
    const override = request.headers.get('x-http-method-override')?.toUpperCase();
    if (method === 'POST' && override === 'MKCALENDAR') method = override;
    const principal = await options.authenticator.authenticate(request, clientAddress);
    if (!principal && !ANONYMOUS_METHODS.has(method) && !ANONYMOUS_READ_METHODS.has(method)) throw options.authenticator.challenge();
    if (principal) await options.provision(principal);
    const url = new URL(request.url);
    const resolved = await resolveResource(deps.store, deps.config, url.pathname);
    // From here on, preconditions and handlers see only what the principal may know of the target.
    const view = await services.visible({ request, url, deps, principal, resource: resolved, freeBusyTarget: null }, resolved, url.pathname);
    const ctx: DavContext = { request, url, deps, principal, resource: view.resource, freeBusyTarget: view.freeBusyTarget };
    // Anonymous requests for anything not shown to them are challenged, so that clients learn to log in.
    if (!principal && (view.hidden || (ctx.resource.kind === 'missing' && !ctx.resource.parent))) throw options.authenticator.challenge();
    // A hidden target gets 404, what a URL that maps to nothing gets (RFC 9110 §15.5.5). It is the
    // only answer that can match real absence: a missing member of a collection the principal may
    // read must be 404, and a 403 need-privileges would name a collection they may not know of.
    // Only a free-busy-query goes on, for right 9 (free-busy-query.ts), and without an If header:
    // busy time is all that right gives, not the collection's state.
    if (view.hidden && !(method === 'REPORT' && view.freeBusyTarget && !request.headers.has('if'))) throw notFound();
    if (!principal && ANONYMOUS_READ_METHODS.has(method) && !hasAccess(ctx, ctx.resource, 'read')) throw options.authenticator.challenge();
    const handler = handlers[method];
    if (!handler) throw methodNotAllowed(allowedMethods(ctx.resource, services), `${method} is not supported`);
    await checkIfHeader(ctx, view, services.visible);
    return handler(ctx);
  };
}

export { DavError };

// --- Internal helpers ---

/** Accept-Patch for a member resource, or for a collection whose members can be patched. */
function acceptPatchOf(services: DavServices, resource: DavResource): string | null {
  const kind = resource.kind === 'collection' || resource.kind === 'resource' ? resource.collection.kind : null;
  return kind ? (services.patchFormat?.(kind)?.acceptPatch ?? null) : null;
}
