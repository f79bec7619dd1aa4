import { Readable } from 'node:stream';

/** Bytes a ReadAheadStream asks for per read unless told otherwise. */
export const defaultReadSize = 512 * 1024;
/** Reads a ReadAheadStream keeps in flight or waiting for its consumer unless told otherwise. */
export const defaultReadDepth = 4;

/** The part of a FileHandle (node:fs/promises) a ReadAheadStream uses; tests give a stand-in. */
export interface PositionalFile {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/** Which bytes a ReadAheadStream reads, and how far ahead. */
export interface ReadAheadOptions {
  /** First byte to read (default 0). */
  start?: number;
  /** Last byte to read, inclusive as in fs.createReadStream (default: to the end of the file); start - 1 reads nothing. */
  end?: number;
  /** Bytes per read, and the stream's own buffer (highWaterMark). */
  readSize?: number;
  /** Reads kept in flight or waiting: the stream holds at most (depth + 1) x readSize bytes. */
  depth?: number;
}

interface QueuedRead {
  position: number;
  buffer: Buffer;
  settled: boolean;
  bytesRead: number;
  error: unknown;
}

/**
 * A file's bytes as a stream that reads ahead: while the consumer works on one piece (a decryptor
 * decrypting it), the next `depth` reads are already in flight on the thread pool, so reading and
 * the consumer's work overlap instead of taking turns (fs.ReadStream starts its next read only after
 * the consumer has returned). Pieces come in file order; a short read is taken as where the file
 * ends, as sequential reads would (the reads queued after it are dropped). Memory is bounded: reads
 * are started only while the consumer asks for more. Owns the file: closes it when it ends or is destroyed.
 */
export class ReadAheadStream extends Readable {
  readonly #file: PositionalFile;
  readonly #readSize: number;
  readonly #depth: number;
  readonly #queue: QueuedRead[] = [];
  #position: number;
  /** Exclusive; Infinity reads to the end of the file. */
  #end: number;
  #atEnd = false;
  #wanted = false;
  #delivering = false;

  constructor(file: PositionalFile, options: ReadAheadOptions = {}) {
    const { start = 0, end = Infinity, readSize = defaultReadSize, depth = defaultReadDepth } = options;
    if (!Number.isSafeInteger(start) || start < 0 || !(end === Infinity || Number.isSafeInteger(end)) || end < start - 1) {
      throw new RangeError(`A read of bytes ${start} to ${end} is not valid: start is a whole offset of at least 0 and end (inclusive) at least start - 1.`);
    }
    if (!Number.isSafeInteger(readSize) || readSize < 1 || !Number.isSafeInteger(depth) || depth < 1) {
      throw new RangeError(`A read-ahead of ${depth} reads of ${readSize} bytes is not valid: both are whole numbers of at least 1.`);
    }
    super({ highWaterMark: readSize });
    this.#file = file;
    this.#readSize = readSize;
    this.#depth = depth;
    this.#position = start;
    this.#end = end + 1;
  }

  override _read(): void {
    this.#wanted = true;
    this.#deliver();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Reads still in flight keep their own buffers; a FileHandle closes once they have settled.
    this.#queue.length = 0;
    this.#file.close().then(() => callback(error), (closeError: unknown) => callback(error ?? closeError as Error));
  }

  /** Starts reads until `depth` are queued, the range is covered or the end of the file was seen. */
  #fill(): void {
    while (!this.#atEnd && this.#queue.length < this.#depth && this.#position < this.#end) {
      const length = Math.min(this.#readSize, this.#end - this.#position);
      const queued: QueuedRead = { position: this.#position, buffer: Buffer.allocUnsafeSlow(length), settled: false, bytesRead: 0, error: null };
      this.#position += length;
      this.#queue.push(queued);
      this.#file.read(queued.buffer, 0, length, queued.position).then(
        ({ bytesRead }) => { queued.bytesRead = bytesRead; },
        (error: unknown) => { queued.error = error ?? new Error('A file read failed without saying why.'); },
      ).finally(() => {
        queued.settled = true;
        this.#deliver();
      });
    }
  }

  /** Pushes the settled reads at the head of the queue, in order, while the consumer wants more. */
  #deliver(): void {
    // push() may call _read() again before it returns; the loop below then carries on.
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      while (this.#wanted && !this.destroyed) {
        this.#fill();
        const head = this.#queue[0];
        if (head === undefined) {
          this.#wanted = false;
          this.push(null);
          return;
        }
        if (!head.settled) return;
        this.#queue.shift();
        if (head.error !== null) {
          this.destroy(head.error as Error);
          return;
        }
        if (head.bytesRead < head.buffer.length) {
          // The file ends here: reads queued after this one started past its end; go on from where it stopped.
          this.#queue.length = 0;
          this.#position = head.position + head.bytesRead;
          if (head.bytesRead === 0) {
            this.#atEnd = true;
            continue;
          }
        }
        // Refilled before the push: the consumer works on this piece while the next reads are under way.
        this.#fill();
        this.#wanted = false;
        if (this.push(head.bytesRead === head.buffer.length ? head.buffer : head.buffer.subarray(0, head.bytesRead))) this.#wanted = true;
      }
    } finally {
      this.#delivering = false;
    }
  }
}
