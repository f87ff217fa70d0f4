// XML request bodies for fuzzing WebDAV (RFC 4918, 3744, 6578), CalDAV (RFC 4791, 6638) and their
// reports: trees with the real element names, attributes drawn from valid and broken values;
// xml-tree.ts damages and renders them.
import fc from 'fast-check';
import { calendar, vtimezone } from './ical-arbitraries.ts';
import { layout, renderIcal } from './ical-text.ts';
import { dateTimeValue } from './ical-values.ts';
import { A, C, CS, D, el, nest, X, type XmlTree } from './xml-tree.ts';

const PROPERTY_NAMES = [
  ...['resourcetype', 'displayname', 'getetag', 'getcontenttype', 'getcontentlength', 'getlastmodified', 'creationdate', 'sync-token',
    'current-user-principal', 'principal-URL', 'owner', 'group', 'acl', 'current-user-privilege-set', 'supported-privilege-set',
    'acl-restrictions', 'inherited-acl-set', 'principal-collection-set', 'supported-report-set', 'supportedlock', 'lockdiscovery',
    'quota-used-bytes', 'quota-available-bytes', 'resource-id', 'add-member', 'group-member-set', 'group-membership',
    'alternate-URI-set', 'share-access'].map(D),
  ...['calendar-home-set', 'calendar-description', 'calendar-timezone', 'supported-calendar-component-set', 'supported-calendar-data',
    'max-resource-size', 'min-date-time', 'max-date-time', 'max-instances', 'max-attendees-per-instance', 'schedule-inbox-URL',
    'schedule-outbox-URL', 'calendar-user-address-set', 'calendar-user-type', 'schedule-default-calendar-URL',
    'schedule-calendar-transp', 'calendar-free-busy-set', 'schedule-tag', 'supported-collation-set', 'timezone-service-set',
    'calendar-timezone-id', 'calendar-data'].map(C),
  ...['getctag', 'invite', 'allowed-sharing-modes', 'notification-URL', 'source', 'calendar-proxy-read-for'].map(CS),
  A('calendar-color'), A('calendar-order'), X('dead'), 'no-namespace', '{}empty-namespace',
];

export const utcValue = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('20260101T000000Z', '20260201T000000Z', '20260110T103000Z', '20250101T000000Z', '20300101T000000Z', '19000101T000000Z', '99991231T235959Z') },
  { weight: 2, arbitrary: dateTimeValue },
);

/** Mostly a range that makes sense; otherwise ends drawn independently, either of them possibly missing. */
const timeRange = (name: string) =>
  fc
    .oneof(
      { weight: 3, arbitrary: fc.constantFrom<[string?, string?]>(['20260101T000000Z', '20260201T000000Z'], ['20260110T000000Z', '20260111T000000Z'], ['20250101T000000Z', '20300101T000000Z'], ['20260110T100000Z', undefined], [undefined, '20260110T100000Z']) },
      { weight: 2, arbitrary: fc.tuple(fc.option(utcValue, { nil: undefined }), fc.option(utcValue, { nil: undefined })) },
    )
    .map(([start, end]) => el(name, [], [...(start === undefined ? [] : [['start', start] as [string, string]]), ...(end === undefined ? [] : [['end', end] as [string, string]])]));

const componentName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('VEVENT', 'VTODO', 'VALARM') },
  { weight: 1, arbitrary: fc.constantFrom('VCALENDAR', 'VJOURNAL', 'VFREEBUSY', 'VTIMEZONE', 'STANDARD', 'X-FUZZ', '', 'vevent') },
);
const propertyName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('UID', 'SUMMARY', 'DTSTART', 'ATTENDEE', 'ORGANIZER', 'DESCRIPTION') },
  { weight: 1, arbitrary: fc.constantFrom('DTEND', 'RRULE', 'X-FUZZ', '', 'summary') },
);
const nameAttr = (value: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 8, arbitrary: value.map((v): [string, string][] => [['name', v]]) }, { weight: 1, arbitrary: fc.constant<[string, string][]>([]) });
/** An attribute that is absent or has one of the values given. */
const optionalAttr = (name: string, ...values: string[]) => fc.constantFrom<[string, string][]>([], ...values.map((v): [string, string][] => [[name, v]]));

