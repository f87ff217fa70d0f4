// iCalendar content lines as written (RFC 5545 §3.1): unfolded, split into name, parameters and the
// raw value text. ical.js converts values while it parses and loses what was actually sent, which
// is what grammar checks need to see.

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
