// The If request header (RFC 4918 §10.4): parsing into lists of conditions and evaluating them
// against lock tokens and entity tags.
import { badRequest } from './errors.ts';

export interface IfCondition {
  not: boolean;
  token?: string;
  etag?: string;
}

export interface IfList {
  /** The tagged resource (an absolute URL or path), or null for the request URI. */
  resourceTag: string | null;
  conditions: IfCondition[];
}

export function parseIfHeader(header: string): IfList[] {
  const lists: IfList[] = [];
  let tag: string | null = null;
  let i = 0;
  const text = header.trim();
  const fail = (): never => {
    throw badRequest(`Malformed If header: ${header}`);
  };
  while (i < text.length) {
    const char = text[i]!;
    if (/\s/.test(char)) {
      i++;
    } else if (char === '<') {
      const end = text.indexOf('>', i);
      if (end === -1) fail();
      tag = text.slice(i + 1, end);
      i = end + 1;
    } else if (char === '(') {
      const end = findListEnd(text, i);
      if (end === -1) fail();
      lists.push({ resourceTag: tag, conditions: parseConditions(text.slice(i + 1, end), fail) });
      i = end + 1;
    } else {
      fail();
    }
  }
  if (lists.length === 0) fail();
  return lists;
}

/** Every state token the client submitted, wherever it appears (RFC 4918 §10.4.1 "submitted"). */
export function submittedTokens(lists: readonly IfList[]): Set<string> {
  const tokens = new Set<string>();
  for (const list of lists) for (const condition of list.conditions) if (condition.token) tokens.add(condition.token);
  return tokens;
}

export interface ResourceState {
  etag: string | null;
  lockTokens: ReadonlySet<string>;
}

/** True when one list (for its resource) has all conditions satisfied. */
export function evaluateIf(lists: readonly IfList[], stateOf: (tag: string | null) => ResourceState): boolean {
  return lists.some((list) => {
    const state = stateOf(list.resourceTag);
    return list.conditions.every((condition) => {
      let holds: boolean;
      if (condition.token !== undefined) holds = state.lockTokens.has(condition.token);
      else holds = state.etag !== null && stripWeak(condition.etag!) === stripWeak(state.etag);
      return condition.not ? !holds : holds;
    });
  });
}

function stripWeak(etag: string): string {
  return etag.replace(/^W\//, '');
}

function findListEnd(text: string, start: number): number {
  let inAngle = false;
  let inBracket = false;
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i];
    if (char === '<' && !inBracket) inAngle = true;
    else if (char === '>' && inAngle) inAngle = false;
    else if (char === '[' && !inAngle) inBracket = true;
    else if (char === ']' && inBracket) inBracket = false;
    else if (char === ')' && !inAngle && !inBracket) return i;
  }
  return -1;
}

function parseConditions(body: string, fail: () => never): IfCondition[] {
  const conditions: IfCondition[] = [];
  const pattern = /\s*(Not\s+)?(?:<([^>]*)>|\[([^\]]*)\])/giy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = pattern.exec(body)) !== null) {
    consumed = pattern.lastIndex;
    const not = match[1] !== undefined;
    if (match[2] !== undefined) conditions.push({ not, token: match[2] });
    else conditions.push({ not, etag: match[3]! });
  }
  if (body.slice(consumed).trim() !== '' || conditions.length === 0) fail();
  return conditions;
}