/** CALDAV:calendar-data in a request (RFC 4791 §9.6): partial retrieval, expansion and limits. */
const calendarDataRequest: fc.Arbitrary<XmlTree> = fc.letrec<{ comp: XmlTree }>((tie) => ({
  comp: fc
    .tuple(
      nameAttr(componentName),
      fc.array(
        fc.oneof(
          fc.constant(el(C('allprop'))),
          fc.constant(el(C('allcomp'))),
          fc.tuple(nameAttr(propertyName), optionalAttr('novalue', 'yes', 'bogus')).map(([n, nv]) => el(C('prop'), [], [...n, ...nv])),
          tie('comp'),
        ),
        { maxLength: 3, depthIdentifier: 'calendar-data-comp' },
      ),
    )
    .map(([attrs, children]) => el(C('comp'), children, attrs)),
})).comp.chain((comp) =>
  fc
    .tuple(
      fc.array(fc.oneof(fc.constant(comp), timeRange(C('expand')), timeRange(C('limit-recurrence-set')), timeRange(C('limit-freebusy-set'))), { maxLength: 3 }),
      fc.constantFrom<[string, string][]>([], [['content-type', 'text/calendar'], ['version', '2.0']], [['content-type', 'application/calendar+json']], [['content-type', 'text/html']], [['version', '1.0']]),
    )
    .map(([children, attrs]) => el(C('calendar-data'), children, attrs)),
);

const propRequest = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...PROPERTY_NAMES).map((name) => el(name)) }, { weight: 2, arbitrary: calendarDataRequest });
export const prop = fc.array(propRequest, { maxLength: 8 }).map((children) => el(D('prop'), children));

const HREFS = [
  '/dav/calendars/user/alice/Default/a.ics', '/dav/calendars/user/alice/Default/fuzz-1.ics', '/dav/calendars/user/alice/Sentinel/keep.ics',
  '/dav/calendars/user/bob/Default/sentinel.ics', 'http://orrery.test/dav/calendars/user/alice/Default/b.ics', 'http://elsewhere.test/x.ics',
  '/dav/calendars/user/alice/Default/../../bob/Default/sentinel.ics', '/dav/calendars/user/alice/Default/%2e%2e/x.ics', '', 'not a url',
  '/dav/principals/user/alice/', '/dav/principals/user/bob/', '/dav/calendars/user/alice/Default/', '//evil.test/x', '%',
];
export const href = fc.constantFrom(...HREFS);

const textMatch = fc
  .tuple(
    fc.oneof(fc.constantFrom('Fuzz', 'meeting', 'alice', '', 'ü', '%', '*'), fc.string({ maxLength: 10 })),
    optionalAttr('collation', 'i;ascii-casemap', 'i;octet', 'i;unicode-casemap', 'bogus'),
    optionalAttr('negate-condition', 'yes', 'no', 'maybe'),
    optionalAttr('match-type', 'equals', 'contains', 'starts-with', 'ends-with', 'bogus'),
  )
  .map(([text, ...attrs]) => el(C('text-match'), [text], attrs.flat()));

const paramFilter = fc
  .tuple(nameAttr(fc.constantFrom('PARTSTAT', 'TZID', 'VALUE', 'CN', '')), fc.option(fc.oneof(fc.constant(el(C('is-not-defined'))), textMatch), { nil: undefined }))
  .map(([attrs, child]) => el(C('param-filter'), child ? [child] : [], attrs));

const propFilter = fc
  .tuple(
    nameAttr(propertyName),
    fc.array(fc.oneof(fc.constant(el(C('is-not-defined'))), timeRange(C('time-range')), textMatch, paramFilter), { maxLength: 3 }),
    optionalAttr('test', 'anyof', 'allof', 'bogus'),
  )
  .map(([attrs, children, test]) => el(C('prop-filter'), children, [...attrs, ...test]));

const compFilter: fc.Arbitrary<XmlTree> = fc.letrec<{ comp: XmlTree }>((tie) => ({
  comp: fc
    .tuple(
      nameAttr(componentName),
      fc.array(fc.oneof(fc.constant(el(C('is-not-defined'))), timeRange(C('time-range')), propFilter, tie('comp')), { maxLength: 3, depthIdentifier: 'comp-filter' }),
    )
    .map(([attrs, children]) => el(C('comp-filter'), children, attrs)),
})).comp;

