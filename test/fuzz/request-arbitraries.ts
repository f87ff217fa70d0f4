// Whole requests for fuzzing: a method, a path chosen for what the method does, the headers
// WebDAV and CalDAV clients send (valid, odd and broken), and a body from the iCalendar or XML
// generators. Write methods never name alice's Sentinel calendar, so what it holds may only change
// through a bug; bob's space is named freely, since alice may change nothing there.
import fc from 'fast-check';
import { calendar, freeBusyRequest } from './ical-arbitraries.ts';
import { layout, lineMutations, renderIcal } from './ical-text.ts';
import { aclBody, lockBody, mkcalendarBody, mkcolBody, propfindBody, proppatchBody, reportBody, type ReportKind } from './xml-arbitraries.ts';
import { documentLayout, mutateTree, renderXml, treeMutations, type XmlTree } from './xml-tree.ts';

export type FuzzUser = 'alice' | 'carol' | null;

export interface FuzzRequest {
  method: string;
  path: string;
  /** Who sends it; null: anonymous. Bob never does, so his data must never reach a response. */
  user: FuzzUser;
  headers: Record<string, string>;
  body?: string;
  /** Send the body with a byte that is not UTF-8 spliced in. */
  invalidUtf8?: true;
}

/** Filled in when the request is sent, from what earlier responses returned. */
export const ETAG_PLACEHOLDER = '{etag}';
export const LOCK_TOKEN_PLACEHOLDER = '{lock-token}';

const HOME = '/dav/calendars/user/alice/';
export const SENTINEL_COLLECTION = `${HOME}Sentinel/`;
export const ALICE_SENTINEL = `${SENTINEL_COLLECTION}keep.ics`;
export const BOB_SENTINEL = '/dav/calendars/user/bob/Default/sentinel.ics';

const ODD_NAMES = ['x y', 'ümlaut', 'dots.in.name', 'a'.repeat(300), '%', '.ics', 'a.ics'];
const objectName = fc.oneof(
  { weight: 6, arbitrary: fc.nat({ max: 30 }).map((n) => `fuzz-${n}`) },
  { weight: 2, arbitrary: fc.constantFrom('a', 'series', 'task') },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...ODD_NAMES), fc.boolean()).map(([name, encode]) => (encode ? encodeURIComponent(name) : name)) },
);
const objectIn = (collection: string) => objectName.map((name) => `${collection}${name}.ics`);

/** Calendar objects and collections a write may name (never the Sentinel calendar). */
const writableObject = fc.oneof(
  { weight: 16, arbitrary: objectIn(`${HOME}Default/`) },
  { weight: 3, arbitrary: objectIn(`${HOME}Fuzz1/`) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      `${HOME}Inbox/x.ics`, `${HOME}Outbox/x.ics`, `${HOME}Attachments/x.ics`, `${HOME}x.ics`, `${HOME}Default/`, `${HOME}Default/a.ics/b.ics`,
      `${HOME}nowhere/x.ics`, `${HOME}Default.x/y.ics`, '/dav/drive/user/alice/x.ics', '/dav/drive/user/alice/folder/x.ics', '/dav/principals/user/alice/x.ics',
      '/dav/calendars/x.ics', '/dav/x.ics', '/x.ics', `${HOME}Default//a.ics`, `${HOME}Default/%2F.ics`,
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      BOB_SENTINEL, '/dav/calendars/user/bob/Default/new.ics', '/dav/calendars/user/bob/Inbox/x.ics', '/dav/calendars/user/bob/x.ics',
      '/dav/drive/user/bob/x.ics', `${HOME}Default/%2e%2e/%2e%2e/bob/Default/sentinel.ics`, `${HOME}Default/..%2F..%2Fbob/Default/sentinel.ics`,
    ),
  },
);

const writableCollection = fc.constantFrom(
  `${HOME}Default/`, `${HOME}Fuzz1/`, `${HOME}Fuzz2/`, `${HOME}Fuzz3/`, `${HOME}x.y/`, `${HOME}Inbox/`, `${HOME}Outbox/`, HOME, `${HOME}Default/sub/`,
  '/dav/drive/user/alice/', '/dav/drive/user/alice/folder/', '/dav/drive/user/alice/folder/sub/', '/dav/principals/user/alice/',
  '/dav/calendars/', '/dav/calendars/user/', '/dav/calendars/public/', '/dav/', '/',
  '/dav/calendars/user/bob/', '/dav/calendars/user/bob/Default/', '/dav/calendars/user/bob/New/', '/dav/drive/user/bob/folder/', '/dav/principals/user/bob/',
);

