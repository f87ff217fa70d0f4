// xCal (RFC 6321) ↔ jCal (RFC 7265). ical.js reads and writes iCalendar text and jCal but has no
// xCal; jCal was designed as xCal's JSON twin (RFC 7265 §1), so each side maps onto the other
// element for element: components, properties, parameters and typed values (RFC 6321 §3.4–§3.6).
// XML is built with fast-xml-parser and read with the request-body parser (dav/xml/parse.ts), which
// refuses a DOCTYPE, so no entity is ever declared or expanded.
import { XMLBuilder } from 'fast-xml-parser';
import { DavError } from '../dav/errors.ts';
import type { XmlElement } from '../dav/xml/element.ts';
import { splitClark } from '../dav/xml/names.ts';
import { parseXml } from '../dav/xml/parse.ts';
import { escapeText } from '../dav/xml/serialize.ts';
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
  let root: XmlElement;
  try {
    // No element limit: the body is already bounded (max-resource-size; a bulk import's allowance).
    root = parseXml(xml, { maxElements: Number.POSITIVE_INFINITY });
  } catch (error) {
    if (error instanceof DavError) throw new InvalidICalendarError(`The xCal data cannot be read: ${error.message}`);
    throw error;
  }
  const calendar = toXNode(root);
  if (!isXcal(calendar, 'icalendar')) throw new InvalidICalendarError(`xCal data must have one <icalendar> root element in the ${XCAL_NS} namespace`);
  const calendars = xcalChildren(calendar);
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

type BuildNode = Record<string, unknown>;

const BUILDER = new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false, processEntities: false });

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

// Reading: namespace-resolved nodes first, then the iCalendar structure.

interface XNode {
  namespace: string;
  local: string;
  children: (XNode | string)[];
}

function toXNode(element: XmlElement): XNode {
  const { namespace, local } = splitClark(element.name);
  return { namespace, local, children: element.children.map((child) => (typeof child === 'string' ? child : toXNode(child))) };
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
