import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { BlobIntegrityError } from '../../core/files/blob-integrity-error.ts';
import { blobChunkSize, blobHeaderLength, sealedChunkSize } from '../../core/files/blob-format.ts';
import { decryptBlobRange, planBlobRange } from '../../core/files/blob-range.ts';
import { encryptBlob, inRandomPieces, testBlobIdentity } from '../helpers/blob-crypto.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';

describe('Range decryption', () => {
  const identity = testBlobIdentity();
  const plaintext = randomBytes(3 * blobChunkSize + 1234);
  const headerLength = blobHeaderLength(identity.tenantId, identity.blobId);
  let stored: Buffer;
  before(async () => {
    ({ stored } = await encryptBlob(identity, plaintext));
  });

  /** Reads a range like a BlobStore would (inclusive end), remembering which ranges were asked for. */
  const rangeOf = async (bytes: Buffer, start: number, end: number, reads: Array<[number, number]> = []): Promise<Buffer> => {
    const stream = decryptBlobRange({
      ...identity, plaintextSize: plaintext.length, start, end,
      readCiphertext: (from, to) => {
        reads.push([from, to]);
        return Readable.from(inRandomPieces(bytes.subarray(from, to + 1), 30_000));
      },
    });
    const pieces: Buffer[] = [];
    for await (const piece of stream) pieces.push(piece as Buffer);
    return Buffer.concat(pieces);
  };

  it('planBlobRange() names the chunks, stored bytes and cut of a range across a chunk boundary', () => {
    expect(planBlobRange({ plaintextSize: plaintext.length, headerLength, start: blobChunkSize - 10, end: blobChunkSize + 9 })).to.deep.equal({
      headerLength, firstChunk: 0, lastChunk: 1, chunkCount: 4,
      ciphertextStart: headerLength, ciphertextEnd: headerLength + 2 * sealedChunkSize - 1, skip: blobChunkSize - 10, length: 20,
    });
    // The last chunk is short: its stored end is the file's end.
    const tail = planBlobRange({ plaintextSize: plaintext.length, headerLength, start: 3 * blobChunkSize, end: plaintext.length - 1 });
    expect(tail).to.deep.include({ firstChunk: 3, lastChunk: 3, skip: 0, length: 1234, ciphertextStart: headerLength + 3 * sealedChunkSize });
    expect(tail.ciphertextEnd).to.equal(stored.length - 1);
  });

  it('planBlobRange() throws a RangeError when the range is not inside the file', () => {
    for (const [start, end] of [[-1, 5], [10, 9], [0, plaintext.length], [0.5, 3]] as const) {
      expect(() => planBlobRange({ plaintextSize: plaintext.length, headerLength, start, end })).to.throw(RangeError, /not a range of a file/);
    }
    expect(() => planBlobRange({ plaintextSize: 0, headerLength, start: 0, end: 0 })).to.throw(RangeError);
  });

  it('decryptBlobRange() returns exactly the asked bytes for ranges starting and ending at every chunk boundary', async () => {
    const edges = [0, 1, blobChunkSize - 1, blobChunkSize, blobChunkSize + 1, 2 * blobChunkSize - 1, 2 * blobChunkSize, 3 * blobChunkSize, plaintext.length - 1];
    for (const start of edges) {
      for (const end of edges.filter((e) => e >= start)) {
        expect((await rangeOf(stored, start, end)).equals(plaintext.subarray(start, end + 1)), `${start}-${end}`).to.equal(true);
      }
    }
  });

  it('decryptBlobRange() reads only the header and the chunks the range touches', async () => {
    const reads: Array<[number, number]> = [];
    await rangeOf(stored, 2 * blobChunkSize + 5, 2 * blobChunkSize + 6, reads);
    expect(reads).to.deep.equal([[0, headerLength - 1], [headerLength + 2 * sealedChunkSize, headerLength + 3 * sealedChunkSize - 1]]);
    reads.length = 0;
    await rangeOf(stored, 3, blobChunkSize, reads);
    expect(reads).to.deep.equal([[0, headerLength + 2 * sealedChunkSize - 1]]);
  });

  it('decryptBlobRange() fails with a BlobIntegrityError when a chunk it reads was changed, and not for chunks it does not read', async () => {
    const changed = Buffer.from(stored);
    changed[headerLength + sealedChunkSize + 7]! ^= 4;
    const error = await rejectionOf(rangeOf(changed, blobChunkSize + 1, blobChunkSize + 2));
    expect(error).to.be.instanceOf(BlobIntegrityError);
    expect(error.message).to.match(/chunk 1 does not authenticate/).and.to.contain('restore it from a backup');
    expect((await rangeOf(changed, 0, 100)).equals(plaintext.subarray(0, 101))).to.equal(true);
  });

  it('decryptBlobRange() fails with a BlobIntegrityError when the stored file is cut short, its header is another blob\'s, or the row\'s size is wrong', async () => {
    expect(await rejectionOf(rangeOf(stored.subarray(0, stored.length - 100), 3 * blobChunkSize, plaintext.length - 1))).to.be.instanceOf(BlobIntegrityError);
    const other = testBlobIdentity({ key: identity.key, tenantId: identity.tenantId });
    const { stored: otherStored } = await encryptBlob(other, plaintext);
    expect((await rejectionOf(rangeOf(otherStored, 0, 10))).message).to.match(/names another blob/);
    // A size that makes chunk 2 the last one: chunk 2 was sealed as a middle chunk.
    const wrongSize = decryptBlobRange({ ...identity, plaintextSize: 3 * blobChunkSize, start: 2 * blobChunkSize, end: 2 * blobChunkSize + 1, readCiphertext: (from, to) => Readable.from([stored.subarray(from, to + 1)]) });
    expect(await rejectionOf(wrongSize.toArray())).to.be.instanceOf(BlobIntegrityError);
  });
});