/** Resources of alice's that exist from the start, the Sentinel calendar aside. */
const EXISTING = [
  `${HOME}Default/`, `${HOME}Default/`, `${HOME}Default/a.ics`, `${HOME}Default/series.ics`, `${HOME}Default/task.ics`, `${HOME}Fuzz1/`, HOME, `${HOME}Inbox/`,
  `${HOME}Outbox/`, '/dav/principals/user/alice/', '/dav/drive/user/alice/', '/dav/drive/user/alice/folder/',
];

/** Anything may be read, the sentinels included; mostly what exists, so that reads have something to read. */
const readablePath = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...EXISTING, SENTINEL_COLLECTION, ALICE_SENTINEL) },
  { weight: 3, arbitrary: writableObject },
  { weight: 2, arbitrary: writableCollection },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '/dav/principals/', '/dav/principals/user/', '/dav/notifications/user/alice/', '/dav/drive/', '/dav/drive/user/', '/dav/calendars/user/bob/Inbox/',
      '/dav/principals/user/nobody/', '/dav/principals/group/admins/', '/dav/calendars/user/alice', '/dav/calendars/user/bob/Default/', BOB_SENTINEL,
    ),
  },
);

const CALENDARS = [`${HOME}Default/`, `${HOME}Default/`, `${HOME}Default/`, `${HOME}Fuzz1/`, SENTINEL_COLLECTION, HOME];
const ODD_REPORT_TARGETS = [`${HOME}Inbox/`, '/dav/calendars/user/bob/Default/', `${HOME}Default/series.ics`, `${HOME}nowhere/`];
const PRINCIPAL_PATHS = ['/dav/principals/', '/dav/principals/user/', '/dav/principals/user/alice/', '/dav/principals/user/alice/', '/dav/principals/user/bob/', HOME, '/dav/'];
const reportPath = (kind: ReportKind) => {
  if (kind === 'expand-property' || kind === 'principal-property-search') return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...PRINCIPAL_PATHS) }, { weight: 1, arbitrary: readablePath });
  if (kind === 'other') return readablePath;
  return fc.oneof({ weight: 10, arbitrary: fc.constantFrom(...CALENDARS) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_REPORT_TARGETS) }, { weight: 1, arbitrary: readablePath });
};

// --- Headers --------------------------------------------------------------------------------

const rarely = <T>(arbitrary: fc.Arbitrary<T>, oneIn: number) =>
  fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arbitrary });

const DESTINATIONS = [
  `${HOME}Default/moved.ics`, `http://orrery.test${HOME}Default/copy.ics`, `${HOME}Fuzz1/moved.ics`, `${HOME}Fuzz2/`, `${HOME}Inbox/x.ics`,
  `${HOME}Default/a.ics`, '/dav/drive/user/alice/folder/', '/dav/drive/user/alice/x.ics', 'http://elsewhere.test/dav/x.ics',
  '/dav/calendars/user/bob/Default/stolen.ics', BOB_SENTINEL, 'garbage', '', 'moved.ics', `${HOME}Default/%2e%2e/moved.ics`, '//evil.test/x',
];

