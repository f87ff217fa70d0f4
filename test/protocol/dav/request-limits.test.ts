// Work a request body can ask for is bounded: a property named again and again is computed once
// per resource (PROPFIND, the REPORTs that take DAV:prop, expand-property, PROPPATCH), an href
// listed again is answered once, and XML bodies are refused at parse time past an element count
// (413) or a nesting depth (400), each with a message saying which.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUESTED_PROPERTIES } from '../../../src/dav/properties/compute.ts';
import { MAX_XML_DEPTH, MAX_XML_ELEMENTS, parseXml } from '../../../src/dav/xml/parse.ts';
import { event, makeTestApp, type TestApp } from '../../helpers/app.ts';
import { childElements, findChild, parseMultistatus, textContent, type ParsedResponse } from '../../helpers/multistatus.ts';

const HOME = '/dav/calendars/user/alice/';
const CAL = `${HOME}Default/`;
const MEMBERS = 20;
/** Well under MAX_XML_ELEMENTS, far more than any client repeats a property. */
const REPEATS = 15_000;
let t: TestApp;

beforeAll(async () => {
  t = await makeTestApp();
  await t.request('PROPFIND', HOME, { headers: { Depth: '0' }, expect: 207 });
  for (let i = 0; i < MEMBERS; i++) {
    await t.request('PUT', `${CAL}e${i}.ics`, { body: event(`e${i}`), headers: { 'Content-Type': 'text/calendar' }, expect: 201 });
  }
});
afterAll(() => t.close());

/** The property elements of a response, in every propstat: a property asked for N times would appear N times. */
function propElements(response: ParsedResponse | undefined): string[] {
  return (response?.element.children ?? [])
    .filter((c): c is Exclude<typeof c, string> => typeof c !== 'string' && c.name === '{DAV:}propstat')
    .flatMap((propstat) => childElements(findChild(propstat, '{DAV:}prop')!).map((p) => p.name));
}

const repeated = (element: string, times = REPEATS) => element.repeat(times);

