// iCalendar content lines as written (RFC 5545 §3.1): unfolded, split into name, parameters and the
// raw value text. ical.js converts values while it parses and loses what was actually sent, which
// is what grammar checks need to see. Also the check for control characters no content line may hold.

export interface ContentLine {
  /** Upper-case property name. */
  name: string;
  /** Upper-case parameter name → its raw value (quotes kept, several values comma-separated). */
  params: ReadonlyMap<string, string>;
  value: string;
}

export interface ScannedComponent {
  /** Upper-case component name. */
  name: string;
  /** The component's own properties, in order (not those of its subcomponents). */
  properties: ContentLine[];
}

/**
 * RFC 5545 §3.1 and §3.3.11: a content line holds no CONTROL character (%x00-08, %x0A-1F, %x7F)
 * except the CRLF that ends it, and HTAB. Such text would also make calendar-data in a multistatus
 * ill-formed XML (XML 1.0 §2.2 allows no C0 controls but tab, LF and CR).
 */
export function controlCharacterProblem(text: string): string | null {
  // Bare CRs count as line breaks: old-style line ends are not this check's business.
  const unfolded = text.replace(/(\r\n|\r|\n)[ \t]/g, '');
  for (const line of unfolded.split(/\r\n|\r|\n/)) {
    const found = CONTROL.exec(line);
    if (found) return `${parseContentLine(line)?.name ?? 'A content line'} contains the control character U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} (RFC 5545 §3.1)`;
  }
  return null;
}

/**
 * Every component of the text with its own properties, in the order the components begin. Lines
 * that are not content lines, and properties outside any component, are skipped: the parser has
 * already refused text whose structure is wrong.
 */
export function scanComponents(text: string): ScannedComponent[] {
  const unfolded = text.replace(/\r?\n[ \t]/g, '');
  const components: ScannedComponent[] = [];
  const open: ScannedComponent[] = [];
  for (const raw of unfolded.split(/\r?\n/)) {
    if (raw === '') continue;
    const line = parseContentLine(raw);
    if (!line) continue;
    if (line.name === 'BEGIN') {
      const component: ScannedComponent = { name: line.value.toUpperCase(), properties: [] };
      components.push(component);
      open.push(component);
    } else if (line.name === 'END') {
      open.pop();
    } else {
      open[open.length - 1]?.properties.push(line);
    }
  }
  return components;
}

/** One unfolded line; undefined when it has no value separator. Quoted parameter values may hold ";:,". */
export function parseContentLine(line: string): ContentLine | undefined {
  let i = 0;
  while (i < line.length && line[i] !== ';' && line[i] !== ':') i++;
  const name = line.slice(0, i).toUpperCase();
  const params = new Map<string, string>();
  while (line[i] === ';') {
    const equals = line.indexOf('=', i + 1);
    if (equals === -1) return undefined;
    const paramName = line.slice(i + 1, equals).toUpperCase();
    i = equals + 1;
    const start = i;
    for (;;) {
      if (line[i] === '"') {
        const close = line.indexOf('"', i + 1);
        if (close === -1) return undefined;
        i = close + 1;
      } else {
        while (i < line.length && line[i] !== ',' && line[i] !== ';' && line[i] !== ':') i++;
      }
      if (line[i] !== ',') break;
      i++;
    }
    params.set(paramName, line.slice(start, i));
  }
  if (line[i] !== ':') return undefined;
  return { name, params, value: line.slice(i + 1) };
}

/** A parameter's value without surrounding quotes, upper-cased (for enumerated values such as VALUE). */
export function enumParam(line: ContentLine, name: string): string | undefined {
  const value = line.params.get(name);
  return value === undefined ? undefined : value.replace(/^"(.*)"$/, '$1').toUpperCase();
}

const CONTROL = /[\x00-\x08\x0A-\x1F\x7F]/;
