import { randomUUID } from 'node:crypto';
import { constants, type Dirent } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from '../kernel/create-logger.ts';
import { assertBlobKey, assertBlobKeyPrefix } from './blob-key.ts';
import { assertBlobRange, assertPutMayStart, type BlobListEntry, type BlobPutOptions, type BlobPutResult, type BlobRange, type BlobStat, type BlobStore } from './blob-store.ts';
import { BlobNotFoundError, BlobRangeError, BlobStoreError, BlobStoreFullError } from './blob-store-errors.ts';
import { ReadAheadStream } from './read-ahead-stream.ts';

// Key segments start with a letter or digit (blob-key.ts), so these names never collide with a key.
const tempDirName = '.tmp';
const tempSuffix = '.partial';
const fanOutMarker = '_';
// Blob ids are random (UUIDs, hashes): two characters spread one tenant's blobs over up to 256
// (hex) directories, so a million blobs make a few thousand entries a directory, not a million.
const fanOutWidth = 2;

/** How long a temporary file must have been left alone before open() removes it (a slow 2 GB upload takes hours). */
export const defaultTempGraceMs = 24 * 60 * 60_000;

/** Where a LocalBlobStore keeps its blobs, and how it tidies up after a crash. */
export interface LocalBlobStoreOptions {
  /** The directory blobs live under (`<dataDir>/blobs` by default); made, mode 0750, if missing. */
  directory: string;
  /** Temporary files untouched this long are removed at open; younger ones may be another process's put in progress. */
  tempGraceMs?: number;
  log?: Logger;
}

const errorCode = (error: unknown): string => (error as NodeJS.ErrnoException)?.code ?? 'error';
const isMissing = (error: unknown): boolean => ['ENOENT', 'ENOTDIR'].includes(errorCode(error));
const overlaps = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a);

function bytesOf(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk);
  throw new TypeError('put() needs a stream of bytes (Buffers or strings), not of objects.');
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  // A write may take fewer bytes than offered; the rest must follow, or the blob would be short.
  for (let offset = 0; offset < bytes.length;) offset += (await handle.write(bytes, offset, bytes.length - offset)).bytesWritten;
}

/** Makes a directory's entries (a renamed blob, a new sub-directory) durable: without it a crash may forget them. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot fsync a directory at all; there the rename is as durable as it gets.
    if (!['EINVAL', 'ENOTSUP', 'EISDIR'].includes(errorCode(error))) throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Blobs as files under one directory: `tenants/t1/abcd` is `<directory>/tenants/t1/_ab/abcd`. A put
 * writes `<directory>/.tmp/<uuid>.partial`, fsyncs it, renames it into place and fsyncs the directory,
 * so a crash never leaves a half blob visible; temporary files a crash left behind are removed at open
 * (a day old) and by the orphan sweep (removeStaleTemporaryData).
 */
export class LocalBlobStore implements BlobStore {
  /** The directory the blobs live under. */
  readonly directory: string;
  readonly #tempDir: string;

  private constructor(directory: string) {
    this.directory = directory;
    this.#tempDir = join(directory, tempDirName);
  }

