// iCalendar paths of the VPATCH draft (draft-daboo-icalendar-vpatch §5): component segments with
// UID/RID match items, then at most one property segment with a value or parameter match, then a
// parameter segment and/or a value segment. Match values are %-encoded for "/#;=]".

export interface ComponentSegment {
  /** Upper-case component name. */
  name: string;
  uid?: string;
  /** 'M' for the master component, else a RECURRENCE-ID in iCalendar text (DATE, floating or UTC). */
  rid?: string;
}

export type PropertyMatch =
  | { kind: 'value'; value: string; negate: boolean }
  | { kind: 'parameter'; parameter: string; value?: string; negate: boolean };

export interface PropertySegment {
  /** Upper-case property name. */
  name: string;
  match?: PropertyMatch;
}

export interface IcalPath {
  components: ComponentSegment[];
  property?: PropertySegment;
  /** Upper-case parameter name. */
  parameter?: string;
  value?: string;
}

/** A path, or a property that holds one, that breaks the draft's grammar or a rule of where it is used. */
export class InvalidPatchError extends Error {
  override name = 'InvalidPatchError';
}

/**
 * Parses a path. `use` says where it appears: PATCH-TARGET takes an absolute component path
 * (§10.3.1), PATCH-DELETE a relative component or property path (§10.3.2), PATCH-PARAMETER a
 * property path with an optional parameter segment (§10.3.3).
 */
export function parseIcalPath(text: string, use: 'PATCH-TARGET' | 'PATCH-DELETE' | 'PATCH-PARAMETER'): IcalPath {
  const path = readPath(text, use);
  const first = path.components[0];
  if (use === 'PATCH-TARGET') {
    if (!first || first.name !== 'VCALENDAR' || first.uid !== undefined || first.rid !== undefined || path.property) {
      throw new InvalidPatchError(`PATCH-TARGET "${text}" must be a component path starting with an unmatched /VCALENDAR`);
    }
  } else if (use === 'PATCH-DELETE') {
    if (first?.name === 'VCALENDAR') throw new InvalidPatchError(`PATCH-DELETE "${text}" is relative to the target and cannot start with /VCALENDAR`);
    if (path.components.length > 0 && path.property) throw new InvalidPatchError(`PATCH-DELETE "${text}" names components and a property; it may name only one of them`);
  } else if (!path.property || path.components.length > 0 || path.value !== undefined) {
    throw new InvalidPatchError(`PATCH-PARAMETER "${text}" must be a property path with an optional parameter segment`);
  }
  return path;
}

// --- Internal helpers ---

const NAME = /^[A-Za-z0-9-]+$/;
const RID_VALUE = /^\d{8}(T\d{6}Z?)?$/;

function readPath(text: string, use: string): IcalPath {
  const fail = (why: string): never => {
    throw new InvalidPatchError(`${use} "${text}": ${why}`);
  };
  if (text === '') fail('the path is empty');
  const path: IcalPath = { components: [] };
  let i = 0;
  while (text[i] === '/') {
    const end = nextOf(text, i + 1, '/[#');
    const segment: ComponentSegment = { name: checkedName(text.slice(i + 1, end), fail) };
    i = end;
    while (text[i] === '[') {
      const close = text.indexOf(']', i);
      if (close === -1) fail('a "[" has no closing "]"');
      const item = text.slice(i + 1, close);
      if (item.startsWith('UID=') && segment.uid === undefined && segment.rid === undefined) {
        segment.uid = decode(item.slice(4), fail);
      } else if (item.startsWith('RID=') && segment.rid === undefined) {
        const rid = decode(item.slice(4), fail);
        if (rid !== 'M' && !RID_VALUE.test(rid)) fail(`RID=${rid} is neither M nor a DATE or DATE-TIME value`);
        segment.rid = rid;
      } else {
        fail(`"[${item}]" is not a [UID=…] or [RID=…] match item`);
      }
      i = close + 1;
    }
    path.components.push(segment);
  }
  if (text[i] === '#') {
    const end = nextOf(text, i + 1, '[;=');
    const property: PropertySegment = { name: checkedName(text.slice(i + 1, end), fail) };
    i = end;
    if (text[i] === '[') {
      const close = text.indexOf(']', i);
      if (close === -1) fail('a "[" has no closing "]"');
      property.match = readPropertyMatch(text.slice(i + 1, close), fail);
      i = close + 1;
    }
    path.property = property;
    if (text[i] === ';') {
      const end = nextOf(text, i + 1, '=');
      path.parameter = checkedName(text.slice(i + 1, end), fail);
      i = end;
    }
    if (text[i] === '=') {
      path.value = decode(text.slice(i + 1), fail);
      i = text.length;
    }
  }
  if (i < text.length) fail(`unexpected "${text[i]}" at position ${i + 1}`);
  if (path.components.length === 0 && !path.property) fail('the path names no component or property');
  return path;
}

function readPropertyMatch(item: string, fail: (why: string) => never): PropertyMatch {
  const kind = item[0];
  if (kind === '=' || kind === '!') return { kind: 'value', value: decode(item.slice(1), fail), negate: kind === '!' };
  if (kind !== '@') return fail(`"[${item}]" is not a property match ([=value], [!value] or [@PARAM…])`);
  const end = nextOf(item, 1, '=!');
  const parameter = checkedName(item.slice(1, end), fail);
  if (end === item.length) return { kind: 'parameter', parameter, negate: false };
  return { kind: 'parameter', parameter, value: decode(item.slice(end + 1), fail), negate: item[end] === '!' };
}

function nextOf(text: string, from: number, stops: string): number {
  let i = from;
  while (i < text.length && !stops.includes(text[i]!)) i++;
  return i;
}

function checkedName(name: string, fail: (why: string) => never): string {
  if (!NAME.test(name)) fail(name === '' ? 'a segment has no name' : `"${name}" is not an iCalendar name`);
  return name.toUpperCase();
}

function decode(value: string, fail: (why: string) => never): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return fail(`"${value}" has a malformed %-escape`);
  }
}
