import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import type { Transaction } from 'sequelize';
import { newId } from '../db/new-id.ts';
import { AppError } from '../http/app-error.ts';
import type { Logger } from '../kernel/create-logger.ts';
import type { KeyService } from '../crypto/key-service.ts';
import type { BlobCatalog, BlobRow } from './blob-catalog.ts';
import { createBlobDecryptor } from './blob-decryptor.ts';
import { createBlobEncryptor } from './blob-encryptor.ts';
import { decryptBlobRange } from './blob-range.ts';
import type { BlobRange, BlobStore } from './blob-store.ts';

/** A blob whose ciphertext is stored but whose row is not yet in the catalogue: commit() or discard() it. */
export type PreparedBlob = Readonly<BlobRow>;

/** How store() reads a body. */
export interface StoreOptions {
  /** The most plaintext bytes accepted; one byte more aborts the store with a 413. */
  maxBytes: number;
  /** Aborts the store (a client that went away); nothing stays stored. */
  signal?: AbortSignal;
  /**
   * Sees the first bytes (up to `headBytes`, fewer when the body is shorter) before any of them is
   * encrypted; throwing (or rejecting) refuses the body (a type check by magic bytes, an image's pixel count).
   */
  inspectHead?: (head: Buffer) => void | Promise<void>;
  /** How many leading bytes inspectHead sees (default `headBytes`; an image's EXIF wants more). */
  headBytes?: number;
}

/** How commit() files a blob. */
export interface CommitOptions {
  /**
   * The blob this one was made from (a photo's thumbnail): it goes when that one goes, row and
   * ciphertext, in the same transaction.
   */
  derivedFrom?: string;
}

/** A stored blob opened for reading: its row and its plaintext (a damaged blob fails the stream with BlobIntegrityError). */
export interface OpenedBlob {
  row: BlobRow;
  stream: Readable;
}

/** How many leading bytes inspectHead sees: enough for every magic number the type check knows. */
export const headBytes = 4096;

/** Core's encrypted files (`core.files`): plaintext in, ciphertext in the blob store, rows in kirjuri_blobs. */
export interface EncryptedFiles {
  /** Streams `body` through the encryptor into the blob store (constant memory); the returned blob is not in the catalogue yet. */
  store(tenantId: string, body: Readable, options: StoreOptions): Promise<PreparedBlob>;
  /** Inserts the blob's row inside the caller's transaction, so the file, its row and its audit entry commit together. */
  commit(prepared: PreparedBlob, transaction: Transaction, options?: CommitOptions): Promise<void>;
  /** Deletes a prepared blob's ciphertext (the caller's transaction failed, or the file was refused). */
  discard(prepared: PreparedBlob): Promise<void>;
  /** The tenant's blob decrypted, whole or `range` of its plaintext (inclusive, inside the file); null when there is no such blob. */
  open(tenantId: string, blobId: string, range?: BlobRange): Promise<OpenedBlob | null>;
  /** Removes the blob's row (and those of blobs derived from it) in the caller's transaction and their ciphertext once that commits; false when there was none. */
  remove(tenantId: string, blobId: string, transaction: Transaction): Promise<boolean>;
}

/** The 413 a body over the limit gets. */
export function fileTooLarge(maxBytes: number): AppError {
  return new AppError(413, 'file_too_large', `The file is larger than the limit of ${maxBytes} bytes: send a smaller file.`, { details: { maxBytes } });
}

/** Counts plaintext bytes and fails the stream once they pass the limit. */
class ByteLimit extends Transform {
  readonly #maxBytes: number;
  #seen = 0;

  constructor(maxBytes: number) {
    super();
    this.#maxBytes = maxBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#seen += chunk.length;
    callback(this.#seen > this.#maxBytes ? fileTooLarge(this.#maxBytes) : null, chunk);
  }
}

/**
 * Holds back the first bytes until there are enough (or the body ended), lets `inspect` refuse them
 * (it may take its time: nothing flows on meanwhile), then passes everything on.
 */
class HeadInspection extends Transform {
  readonly #inspect: (head: Buffer) => void | Promise<void>;
  readonly #headBytes: number;
  #held: Buffer[] = [];
  #heldLength = 0;
  #inspected = false;

