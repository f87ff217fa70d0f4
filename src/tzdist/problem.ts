// TZDist error responses: RFC 7807 problem documents whose type is one of the RFC 7808 §5
// "urn:ietf:params:tzdist:error:*" codes, with the HTTP status RFC 7808 gives each.

export type TzdistErrorCode =
  | 'invalid-action'
  | 'invalid-changedsince'
  | 'invalid-pattern'
  | 'invalid-format'
  | 'invalid-start'
  | 'invalid-end'
  | 'tzid-not-found';

const STATUS: Record<TzdistErrorCode, number> = {
  'invalid-action': 400, // RFC 7808 §5: request URI maps to no action
  'invalid-changedsince': 400, // §5.2
  'invalid-pattern': 400, // §5.4
  'invalid-format': 406, // §5.3: no acceptable media type
  'invalid-start': 400, // §5.3, §5.5
  'invalid-end': 400, // §5.3, §5.5
  'tzid-not-found': 404, // §5.3, §5.5
};

const TITLES: Record<TzdistErrorCode, string> = {
  'invalid-action': 'Request URI does not map to a TZDist action',
  'invalid-changedsince': 'Invalid changedsince parameter',
  'invalid-pattern': 'Invalid pattern parameter',
  'invalid-format': 'Requested format is not supported',
  'invalid-start': 'Invalid start parameter',
  'invalid-end': 'Invalid end parameter',
  'tzid-not-found': 'Time zone identifier not found',
};

/** Thrown by TZDist handlers; the sub-app's error handler turns it into a problem response. */
export class TzdistError extends Error {
  constructor(
    readonly code: TzdistErrorCode,
    readonly detail?: string,
  ) {
    super(detail ?? TITLES[code]);
    this.name = 'TzdistError';
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export function problemResponse(error: TzdistError): Response {
  const body = {
    type: `urn:ietf:params:tzdist:error:${error.code}`,
    title: TITLES[error.code],
    status: error.status,
    ...(error.detail !== undefined ? { detail: error.detail } : {}),
  };
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { 'Content-Type': 'application/problem+json; charset=utf-8' },
  });
}
