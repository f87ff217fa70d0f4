// Request-body XML parsing: validation, DOCTYPE refusal, limits on element count and nesting,
// and namespace resolution into Clark names (XML Namespaces 1.0 §6). The only importer of
// fast-xml-parser's XMLParser.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { badRequest, DavError, payloadTooLarge } from '../errors.ts';
import type { XmlElement, XmlNode } from './element.ts';
import { clark } from './names.ts';

/**
 * Most elements a request body may hold. The largest bodies real clients send are multigets:
 * 10,000 hrefs are about 10,000 elements (and some 700 KB, near xml_max_size), so twice that
 * leaves room. Every element costs parse time and, in a DAV:prop, work for every member of a
 * listing; past this the body is refused before any of that work (413).
 */
export const MAX_XML_ELEMENTS = 20_000;

/**
 * Deepest nesting accepted. A calendar-query filter nests about eight levels (calendar-query,
 * filter, comp-filter ×3, prop-filter, param-filter, text-match) and dead property values a few
 * more; the tree is walked recursively, so depth is bounded well below the stack's limit.
 */
export const MAX_XML_DEPTH = 64;

let elementsLeft = 0;

const PARSER = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: false,
  // Keep values as text: the library would otherwise turn <displayname>0012</displayname> into 12.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: true,
  commentPropName: '#comment',
  maxNestedTags: MAX_XML_DEPTH,
  // The path string the library would build for every element is not used here, and costs time
  // proportional to the depth at each one.
  jPath: false,
  // Called once per element as it is read: the count stops a body with too many elements early.
  updateTag: (tagName: string) => {
    if (--elementsLeft < 0) throw new TooManyElements();
    return tagName;
  },
});

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/**
 * Parses a request body into a namespace-resolved tree. Malformed XML is a 400; a DOCTYPE is
 * refused outright (403 DAV:no-external-entities) so no entity is ever declared or expanded; more
 * than `maxElements` elements is a 413, nesting deeper than MAX_XML_DEPTH a 400.
 */
export function parseXml(text: string, { maxElements = MAX_XML_ELEMENTS }: { maxElements?: number } = {}): XmlElement {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new DavError(403, { name: '{DAV:}no-external-entities' }, 'Document type declarations are not accepted');
  }
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { msg, line } = validation.err;
    throw badRequest(`Malformed XML request body (line ${line}): ${msg}`);
  }
  let nodes: RawNode[];
  elementsLeft = maxElements;
  try {
    nodes = PARSER.parse(text) as RawNode[];
  } catch (error) {
    if (error instanceof TooManyElements) throw payloadTooLarge(`The XML request body has more than ${maxElements} elements`);
    const message = (error as Error).message;
    if (/nested tags/i.test(message)) throw badRequest(`The XML request body nests elements more than ${MAX_XML_DEPTH} levels deep`);
    throw badRequest(`Malformed XML request body: ${message}`);
  }
  const roots = nodes.filter((node) => elementTag(node) !== undefined);
  if (roots.length !== 1) throw badRequest('An XML request body must have exactly one root element');
  return resolveElement(roots[0]!, new Scope(undefined, new Map([['xml', XML_NS]])));
}

// --- Internal helpers ---

type RawNode = Record<string, unknown>;

class TooManyElements extends Error {}

/**
 * Namespace bindings of one element, chained to its parent's. Lookups walk at most MAX_XML_DEPTH
 * scopes; copying the parent's bindings at every declaring element instead would cost
 * (declarations × elements), which a body declaring thousands of prefixes makes quadratic.
 */
class Scope {
  constructor(
    private readonly parent: Scope | undefined,
    private readonly bindings: Map<string, string>,
  ) {}

  lookup(prefix: string): string | undefined {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      const namespace = scope.bindings.get(prefix);
      if (namespace !== undefined) return namespace;
    }
    return undefined;
  }
}

function elementTag(node: RawNode): string | undefined {
  for (const key of Object.keys(node)) if (key !== ':@' && key !== '#text' && key !== '#comment') return key;
  return undefined;
}

function resolveElement(node: RawNode, parentScope: Scope): XmlElement {
  const tag = elementTag(node)!;
  const rawAttributes = (node[':@'] ?? {}) as Record<string, string>;
  let bindings: Map<string, string> | undefined;
  for (const [key, value] of Object.entries(rawAttributes)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) {
      // Namespaces 1.0 §5: a prefix cannot be bound to the empty name ("undeclaring" is 1.1 only).
      if (key !== 'xmlns' && value === '') throw badRequest(`The namespace prefix "${key.slice(6)}" is bound to an empty name`);
      bindings ??= new Map();
      bindings.set(key === 'xmlns' ? '' : key.slice(6), value);
    }
  }
  const scope = bindings ? new Scope(parentScope, bindings) : parentScope;
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawAttributes)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
    // Unprefixed attributes are in no namespace (XML Namespaces §6.2), not the default one.
    attributes[key.includes(':') ? resolveName(key, scope, false) : key] = String(value);
  }
  const children: XmlNode[] = [];
  for (const child of (node[tag] ?? []) as RawNode[]) {
    if ('#text' in child) children.push(String(child['#text']));
    else if (elementTag(child) !== undefined) children.push(resolveElement(child, scope));
  }
  return { name: resolveName(tag, scope, true), attributes, children };
}

function resolveName(qname: string, scope: Scope, isElement: boolean): string {
  const colon = qname.indexOf(':');
  if (colon === -1) return clark(isElement ? (scope.lookup('') ?? '') : '', qname);
  const prefix = qname.slice(0, colon);
  const namespace = scope.lookup(prefix);
  if (namespace === undefined) throw badRequest(`Undeclared XML namespace prefix "${prefix}"`);
  return clark(namespace, qname.slice(colon + 1));
}
