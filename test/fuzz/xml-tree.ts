// XML request bodies as element trees (Clark-named, as the server carries them), the damage done
// to a tree (repeats, deep nesting, unknown namespaces) and its rendering as a document, with
// namespace declarations, prologues, entities and truncation chosen by the fuzz.
import fc from 'fast-check';

export interface XmlTree {
  /** Clark notation: {namespace}local, or a bare local name for no namespace. */
  name: string;
  attrs: [string, string][];
  children: (XmlTree | string | { raw: string })[];
}

export const D = (local: string) => `{DAV:}${local}`;
export const C = (local: string) => `{urn:ietf:params:xml:ns:caldav}${local}`;
export const CS = (local: string) => `{http://calendarserver.org/ns/}${local}`;
export const A = (local: string) => `{http://apple.com/ns/ical/}${local}`;
export const X = (local: string) => `{http://fuzz.example/ns}${local}`;

export function el(name: string, children: XmlTree['children'] = [], attrs: [string, string][] = []): XmlTree {
  return { name, attrs, children };
}

// --- Damage ---------------------------------------------------------------------------------

export type TreeMutation =
  | { kind: 'repeat-child'; at: number; times: number }
  | { kind: 'drop-child'; at: number }
  | { kind: 'deep-child'; depth: number }
  | { kind: 'unknown-child' }
  | { kind: 'foreign-root' };

export const treeMutations: fc.Arbitrary<TreeMutation[]> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<TreeMutation[]>([]) },
  {
    weight: 1,
    arbitrary: fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant<'repeat-child'>('repeat-child'), at: fc.nat(), times: fc.constantFrom(2, 3, 100, 25_000) }),
        fc.record({ kind: fc.constant<'drop-child'>('drop-child'), at: fc.nat() }),
        fc.record({ kind: fc.constant<'deep-child'>('deep-child'), depth: fc.constantFrom(10, 60, 63, 64, 65, 500) }),
        fc.record({ kind: fc.constant<'unknown-child'>('unknown-child') }),
        fc.record({ kind: fc.constant<'foreign-root'>('foreign-root') }),
      ),
      { minLength: 1, maxLength: 2 },
    ),
  },
);

export function mutateTree(tree: XmlTree, mutations: readonly TreeMutation[]): XmlTree {
  let result: XmlTree = { ...tree, children: [...tree.children] };
  for (const mutation of mutations) {
    const children = result.children;
    const at = children.length === 0 ? 0 : ('at' in mutation ? mutation.at : 0) % children.length;
    if (mutation.kind === 'repeat-child' && children[at] !== undefined) children.splice(at, 0, ...Array<XmlTree['children'][number]>(mutation.times - 1).fill(children[at]!));
    else if (mutation.kind === 'drop-child') children.splice(at, 1);
    else if (mutation.kind === 'deep-child') children.push(nest(mutation.depth));
    else if (mutation.kind === 'unknown-child') children.push(el(X('unknown'), [el('{urn:x-other}thing', ['text'])]));
    else if (mutation.kind === 'foreign-root') result = { ...result, name: X(result.name.replace(/^\{[^}]*\}/, '')) };
  }
  return result;
}

/** An element chain this many levels deep. */
export function nest(depth: number): XmlTree {
  let node = el(X('leaf'), ['bottom']);
  for (let i = 0; i < depth; i++) node = el(X('deep'), [node]);
  return node;
}

// --- Text -----------------------------------------------------------------------------------

export interface XmlDocumentLayout {
  /** declared: prefixes bound at the root; default: xmlns="…" on each element; undeclared: prefixes used unbound. */
  namespaces: 'declared' | 'default' | 'undeclared';
  declaration: '' | '<?xml version="1.0" encoding="utf-8"?>' | '<?xml version="1.1"?>' | '<?xml version="1.0" encoding="iso-8859-1"?>';
  prologue: '' | '<!-- c -->' | '<!DOCTYPE d [<!ENTITY e "boom">]>' | '<!DOCTYPE d SYSTEM "file:///etc/passwd">' | '\uFEFF' | ' \n';
  trailer: '' | '<extra/>' | '<!-- end -->' | 'text';
  /** Cut the document after this many characters; null: whole. */
  truncateAt: number | null;
  /** Text children written raw (entities, CDATA) instead of escaped. */
  rawText: '' | '&amp;' | '&#x1F600;' | '&#0;' | '&nbsp;' | '&undefined;' | '<![CDATA[<x>]]>' | '&e;';
}

