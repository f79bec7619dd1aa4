import { Transform, type TransformCallback } from 'node:stream';
import { BlobIntegrityError } from './blob-integrity-error.ts';
import { blobHeaderLength, blobTagLength, decodeBlobHeader, openChunk, sealedChunkSize, type BlobHeader, type DataKey } from './blob-format.ts';
import { HeldBackFrames } from './held-back-frames.ts';

/** The blob the caller expects (from its row) and its data key (BlobKeys.dataKeyOf). */
export interface BlobDecryptorOptions {
  key: DataKey;
  tenantId: string;
  blobId: string;
}

/**
 * Decrypts a stored blob (blob-format.ts) as a stream with constant memory, failing with a
 * BlobIntegrityError on anything but the untouched file of exactly this tenant's blob under this key.
 * A chunk's plaintext is pushed only after its tag verified, and a full chunk is opened only once the
 * next byte (so it is not the last) or the end (so it must be) has come: a file cut off at a chunk
 * boundary, or with bytes after its last chunk, fails too. Each chunk's plaintext (64 KiB) is pushed
 * as it is: gathering four into one piece copied every byte once more and cost about 30 % of the
 * decryption's throughput (bench/RESULTS.md, blob-crypto read path).
 */
export class BlobDecryptor extends Transform {
  readonly #key: DataKey;
  readonly #blobId: string;
  readonly #tenantId: string;
  readonly #headerBytes: Buffer;
  #headerFill = 0;
  #header: BlobHeader | null = null;
  readonly #frames = new HeldBackFrames(sealedChunkSize);
  #index = 0;

  constructor(options: BlobDecryptorOptions) {
    super();
    this.#key = options.key;
    this.#tenantId = options.tenantId;
    this.#blobId = options.blobId;
    this.#headerBytes = Buffer.alloc(blobHeaderLength(options.tenantId, options.blobId));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#frames.push(chunk, this.#takeHeader(chunk), (frame) => this.#openMiddle(frame));
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.#header === null) throw this.#failure('it ends inside its header (the file was cut off)');
      this.#openLast(this.#frames.last());
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  /** Copies header bytes from the start of `chunk` until the header is complete; returns where chunks begin. */
  #takeHeader(chunk: Buffer): number {
    if (this.#header !== null) return 0;
    const taken = Math.min(this.#headerBytes.length - this.#headerFill, chunk.length);
    chunk.copy(this.#headerBytes, this.#headerFill, 0, taken);
    this.#headerFill += taken;
    if (this.#headerFill === this.#headerBytes.length) this.#header = decodeBlobHeader(this.#headerBytes, { tenantId: this.#tenantId, blobId: this.#blobId });
    return taken;
  }

  #openMiddle(sealed: Buffer): void {
    const plaintext = openChunk(this.#key, this.#header!, this.#index, false, sealed);
    if (plaintext === null) {
      // Only to say what is wrong: a chunk that opens as the last one has something after it.
      if (openChunk(this.#key, this.#header!, this.#index, true, sealed) !== null) throw this.#failure(`data follows its last chunk (chunk ${this.#index})`);
      throw this.#failure(`chunk ${this.#index} does not authenticate (a changed byte, a reordered, repeated or missing chunk, or a wrong key)`);
    }
    this.#index += 1;
    if (plaintext.length > 0) this.push(plaintext);
  }

  #openLast(sealed: Buffer): void {
    if (sealed.length < blobTagLength) throw this.#failure(`it ends inside chunk ${this.#index} (the file was cut off)`);
    const plaintext = openChunk(this.#key, this.#header!, this.#index, true, sealed);
    if (plaintext === null) {
      if (sealed.length === sealedChunkSize && openChunk(this.#key, this.#header!, this.#index, false, sealed) !== null) {
        throw this.#failure(`it ends after chunk ${this.#index} without its last chunk (the file was cut off at a chunk boundary)`);
      }
      throw this.#failure(`its last chunk (chunk ${this.#index}) does not authenticate (a changed byte, a file cut off inside a chunk, or a wrong key)`);
    }
    this.#index += 1;
    if (plaintext.length > 0) this.push(plaintext);
  }

  #failure(reason: string): BlobIntegrityError {
    return new BlobIntegrityError(this.#blobId, reason);
  }
}

/** A new decryptor for one stored blob (see BlobDecryptor). */
export function createBlobDecryptor(options: BlobDecryptorOptions): BlobDecryptor {
  return new BlobDecryptor(options);
}
