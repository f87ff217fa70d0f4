// Request-body XML parsing: validation, DOCTYPE refusal, and namespace resolution into Clark
// names (XML Namespaces 1.0 §6). The only importer of fast-xml-parser's XMLParser.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DavError } from '../errors.ts';
import type { XmlElement, XmlNode } from './element.ts';
import { clark } from './names.ts';

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
  maxNestedTags: 64,
});

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/**
 * Parses a request body into a namespace-resolved tree. Malformed XML is a 400; a DOCTYPE is
 * refused outright (403 DAV:no-external-entities) so no entity is ever declared or expanded.
 */
export function parseXml(text: string): XmlElement {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new DavError(403, { name: '{DAV:}no-external-entities' }, 'Document type declarations are not accepted');
  }
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { msg, line } = validation.err;
    throw new DavError(400, undefined, `Malformed XML request body (line ${line}): ${msg}`);
  }
  let nodes: RawNode[];
  try {
    nodes = PARSER.parse(text) as RawNode[];
  } catch (error) {
    throw new DavError(400, undefined, `Malformed XML request body: ${(error as Error).message}`);
  }
  const roots = nodes.filter((node) => elementTag(node) !== undefined);
  if (roots.length !== 1) throw new DavError(400, undefined, 'An XML request body must have exactly one root element');
  return resolveElement(roots[0]!, new Map([['xml', XML_NS]]));
}

// --- Internal helpers ---

type RawNode = Record<string, unknown>;

function elementTag(node: RawNode): string | undefined {
  for (const key of Object.keys(node)) if (key !== ':@' && key !== '#text' && key !== '#comment') return key;
  return undefined;
}

function resolveElement(node: RawNode, parentScope: Map<string, string>): XmlElement {
  const tag = elementTag(node)!;
  const rawAttributes = (node[':@'] ?? {}) as Record<string, string>;
  let scope = parentScope;
  for (const [key, value] of Object.entries(rawAttributes)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) {
      // Namespaces 1.0 §5: a prefix cannot be bound to the empty name ("undeclaring" is 1.1 only).
      if (key !== 'xmlns' && value === '') throw new DavError(400, undefined, `The namespace prefix "${key.slice(6)}" is bound to an empty name`);
      if (scope === parentScope) scope = new Map(parentScope);
      scope.set(key === 'xmlns' ? '' : key.slice(6), value);
    }
  }
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

function resolveName(qname: string, scope: Map<string, string>, isElement: boolean): string {
  const colon = qname.indexOf(':');
  if (colon === -1) return clark(isElement ? (scope.get('') ?? '') : '', qname);
  const prefix = qname.slice(0, colon);
  const namespace = scope.get(prefix);
  if (namespace === undefined) throw new DavError(400, undefined, `Undeclared XML namespace prefix "${prefix}"`);
  return clark(namespace, qname.slice(colon + 1));
}