export const documentLayout: fc.Arbitrary<XmlDocumentLayout> = fc.record({
  namespaces: fc.oneof(
    { weight: 25, arbitrary: fc.constant<XmlDocumentLayout['namespaces']>('declared') },
    { weight: 4, arbitrary: fc.constant<XmlDocumentLayout['namespaces']>('default') },
    { weight: 1, arbitrary: fc.constant<XmlDocumentLayout['namespaces']>('undeclared') },
  ),
  declaration: fc.constantFrom<XmlDocumentLayout['declaration']>('', '<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.1"?>', '<?xml version="1.0" encoding="iso-8859-1"?>'),
  prologue: fc.oneof(
    { weight: 16, arbitrary: fc.constant<XmlDocumentLayout['prologue']>('') },
    { weight: 1, arbitrary: fc.constantFrom<XmlDocumentLayout['prologue']>('<!-- c -->', '<!DOCTYPE d [<!ENTITY e "boom">]>', '<!DOCTYPE d SYSTEM "file:///etc/passwd">', '\uFEFF', ' \n') },
  ),
  trailer: fc.oneof({ weight: 24, arbitrary: fc.constant<XmlDocumentLayout['trailer']>('') }, { weight: 1, arbitrary: fc.constantFrom<XmlDocumentLayout['trailer']>('<extra/>', '<!-- end -->', 'text') }),
  truncateAt: fc.oneof({ weight: 24, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
  rawText: fc.oneof(
    { weight: 20, arbitrary: fc.constant<XmlDocumentLayout['rawText']>('') },
    { weight: 1, arbitrary: fc.constantFrom<XmlDocumentLayout['rawText']>('&amp;', '&#x1F600;', '&#0;', '&nbsp;', '&undefined;', '<![CDATA[<x>]]>', '&e;') },
  ),
});

const PREFIXES: Record<string, string> = { 'DAV:': 'D', 'urn:ietf:params:xml:ns:caldav': 'C', 'http://calendarserver.org/ns/': 'CS', 'http://apple.com/ns/ical/': 'A', 'http://fuzz.example/ns': 'X' };

export function renderXml(tree: XmlTree, layout: XmlDocumentLayout): string {
  const used = new Set<string>();
  const body = renderElement(tree, layout, null, used);
  const declarations = layout.namespaces === 'declared' ? [...used].map((ns) => ` xmlns:${prefixOf(ns)}="${escapeXml(ns)}"`).join('') : '';
  // Bindings go on the root start tag, after its name.
  const rootEnd = body.search(/[ />]/);
  const document = `${layout.declaration}${layout.prologue}${body.slice(0, rootEnd)}${declarations}${body.slice(rootEnd)}${layout.trailer}`;
  return layout.truncateAt === null ? document : document.slice(0, layout.truncateAt % (document.length + 1));
}

// --- Internal helpers ---

function renderElement(node: XmlTree, layout: XmlDocumentLayout, parentNs: string | null, used: Set<string>): string {
  const match = /^\{([^}]*)\}(.*)$/.exec(node.name);
  const ns = match ? match[1]! : '';
  const local = match ? match[2]! : node.name;
  let tag = local;
  let nsAttr = '';
  if (layout.namespaces === 'default') {
    if (ns !== parentNs) nsAttr = ` xmlns="${escapeXml(ns)}"`;
  } else if (ns !== '') {
    used.add(ns);
    tag = `${prefixOf(ns)}:${local}`;
  }
  const attrs = node.attrs.map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('');
  if (node.children.length === 0) return `<${tag}${nsAttr}${attrs}/>`;
  const inner = node.children
    .map((child) => (typeof child === 'string' ? escapeXml(child) + layout.rawText : 'raw' in child ? child.raw : renderElement(child, layout, ns, used)))
    .join('');
  return `<${tag}${nsAttr}${attrs}>${inner}</${tag}>`;
}

function prefixOf(ns: string): string {
  return PREFIXES[ns] ?? `N${[...ns].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 9973, 7)}`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\r/g, '&#13;');
}
