// Why a CALDAV:filter cannot be evaluated, named after the RFC 4791 §7.8 precondition the
// calendar-query report answers with (valid-filter, supported-filter, supported-collation).

export type FilterErrorKind = 'valid-filter' | 'supported-filter' | 'supported-collation';

export class FilterError extends Error {
  override name = 'FilterError';
  constructor(
    readonly kind: FilterErrorKind,
    message: string,
  ) {
    super(message);
  }
}
