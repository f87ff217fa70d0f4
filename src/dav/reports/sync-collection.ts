// DAV:sync-collection (RFC 6578): members changed since a token, with tombstones as 404 responses,
// DAV:limit truncation (507 + a token to continue), and valid-sync-token for stale or foreign tokens.
// Member collections (the calendars of a home) are members too: at sync-level 1 one is reported
// when it was created, removed or renamed, or when anything in it or on it changed, never its
// own members.
import { visibleCollections } from '../children.ts';
import { requireAccess } from '../../acl/check.ts';
import type { DavContext } from '../context.ts';
import { badRequest, conditionError } from '../errors.ts';
import { streamingMultistatus, type MultistatusItem } from '../multistatus.ts';
import { propertyResponses, propNamesOf } from '../properties/compute.ts';
import { syncToken } from '../properties/webdav.ts';
import { preferences } from '../prefer.ts';
import type { ListedResource } from '../resource.ts';
import type { MemberMeta } from '../../storage/index.ts';
import { el, findChild, textContent, type XmlElement } from '../xml/element.ts';
import { dav } from '../xml/names.ts';
import type { ReportDef } from './registry.ts';

export const SYNC_COLLECTION: ReportDef = {
  name: dav('sync-collection'),
  offeredOn: (resource) => resource.kind === 'collection',
  async run(ctx, body, services) {
    const resource = ctx.resource;
    if (resource.kind !== 'collection') throw conditionError({ name: '{DAV:}supported-report' }, 'sync-collection works on collections only');
    requireAccess(ctx, resource, 'read');
    const level = syncLevel(body, ctx.request.headers.get('depth'));
    if (level === 'infinity') throw conditionError({ name: '{DAV:}supported-report' }, 'Only sync-level 1 is supported');
    const prop = findChild(body, dav('prop'));
    const names = propNamesOf(prop);
    const limitElement = findChild(body, dav('limit'));
    const limit = limitElement ? parseLimit(textContent(findChild(limitElement, dav('nresults')) ?? limitElement)) : undefined;
    const collection = resource.collection;
    const since = parseToken(textContent(findChild(body, dav('sync-token')) ?? el(dav('sync-token'))).trim(), collection);
    const store = ctx.deps.store;
    const request = { type: 'prop' as const, names };
    const prefer = preferences(ctx.request);
    const headers: Record<string, string> = { Vary: 'Brief, Prefer' };
    if (prefer.applied.length > 0) headers['Preference-Applied'] = prefer.applied.join(', ');
    const respond = (members: readonly ListedResource[]) => propertyResponses(ctx, services.properties, members, request, prefer);
    const asMember = (meta: MemberMeta): ListedResource => ({ kind: 'resource', path: collection.path + meta.name, collection, name: meta.name, meta });
    // An initial sync lists the member collections from the collections themselves, so that those
    // made before their parent kept change records are there too; DAV:limit counts resources only.
    const memberCollections = async () => (since === 0 ? visibleCollections(ctx, await store.collections.listChildren(collection.path)) : []);
    const token = (modseq: number) => [el(dav('sync-token'), syncToken({ syncId: collection.syncId, modseq }))];
    const failure = { path: resource.path, logger: ctx.deps.logger };
    if (since === 0 && limit === undefined) {
      // A whole initial sync: the members a page at a time, as the response is sent. The token is
      // the state read before the first page, so whatever changes meanwhile is in the next sync.
      async function* everything(): AsyncGenerator<MultistatusItem> {
        yield await respond(await memberCollections());
        for await (const metas of store.resources.iterateMeta(collection.id)) yield await respond(metas.map(asMember));
      }
      return streamingMultistatus(everything(), () => token(collection.modseq), headers, failure);
    }
    const fetched = await store.resources.changesSince(collection.id, since, limit === undefined ? undefined : limit + 1);
    // The limit counts change records read, so the next token resumes right after the last one
    // read, whatever the filter below keeps of them.
    const truncated = limit !== undefined && fetched.length > limit;
    const read = truncated ? fetched.slice(0, limit) : fetched;
    // RFC 6578 §3.4: an initial sync lists the members only, never removed ones.
    const page = since === 0 ? read.filter((c) => !c.deleted && !isCollectionName(c.name)) : read;
    const live = page.filter((c) => !c.deleted && !isCollectionName(c.name)).map((c) => c.name);
    const liveCollections = page.filter((c) => !c.deleted && isCollectionName(c.name)).map((c) => collection.path + c.name);
    const metas = new Map((await store.resources.getManyMeta(collection.id, live)).map((r) => [r.name, r]));
    const members = live.flatMap((name) => {
      const meta = metas.get(name);
      return meta ? [asMember(meta)] : [];
    });
    const changedCollections = liveCollections.length === 0 ? [] : visibleCollections(ctx, [...(await store.collections.getMany(liveCollections)).values()]);
    const initialCollections = await memberCollections();
    const nextModseq = truncated ? read[read.length - 1]!.modseq : collection.modseq;
    async function* responses(): AsyncGenerator<MultistatusItem> {
      yield await respond([...initialCollections, ...changedCollections, ...members]);
      for (const change of page) if (change.deleted) yield { path: collection.path + change.name, status: 404 };
      if (truncated) yield { path: collection.path, status: 507, error: el(dav('number-of-matches-within-limits')) };
    }
    return streamingMultistatus(responses(), () => token(nextModseq), headers, failure);
  },
};

/**
 * How deep the sync goes. RFC 6578 §3.3 puts it in DAV:sync-level and wants Depth: 0, but clients
 * written to the drafts before it sent Depth: 1 or infinity and no sync-level; Cyrus and
 * CalendarServer take those, so Orrery does too: DAV:sync-level decides when present, else the
 * Depth header. A sync-level that is neither 1 nor infinity is malformed (400, as both answer).
 */
function syncLevel(body: XmlElement, depthHeader: string | null): '1' | 'infinity' {
  const element = findChild(body, dav('sync-level'));
  if (element) {
    const level = textContent(element).trim().toLowerCase();
    if (level === '1' || level === 'infinity') return level;
    throw badRequest('DAV:sync-level must be 1 or infinity (RFC 6578 §6.3)');
  }
  const depth = (depthHeader ?? '0').trim().toLowerCase();
  if (depth === '0' || depth === '1') return '1';
  if (depth === 'infinity') return 'infinity';
  throw badRequest('The Depth header must be 0, 1 or infinity');
}

function parseToken(token: string, collection: { syncId: string; modseq: number }): number {
  if (token === '') return 0;
  const match = /^https:\/\/orrery\.dev\/ns\/sync\/([0-9a-f-]+)_(\d+)$/.exec(token);
  if (!match || match[1] !== collection.syncId || Number(match[2]) > collection.modseq) {
    throw conditionError({ name: '{DAV:}valid-sync-token' }, 'The sync token is not valid for this collection; do an initial sync');
  }
  return Number(match[2]);
}

/** Member collections' change records carry their name with the trailing slash. */
function isCollectionName(name: string): boolean {
  return name.endsWith('/');
}

function parseLimit(text: string): number {
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < 1) throw badRequest('DAV:nresults must be a positive integer');
  return value;
}

export type { DavContext };
