import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { expect } from 'chai';
import { createBlobDecryptor } from '../../core/files/blob-decryptor.ts';
import { createBlobEncryptor } from '../../core/files/blob-encryptor.ts';
import { testBlobIdentity } from '../helpers/blob-crypto.ts';

const mebibyte = 1024 * 1024;
const total = 256 * mebibyte;

/** `total` bytes of a counter pattern, in pieces of an odd size (not a multiple of the chunk size), made as they are read. */
async function* generated(hash: ReturnType<typeof createHash>): AsyncGenerator<Buffer> {
  const pieceSize = 100_003;
  for (let offset = 0, n = 0; offset < total; offset += pieceSize, n += 1) {
    const piece = Buffer.alloc(Math.min(pieceSize, total - offset), n % 251);
    piece.writeUInt32BE(n, 0);
    hash.update(piece);
    yield piece;
  }
}

describe('blob streaming memory', function () {
  this.timeout(120_000);

  it('encrypt() and decrypt() stream 256 MiB from a generator with memory growth far below the data size', async () => {
    const identity = testBlobIdentity();
    const sent = createHash('sha256');
    const received = createHash('sha256');
    let receivedBytes = 0;
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const encryptor = createBlobEncryptor({ ...identity, tenantKeyVersion: 1 });
    // Sampled at every piece that arrives (a timer would starve: the pipeline rarely yields to timers).
    await pipeline(
      Readable.from(generated(sent)),
      encryptor,
      createBlobDecryptor(identity),
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          received.update(chunk);
          receivedBytes += chunk.length;
          peak = Math.max(peak, process.memoryUsage.rss());
          callback();
        },
      }),
    );
    const summary = await encryptor.summary;
    expect(receivedBytes).to.equal(total);
    expect(received.digest('hex')).to.equal(sent.digest('hex'));
    expect(summary.plaintextSize).to.equal(total);
    // The streams hold a few chunks at a time; what the garbage collector has not collected yet comes on
    // top (about 40 MiB on Node 20, the same for 64 MiB as for 1 GiB).
    expect(peak - baseline, `rss grew by ${Math.round((peak - baseline) / mebibyte)} MiB`).to.be.below(96 * mebibyte);
  });
});