/** A comp-filter directly under VCALENDAR's: mostly one that names a real calendar component. */
const topCompFilter = fc
  .tuple(fc.oneof({ weight: 8, arbitrary: fc.constantFrom('VEVENT', 'VTODO') }, { weight: 1, arbitrary: componentName }), compFilter)
  .map(([name, filter]) => ({ ...filter, attrs: [['name', name] as [string, string], ...filter.attrs.filter(([k]) => k !== 'name')] }));

const vtimezoneText = fc.tuple(vtimezone, layout).map(([zone, options]) => renderIcal({ name: 'VCALENDAR', lines: ['VERSION:2.0', 'PRODID:-//fuzz//EN'], children: [zone] }, options));
const calendarText = fc.tuple(calendar, layout).map(([cal, options]) => renderIcal(cal, options));

const limit = fc
  .oneof({ weight: 4, arbitrary: fc.constantFrom('1', '2', '10') }, { weight: 1, arbitrary: fc.constantFrom('0', '-1', 'x', '99999999999999', '') })
  .map((n) => el(D('limit'), [el(D('nresults'), [n])]));

// --- Request bodies -------------------------------------------------------------------------

export const propfindBody = fc.oneof(
  { weight: 5, arbitrary: prop.map((p) => el(D('propfind'), [p])) },
  { weight: 1, arbitrary: fc.constant(el(D('propfind'), [el(D('propname'))])) },
  { weight: 2, arbitrary: fc.option(prop, { nil: undefined }).map((p) => el(D('propfind'), [el(D('allprop')), ...(p ? [el(D('include'), p.children)] : [])])) },
  { weight: 1, arbitrary: fc.constant(el(D('propfind'))) },
);

const propertyValue: fc.Arbitrary<XmlTree> = fc.oneof(
  fc.oneof(fc.constantFrom('Work', '', 'ü 🎉 <&>', ' '.repeat(3), 'x'.repeat(20000)), fc.string({ maxLength: 20 })).map((t) => el(D('displayname'), [t])),
  fc.string({ maxLength: 30 }).map((t) => el(C('calendar-description'), [t])),
  fc.oneof(vtimezoneText, calendarText, fc.constant('garbage')).map((t) => el(C('calendar-timezone'), [t])),
  fc.constantFrom('Europe/Berlin', 'Nowhere/Nothing', '', 'UTC').map((t) => el(C('calendar-timezone-id'), [t])),
  fc.constantFrom('#FF0000', '#FF0000FF', 'red', '').map((t) => el(A('calendar-color'), [t])),
  fc.constantFrom('1', '-1', 'x', '99999999999999999999').map((t) => el(A('calendar-order'), [t])),
  fc.array(nameAttr(componentName).map((attrs) => el(C('comp'), [], attrs)), { maxLength: 4 }).map((comps) => el(C('supported-calendar-component-set'), comps)),
  fc.constantFrom(el(C('opaque')), el(C('transparent')), el(X('bogus'))).map((v) => el(C('schedule-calendar-transp'), [v])),
  href.map((h) => el(C('schedule-default-calendar-URL'), [el(D('href'), [h])])),
  fc.constantFrom(el(D('getetag'), ['"x"']), el(D('resourcetype'), [el(D('collection'))]), el(D('getcontentlength'), ['1']), el(D('current-user-principal'))),
  fc.nat({ max: 70 }).map((depth) => el(X('dead'), [nest(depth)])),
  fc.string({ maxLength: 20 }).map((t) => el(X('dead'), [t], [['xml:lang', 'en'], ['fuzz', '&<>"']])),
);

