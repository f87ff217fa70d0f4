// Response XML rendering: XmlElement trees → markup. Prefixes are assigned here and nowhere else;
// text and attribute values are escaped here. This is the only module that writes markup.
//
// It writes strings directly rather than through fast-xml-parser's XMLBuilder: the builder needs
// an intermediate object per node and was 70% of a 10,000-member PROPFIND; the tree is already
// namespace-resolved and escaping is ours, so the builder added nothing but cost.
import type { XmlElement } from './element.ts';
import { NS, splitClark } from './names.ts';

/** The `xml:` prefix is bound by definition and must never be declared (XML Namespaces §3). */
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

const WELL_KNOWN_PREFIXES: Record<string, string> = {
  [NS.DAV]: 'D',
  [NS.CALDAV]: 'C',
  [NS.CALSERVER]: 'CS',
  [NS.APPLE_ICAL]: 'A',
  [NS.CYRUS]: 'CY',
  [NS.ORRERY]: 'O',
  [NS.ISCHEDULE]: 'I',
};

/** Renders an element as a complete UTF-8 XML document, all namespaces declared on the root. */
export function toXml(root: XmlElement): string {
  const prefixes = new Map<string, string>();
  collectNamespaces(root, prefixes);
  const declarations: Record<string, string> = {};
  for (const [namespace, prefix] of prefixes) declarations[`xmlns:${prefix}`] = escapeAttribute(namespace);
  return `<?xml version="1.0" encoding="utf-8"?>\n${writeElement(root, prefixes, declarations)}`;
}

/**
 * Renders a document piecewise, for long responses: the root's start tag (declaring the well-known
 * namespaces), then one child at a time, then the end tag. A child using another namespace
 * declares it on itself.
 */
export class XmlStreamWriter {
  private readonly rootPrefixes = new Map<string, string>(Object.entries(WELL_KNOWN_PREFIXES));
  /** Qualified names under the root's prefixes, each worked out once per document. */
  private readonly rootTags = new Map<string, string>();
  private readonly rootTag: string;

  constructor(rootName: string) {
    this.rootTag = qualify(rootName, this.rootPrefixes);
  }

  start(): string {
    const declarations = [...this.rootPrefixes].map(([namespace, prefix]) => ` xmlns:${prefix}="${escapeAttribute(namespace)}"`).join('');
    return `<?xml version="1.0" encoding="utf-8"?>\n<${this.rootTag}${declarations}>`;
  }

  child(element: XmlElement): string {
    // Nearly every child uses only the root's namespaces: it needs no map of its own.
    if (usesOnly(element, this.rootPrefixes)) return writeElement(element, this.rootPrefixes, {}, this.rootTags);
    const prefixes = new Map(this.rootPrefixes);
    collectNamespaces(element, prefixes);
    const declarations: Record<string, string> = {};
    for (const [namespace, prefix] of prefixes) {
      if (!this.rootPrefixes.has(namespace)) declarations[`xmlns:${prefix}`] = escapeAttribute(namespace);
    }
    return writeElement(element, prefixes, declarations);
  }

  end(): string {
    return `</${this.rootTag}>`;
  }
}

export function escapeText(text: string): string {
  // calendar-data has a carriage return on every line and rarely anything else to escape.
  if (!RARE_TEXT_SPECIALS.test(text)) return text.replaceAll('\r', '&#13;');
  return text.replace(TEXT_SPECIALS, replaceSpecial);
}

export function escapeAttribute(text: string): string {
  return text.replace(ATTRIBUTE_SPECIALS, replaceSpecial);
}

// --- Internal helpers ---

// One pass per string (calendar-data can be megabytes): markup characters become references, and
// characters XML 1.0 cannot carry at all (§2.2, e.g. a stray control character in a summary) are dropped.
// eslint-disable-next-line no-control-regex
const TEXT_SPECIALS = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
// eslint-disable-next-line no-control-regex
const RARE_TEXT_SPECIALS = /[&<>\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
// eslint-disable-next-line no-control-regex
const ATTRIBUTE_SPECIALS = /[&<>"\r\n\t\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

const ENTITIES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;', '\n': '&#10;', '\t': '&#9;',
};

function replaceSpecial(char: string): string {
  return ENTITIES[char] ?? '';
}

function collectNamespaces(element: XmlElement, prefixes: Map<string, string>): void {
  addNamespace(splitClark(element.name).namespace, prefixes);
  for (const name of Object.keys(element.attributes)) addNamespace(splitClark(name).namespace, prefixes);
  for (const child of element.children) if (typeof child !== 'string') collectNamespaces(child, prefixes);
}

function addNamespace(namespace: string, prefixes: Map<string, string>): void {
  if (namespace === '' || namespace === XML_NS || prefixes.has(namespace)) return;
  const known = WELL_KNOWN_PREFIXES[namespace];
  prefixes.set(namespace, known ?? `x${prefixes.size}`);
}

function qualify(name: string, prefixes: Map<string, string>): string {
  const { namespace, local } = splitClark(name);
  if (namespace === XML_NS) return `xml:${local}`;
  return namespace === '' ? local : `${prefixes.get(namespace)!}:${local}`;
}

/** Whether every element and attribute name of the tree is in no namespace or in one of `prefixes`. */
function usesOnly(element: XmlElement, prefixes: Map<string, string>): boolean {
  if (!hasPrefixFor(element.name, prefixes)) return false;
  for (const name in element.attributes) if (!hasPrefixFor(name, prefixes)) return false;
  for (const child of element.children) if (typeof child !== 'string' && !usesOnly(child, prefixes)) return false;
  return true;
}

function hasPrefixFor(name: string, prefixes: Map<string, string>): boolean {
  const namespace = splitClark(name).namespace;
  return namespace === '' || namespace === XML_NS || prefixes.has(namespace);
}

/**
 * Markup of an element; `declarations` are already-escaped xmlns attributes for this element.
 * `tags`, when given, caches qualified names for this `prefixes` map.
 */
function writeElement(element: XmlElement, prefixes: Map<string, string>, declarations: Record<string, string> = {}, tags?: Map<string, string>): string {
  const tag = qualifyCached(element.name, prefixes, tags);
  let markup = `<${tag}`;
  for (const name in declarations) markup += ` ${name}="${declarations[name]!}"`;
  for (const name in element.attributes) markup += ` ${qualifyCached(name, prefixes, tags)}="${escapeAttribute(element.attributes[name]!)}"`;
  if (element.children.length === 0) return `${markup}/>`;
  markup += '>';
  for (const child of element.children) markup += typeof child === 'string' ? escapeText(child) : writeElement(child, prefixes, {}, tags);
  return `${markup}</${tag}>`;
}

function qualifyCached(name: string, prefixes: Map<string, string>, tags: Map<string, string> | undefined): string {
  if (!tags) return qualify(name, prefixes);
  let tag = tags.get(name);
  if (tag === undefined) {
    tag = qualify(name, prefixes);
    tags.set(name, tag);
  }
  return tag;
}
