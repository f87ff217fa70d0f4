// DAV:sync-collection (RFC 6578): members changed since a token, with tombstones as 404 responses,
// DAV:limit truncation (507 + a token to continue), and valid-sync-token for stale or foreign tokens.
import { requireAccess } from '../../acl/check.ts';
import type { DavContext } from '../context.ts';
import { badRequest, conditionError } from '../errors.ts';
import type { MultistatusResponse } from '../multistatus.ts';
import { streamingMultistatus } from '../multistatus.ts';
import { computePropstats, loadDeadProperties, needsDeadProperties, propNamesOf } from '../properties/compute.ts';
import { syncToken } from '../properties/webdav.ts';
import type { DavResource } from '../resource.ts';
import type { ResourceMeta } from '../../storage/index.ts';
import { el, findChild, textContent } from '../xml/element.ts';
import { dav } from '../xml/names.ts';
import type { ReportDef } from './registry.ts';

export const SYNC_COLLECTION: ReportDef = {
  name: dav('sync-collection'),
  async run(ctx, body, services) {
    const resource = ctx.resource;
    if (resource.kind !== 'collection') throw conditionError({ name: '{DAV:}supported-report' }, 'sync-collection works on collections only');
    requireAccess(ctx, resource, 'read');
    const depth = ctx.request.headers.get('depth');
    // RFC 6578 §3.3 asks for Depth: 0 (the body's sync-level says how deep); early clients sent 1.
    if (depth !== null && depth.trim() !== '1' && depth.trim() !== '0') throw badRequest('sync-collection takes Depth: 0 (RFC 6578 §3.3); the DAV:sync-level element sets how deep it goes');
    const level = textContent(findChild(body, dav('sync-level')) ?? el(dav('sync-level'), '1')).trim();
    if (level !== '1') throw conditionError({ name: '{DAV:}supported-report' }, 'Only sync-level 1 is supported');
    const prop = findChild(body, dav('prop'));
    const names = propNamesOf(prop);
    const limitElement = findChild(body, dav('limit'));
    const limit = limitElement ? parseLimit(textContent(findChild(limitElement, dav('nresults')) ?? limitElement)) : undefined;
    const collection = resource.collection;
    const since = parseToken(textContent(findChild(body, dav('sync-token')) ?? el(dav('sync-token'))).trim(), collection);
    const store = ctx.deps.store;
    const request = { type: 'prop' as const, names };
    const wantsDead = needsDeadProperties(services.properties, request);
    async function* respond(members: readonly DavResource[]): AsyncGenerator<MultistatusResponse> {
      const dead = wantsDead ? await loadDeadProperties(ctx, members) : new Map();
      for (const member of members) {
        yield { path: member.path, propstats: await computePropstats(ctx, services.properties, member, request, dead.get(member.path) ?? new Map()) };
      }
    }
    const asMember = (meta: ResourceMeta): DavResource => ({ kind: 'resource', path: collection.path + meta.name, collection, name: meta.name, meta });
    const token = (modseq: number) => [el(dav('sync-token'), syncToken({ syncId: collection.syncId, modseq }))];
    const failure = { path: resource.path, logger: ctx.deps.logger };
    if (since === 0 && limit === undefined) {
      // A whole initial sync: the members a page at a time, as the response is sent. The token is
      // the state read before the first page, so whatever changes meanwhile is in the next sync.
      async function* everything(): AsyncGenerator<MultistatusResponse> {
        for await (const metas of store.resources.iterateMeta(collection.id)) yield* respond(metas.map(asMember));
      }
      return streamingMultistatus(everything(), () => token(collection.modseq), {}, failure);
    }
    const fetched = await store.resources.changesSince(collection.id, since, limit === undefined ? undefined : limit + 1);
    // RFC 6578 §3.4: an initial sync lists the members only, never removed ones.
    const changes = since === 0 ? fetched.filter((c) => !c.deleted) : fetched;
    const truncated = limit !== undefined && fetched.length > limit;
    const page = truncated ? changes.slice(0, limit) : changes;
    const live = page.filter((c) => !c.deleted).map((c) => c.name);
    const metas = new Map((await store.resources.getManyMeta(collection.id, live)).map((r) => [r.name, r]));
    const members = live.flatMap((name) => {
      const meta = metas.get(name);
      return meta ? [asMember(meta)] : [];
    });
    const nextModseq = truncated ? page[page.length - 1]!.modseq : collection.modseq;
    async function* responses(): AsyncGenerator<MultistatusResponse> {
      yield* respond(members);
      for (const change of page) if (change.deleted) yield { path: collection.path + change.name, status: 404 };
      if (truncated) yield { path: collection.path, status: 507, error: el(dav('number-of-matches-within-limits')) };
    }
    return streamingMultistatus(responses(), () => token(nextModseq), {}, failure);
  },
};

function parseToken(token: string, collection: { syncId: string; modseq: number }): number {
  if (token === '') return 0;
  const match = /^https:\/\/orrery\.dev\/ns\/sync\/([0-9a-f-]+)_(\d+)$/.exec(token);
  if (!match || match[1] !== collection.syncId || Number(match[2]) > collection.modseq) {
    throw conditionError({ name: '{DAV:}valid-sync-token' }, 'The sync token is not valid for this collection; do an initial sync');
  }
  return Number(match[2]);
}

function parseLimit(text: string): number {
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < 1) throw badRequest('DAV:nresults must be a positive integer');
  return value;
}

export type { DavContext };