const common = {
  Depth: fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: fc.constantFrom('0', '1') },
    { weight: 1, arbitrary: fc.constantFrom('infinity', 'Infinity', '2', '-1', 'garbage', '', ' 1 ') },
  ),
  If: rarely(
    fc.constantFrom(
      '(<opaquelocktoken:nope>)', '(["x"])', '(Not <DAV:no-lock>)', `<http://orrery.test${HOME}Default/> (<opaquelocktoken:nope>)`, '((', '<', '(<>)',
      `(<${LOCK_TOKEN_PLACEHOLDER}>)`, `([${ETAG_PLACEHOLDER}])`, '<http://elsewhere.test/> (<x>)', '(Not ["*"])', 'garbage', '(<urn:x> ["y"]) (Not <DAV:no-lock>)',
    ),
    16,
  ),
  'If-Match': rarely(fc.constantFrom('*', '"x"', 'W/"x"', 'garbage', '"a", "b"', ETAG_PLACEHOLDER, ETAG_PLACEHOLDER, ''), 14),
  'If-None-Match': rarely(fc.constantFrom('*', '*', '"x"', ETAG_PLACEHOLDER, 'W/', '"x", W/'), 12),
  Prefer: rarely(fc.constantFrom('return=minimal', 'return=representation', 'depth-noroot', 'return=minimal, depth-noroot', 'garbage', ';;;'), 8),
  Brief: rarely(fc.constantFrom('t', 'f', 'x'), 16),
  'If-Schedule-Tag-Match': rarely(fc.constantFrom('"x"', '*', 'garbage', ETAG_PLACEHOLDER), 30),
  'Schedule-Reply': rarely(fc.constantFrom('T', 'F', 'x'), 16),
  'CalDAV-Timezones': rarely(fc.constantFrom('T', 'F', 'x'), 16),
  Accept: rarely(fc.constantFrom('text/calendar', 'application/calendar+json', 'application/calendar+xml', '*/*', 'text/html', 'application/xml', 'x'), 10),
};

/** PROPFIND without Depth means infinity (RFC 4918 §9.1), which is refused: most of them name 0 or 1. */
const propfindDepth = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('0', '1') },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('infinity', '2', 'garbage', '', '1,0') },
);

const moveHeaders = {
  Destination: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...DESTINATIONS) }, { weight: 1, arbitrary: fc.constant(undefined) }),
  Overwrite: rarely(fc.constantFrom('T', 'F', 't', 'x', ''), 2),
};

const lockHeaders = {
  Timeout: rarely(fc.constantFrom('Second-60', 'Infinite', 'Second-99999999999999', 'garbage', 'Second-0', 'Infinite, Second-4100000000'), 2),
  'Lock-Token': rarely(fc.constantFrom('<opaquelocktoken:nope>', 'garbage', `<${LOCK_TOKEN_PLACEHOLDER}>`, ''), 2),
};

const XML_TYPES = ['application/xml; charset=utf-8', 'application/xml', 'text/xml', 'text/xml; charset="utf-8"', 'text/xml; charset=iso-8859-1', 'text/plain', 'application/json', '', 'application/xml;;;'];
const ICAL_TYPES = ['text/calendar', 'text/calendar; charset=utf-8', 'text/calendar; component=VEVENT', 'text/calendar; charset=iso-8859-1', 'application/octet-stream', 'application/calendar+json', 'text/plain', ''];

const contentType = (types: string[]) => fc.oneof({ weight: 12, arbitrary: fc.constant(types[0]!) }, { weight: 1, arbitrary: fc.constantFrom(...types) });

const headers = (extra: Record<string, fc.Arbitrary<string | undefined>>, types: string[]) =>
  fc.record({ ...common, ...extra, 'Content-Type': contentType(types) }).map((all) => {
    const result: Record<string, string> = {};
    for (const [name, value] of Object.entries(all)) if (value !== undefined) result[name] = value;
    // An empty Content-Type stands for a body sent without one; other headers are sent empty.
    if (result['Content-Type'] === '') delete result['Content-Type'];
    return result;
  });

const user = fc.oneof({ weight: 12, arbitrary: fc.constant<FuzzUser>('alice') }, { weight: 1, arbitrary: fc.constant<FuzzUser>('carol') }, { weight: 1, arbitrary: fc.constant<FuzzUser>(null) });
const invalidUtf8 = rarely(fc.constant<true>(true), 30);

const xmlText = (tree: fc.Arbitrary<XmlTree>) => fc.tuple(tree, treeMutations, documentLayout).map(([t, mutations, options]) => renderXml(mutateTree(t, mutations), options));

// --- Requests -------------------------------------------------------------------------------

/** PUT of calendar data, mostly into alice's Default calendar, and free-busy POSTs to her Outbox. */
export const icalRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(writableObject, user, headers({}, ICAL_TYPES), calendar, layout, lineMutations, invalidUtf8)
      .map(([path, who, head, cal, options, mutations, bad]) => request('PUT', path, who, head, renderIcal(cal, options, mutations), bad)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.oneof({ weight: 6, arbitrary: fc.constant(`${HOME}Outbox/`) }, { weight: 1, arbitrary: fc.constantFrom(`${HOME}Outbox/x.ics`, '/dav/calendars/user/bob/Outbox/', `${HOME}Inbox/`) }), user, headers({}, ICAL_TYPES), fc.oneof(freeBusyRequest, calendar), layout, lineMutations)
      .map(([path, who, head, cal, options, mutations]) => request('POST', path, who, head, renderIcal(cal, options, mutations), undefined)),
  },
);