  /** Opens (and makes) the store's directory, checks that it is writable and removes stale temporary files. */
  static async open(options: LocalBlobStoreOptions): Promise<LocalBlobStore> {
    const store = new LocalBlobStore(options.directory);
    try {
      await mkdir(store.#tempDir, { recursive: true, mode: 0o750 });
      await access(options.directory, constants.R_OK | constants.W_OK | constants.X_OK);
    } catch (error) {
      throw new BlobStoreError(`The blob directory ${options.directory} cannot be used (${errorCode(error)}): create it and make it writable by the user Kirjuri runs as, or set files.localDir (KIRJURI_FILES_LOCAL_DIR) to another directory.`, null, { cause: error });
    }
    const removed = await store.removeStaleTemporaryData(options.tempGraceMs ?? defaultTempGraceMs);
    if (removed > 0) options.log?.info({ removed, directory: options.directory }, 'Removed temporary blob files left by interrupted writes');
    return store;
  }

  /**
   * Removes the `.partial` files of puts a crash cut off, once untouched (by mtime) for `untouchedForMs`:
   * a put in progress writes to its file as its bytes arrive, so only an abandoned one stays untouched.
   */
  async removeStaleTemporaryData(untouchedForMs: number): Promise<number> {
    const now = Date.now();
    let removed = 0;
    let names: string[];
    try {
      names = await readdir(this.#tempDir);
    } catch (error) {
      if (isMissing(error)) return 0;
      throw this.#failure('Listing', null, error);
    }
    for (const name of names) {
      if (!name.endsWith(tempSuffix)) continue;
      const path = join(this.#tempDir, name);
      const info = await stat(path).catch(() => null);
      if (!info || now - info.mtimeMs < untouchedForMs) continue;
      await rm(path, { force: true });
      removed += 1;
    }
    return removed;
  }

  async put(key: string, body: Readable, options: BlobPutOptions = {}): Promise<BlobPutResult> {
    const { signal } = options;
    assertPutMayStart(key, body, signal);
    const target = this.#pathOf(key);
    const temp = join(this.#tempDir, `${randomUUID()}${tempSuffix}`);
    // Destroying the body ends the loop below even while it waits for the next chunk.
    const abort = (): void => { body.destroy(signal?.reason); };
    signal?.addEventListener('abort', abort, { once: true });
    let handle: FileHandle | undefined;
    let renamed = false;
    try {
      handle = await this.#io('Storing', key, () => open(temp, 'wx', 0o640));
      let size = 0;
      for await (const chunk of body) {
        const bytes = bytesOf(chunk);
        await this.#io('Storing', key, () => writeAll(handle!, bytes));
        size += bytes.length;
      }
      await this.#io('Storing', key, () => handle!.sync());
      await this.#io('Storing', key, () => handle!.close());
      handle = undefined;
      await this.#io('Storing', key, () => this.#makeDirectory(dirname(target)));
      await this.#io('Storing', key, () => rename(temp, target));
      renamed = true;
      await this.#io('Storing', key, () => syncDirectory(dirname(target)));
      // Aborted after the last byte arrived: the caller has given up on this blob, so it must not stay.
      signal?.throwIfAborted();
      return { size };
    } catch (error) {
      await handle?.close().catch(() => undefined);
      await rm(temp, { force: true }).catch(() => undefined);
      // The caller hears "failed", so the blob must not stay visible even when only the last fsync failed.
      if (renamed) await rm(target, { force: true }).catch(() => undefined);
      body.destroy();
      if (signal?.aborted) throw signal.reason;
      throw error;
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  async get(key: string, range?: BlobRange): Promise<Readable> {
    assertBlobKey(key);
    if (range) assertBlobRange(range);
    let handle: FileHandle;
    try {
      handle = await open(this.#pathOf(key), 'r');
    } catch (error) {
      if (isMissing(error)) throw new BlobNotFoundError(key);
      throw this.#failure('Reading', key, error);
    }
    try {
      const { size } = await handle.stat();
      if (range && range.start >= size) throw new BlobRangeError(key, range.start);
      // The open handle keeps reading the same file even if the blob is deleted or replaced meanwhile. The
      // stream reads ahead, so that a decryptor works on one piece while the next ones are read.
      return new ReadAheadStream(handle, range ? { start: range.start, end: Math.min(range.end, size - 1) } : { end: size - 1 });
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error instanceof BlobStoreError ? error : this.#failure('Reading', key, error);
    }
  }

  async stat(key: string): Promise<BlobStat | null> {
    assertBlobKey(key);
    try {
      const info = await stat(this.#pathOf(key));
      return info.isFile() ? { size: info.size } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw this.#failure('Checking', key, error);
    }
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    try {
      await unlink(this.#pathOf(key));
    } catch (error) {
      if (!isMissing(error)) throw this.#failure('Deleting', key, error);
    }
  }

  async *list(prefix: string): AsyncGenerator<BlobListEntry> {
    assertBlobKeyPrefix(prefix);
    yield* this.#walk(this.directory, '', prefix);
  }

  /** Nothing to release: every operation opens and closes its own files. */
  async close(): Promise<void> {
    return undefined;
  }

  #pathOf(key: string): string {
    const segments = key.split('/');
    const name = segments.pop()!;
    return join(this.directory, ...segments, fanOutMarker + name.slice(0, fanOutWidth), name);
  }

  /** Blobs under `dir`, whose keys start with `keyPrefix`: key segments are directories, `_xx` directories hold the blobs. */
  async *#walk(dir: string, keyPrefix: string, prefix: string): AsyncGenerator<BlobListEntry> {
    for (const entry of await this.#entriesOf(dir)) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      if (entry.name.startsWith(fanOutMarker)) {
        if (overlaps(keyPrefix + entry.name.slice(fanOutMarker.length), prefix)) yield* this.#blobsIn(join(dir, entry.name), keyPrefix, prefix);
      } else if (overlaps(`${keyPrefix}${entry.name}/`, prefix)) {
        yield* this.#walk(join(dir, entry.name), `${keyPrefix}${entry.name}/`, prefix);
      }
    }
  }

  async *#blobsIn(dir: string, keyPrefix: string, prefix: string): AsyncGenerator<BlobListEntry> {
    for (const entry of await this.#entriesOf(dir)) {
      const key = keyPrefix + entry.name;
      if (!entry.isFile() || !key.startsWith(prefix)) continue;
      try {
        const info = await stat(join(dir, entry.name));
        yield { key, size: info.size, modifiedAt: info.mtimeMs };
      } catch (error) {
        // Deleted between readdir and stat: it is simply no longer there.
        if (!isMissing(error)) throw this.#failure('Listing', null, error);
      }
    }
  }

  async #entriesOf(dir: string): Promise<Dirent[]> {
    try {
      return await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return [];
      throw this.#failure('Listing', null, error);
    }
  }

  /** mkdir -p, then fsyncs the parent of every directory it made, so that they survive a crash with the blob. */
  async #makeDirectory(dir: string): Promise<void> {
    const first = await mkdir(dir, { recursive: true, mode: 0o750 });
    if (first === undefined) return;
    for (let made = dir; ; made = dirname(made)) {
      await syncDirectory(dirname(made));
      if (made === first) break;
    }
  }

  async #io<T>(doing: string, key: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.#failure(doing, key, error);
    }
  }

  #failure(doing: string, key: string | null, error: unknown): BlobStoreError {
    const code = errorCode(error);
    const what = key === null ? `the blobs in ${this.directory}` : `blob "${key}" in ${this.directory}`;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      return new BlobStoreFullError(`${doing} ${what} failed because the disk is full (${code}): free space there or move files.localDir to a larger disk; nothing was stored.`, key, { cause: error });
    }
    return new BlobStoreError(`${doing} ${what} failed (${code}: ${(error as Error)?.message ?? String(error)}): check that the disk works and that the directory is readable and writable by the user Kirjuri runs as.`, key, { cause: error });
  }
}
