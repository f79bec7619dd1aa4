// The errors every BlobStore throws, so that the upload and download layers map them the same way
// whichever store is configured (a missing blob to 404, a full store to 507, anything else to 500).

/** A blob store operation failed; the message says what failed and what to do. */
export class BlobStoreError extends Error {
  /** A stable code, also usable across module copies where instanceof fails. */
  readonly code: string = 'blob_store_failed';
  /** The key the operation was about, or null (opening or listing the store). */
  readonly key: string | null;

  constructor(message: string, key: string | null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BlobStoreError';
    this.key = key;
  }
}

/** No blob is stored under the key. */
export class BlobNotFoundError extends BlobStoreError {
  override readonly code = 'blob_not_found';

  constructor(key: string) {
    super(`No blob is stored under "${key}": it was never stored, or it was deleted.`, key);
    this.name = 'BlobNotFoundError';
  }
}

/** The store has no room (disk full, quota reached): nothing of the blob was kept. */
export class BlobStoreFullError extends BlobStoreError {
  override readonly code = 'blob_store_full';

  constructor(message: string, key: string | null, options?: { cause?: unknown }) {
    super(message, key, options);
    this.name = 'BlobStoreFullError';
  }
}

/** A range that starts at or past the end of the blob. */
export class BlobRangeError extends BlobStoreError {
  override readonly code = 'blob_range_not_satisfiable';

  constructor(key: string, start: number) {
    super(`The range starting at byte ${start} lies past the end of blob "${key}": ask for a range inside the blob (stat() gives its size).`, key);
    this.name = 'BlobRangeError';
  }
}

/** A key (or list prefix) outside the server-made form `segment/segment/...`; nothing was touched. */
export class InvalidBlobKeyError extends BlobStoreError {
  override readonly code = 'invalid_blob_key';

  constructor(message: string) {
    super(message, null);
    this.name = 'InvalidBlobKeyError';
  }
}
