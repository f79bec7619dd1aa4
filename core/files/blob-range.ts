import { Readable } from 'node:stream';
import { BlobIntegrityError } from './blob-integrity-error.ts';
import { blobChunkCount, blobChunkSize, blobHeaderLength, blobTagLength, decodeBlobHeader, openChunk, sealedChunkSize, type DataKey } from './blob-format.ts';

/** Which stored bytes a plaintext range needs, and what to cut from the chunks' plaintext. */
export interface BlobRangePlan {
  /** The header's bytes are 0 to headerLength - 1 of the stored file. */
  headerLength: number;
  firstChunk: number;
  lastChunk: number;
  /** All the blob's chunks (the last one is opened as the last). */
  chunkCount: number;
  /** First stored byte of firstChunk (inclusive offset in the stored file). */
  ciphertextStart: number;
  /** Last stored byte of lastChunk, its tag included (inclusive, like HTTP Range and fs.createReadStream). */
  ciphertextEnd: number;
  /** Plaintext bytes of firstChunk before `start`. */
  skip: number;
  /** Plaintext bytes served: end - start + 1. */
  length: number;
}

/**
 * Plans a Range download: plaintext bytes `start` to `end` (both inclusive, as in `bytes=start-end`)
 * of a blob of `plaintextSize` bytes. Pure arithmetic; an impossible range is a RangeError (the HTTP
 * layer answers 416 before asking).
 */
export function planBlobRange(options: { plaintextSize: number; headerLength: number; start: number; end: number }): BlobRangePlan {
  const { plaintextSize, headerLength, start, end } = options;
  if (![plaintextSize, start, end].every(Number.isSafeInteger) || start < 0 || end < start || end >= plaintextSize) {
    throw new RangeError(`Bytes ${start}-${end} are not a range of a file of ${plaintextSize} bytes: ask for 0 <= start <= end < size.`);
  }
  const chunkCount = blobChunkCount(plaintextSize);
  const firstChunk = Math.floor(start / blobChunkSize);
  const lastChunk = Math.floor(end / blobChunkSize);
  return {
    headerLength, firstChunk, lastChunk, chunkCount,
    ciphertextStart: headerLength + firstChunk * sealedChunkSize,
    ciphertextEnd: headerLength + lastChunk * sealedChunkSize + sealedLengthOf(lastChunk, plaintextSize) - 1,
    skip: start - firstChunk * blobChunkSize,
    length: end - start + 1,
  };
}

/** Reads stored bytes `start` to `end` (inclusive) of the blob's file: what a BlobStore offers. */
export type CiphertextRangeReader = (start: number, end: number) => Readable | AsyncIterable<Buffer> | Promise<Readable | AsyncIterable<Buffer>>;

/** A plaintext range of one blob: who it is (from its row), its data key, and how to read its stored bytes. */
export interface BlobRangeOptions {
  key: DataKey;
  tenantId: string;
  blobId: string;
  plaintextSize: number;
  start: number;
  end: number;
  readCiphertext: CiphertextRangeReader;
}

/**
 * Plaintext bytes `start` to `end` (inclusive) of a stored blob as a byte stream: reads the header and
 * only the chunks the range touches (one read when the range starts in the first chunk, else two),
 * opens each chunk at its own index after its tag verified, and cuts the range out. Fails with a
 * BlobIntegrityError like the whole-file decryptor for the chunks it reads.
 */
export function decryptBlobRange(options: BlobRangeOptions): Readable {
  return Readable.from(rangePlaintext(options), { objectMode: false });
}

async function* rangePlaintext(options: BlobRangeOptions): AsyncGenerator<Buffer> {
  const { key, tenantId, blobId, plaintextSize } = options;
  const plan = planBlobRange({ plaintextSize, headerLength: blobHeaderLength(tenantId, blobId), start: options.start, end: options.end });
  const fromStart = plan.firstChunk === 0;
  let reader = new ExactReader(await options.readCiphertext(0, fromStart ? plan.ciphertextEnd : plan.headerLength - 1));
  const headerBytes = await reader.read(plan.headerLength);
  if (headerBytes.length < plan.headerLength) throw new BlobIntegrityError(blobId, 'it ends inside its header (the file was cut off)');
  const header = decodeBlobHeader(headerBytes, { tenantId, blobId });
  if (!fromStart) {
    await reader.close();
    reader = new ExactReader(await options.readCiphertext(plan.ciphertextStart, plan.ciphertextEnd));
  }
  try {
    let skip = plan.skip;
    let remaining = plan.length;
    for (let index = plan.firstChunk; index <= plan.lastChunk; index += 1) {
      const wanted = sealedLengthOf(index, plaintextSize);
      const sealed = await reader.read(wanted);
      if (sealed.length < wanted) throw new BlobIntegrityError(blobId, `it ends inside chunk ${index} (the file was cut off)`);
      const plaintext = openChunk(key, header, index, index === plan.chunkCount - 1, sealed);
      if (plaintext === null) throw new BlobIntegrityError(blobId, `chunk ${index} does not authenticate (a changed byte, a reordered, repeated or missing chunk, a wrong size in its row, or a wrong key)`);
      const part = plaintext.subarray(skip, skip + Math.min(remaining, plaintext.length - skip));
      skip = 0;
      remaining -= part.length;
      yield part;
    }
  } finally {
    await reader.close();
  }
}

/** Stored length of chunk `index` (ciphertext and tag) of a blob of `plaintextSize` bytes. */
function sealedLengthOf(index: number, plaintextSize: number): number {
  const last = blobChunkCount(plaintextSize) - 1;
  return (index === last ? plaintextSize - last * blobChunkSize : blobChunkSize) + blobTagLength;
}

/** Reads exactly n bytes at a time from a byte stream (fewer only at its end). */
class ExactReader {
  readonly #iterator: AsyncIterator<Buffer>;
  #rest: Buffer = Buffer.alloc(0);
  #done = false;

  constructor(source: Readable | AsyncIterable<Buffer>) {
    this.#iterator = source[Symbol.asyncIterator]();
  }

  async read(n: number): Promise<Buffer> {
    const pieces: Buffer[] = [];
    let have = 0;
    while (have < n) {
      if (this.#rest.length === 0) {
        if (this.#done) break;
        const next = await this.#iterator.next();
        if (next.done) {
          this.#done = true;
          break;
        }
        this.#rest = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      }
      const taken = Math.min(n - have, this.#rest.length);
      pieces.push(this.#rest.subarray(0, taken));
      this.#rest = this.#rest.subarray(taken);
      have += taken;
    }
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, have);
  }

  /** Stops the source (a range read may end before the stream does). */
  async close(): Promise<void> {
    if (!this.#done) {
      this.#done = true;
      await this.#iterator.return?.();
    }
  }
}
