// DAV:principal-property-search and DAV:principal-search-property-set (RFC 3744 §9.4, §9.5):
// finding users by display name or calendar address, as clients do to pick sharees and
// attendees. Matching is a case-insensitive substring search (Cyrus `principal_search`).
import { rightsOn } from '../acl/check.ts';
import { calendarUserAddresses } from '../caldav/properties.ts';
import type { DavContext } from '../dav/context.ts';
import { badRequest, conditionError } from '../dav/errors.ts';
import { multistatusResponse, type MultistatusResponse } from '../dav/multistatus.ts';
import { computePropstats, propNamesOf } from '../dav/properties/compute.ts';
import type { ReportDef } from '../dav/reports/registry.ts';
import type { DavResource } from '../dav/resource.ts';
import { calendarHomePath, principalPath } from '../dav/urls.ts';
import { el, findChild, findChildren, textContent, type XmlElement } from '../dav/xml/element.ts';
import { caldav, dav, type ClarkName } from '../dav/xml/names.ts';
import { toXml } from '../dav/xml/serialize.ts';
import type { AppConfig } from '../config.ts';
import type { UserRecord } from '../storage/index.ts';

const XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang';
type MatchType = 'contains' | 'starts-with' | 'ends-with' | 'equals';

/** The searchable properties, each with the texts a user offers for matching. */
const SEARCHABLE: ReadonlyMap<ClarkName, { description: string; values(user: UserRecord, config: AppConfig): string[] }> = new Map([
  [dav('displayname'), { description: 'Display name', values: (user: UserRecord) => [user.displayname ?? user.name] }],
  [caldav('calendar-user-address-set'), {
    description: 'Calendar user addresses',
    values: (user: UserRecord, config: AppConfig) => [...calendarUserAddresses(user, config), `${user.name}@${config.servername}`],
  }],
  [caldav('calendar-user-type'), { description: 'Calendar user type', values: () => ['INDIVIDUAL'] }],
]);

interface PropertySearch {
  names: ClarkName[];
  match: string;
  matchType: MatchType;
}

export const PRINCIPAL_PROPERTY_SEARCH: ReportDef = {
  name: dav('principal-property-search'),
  // RFC 3744 §9.4: it reaches the principal collections from any collection.
  offeredOn: (resource) => resource.kind !== 'resource' && resource.kind !== 'missing',
  async run(ctx, body, services) {
    requireDepthZero(ctx);
    // RFC 3744 §9.4: with DAV:apply-to-principal-collection-set the search runs over the principal
    // collections that any resource names (DAV:principal-collection-set); without it, over the
    // request-URI's members, and only the principal collection has principals among them.
    if (findChild(body, dav('apply-to-principal-collection-set')) === undefined && !isPrincipalTarget(ctx.resource)) {
      return multistatusResponse([]);
    }
    const searches = findChildren(body, dav('property-search')).map(parseSearch);
    if (searches.length === 0) throw badRequest('principal-property-search needs at least one DAV:property-search');
    const anyOf = body.attributes.test === 'anyof';
    const prop = findChild(body, dav('prop'));
    const names = propNamesOf(prop);
    const responses: MultistatusResponse[] = [];
    for (const user of await visibleUsers(ctx)) {
      const results = searches.map((search) => matches(search, user, ctx.deps.config));
      if (!(anyOf ? results.some(Boolean) : results.every(Boolean))) continue;
      const principal: DavResource = { kind: 'principal', path: principalPath(user.name), user };
      responses.push({ path: principal.path, propstats: await computePropstats(ctx, services.properties, principal, { type: 'prop', names }, new Map()) });
    }
    return multistatusResponse(responses);
  },
};

export const PRINCIPAL_SEARCH_PROPERTY_SET: ReportDef = {
  name: dav('principal-search-property-set'),
  offeredOn: (resource) => resource.kind === 'virtual' || resource.kind === 'principal',
  async run(ctx) {
    requirePrincipalTarget(ctx.resource, 'principal-search-property-set');
    requireDepthZero(ctx);
    const body = el(
      dav('principal-search-property-set'),
      [...SEARCHABLE].map(([name, { description }]) =>
        el(dav('principal-search-property'), [el(dav('prop'), el(name)), el(dav('description'), description, { [XML_LANG]: 'en' })]),
      ),
    );
    return new Response(toXml(body), { status: 200, headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
  },
};

/**
 * The users the requester may find: an administrator sees everyone, anyone else themselves and
 * the users whose calendar home grants them lookup (`l`, what Cyrus filters on) or free-busy
 * (`9`: whoever may query someone's free-busy time already knows they exist). Homes grant
 * `anyone 9` by default, so users are findable until an administrator takes that away.
 */
export async function visibleUsers(ctx: DavContext): Promise<UserRecord[]> {
  const me = ctx.principal;
  if (!me) return [];
  const users = await ctx.deps.store.users.list();
  if (me.isAdmin) return users;
  const homes = new Map<string, DavResource>();
  for (let offset = 0; offset < users.length; offset += 500) {
    const found = await ctx.deps.store.collections.getMany(users.slice(offset, offset + 500).map((u) => calendarHomePath(u.name)));
    for (const [path, collection] of found) homes.set(path, { kind: 'collection', path, collection });
  }
  return users.filter((user) => {
    if (user.name === me.name) return true;
    const home = homes.get(calendarHomePath(user.name));
    if (home === undefined) return false;
    const rights = rightsOn(ctx, home);
    return rights.includes('l') || rights.includes('9');
  });
}

// --- Internal helpers ---

function parseSearch(element: XmlElement): PropertySearch {
  const prop = findChild(element, dav('prop'));
  const match = findChild(element, dav('match'));
  if (!prop || !match) throw badRequest('DAV:property-search needs DAV:prop and DAV:match');
  const names = propNamesOf(prop);
  for (const name of names) {
    if (!SEARCHABLE.has(name)) throw badRequest(`${name} is not searchable; see DAV:principal-search-property-set`);
  }
  const type = match.attributes['match-type'] ?? 'contains';
  if (type !== 'contains' && type !== 'starts-with' && type !== 'ends-with' && type !== 'equals') throw badRequest(`Unknown match-type "${type}"`);
  return { names, match: textContent(match).trim().toLowerCase(), matchType: type };
}

function matches(search: PropertySearch, user: UserRecord, config: AppConfig): boolean {
  return search.names.some((name) =>
    SEARCHABLE.get(name)!.values(user, config).some((value) => {
      const text = value.toLowerCase();
      switch (search.matchType) {
        case 'contains':
          return text.includes(search.match);
        case 'starts-with':
          return text.startsWith(search.match) || text.replace(/^mailto:/, '').startsWith(search.match);
        case 'ends-with':
          return text.endsWith(search.match);
        case 'equals':
          return text === search.match || text.replace(/^mailto:/, '') === search.match;
      }
    }),
  );
}

function isPrincipalTarget(resource: DavResource): boolean {
  return resource.kind === 'principal' || (resource.kind === 'virtual' && (resource.name === 'principals' || resource.name === 'principal-users'));
}

function requirePrincipalTarget(resource: DavResource, report: string): void {
  if (isPrincipalTarget(resource)) return;
  throw conditionError({ name: '{DAV:}supported-report' }, `${report} is supported on principals and the principal collection`);
}

function requireDepthZero(ctx: DavContext): void {
  const depth = ctx.request.headers.get('depth');
  if (depth !== null && depth.trim() !== '0') throw badRequest('This report is defined for Depth: 0 only (RFC 3744 §9)');
}
