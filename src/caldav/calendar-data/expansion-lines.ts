// What the two ways of expanding from text (a single event, a series) look for in a stored object's
// lines, and how they find those lines quickly.

/** A DATE-TIME that is not UTC: a local or floating time that expansion would rewrite. */
export const NON_UTC_DATE_TIME = /\d{8}T\d{6}(?![\dZz])/;

export const TZID_PARAMETER = /TZID=/i;

/** A content line starting with one of the names a scan looks for. */
export interface NamedLine {
  /** The name in upper case. */
  name: string;
  /** `:` before a value, `;` before parameters. */
  separator: string;
  /** What follows the separator on this line. */
  rest: string;
  /** Where the line starts, and where it ends before its line break. */
  from: number;
  to: number;
  /** Where the next line starts. */
  next: number;
  /** Whether the next line continues this one (a folded line). */
  folded: boolean;
}

/**
 * Finds the lines of a text that start with one of a few names. Each line is looked at from its
 * start only: a regular expression anchored with `^` under the `m` flag is tried at every
 * character, which costs more than the rest of such a scan.
 */
export class LineNames {
  private readonly firstCharacters: Set<number>;
  private readonly name: RegExp;

  constructor(names: readonly string[]) {
    this.firstCharacters = new Set(names.flatMap((name) => [name.charCodeAt(0), name.toLowerCase().charCodeAt(0)]));
    this.name = new RegExp(`(${names.map((name) => name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|')})([;:])`, 'iy');
  }

  /** The first such line starting at or after `position`, which is the start of a line. */
  find(text: string, position: number): NamedLine | undefined {
    for (let from = position; from < text.length; ) {
      const newline = text.indexOf('\n', from);
      const lineEnd = newline === -1 ? text.length : newline;
      const next = lineEnd + 1;
      if (this.firstCharacters.has(text.charCodeAt(from))) {
        this.name.lastIndex = from;
        // Null for another name, or for one of these that only begins a longer one (DTSTARTX:…).
        const match = this.name.exec(text);
        if (match) {
          const to = lineEnd > from && text.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd;
          const following = text.charCodeAt(next);
          const folded = following === 0x20 || following === 0x09;
          return { name: match[1]!.toUpperCase(), separator: match[2]!, rest: text.slice(from + match[0].length, to), from, to, next, folded };
        }
      }
      from = next;
    }
    return undefined;
  }
}