describe('RFC 4918 §9.1, RFC 6578 §3.2: a property requested many times is computed once per resource', () => {
  it(`PROPFIND Depth 1 naming getetag ${REPEATS} times answers each member with one getetag`, async () => {
    const body = `<D:propfind xmlns:D="DAV:"><D:prop>${repeated('<D:getetag/>')}<D:displayname/></D:prop></D:propfind>`;
    const responses = parseMultistatus(await (await t.request('PROPFIND', CAL, { body, headers: { Depth: '1' }, expect: 207 })).text());
    expect(responses.size).toBe(MEMBERS + 1);
    for (const response of responses.values()) expect(propElements(response).sort()).toEqual(['{DAV:}displayname', '{DAV:}getetag']);
  });

  it(`sync-collection naming getetag ${REPEATS} times answers each member with one getetag`, async () => {
    const body = `<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop>${repeated('<D:getetag/>')}</D:prop></D:sync-collection>`;
    const responses = parseMultistatus(await (await t.request('REPORT', CAL, { body, headers: { Depth: '1' }, expect: 207 })).text());
    expect(responses.size).toBe(MEMBERS);
    for (const response of responses.values()) expect(propElements(response)).toEqual(['{DAV:}getetag']);
  });

  it('calendar-query and calendar-multiget name each property once per object, and multiget answers a repeated href once', async () => {
    const NS = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"';
    const query = `<C:calendar-query ${NS}><D:prop>${repeated('<D:getetag/>', 5000)}</D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>`;
    const queried = parseMultistatus(await (await t.request('REPORT', CAL, { body: query, headers: { Depth: '1' }, expect: 207 })).text());
    expect(queried.size).toBe(MEMBERS);
    for (const response of queried.values()) expect(propElements(response)).toEqual(['{DAV:}getetag']);
    const multiget = `<C:calendar-multiget ${NS}><D:prop>${repeated('<C:calendar-data/>', 5000)}</D:prop>${repeated(`<D:href>${CAL}e1.ics</D:href>`, 5000)}</C:calendar-multiget>`;
    const text = await (await t.request('REPORT', CAL, { body: multiget, headers: { Depth: '1' }, expect: 207 })).text();
    expect((text.match(/<D:response>/g) ?? []).length).toBe(1);
    expect(propElements(parseMultistatus(text).get(`${CAL}e1.ics`))).toEqual(['{urn:ietf:params:xml:ns:caldav}calendar-data']);
  });

  it('RFC 3253 §3.8: expand-property names a repeated DAV:property once', async () => {
    const body = `<D:expand-property xmlns:D="DAV:">${repeated('<D:property name="displayname"/>', 5000)}</D:expand-property>`;
    const responses = parseMultistatus(await (await t.request('REPORT', CAL, { body, headers: { Depth: '0' }, expect: 207 })).text());
    expect(propElements(responses.get(CAL))).toEqual(['{DAV:}displayname']);
  });

  it(`naming more than ${MAX_REQUESTED_PROPERTIES} different properties is refused with 400 and a message`, async () => {
    const names = (count: number) => Array.from({ length: count }, (_, i) => `<X:p${i} xmlns:X="urn:x"/>`).join('');
    const refused = await t.request('PROPFIND', CAL, { body: `<D:propfind xmlns:D="DAV:"><D:prop>${names(MAX_REQUESTED_PROPERTIES + 1)}</D:prop></D:propfind>`, headers: { Depth: '1' }, expect: 400 });
    expect(await refused.text()).toMatch(new RegExp(`at most ${MAX_REQUESTED_PROPERTIES} different properties`));
    const sync = `<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop>${names(MAX_REQUESTED_PROPERTIES + 1)}</D:prop></D:sync-collection>`;
    await t.request('REPORT', CAL, { body: sync, headers: { Depth: '1' }, expect: 400 });
    const within = await t.request('PROPFIND', CAL, { body: `<D:propfind xmlns:D="DAV:"><D:prop>${names(MAX_REQUESTED_PROPERTIES)}</D:prop></D:propfind>`, headers: { Depth: '0' }, expect: 207 });
    expect(parseMultistatus(await within.text()).get(CAL)!.props.size).toBe(MAX_REQUESTED_PROPERTIES);
  });

  it('RFC 4918 §9.2: PROPPATCH with thousands of repeated instructions applies them in order, each property reported once', async () => {
    const set = (value: string) => `<D:set><D:prop><X:note xmlns:X="urn:x">${value}</X:note></D:prop></D:set>`;
    const remove = '<D:remove><D:prop><X:gone xmlns:X="urn:x"/></D:prop></D:remove>';
    const body = `<D:propertyupdate xmlns:D="DAV:">${repeated(set('first') + remove, 3000)}${set('last')}</D:propertyupdate>`;
    const response = await t.request('PROPPATCH', CAL, { body, expect: 207 });
    expect(propElements(parseMultistatus(await response.text()).get(CAL)).sort()).toEqual(['{urn:x}gone', '{urn:x}note']);
    const check = await t.request('PROPFIND', CAL, { body: '<D:propfind xmlns:D="DAV:"><D:prop><X:note xmlns:X="urn:x"/></D:prop></D:propfind>', headers: { Depth: '0' }, expect: 207 });
    expect(textContent(parseMultistatus(await check.text()).get(CAL)!.props.get('{urn:x}note')!.element)).toBe('last');
  });
});

