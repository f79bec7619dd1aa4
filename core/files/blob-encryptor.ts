import { createHash, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { blobChunkSize, blobFormatVersion, encodeBlobHeader, outputPieceSize, sealChunk, type BlobHeader, type DataKey } from './blob-format.ts';
import { CoalescedOutput } from './coalesced-output.ts';
import { HeldBackFrames } from './held-back-frames.ts';

/** What the encryptor knows once the whole plaintext went through: what the blob's row records. */
export interface BlobEncryptionSummary {
  formatVersion: number;
  plaintextSize: number;
  ciphertextSize: number;
  /** Hex SHA-256 of the plaintext (shown to users, checked by integrity checks). */
  plaintextSha256: string;
}

/** Who the blob is: bound into its header, and so into every chunk. */
export interface BlobEncryptorOptions {
  key: DataKey;
  tenantId: string;
  blobId: string;
  /** The tenant key version the data key is wrapped under (BlobKeys.newDataKey says). */
  tenantKeyVersion: number;
}

/**
 * Encrypts a plaintext stream into the blob format (blob-format.ts) with constant memory: at most one
 * chunk of plaintext is held, because a full chunk can only be sealed once the next byte (not last)
 * or the end (last) has come, and about 256 KiB of ciphertext before it is pushed. `summary` resolves after the last chunk with sizes and the SHA-256,
 * and rejects when the stream fails or is destroyed first.
 */
export class BlobEncryptor extends Transform {
  /** Sizes and plaintext SHA-256, once the end has been written. */
  readonly summary: Promise<BlobEncryptionSummary>;
  readonly #key: DataKey;
  readonly #header: BlobHeader;
  readonly #hash = createHash('sha256');
  readonly #frames = new HeldBackFrames(blobChunkSize);
  readonly #output = new CoalescedOutput(outputPieceSize);
  #index = 0;
  #plaintextSize = 0;
  #ciphertextSize = 0;
  #settle!: { resolve(summary: BlobEncryptionSummary): void; reject(error: Error): void };

  constructor(options: BlobEncryptorOptions) {
    super();
    this.#key = options.key;
    this.#header = encodeBlobHeader({ tenantId: options.tenantId, blobId: options.blobId, tenantKeyVersion: options.tenantKeyVersion, noncePrefix: randomBytes(7) });
    this.summary = new Promise((resolve, reject) => { this.#settle = { resolve, reject }; });
    // Whoever only pipes the stream learns of a failure from the stream; the summary must not also crash the process.
    this.summary.catch(() => undefined);
    this.#emit(this.#header.bytes);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#hash.update(chunk);
      this.#plaintextSize += chunk.length;
      this.#frames.push(chunk, 0, (frame) => this.#seal(frame, false));
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#seal(this.#frames.last(), true);
      this.#frames.wipe();
      const rest = this.#output.take();
      if (rest) this.push(rest);
      this.#settle.resolve({
        formatVersion: blobFormatVersion, plaintextSize: this.#plaintextSize, ciphertextSize: this.#ciphertextSize, plaintextSha256: this.#hash.digest('hex'),
      });
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#settle.reject(error ?? new Error('The blob encryptor was closed before the whole file was written.'));
    this.#frames.wipe();
    callback(error);
  }

  #seal(plaintext: Buffer, last: boolean): void {
    const [ciphertext, tag] = sealChunk(this.#key, this.#header, this.#index, last, plaintext);
    this.#index += 1;
    this.#emit(ciphertext);
    this.#emit(tag);
  }

  #emit(bytes: Buffer): void {
    this.#ciphertextSize += bytes.length;
    const gathered = this.#output.add(bytes);
    if (gathered) this.push(gathered);
  }
}

/** A new encryptor for one blob (see BlobEncryptor). */
export function createBlobEncryptor(options: BlobEncryptorOptions): BlobEncryptor {
  return new BlobEncryptor(options);
}
