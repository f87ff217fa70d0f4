// Conditional request headers (RFC 9110 §13): If-Match, If-None-Match, If-Modified-Since and
// If-Unmodified-Since, evaluated against the current representation's state.
import { DavError, preconditionFailed } from '../dav/errors.ts';
import type { WriteExpectation } from '../storage/index.ts';

export interface RepresentationState {
  exists: boolean;
  etag: string | null;
  lastModifiedMs: number | null;
}

/** For a write: throws 412 when a precondition fails, else returns what the store must re-check atomically. */
export function writeExpectation(request: Request, state: RepresentationState): WriteExpectation {
  const ifMatch = request.headers.get('if-match');
  const ifNoneMatch = request.headers.get('if-none-match');
  if (ifMatch !== null) {
    if (!state.exists || !matchesAny(ifMatch, state.etag)) throw preconditionFailed('If-Match does not match the current ETag');
  }
  if (ifNoneMatch !== null && state.exists && matchesAny(ifNoneMatch, state.etag)) {
    throw preconditionFailed(ifNoneMatch.trim() === '*' ? 'The resource already exists (If-None-Match: *)' : 'If-None-Match matches the current ETag');
  }
  checkDates(request, state, true);
  if (!state.exists) return { absent: true };
  return { etag: state.etag! };
}

/** For GET/HEAD: 304 when the client's copy is current, 412 when If-Match fails. */
export function checkReadConditions(request: Request, state: RepresentationState): void {
  const ifMatch = request.headers.get('if-match');
  if (ifMatch !== null && (!state.exists || !matchesAny(ifMatch, state.etag))) throw preconditionFailed('If-Match does not match the current ETag');
  const ifNoneMatch = request.headers.get('if-none-match');
  if (ifNoneMatch !== null) {
    if (state.exists && matchesAny(ifNoneMatch, state.etag, true)) throw notModified(state.etag);
    return;
  }
  checkDates(request, state, false);
}

function checkDates(request: Request, state: RepresentationState, isWrite: boolean): void {
  if (state.lastModifiedMs === null) return;
  const seconds = Math.floor(state.lastModifiedMs / 1000);
  const unmodifiedSince = parseHttpDate(request.headers.get('if-unmodified-since'));
  if (unmodifiedSince !== null && seconds > unmodifiedSince) throw preconditionFailed('The resource was modified since If-Unmodified-Since');
  const modifiedSince = parseHttpDate(request.headers.get('if-modified-since'));
  if (modifiedSince !== null && seconds <= modifiedSince) {
    if (isWrite) throw preconditionFailed('The resource was not modified since If-Modified-Since');
    throw notModified(state.etag);
  }
}

function notModified(etag: string | null): DavError {
  return new DavError(304, undefined, 'Not modified', etag ? { ETag: etag } : {});
}

function matchesAny(header: string, etag: string | null, weak = false): boolean {
  if (header.trim() === '*') return true;
  if (etag === null) return false;
  const normalise = (tag: string) => (weak ? tag.replace(/^W\//, '') : tag);
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    if (!weak && tag.startsWith('W/')) return false;
    return normalise(tag) === normalise(etag);
  });
}

function parseHttpDate(value: string | null): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}