/** PROPFIND, PROPPATCH and REPORT with their XML bodies. */
export const xmlRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(readablePath, user, headers({ Depth: propfindDepth }, XML_TYPES), fc.option(xmlText(propfindBody), { nil: undefined, freq: 8 }), invalidUtf8)
      .map(([path, who, head, body, bad]) => request('PROPFIND', path, who, head, body, bad)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...EXISTING) }, writableCollection, writableObject), user, headers({}, XML_TYPES), xmlText(proppatchBody), invalidUtf8)
      .map(([path, who, head, body, bad]) => request('PROPPATCH', path, who, head, body, bad)),
  },
  {
    weight: 5,
    arbitrary: reportBody.chain(({ kind, body }) =>
      fc
        .tuple(reportPath(kind), user, headers({}, XML_TYPES), xmlText(fc.constant(body)), invalidUtf8)
        .map(([path, who, head, text, bad]) => request('REPORT', path, who, head, text, bad)),
    ),
  },
);

/** Creating, locking, copying, moving, deleting and re-permissioning resources. */
export const structureRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('MKCALENDAR', 'MKCOL'), writableCollection, user, headers({}, XML_TYPES), fc.oneof(xmlText(mkcalendarBody), xmlText(mkcolBody), fc.constant(undefined)))
      .map(([method, path, who, head, body]) => request(method, path, who, head, body, undefined)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(`${HOME}Default/`, `${HOME}Fuzz1/`, `${HOME}Inbox/`, '/dav/drive/user/alice/folder/') }, writableCollection, writableObject), user, headers({}, XML_TYPES), xmlText(aclBody))
      .map(([path, who, head, body]) => request('ACL', path, who, head, body, undefined)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('LOCK', 'UNLOCK'), fc.oneof(writableObject, writableCollection), user, headers(lockHeaders, XML_TYPES), fc.option(xmlText(lockBody), { nil: undefined, freq: 4 }))
      .map(([method, path, who, head, body]) => request(method, path, who, head, method === 'LOCK' ? body : undefined, undefined)),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom('COPY', 'MOVE', 'DELETE'), fc.oneof(writableObject, fc.constantFrom(`${HOME}Fuzz1/`, `${HOME}Fuzz2/`, '/dav/drive/user/alice/folder/')), user, headers(moveHeaders, XML_TYPES))
      .map(([method, path, who, head]) => {
        const withoutMove = Object.fromEntries(Object.entries(head).filter(([name]) => name !== 'Destination' && name !== 'Overwrite'));
        return request(method, path, who, method === 'DELETE' ? withoutMove : head, undefined, undefined);
      }),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('GET', 'HEAD', 'OPTIONS'), fc.oneof(readablePath, freeBusyUrl()), user, headers({}, ['']))
      .map(([method, path, who, head]) => request(method, path, who, head, undefined, undefined)),
  },
);

// --- Internal helpers ---

function request(method: string, path: string, who: FuzzUser, head: Record<string, string>, body: string | undefined, badBytes: true | undefined): FuzzRequest {
  return { method, path, user: who, headers: head, ...(body === undefined ? {} : { body }), ...(badBytes ? { invalidUtf8: badBytes } : {}) };
}

function freeBusyUrl(): fc.Arbitrary<string> {
  const value = fc.constantFrom('20260101T000000Z', '20260201T000000Z', 'garbage', '20261399T256199Z', '', 'P1D', 'P99999999D', 'PT-1H', '20260101');
  return fc
    .tuple(fc.constantFrom('alice', 'bob', 'nobody', 'alice/Default', 'alice/Sentinel', 'bob/Default'), fc.array(fc.tuple(fc.constantFrom('start', 'end', 'period', 'format'), value), { maxLength: 3 }))
    .map(([who, params]) => `/freebusy/user/${who}${params.length ? '?' : ''}${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`);
}
