// The in-memory XML tree: namespace-resolved elements named in Clark notation. Requests are
// parsed into it and responses are built from it; only serialize.ts turns it into markup.
import type { ClarkName } from './names.ts';

export interface XmlElement {
  name: ClarkName;
  /** Attributes by Clark name (unprefixed attributes have no namespace, so a bare local name). */
  attributes: Record<string, string>;
  children: XmlNode[];
}

export type XmlNode = XmlElement | string;

export function isElement(node: XmlNode): node is XmlElement {
  return typeof node !== 'string';
}

/** Builds an element: `el(dav('href'), '/dav/')`, `el(dav('prop'), [el(...), el(...)])`. */
export function el(
  name: ClarkName,
  content?: XmlNode | readonly (XmlNode | null | undefined | false)[] | null,
  attributes: Record<string, string> = {},
): XmlElement {
  const children: XmlNode[] = [];
  if (Array.isArray(content)) {
    for (const child of content) if (child !== null && child !== undefined && child !== false) children.push(child);
  } else if (content !== null && content !== undefined) {
    children.push(content as XmlNode);
  }
  return { name, attributes, children };
}

/** The child elements of an element (text nodes skipped). */
export function childElements(element: XmlElement): XmlElement[] {
  return element.children.filter(isElement);
}

/** The first child element with the given name, if any. */
export function findChild(element: XmlElement, name: ClarkName): XmlElement | undefined {
  for (const child of element.children) if (isElement(child) && child.name === name) return child;
  return undefined;
}

export function findChildren(element: XmlElement, name: ClarkName): XmlElement[] {
  return element.children.filter((child): child is XmlElement => isElement(child) && child.name === name);
}

/** Concatenated text content of an element and its descendants. */
export function textContent(node: XmlNode): string {
  if (typeof node === 'string') return node;
  let text = '';
  for (const child of node.children) text += textContent(child);
  return text;
}