export const proppatchBody = fc
  .array(
    fc.oneof(
      fc.array(propertyValue, { minLength: 1, maxLength: 4 }).map((values) => el(D('set'), [el(D('prop'), values)])),
      fc.array(fc.constantFrom(...PROPERTY_NAMES), { minLength: 1, maxLength: 3 }).map((names) => el(D('remove'), [el(D('prop'), names.map((n) => el(n)))])),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((updates) => el(D('propertyupdate'), updates));

const calendarQuery = fc
  .tuple(
    fc.option(prop, { nil: undefined }),
    fc.option(
      fc.oneof(
        { weight: 6, arbitrary: fc.array(topCompFilter, { maxLength: 2 }).map((cs) => el(C('filter'), [el(C('comp-filter'), cs, [['name', 'VCALENDAR']])])) },
        { weight: 1, arbitrary: compFilter.map((c) => el(C('filter'), [c])) },
      ),
      { nil: undefined, freq: 15 },
    ),
    fc.option(fc.oneof(vtimezoneText.map((t) => el(C('timezone'), [t])), fc.constantFrom('Europe/Berlin', 'America/New_York', 'Europe/Berlin', 'Nowhere/Nothing', '').map((t) => el(C('timezone-id'), [t]))), { nil: undefined }),
    fc.option(limit, { nil: undefined }),
  )
  .map((parts) => el(C('calendar-query'), parts.filter((p): p is XmlTree => p !== undefined)));

const calendarMultiget = fc
  .tuple(fc.option(prop, { nil: undefined }), fc.array(href, { maxLength: 6 }))
  .map(([p, hrefs]) => el(C('calendar-multiget'), [...(p ? [p] : []), ...hrefs.map((h) => el(D('href'), [h]))]));

/** Real tokens are filled in when the request is sent; the rest are forged or damaged. */
export const SYNC_TOKEN_PLACEHOLDER = '{current-sync-token}';
const syncCollection = fc
  .tuple(
    fc.constantFrom(SYNC_TOKEN_PLACEHOLDER, '', 'https://orrery.dev/ns/sync/00000000-0000-0000-0000-000000000000_1', 'https://orrery.dev/ns/sync/x_99999999999999999999', 'http://example.com/token', `${SYNC_TOKEN_PLACEHOLDER}0`, `${SYNC_TOKEN_PLACEHOLDER}x`, '-1'),
    fc.oneof({ weight: 6, arbitrary: fc.constant(['1']) }, { weight: 1, arbitrary: fc.constantFrom(['infinite'], ['garbage'], [], ['1', 'infinite']) }),
    fc.option(prop, { nil: undefined }),
    fc.option(limit, { nil: undefined }),
  )
  .map(([token, levels, p, l]) => el(D('sync-collection'), [el(D('sync-token'), [token]), ...levels.map((level) => el(D('sync-level'), [level])), ...(p ? [p] : []), ...(l ? [l] : [])]));

const freeBusyQuery = fc
  .oneof({ weight: 6, arbitrary: timeRange(C('time-range')).map((range) => [range]) }, { weight: 1, arbitrary: fc.array(timeRange(C('time-range')), { maxLength: 2 }) })
  .map((ranges) => el(C('free-busy-query'), ranges));

const expandProperty: fc.Arbitrary<XmlTree> = fc.letrec<{ property: XmlTree }>((tie) => ({
  property: fc
    .tuple(
      fc.constantFrom('current-user-principal', 'calendar-home-set', 'principal-URL', 'owner', 'displayname', 'calendar-user-address-set', 'group-member-set', 'principal-collection-set', 'acl', ''),
      optionalAttr('namespace', 'DAV:', 'urn:ietf:params:xml:ns:caldav', 'http://fuzz.example/ns'),
      fc.array(tie('property'), { maxLength: 2, depthIdentifier: 'expand-property' }),
    )
    .map(([name, ns, children]) => el(D('property'), children, [['name', name], ...ns])),
})).property.chain((root) => fc.array(fc.constant(root), { minLength: 1, maxLength: 2 }).map((properties) => el(D('expand-property'), properties)));

const principalPropertySearch = fc
  .tuple(
    fc.array(
      fc.tuple(fc.constantFrom(D('displayname'), C('calendar-user-address-set'), C('calendar-user-type'), X('bogus')), fc.constantFrom('ali', '', 'mailto:bob@example.com', '%', 'ü'), optionalAttr('match-type', 'starts-with', 'equals', 'bogus'))
        .map(([name, text, attrs]) => el(D('property-search'), [el(D('prop'), [el(name)]), el(D('match'), [text], attrs)])),
      { maxLength: 3 },
    ),
    fc.option(prop, { nil: undefined }),
    optionalAttr('test', 'anyof', 'allof', 'bogus'),
    fc.boolean(),
  )
  .map(([searches, p, test, apply]) =>
    el(D('principal-property-search'), [...searches, ...(p ? [p] : []), ...(apply ? [el(D('apply-to-principal-collection-set'))] : [])], test),
  );

const otherReports = fc.oneof(
  prop.map((p) => el(D('acl-principal-prop-set'), [p])),
  fc.oneof(fc.constant(el(D('self'))), href.map((h) => el(D('principal-property'), [el(D('owner')), el(D('href'), [h])]))).chain((m) => prop.map((p) => el(D('principal-match'), [m, p]))),
  fc.constant(el(D('principal-search-property-set'))),
  fc.constant(el(X('unknown-report'))),
  fc.constant(el(D('version-tree'))),
);

export type ReportKind = 'calendar-query' | 'calendar-multiget' | 'sync-collection' | 'free-busy-query' | 'expand-property' | 'principal-property-search' | 'other';

export const reportBody: fc.Arbitrary<{ kind: ReportKind; body: XmlTree }> = fc.oneof(
  { weight: 5, arbitrary: calendarQuery.map((body) => ({ kind: 'calendar-query' as const, body })) },
  { weight: 2, arbitrary: calendarMultiget.map((body) => ({ kind: 'calendar-multiget' as const, body })) },
  { weight: 2, arbitrary: syncCollection.map((body) => ({ kind: 'sync-collection' as const, body })) },
  { weight: 2, arbitrary: freeBusyQuery.map((body) => ({ kind: 'free-busy-query' as const, body })) },
  { weight: 1, arbitrary: expandProperty.map((body) => ({ kind: 'expand-property' as const, body })) },
  { weight: 1, arbitrary: principalPropertySearch.map((body) => ({ kind: 'principal-property-search' as const, body })) },
  { weight: 1, arbitrary: otherReports.map((body) => ({ kind: 'other' as const, body })) },
);

const setProps = fc.array(propertyValue, { maxLength: 4 }).map((values) => el(D('set'), [el(D('prop'), values)]));

export const mkcalendarBody = fc.oneof(
  { weight: 4, arbitrary: setProps.map((set) => el(C('mkcalendar'), [set])) },
  { weight: 1, arbitrary: fc.constant(el(C('mkcalendar'))) },
);

const RESOURCE_TYPES = [[el(D('collection'))], [el(D('collection')), el(C('calendar'))], [el(C('calendar'))], [el(D('collection')), el(C('schedule-inbox'))], [el(X('bogus'))], []];
export const mkcolBody = fc
  .tuple(fc.constantFrom(...RESOURCE_TYPES), fc.array(propertyValue, { maxLength: 3 }))
  .map(([types, values]) => el(D('mkcol'), [el(D('set'), [el(D('prop'), [el(D('resourcetype'), types), ...values])])]));

const principal = fc.oneof(
  href.map((h) => el(D('principal'), [el(D('href'), [h])])),
  fc.constantFrom(D('all'), D('authenticated'), D('unauthenticated'), D('self'), X('bogus')).map((n) => el(D('principal'), [el(n)])),
  fc.constant(el(D('principal'), [el(D('property'), [el(D('owner'))])])),
  fc.constant(el(D('principal'))),
);
const privilege = fc
  .constantFrom(D('read'), D('write'), D('all'), D('write-content'), D('bind'), D('unbind'), D('read-acl'), D('write-acl'), C('read-free-busy'), C('schedule-deliver'), X('bogus'))
  .map((n) => el(D('privilege'), [el(n)]));
const ace = fc
  .tuple(principal, fc.boolean(), fc.constantFrom(D('grant'), D('deny')), fc.array(privilege, { maxLength: 3 }), fc.boolean())
  .map(([who, invert, kind, privileges, protectedAce]) =>
    el(D('ace'), [invert ? el(D('invert'), [who]) : who, el(kind, privileges), ...(protectedAce ? [el(D('protected'))] : [])]),
  );
export const aclBody = fc.array(ace, { maxLength: 4 }).map((aces) => el(D('acl'), aces));

export const lockBody = fc
  .tuple(fc.constantFrom(D('exclusive'), D('shared'), X('bogus')), fc.constantFrom(D('write'), X('bogus')), fc.option(href, { nil: undefined }))
  .map(([scope, type, owner]) =>
    el(D('lockinfo'), [el(D('lockscope'), [el(scope)]), el(D('locktype'), [el(type)]), ...(owner === undefined ? [] : [el(D('owner'), [el(D('href'), [owner])])])]),
  );
