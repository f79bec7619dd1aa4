import type { Readable } from 'node:stream';
import { assertBlobKey } from './blob-key.ts';

/** Bytes `start` to `end` of a blob, both inclusive (as in an HTTP Range header). */
export interface BlobRange {
  start: number;
  end: number;
}

/** What put() may be told: `signal` aborts the write, leaving nothing visible. */
export interface BlobPutOptions {
  signal?: AbortSignal;
}

/** A stored blob's size in bytes and, where the store has one, its entity tag. */
export interface BlobPutResult {
  size: number;
  etag?: string;
}

/** What stat() knows about a stored blob. */
export interface BlobStat {
  size: number;
}

/** One blob that list() found. */
export interface BlobListEntry {
  key: string;
  size: number;
  /** When it was last written, epoch milliseconds (the orphan sweep leaves young blobs alone: an upload may be about to commit). */
  modifiedAt: number;
}

/**
 * Where blobs live (DESIGN.md "Data"): the local disk or an S3-compatible bucket. A store only ever
 * sees ciphertext: the encryption sits above it. Keys are server-made (`tenants/<tenantId>/<blobId>`)
 * and checked strictly by every method (InvalidBlobKeyError).
 */
export interface BlobStore {
  /**
   * Stores `body` under `key`, replacing what was there. The blob becomes visible only once it is
   * completely written; a put that fails or is aborted leaves nothing visible, removes its temporary
   * data, destroys `body`, and rejects (with the signal's reason when aborted, with the body's own
   * error when the body failed, with a BlobStoreFullError when the store is full).
   */
  put(key: string, body: Readable, options?: BlobPutOptions): Promise<BlobPutResult>;
  /** The blob's bytes, or `range` of them (its end is clamped to the blob's); BlobNotFoundError if missing, BlobRangeError if the range starts past the end. */
  get(key: string, range?: BlobRange): Promise<Readable>;
  /** The blob's size, or null when nothing is stored under `key`. */
  stat(key: string): Promise<BlobStat | null>;
  /** Removes the blob; removing a missing one is fine. */
  delete(key: string): Promise<void>;
  /** Every blob whose key starts with `prefix`, in no particular order (for backups and clean-up). */
  list(prefix: string): AsyncIterable<BlobListEntry>;
  /** Releases the store's connections; the app calls it last, when it closes. */
  close(): Promise<void>;
  /**
   * Removes temporary data of writes a crash cut off (a local store's `.partial` files) that has not
   * been touched for `untouchedForMs`, and says how many it removed. Optional: a store without such
   * data (or one whose service expires it itself) leaves it out.
   */
  removeStaleTemporaryData?(untouchedForMs: number): Promise<number>;
}

/** The methods a BlobStore has, as the boot-time check looks for them. */
export const blobStoreMethods = ['put', 'get', 'stat', 'delete', 'list', 'close'] as const;

/** Throws unless `value` has every BlobStore method; `source` names where it came from in the message. */
export function assertBlobStore(value: unknown, source: string): asserts value is BlobStore {
  const missing = typeof value === 'object' && value !== null
    ? blobStoreMethods.filter((name) => typeof (value as Record<string, unknown>)[name] !== 'function')
    : [...blobStoreMethods];
  if (missing.length) throw new Error(`The blob store from ${source} is not a BlobStore: it lacks ${missing.map((m) => `${m}()`).join(', ')}. A blob store must have ${blobStoreMethods.join(', ')} (core/files/blob-store.ts).`);
}

/** Throws a RangeError unless `range` is two whole byte offsets with start <= end. */
export function assertBlobRange(range: BlobRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`The blob range ${JSON.stringify({ start, end })} is not valid: start and end are whole byte offsets, 0 <= start <= end (end inclusive).`);
  }
}

/** Refuses a put() before it writes anything (a bad key, an aborted signal), destroying the body as the contract says. */
export function assertPutMayStart(key: string, body: Readable, signal: AbortSignal | undefined): void {
  try {
    assertBlobKey(key);
    signal?.throwIfAborted();
  } catch (error) {
    body.destroy();
    throw error;
  }
}

declare module '../kernel/service-map.ts' {
  interface ServiceMap {
    'core.blobs': BlobStore;
  }
}
