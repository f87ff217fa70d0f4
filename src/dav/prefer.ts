// The Prefer header (RFC 7240) as WebDAV uses it (RFC 8144), with the legacy Brief header.

export interface Preferences {
  returnMinimal: boolean;
  returnRepresentation: boolean;
  depthNoroot: boolean;
  /** Preference-Applied values to echo. */
  applied: string[];
}

export function preferences(request: Request): Preferences {
  const tokens = (request.headers.get('prefer') ?? '')
    .toLowerCase()
    .split(',')
    .map((t) => t.trim().replace(/\s+/g, ''));
  const brief = /^t/i.test(request.headers.get('brief') ?? '');
  const returnMinimal = tokens.includes('return=minimal') || brief;
  const depthNoroot = tokens.includes('depth-noroot');
  const applied: string[] = [];
  if (tokens.includes('return=minimal')) applied.push('return=minimal');
  if (depthNoroot) applied.push('depth-noroot');
  // X-MobileMe-DAV-Options: return-changed-data is the older spelling of return=representation that
  // Apple clients send (Cyrus honours it too).
  const changedData = /^\s*return-changed-data\s*$/i.test(request.headers.get('x-mobileme-dav-options') ?? '');
  return { returnMinimal, returnRepresentation: tokens.includes('return=representation') || changedData, depthNoroot, applied };
}
