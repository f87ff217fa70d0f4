// xCal (RFC 6321) ↔ jCal (RFC 7265). ical.js reads and writes iCalendar text and jCal but has no
// xCal; jCal was designed as xCal's JSON twin (RFC 7265 §1), so each side maps onto the other
// element for element: components, properties, parameters and typed values (RFC 6321 §3.4–§3.6).
// XML is built from and read into structures with fast-xml-parser; no DOCTYPE, so no entity is
// ever declared or expanded.
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { InvalidICalendarError } from './parse.ts';

export const XCAL_NS = 'urn:ietf:params:xml:ns:icalendar-2.0';

/** [name, parameters, value type, ...values] */
export type JCalProperty = [string, Record<string, unknown>, string, ...unknown[]];
/** [name, properties, subcomponents] */
export type JCalComponent = [string, JCalProperty[], JCalComponent[]];

/** One vcalendar as a complete xCal document. */
export function jcalToXcal(vcalendar: JCalComponent): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${BUILDER.build([{ icalendar: [componentNode(vcalendar)], ':@': { '@_xmlns': XCAL_NS } }])}\n`;
}

/**
 * One component as an xCal fragment without a namespace declaration, for documents written a
 * piece at a time (a calendar export): the caller's enclosing element declares XCAL_NS.
 */
export function xcalComponentFragment(component: JCalComponent): string {
  return BUILDER.build([componentNode(component)]);
}

/** A component's <properties> element alone, as a fragment (the head of a streamed vcalendar). */
export function xcalPropertiesFragment(properties: JCalProperty[]): string {
  return BUILDER.build([node('properties', properties.map(propertyNode))]);
}

/** The single vcalendar of an xCal document; anything else is an InvalidICalendarError. */
export function xcalToJcal(xml: string): JCalComponent {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new InvalidICalendarError('xCal data must not contain a document type declaration');
  const validation = XMLValidator.validate(xml);
  if (validation !== true) throw new InvalidICalendarError(`The xCal data is not well-formed XML (line ${validation.err.line}): ${validation.err.msg}`);
  let nodes: RawNode[];
  try {
    nodes = PARSER.parse(xml) as RawNode[];
  } catch (error) {
    throw new InvalidICalendarError(`The xCal data cannot be parsed: ${(error as Error).message}`);
  }
  const roots = nodes.map((node) => resolve(node, ROOT_SCOPE)).filter((node): node is XNode => node !== null);
  if (roots.length !== 1 || !isXcal(roots[0]!, 'icalendar')) throw new InvalidICalendarError(`xCal data must have one <icalendar> root element in the ${XCAL_NS} namespace`);
  const calendars = xcalChildren(roots[0]!);
  if (calendars.length !== 1 || calendars[0]!.local !== 'vcalendar') throw new InvalidICalendarError('xCal data must hold exactly one <vcalendar>');
  return readComponent(calendars[0]!);
}

// --- Internal helpers ---

/** RFC 6321 §3.6.10 (and Appendix A): the recur parts in schema order; extensions go last. */
const RECUR_ORDER = ['freq', 'until', 'count', 'interval', 'bysecond', 'byminute', 'byhour', 'byday', 'bymonthday', 'byyearday', 'byweekno', 'bymonth', 'bysetpos', 'wkst'];
const NUMERIC_RECUR_PARTS = new Set(['count', 'interval', 'bysecond', 'byminute', 'byhour', 'bymonthday', 'byyearday', 'byweekno', 'bysetpos']);
/** ical.js writes WKST as a number (1 = Sunday); xCal's <wkst> is a weekday (RFC 6321 §3.6.10). */
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/** Parameters whose value is not text (RFC 6321 §3.5.1–§3.5.2); every other one holds <text>. */
const PARAMETER_TYPES: Record<string, string> = {
  altrep: 'uri',
  dir: 'uri',
  'delegated-from': 'cal-address',
  'delegated-to': 'cal-address',
  member: 'cal-address',
  'sent-by': 'cal-address',
};

/**
 * Deepest XML nesting read. A VALARM in a VEVENT is 11 levels down (icalendar, vcalendar,
 * components, vevent, components, valarm, properties, property, parameters, parameter, value);
 * the walk recurses per level, and the stored object's nesting is bounded again after parsing.
 */
const MAX_DEPTH = 128;

type BuildNode = Record<string, unknown>;

const BUILDER = new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false, processEntities: false });

const PARSER = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: false,
  // Values stay text: <integer>007</integer> and <text>0012</text> are converted here, by type.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  // Decodes character references (&#13;) as well as the five XML entities.
  htmlEntities: true,
  maxNestedTags: MAX_DEPTH,
  jPath: false,
});

function componentNode([name, properties, components]: JCalComponent): BuildNode {
  const children: BuildNode[] = [];
  if (properties.length > 0) children.push(node('properties', properties.map(propertyNode)));
  if (components.length > 0) children.push(node('components', components.map(componentNode)));
  return node(name, children);
}

function propertyNode([name, parameters, type, ...values]: JCalProperty): BuildNode {
  const children: BuildNode[] = [];
  const entries = Object.entries(parameters);
  if (entries.length > 0) {
    children.push(node('parameters', entries.map(([param, value]) => {
      const valueType = PARAMETER_TYPES[param] ?? 'text';
      return node(param, (Array.isArray(value) ? value : [value]).map((v) => textNode(valueType, String(v))));
    })));
  }
  for (const value of values) children.push(...valueNodes(name, type, value));
  return node(name, children);
}

function valueNodes(property: string, type: string, value: unknown): BuildNode[] {
  // GEO and REQUEST-STATUS are structured: their parts are elements of the property itself.
  if (property === 'geo' && Array.isArray(value)) return [textNode('latitude', String(value[0])), textNode('longitude', String(value[1]))];
  if (property === 'request-status' && Array.isArray(value)) {
    return value.map((part, i) => textNode(['code', 'description', 'data'][i] ?? 'data', String(part)));
  }
  if (type === 'period' && Array.isArray(value)) {
    const [start, second] = value as [unknown, unknown];
    const end = String(second);
    return [node('period', [textNode('start', String(start)), textNode(/^[+-]?P/.test(end) ? 'duration' : 'end', end)])];
  }
  if (type === 'recur' && value !== null && typeof value === 'object' && !Array.isArray(value)) return [node('recur', recurNodes(value as Record<string, unknown>))];
  if (Array.isArray(value)) return value.map((part) => textNode(type, String(part)));
  return [textNode(type, String(value))];
}

function recurNodes(recur: Record<string, unknown>): BuildNode[] {
  const rank = (part: string) => (RECUR_ORDER.includes(part) ? RECUR_ORDER.indexOf(part) : RECUR_ORDER.length);
  const parts = Object.keys(recur).sort((a, b) => rank(a) - rank(b));
  return parts.flatMap((part) => {
    const value = recur[part];
    const list = Array.isArray(value) ? value : [value];
    return list.map((v) => textNode(part, part === 'wkst' && typeof v === 'number' ? WEEKDAYS[v - 1] ?? String(v) : String(v)));
  });
}

function node(name: string, children: BuildNode[]): BuildNode {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(name)) throw new InvalidICalendarError(`"${name}" is not an iCalendar name`);
  return { [name.toLowerCase()]: children };
}

function textNode(name: string, text: string): BuildNode {
  return node(name, text === '' ? [] : [{ '#text': escapeText(text) }]);
}

/**
 * XML 1.0 text escaping. A carriage return is written as a reference, which parsers keep (a
 * literal one becomes a line feed, XML 1.0 §2.11). Characters XML 1.0 cannot carry at all are
 * dropped; iCalendar data with them is refused on the way in, so stored data has none.
 */
function escapeText(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

// Reading: namespace-resolved nodes first, then the iCalendar structure.

type RawNode = Record<string, unknown>;

interface XNode {
  namespace: string | undefined;
  local: string;
  children: (XNode | string)[];
}

type Scope = ReadonlyMap<string, string>;
const ROOT_SCOPE: Scope = new Map();

function resolve(raw: RawNode, parentScope: Scope, depth = 0): XNode | string | null {
  if (typeof raw['#text'] === 'string') return raw['#text'];
  const tag = Object.keys(raw).find((key) => key !== ':@' && key !== '#text' && key !== '#comment');
  if (tag === undefined) return null;
  if (depth > MAX_DEPTH) throw new InvalidICalendarError(`xCal data nests more than ${MAX_DEPTH} levels deep`);
  const attributes = (raw[':@'] ?? {}) as Record<string, string>;
  let scope = parentScope;
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) {
      if (scope === parentScope) scope = new Map(parentScope);
      (scope as Map<string, string>).set(key === 'xmlns' ? '' : key.slice(6), value);
    }
  }
  const colon = tag.indexOf(':');
  const prefix = colon < 0 ? '' : tag.slice(0, colon);
  const children: (XNode | string)[] = [];
  for (const child of (raw[tag] ?? []) as RawNode[]) {
    const resolved = resolve(child, scope, depth + 1);
    if (resolved !== null) children.push(resolved);
  }
  return { namespace: scope.get(prefix), local: tag.slice(colon + 1), children };
}

function isXcal(element: XNode, local?: string): boolean {
  return element.namespace === XCAL_NS && (local === undefined || element.local === local);
}

/** Child elements in the iCalendar namespace; elements of other namespaces are extensions and are skipped. */
function xcalChildren(element: XNode): XNode[] {
  return element.children.filter((child): child is XNode => typeof child !== 'string' && isXcal(child));
}

function text(element: XNode): string {
  return element.children.map((child) => (typeof child === 'string' ? child : text(child))).join('');
}

function readComponent(element: XNode): JCalComponent {
  const properties: JCalProperty[] = [];
  const components: JCalComponent[] = [];
  for (const child of xcalChildren(element)) {
    if (child.local === 'properties') for (const property of xcalChildren(child)) properties.push(readProperty(property));
    else if (child.local === 'components') for (const component of xcalChildren(child)) components.push(readComponent(component));
    else throw new InvalidICalendarError(`<${child.local}> is not allowed in <${element.local}>: a component holds <properties> and <components>`);
  }
  return [element.local.toLowerCase(), properties, components];
}

function readProperty(element: XNode): JCalProperty {
  const name = element.local.toLowerCase();
  const parameters: Record<string, unknown> = {};
  const valueElements: XNode[] = [];
  for (const child of xcalChildren(element)) {
    if (child.local === 'parameters') {
      for (const parameter of xcalChildren(child)) {
        const values = xcalChildren(parameter).map(text);
        const list = values.length > 0 ? values : [text(parameter)];
        parameters[parameter.local.toLowerCase()] = list.length === 1 ? list[0] : list;
      }
    } else valueElements.push(child);
  }
  const locals = valueElements.map((v) => v.local);
  if (name === 'geo' && locals.includes('latitude')) {
    const part = (local: string) => number(text(valueElements.find((v) => v.local === local) ?? missing(name, local)), name);
    return [name, parameters, 'float', [part('latitude'), part('longitude')]];
  }
  if (name === 'request-status' && locals.includes('code')) {
    const parts = ['code', 'description', 'data'].flatMap((local) => valueElements.filter((v) => v.local === local).map(text));
    return [name, parameters, 'text', parts];
  }
  if (valueElements.length === 0) return [name, parameters, 'unknown'];
  const type = valueElements[0]!.local.toLowerCase();
  if (valueElements.some((v) => v.local.toLowerCase() !== type)) throw new InvalidICalendarError(`The values of ${name.toUpperCase()} must all be of one type`);
  return [name, parameters, type, ...valueElements.map((v) => readValue(name, type, v))];
}

function readValue(property: string, type: string, element: XNode): unknown {
  switch (type) {
    case 'integer':
    case 'float':
      return number(text(element), property);
    case 'boolean':
      return text(element).trim().toLowerCase() === 'true';
    case 'period': {
      const parts = new Map(xcalChildren(element).map((child) => [child.local, text(child)]));
      const start = parts.get('start') ?? missing(property, 'start');
      return [start, parts.get('end') ?? parts.get('duration') ?? missing(property, 'end or duration')];
    }
    case 'recur':
      return readRecur(element);
    default:
      return text(element);
  }
}

function readRecur(element: XNode): Record<string, unknown> {
  const recur: Record<string, unknown> = {};
  for (const child of xcalChildren(element)) {
    const part = child.local.toLowerCase();
    const raw = text(child).trim();
    // RSCALE leap months (BYMONTH=5L, RFC 7529) stay text; plain numbers become numbers, as in jCal.
    const value = NUMERIC_RECUR_PARTS.has(part) || (part === 'bymonth' && /^[+-]?\d+$/.test(raw)) ? number(raw, 'RRULE') : raw;
    const previous = recur[part];
    recur[part] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  if (recur.freq === undefined) throw new InvalidICalendarError('An xCal <recur> needs a <freq>');
  return recur;
}

function number(value: string, property: string): number {
  const parsed = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new InvalidICalendarError(`${property.toUpperCase()}: "${value}" is not a number`);
  return parsed;
}

function missing(property: string, part: string): never {
  throw new InvalidICalendarError(`${property.toUpperCase()}: the xCal value lacks its <${part}>`);
}
