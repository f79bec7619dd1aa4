import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { expect } from 'chai';
import { ReadAheadStream, type PositionalFile } from '../../core/files/read-ahead-stream.ts';
import { bytesOf } from '../helpers/blob-streams.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';

/** A file in memory that records every read and settles them only when told (or at once). */
class ScriptedFile implements PositionalFile {
  readonly reads: Array<{ position: number; length: number }> = [];
  closed = 0;
  readonly #bytes: Buffer;
  readonly #held: Array<() => void> = [];
  #holding: boolean;
  #failAt: number | null = null;

  constructor(bytes: Buffer, options: { holding?: boolean } = {}) {
    this.#bytes = bytes;
    this.#holding = options.holding ?? false;
  }

  /** Reads starting at or after `position` fail with EIO. */
  failFrom(position: number): void {
    this.#failAt = position;
  }

  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    this.reads.push({ position, length });
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        if (this.#failAt !== null && position >= this.#failAt) {
          reject(Object.assign(new Error('EIO: simulated failure, read'), { code: 'EIO' }));
          return;
        }
        resolve({ bytesRead: this.#bytes.copy(buffer, offset, Math.min(position, this.#bytes.length), Math.min(position + length, this.#bytes.length)) });
      };
      if (this.#holding) this.#held.push(settle);
      else setImmediate(settle);
    });
  }

  /** Settles every read held so far, in the order given (default: the order they were made). */
  release(order: 'in order' | 'reversed' = 'in order'): void {
    const held = this.#held.splice(0);
    for (const settle of order === 'reversed' ? held.reverse() : held) settle();
  }

  stopHolding(): void {
    this.#holding = false;
    this.release();
  }

  async close(): Promise<void> {
    this.closed += 1;
  }
}

const ticks = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

describe('ReadAheadStream', () => {
  const kib = 1024;
  const bytes = randomBytes(10 * 64 * kib + 123);

  it('reads a real file whole, and byte ranges with an inclusive end, in file order and in pieces of readSize', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kirjuri-read-ahead-'));
    try {
      const path = join(dir, 'file');
      await writeFile(path, bytes);
      const whole = new ReadAheadStream(await open(path, 'r'), { readSize: 64 * kib, depth: 3 });
      // As 'data' events: a paused stream's read() joins whatever is buffered.
      const pieces: Buffer[] = [];
      whole.on('data', (piece: Buffer) => pieces.push(piece));
      await once(whole, 'end');
      expect(Buffer.concat(pieces).equals(bytes)).to.equal(true);
      expect(pieces.slice(0, -1).every((piece) => piece.length === 64 * kib)).to.equal(true);
      for (const [start, end] of [[0, 0], [5, 70_000], [64 * kib - 1, 64 * kib], [bytes.length - 10, bytes.length - 1], [100, 99]] as const) {
        const got = await bytesOf(new ReadAheadStream(await open(path, 'r'), { start, end, readSize: 64 * kib, depth: 2 }));
        expect(got.equals(bytes.subarray(start, end + 1)), `${start}-${end}`).to.equal(true);
      }
      // Without an end it reads to the end of the file, wherever that is.
      expect((await bytesOf(new ReadAheadStream(await open(path, 'r'), { start: 600_000, readSize: 64 * kib }))).equals(bytes.subarray(600_000))).to.equal(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('has the next reads under way while the consumer still works on a piece, and delivers in order when they settle out of order', async () => {
    const file = new ScriptedFile(bytes, { holding: true });
    const stream = new ReadAheadStream(file, { readSize: 64 * kib, depth: 4, end: bytes.length - 1 });
    const readsWhenConsumed: number[] = [];
    const pieces: Buffer[] = [];
    stream.on('data', (piece: Buffer) => {
      readsWhenConsumed.push(file.reads.length);
      pieces.push(piece);
    });
    await ticks(2);
    expect(file.reads.length).to.equal(4);
    file.release('reversed');
    await ticks(2);
    // The first piece was handed on only after the read that refills the queue had started.
    expect(readsWhenConsumed[0]).to.be.at.least(5);
    file.stopHolding();
    await once(stream, 'end');
    expect(Buffer.concat(pieces).equals(bytes)).to.equal(true);
    expect(file.reads.map((read) => read.position)).to.deep.equal(Array.from({ length: 11 }, (_, i) => i * 64 * kib));
    await once(stream, 'close');
    expect(file.closed).to.equal(1);
  });

  it('holds at most depth reads and one piece when the consumer stops asking (constant memory)', async () => {
    const file = new ScriptedFile(Buffer.alloc(100 * 64 * kib, 7));
    const stream = new ReadAheadStream(file, { readSize: 64 * kib, depth: 3 });
    await once(stream, 'readable');
    await ticks(20);
    expect(file.reads.length).to.be.at.most(3 + 1);
    expect(stream.readableLength).to.be.at.most(64 * kib);
    expect((await bytesOf(stream)).length).to.equal(100 * 64 * kib);
  });

  it('ends where the file ends when it is shorter than the range, dropping the reads queued past its end', async () => {
    const file = new ScriptedFile(bytes);
    const got = await bytesOf(new ReadAheadStream(file, { readSize: 100_000, depth: 4, end: 10 * bytes.length }));
    expect(got.equals(bytes)).to.equal(true);
    expect(file.closed).to.equal(1);
  });

  it('fails with the error of a failed read, delivering nothing from it or after it, and closes the file', async () => {
    const file = new ScriptedFile(bytes);
    file.failFrom(3 * 64 * kib);
    const stream = new ReadAheadStream(file, { readSize: 64 * kib, depth: 4 });
    let delivered = 0;
    stream.on('data', (piece: Buffer) => { delivered += piece.length; });
    const error = await rejectionOf(once(stream, 'end'));
    expect((error as NodeJS.ErrnoException).code).to.equal('EIO');
    expect(delivered).to.equal(3 * 64 * kib);
    expect(file.closed).to.equal(1);
  });

  it('closes the file once when destroyed with reads still in flight', async () => {
    const file = new ScriptedFile(bytes, { holding: true });
    const stream = new ReadAheadStream(file, { readSize: 64 * kib, depth: 4 });
    stream.resume();
    await ticks(2);
    stream.destroy();
    await once(stream, 'close');
    file.release();
    await ticks(2);
    expect(file.closed).to.equal(1);
  });

  it('refuses a range or a read-ahead that is not whole numbers in order with a RangeError sentence', () => {
    const file = new ScriptedFile(bytes);
    for (const options of [{ start: -1 }, { start: 10, end: 8 }, { start: 0.5 }, { readSize: 0 }, { depth: 0 }, { depth: 1.5 }]) {
      expect(() => new ReadAheadStream(file, options), JSON.stringify(options)).to.throw(RangeError, /is not valid: /);
    }
  });
});