describe('XML request bodies are bounded at parse time', () => {
  it('RFC 4791 §7.9: a calendar-multiget of 10,000 hrefs is answered', async () => {
    const hrefs = Array.from({ length: 10_000 }, (_, i) => `<D:href>${CAL}e${i}.ics</D:href>`).join('');
    const body = `<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>${hrefs}</C:calendar-multiget>`;
    const responses = parseMultistatus(await (await t.request('REPORT', CAL, { body, headers: { Depth: '1' }, expect: 207 })).text());
    expect(responses.size).toBe(10_000);
    expect([...responses.values()].filter((r) => r.status === 404)).toHaveLength(10_000 - MEMBERS);
  });

  it(`a body of more than ${MAX_XML_ELEMENTS} elements is refused with 413 and a message, on PROPFIND and REPORT alike`, async () => {
    const propfind = `<D:propfind xmlns:D="DAV:"><D:prop>${repeated('<D:getetag/>', MAX_XML_ELEMENTS)}</D:prop></D:propfind>`;
    const refused = await t.request('PROPFIND', CAL, { body: propfind, headers: { Depth: '1' }, expect: 413 });
    expect(await refused.text()).toMatch(new RegExp(`more than ${MAX_XML_ELEMENTS} elements`));
    const sync = `<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop>${repeated('<D:getetag/>', 60_000)}</D:prop></D:sync-collection>`;
    await t.request('REPORT', CAL, { body: sync, headers: { Depth: '1' }, expect: 413 });
  });

  it(`nesting deeper than ${MAX_XML_DEPTH} levels is refused with 400 and a message`, async () => {
    const deep = `<D:propfind xmlns:D="DAV:"><D:prop><X:p xmlns:X="urn:x">${'<X:a>'.repeat(MAX_XML_DEPTH)}${'</X:a>'.repeat(MAX_XML_DEPTH)}</X:p></D:prop></D:propfind>`;
    const refused = await t.request('PROPFIND', CAL, { body: deep, headers: { Depth: '0' }, expect: 400 });
    expect(await refused.text()).toMatch(/nests elements more than \d+ levels deep/);
    const shallow = `<D:propfind xmlns:D="DAV:"><D:prop><X:p xmlns:X="urn:x">${'<X:a>'.repeat(20)}${'</X:a>'.repeat(20)}</X:p></D:prop></D:propfind>`;
    await t.request('PROPFIND', CAL, { body: shallow, headers: { Depth: '0' }, expect: 207 });
  });

  it('namespace prefixes declared on thousands of elements resolve as before', async () => {
    // Every element declares its own prefix under a root declaring 2,000 more; the 5,000 names
    // come in 50 namespaces, so the request names 50 different properties.
    const props = Array.from({ length: 5000 }, (_, i) => `<p${i}:x xmlns:p${i}="urn:ns:${i % 50}"/>`).join('');
    const body = `<D:propfind xmlns:D="DAV:" ${Array.from({ length: 2000 }, (_, i) => `xmlns:r${i}="urn:root:${i}"`).join(' ')}><D:prop>${props}<r7:y/></D:prop></D:propfind>`;
    const response = parseMultistatus(await (await t.request('PROPFIND', CAL, { body, headers: { Depth: '0' }, expect: 207 })).text()).get(CAL)!;
    expect(response.props.size).toBe(51);
    expect(response.props.get('{urn:ns:42}x')?.status).toBe(404);
    expect(response.props.get('{urn:root:7}y')?.status).toBe(404);
  });
});

describe('dead property values are stored only as deep as the server can read them back', () => {
  const nested = (levels: number) => `${'<X:n xmlns:X="urn:example:deep">'.repeat(levels)}v${'</X:n>'.repeat(levels)}`;
  const proppatch = (levels: number) =>
    `<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><X:deep xmlns:X="urn:example:deep">${nested(levels - 1)}</X:deep></D:prop></D:set></D:propertyupdate>`;

  it('refuses a value nested past the limit with 409 and a message, and stores nothing', async () => {
    const response = await t.request('PROPPATCH', CAL, { body: proppatch(MAX_XML_DEPTH - 6), expect: 207 });
    const text = await response.text();
    expect(text).toContain('409');
    expect(text).toContain('nests more than');
    const propfind = await t.request('PROPFIND', CAL, { headers: { Depth: '0' }, body: '<D:propfind xmlns:D="DAV:"><D:prop><X:deep xmlns:X="urn:example:deep"/></D:prop></D:propfind>', expect: 207 });
    expect(await propfind.text()).toContain('404');
  });

  it('stores a value within it and returns it in a PROPFIND the server itself can parse', async () => {
    await t.request('PROPPATCH', CAL, { body: proppatch(MAX_XML_DEPTH - 8), expect: 207 });
    const propfind = await t.request('PROPFIND', CAL, { headers: { Depth: '0' }, body: '<D:propfind xmlns:D="DAV:"><D:prop><X:deep xmlns:X="urn:example:deep"/></D:prop></D:propfind>', expect: 207 });
    const text = await propfind.text();
    expect(text).toContain('>v<');
    // The server's own request parser, with its depth limit, reads the answer back.
    expect(() => parseXml(text)).not.toThrow();
  });
});
