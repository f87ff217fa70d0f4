// Response XML rendering: XmlElement trees → markup. Prefixes are assigned here and nowhere else;
// text and attribute values are escaped here. This is the only module that writes markup.
//
// It writes strings directly rather than through fast-xml-parser's XMLBuilder: the builder needs
// an intermediate object per node and was 70% of a 10,000-member PROPFIND; the tree is already
// namespace-resolved and escaping is ours, so the builder added nothing but cost.
import type { XmlElement } from './element.ts';
import { NS, splitClark, type ClarkName } from './names.ts';

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
 * declares it on itself. `open`, `close` and `text` write the frame of a child whose content is
 * written piece by piece (a multistatus response around its properties) without building it.
 */
export class XmlStreamWriter {
  private readonly rootPrefixes = new Map<string, string>(Object.entries(WELL_KNOWN_PREFIXES));
  /** Qualified names under the root's prefixes, each worked out once per document. */
  private readonly rootTags = new Map<string, string | null>();
  private readonly rootTag: string;
  /** Start and end tags written so far, by element name. */
  private readonly startTags = new Map<ClarkName, string>();
  private readonly endTags = new Map<ClarkName, string>();
  /** Markup of recurring texts, by element name and text. */
  private readonly recurring = new Map<ClarkName, Map<string, string>>();

  constructor(rootName: string) {
    this.rootTag = qualify(rootName, this.rootPrefixes);
  }

  start(): string {
    const declarations = [...this.rootPrefixes].map(([namespace, prefix]) => ` xmlns:${prefix}="${escapeAttribute(namespace)}"`).join('');
    return `<?xml version="1.0" encoding="utf-8"?>\n<${this.rootTag}${declarations}>`;
  }

  child(element: XmlElement): string {
    // Nearly every child uses only the root's namespaces and is written in one pass; one that
    // meets another namespace is written again with a map of its own.
    const markup = writeUnderRoot(element, this.rootTags, this.rootPrefixes);
    if (markup !== null) return markup;
    const prefixes = new Map(this.rootPrefixes);
    collectNamespaces(element, prefixes);
    const declarations: Record<string, string> = {};
    for (const [namespace, prefix] of prefixes) {
      if (!this.rootPrefixes.has(namespace)) declarations[`xmlns:${prefix}`] = escapeAttribute(namespace);
    }
    return writeElement(element, prefixes, declarations);
  }

  /** The start tag of an element in one of the root's namespaces. */
  open(name: ClarkName): string {
    let tag = this.startTags.get(name);
    if (tag === undefined) this.startTags.set(name, (tag = `<${this.rootQualified(name)}>`));
    return tag;
  }

  close(name: ClarkName): string {
    let tag = this.endTags.get(name);
    if (tag === undefined) this.endTags.set(name, (tag = `</${this.rootQualified(name)}>`));
    return tag;
  }

  /** An element in one of the root's namespaces holding only text. */
  text(name: ClarkName, text: string): string {
    const tag = this.rootQualified(name);
    return `<${tag}>${escapeText(text)}</${tag}>`;
  }

  /**
   * `text` for a text that recurs throughout the document (a status line): written once, then
   * taken from the writer's memory.
   */
  recurringText(name: ClarkName, text: string): string {
    let texts = this.recurring.get(name);
    if (!texts) this.recurring.set(name, (texts = new Map()));
    let markup = texts.get(text);
    if (markup === undefined) {
      markup = this.text(name, text);
      if (texts.size < RECURRING_TEXTS_LIMIT) texts.set(text, markup);
    }
    return markup;
  }

  end(): string {
    return `</${this.rootTag}>`;
  }

  private rootQualified(name: ClarkName): string {
    const tag = rootTagOf(name, this.rootTags, this.rootPrefixes);
    if (tag === null) throw new Error(`${name} is not in one of the document's root namespaces`);
    return tag;
  }
}

/** Recurring texts a document keeps written out per element name; a few status lines in practice. */
const RECURRING_TEXTS_LIMIT = 64;

export function escapeText(text: string): string {
  // Most values (hrefs, etags, statuses) need no escaping at all; calendar-data has a carriage
  // return on every line and rarely anything else.
  if (!ANY_TEXT_SPECIAL.test(text)) return text;
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
const ANY_TEXT_SPECIAL = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
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

/**
 * The qualified name of `name` under the root's prefixes, worked out once per document; null
 * when its namespace has no prefix there.
 */
function rootTagOf(name: ClarkName, tags: Map<string, string | null>, prefixes: Map<string, string>): string | null {
  let tag = tags.get(name);
  if (tag === undefined) {
    const namespace = splitClark(name).namespace;
    tag = namespace === '' || namespace === XML_NS || prefixes.has(namespace) ? qualify(name, prefixes) : null;
    tags.set(name, tag);
  }
  return tag;
}

/** Markup of an element that uses only the root's namespaces; null as soon as it meets another. */
function writeUnderRoot(element: XmlElement, tags: Map<string, string | null>, prefixes: Map<string, string>): string | null {
  const tag = rootTagOf(element.name, tags, prefixes);
  if (tag === null) return null;
  let markup = `<${tag}`;
  for (const name in element.attributes) {
    const attribute = rootTagOf(name, tags, prefixes);
    if (attribute === null) return null;
    markup += ` ${attribute}="${escapeAttribute(element.attributes[name]!)}"`;
  }
  const children = element.children;
  if (children.length === 0) return `${markup}/>`;
  markup += '>';
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    if (typeof child === 'string') {
      markup += escapeText(child);
      continue;
    }
    const inner = writeUnderRoot(child, tags, prefixes);
    if (inner === null) return null;
    markup += inner;
  }
  return `${markup}</${tag}>`;
}

/** Markup of an element; `declarations` are already-escaped xmlns attributes for this element. */
function writeElement(element: XmlElement, prefixes: Map<string, string>, declarations: Record<string, string> = {}): string {
  const tag = qualify(element.name, prefixes);
  let markup = `<${tag}`;
  for (const name in declarations) markup += ` ${name}="${declarations[name]!}"`;
  for (const name in element.attributes) markup += ` ${qualify(name, prefixes)}="${escapeAttribute(element.attributes[name]!)}"`;
  if (element.children.length === 0) return `${markup}/>`;
  markup += '>';
  for (const child of element.children) markup += typeof child === 'string' ? escapeText(child) : writeElement(child, prefixes);
  return `${markup}</${tag}>`;
}
