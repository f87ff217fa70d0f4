// Storage-domain errors. They know nothing of HTTP; the protocol layers map them to responses.

export class PreconditionFailedError extends Error {
  override name = 'PreconditionFailedError';
}

/** A UNIQUE constraint refused a write (a name or UID taken by a concurrent writer). */
export class StorageConflictError extends Error {
  override name = 'StorageConflictError';
}

export class UidConflictError extends Error {
  override name = 'UidConflictError';
  constructor(readonly existingName: string, readonly existingCollectionPath: string) {
    super(`UID already used by ${existingCollectionPath}${existingName}`);
  }
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export class AlreadyExistsError extends Error {
  override name = 'AlreadyExistsError';
}