  constructor(inspect: (head: Buffer) => void | Promise<void>, bytes: number) {
    super();
    this.#inspect = inspect;
    this.#headBytes = bytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#inspected) return callback(null, chunk);
    this.#held.push(chunk);
    this.#heldLength += chunk.length;
    if (this.#heldLength >= this.#headBytes) this.#release(callback);
    else callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.#inspected) callback();
    else this.#release(callback);
  }

  #release(callback: TransformCallback): void {
    this.#inspected = true;
    const held = Buffer.concat(this.#held, this.#heldLength);
    this.#held = [];
    const pass = (): void => {
      this.push(held);
      callback();
    };
    try {
      const verdict = this.#inspect(held.subarray(0, this.#headBytes));
      if (verdict instanceof Promise) verdict.then(pass, (error: unknown) => callback(error as Error));
      else pass();
    } catch (error) {
      callback(error as Error);
    }
  }
}

/** What core.files is made of: the store, the keys and the catalogue. */
export interface EncryptedFilesParts {
  blobs: BlobStore;
  keys: KeyService;
  catalog: BlobCatalog;
  log: Logger;
}

/** Builds core.files (see EncryptedFiles). */
export function createEncryptedFiles(parts: EncryptedFilesParts): EncryptedFiles {
  const { blobs, keys, catalog, log } = parts;
  const deleteLater = (key: string): void => {
    // The row is gone, so nothing reads the ciphertext any more; a failed delete only leaves an orphan for a sweep.
    blobs.delete(key).catch((error: unknown) => log.warn({ err: error, key }, 'Deleting a removed blob\'s ciphertext failed'));
  };
  return {
    async store(tenantId, body, options) {
      const id = newId();
      const storageKey = `tenants/${tenantId}/${id}`;
      const dataKey = await keys.newDataKey(tenantId, id);
      const encryptor = createBlobEncryptor({ key: dataKey.key, tenantId, blobId: id, tenantKeyVersion: dataKey.tenantKeyVersion });
      const stages: Transform[] = [new ByteLimit(options.maxBytes)];
      if (options.inspectHead) stages.push(new HeadInspection(options.inspectHead, options.headBytes ?? headBytes));
      // The pipeline destroys every stage when one fails; put() then rejects with that error and keeps nothing.
      pipeline([body, ...stages, encryptor], () => undefined);
      await blobs.put(storageKey, encryptor, { signal: options.signal });
      try {
        const summary = await encryptor.summary;
        return { id, tenantId, storageKey, ...summary, tenantKeyVersion: dataKey.tenantKeyVersion, wrappedKey: dataKey.wrapped, createdAt: Date.now() };
      } catch (error) {
        await blobs.delete(storageKey);
        throw error;
      }
    },
    async commit(prepared, transaction, commitOptions) {
      await catalog.insert({ ...prepared, derivedFrom: commitOptions?.derivedFrom ?? null }, transaction);
    },
    async discard(prepared) {
      await blobs.delete(prepared.storageKey);
    },
    async open(tenantId, blobId, range) {
      const row = await catalog.find(tenantId, blobId);
      if (!row) return null;
      const key = await keys.dataKeyOf(row);
      if (range) {
        return { row, stream: decryptBlobRange({ key, tenantId, blobId, plaintextSize: row.plaintextSize, start: range.start, end: range.end, readCiphertext: (start, end) => blobs.get(row.storageKey, { start, end }) }) };
      }
      const ciphertext = await blobs.get(row.storageKey);
      const decryptor = createBlobDecryptor({ key, tenantId, blobId });
      pipeline(ciphertext, decryptor, () => undefined);
      return { row, stream: decryptor };
    },
    async remove(tenantId, blobId, transaction) {
      const row = await catalog.find(tenantId, blobId, transaction);
      if (!row) return false;
      const derived = await catalog.derivedFrom(tenantId, blobId, transaction);
      // Derived rows go with the original's by the foreign key; their ciphertext is deleted here too.
      if (!await catalog.delete(tenantId, blobId, transaction)) return false;
      transaction.afterCommit(() => {
        for (const key of [row.storageKey, ...derived.map((d) => d.storageKey)]) deleteLater(key);
      });
      return true;
    },
  };
}

declare module '../kernel/service-map.ts' {
  interface ServiceMap {
    'core.files': EncryptedFiles;
  }
}
