import { createHash, createSecretKey, randomBytes, randomInt } from 'node:crypto';
import { expect } from 'chai';
import { BlobIntegrityError } from '../../core/files/blob-integrity-error.ts';
import { blobChunkSize, blobHeaderLength, encryptedBlobSize, sealedChunkSize } from '../../core/files/blob-format.ts';
import { decryptBlob, encryptBlob, testBlobIdentity, type TestBlobIdentity } from '../helpers/blob-crypto.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Decrypting must fail with a BlobIntegrityError whose sentence says the file is damaged and to restore it. */
async function expectIntegrityFailure(identity: TestBlobIdentity, stored: Buffer, reason?: RegExp): Promise<BlobIntegrityError> {
  const error = await rejectionOf(decryptBlob(identity, stored));
  expect(error).to.be.instanceOf(BlobIntegrityError);
  expect(error.message).to.contain(`blob ${identity.blobId}`).and.to.contain('The stored file is damaged or was changed; restore it from a backup.');
  if (reason) expect((error as BlobIntegrityError).reason).to.match(reason);
  return error as BlobIntegrityError;
}

/** Byte offset of chunk `index` in a stored blob of this identity. */
const chunkAt = (identity: TestBlobIdentity, index: number): number => blobHeaderLength(identity.tenantId, identity.blobId) + index * sealedChunkSize;

describe('the blob format', () => {
  const identity = testBlobIdentity();
  const threeChunks = randomBytes(2 * blobChunkSize + 1000);
  let stored: Buffer;
  before(async () => {
    ({ stored } = await encryptBlob(identity, threeChunks));
  });

  it('encrypt and decrypt round-trip every size around the chunk boundaries, with the summary the row records', async () => {
    const sizes = [0, 1, 15, 16, 17, blobChunkSize - 1, blobChunkSize, blobChunkSize + 1, 2 * blobChunkSize, 3 * blobChunkSize - 1, 3 * blobChunkSize, 3 * blobChunkSize + 1,
      // Output goes out in pieces of 256 KiB (four chunks): around those too.
      4 * blobChunkSize - 1, 4 * blobChunkSize, 4 * blobChunkSize + 1, 8 * blobChunkSize, 9 * blobChunkSize + 7];
    for (let n = 0; n < 12; n += 1) sizes.push(randomInt(0, 10 * blobChunkSize));
    for (const size of sizes) {
      const plaintext = randomBytes(size);
      const one = testBlobIdentity();
      const { stored: bytes, summary } = await encryptBlob(one, plaintext, 7);
      expect(summary, `size ${size}`).to.deep.equal({ formatVersion: 1, plaintextSize: size, ciphertextSize: bytes.length, plaintextSha256: sha256(plaintext) });
      expect(bytes.length, `size ${size}`).to.equal(encryptedBlobSize(blobHeaderLength(one.tenantId, one.blobId), size));
      expect((await decryptBlob(one, bytes)).equals(plaintext), `size ${size}`).to.equal(true);
    }
  });

  it('encrypt() stores an empty plaintext as the header and one empty last chunk (its tag alone)', async () => {
    const { stored: empty } = await encryptBlob(identity, Buffer.alloc(0));
    expect(empty.length).to.equal(blobHeaderLength(identity.tenantId, identity.blobId) + 16);
    expect((await decryptBlob(identity, empty)).length).to.equal(0);
    await expectIntegrityFailure(identity, empty.subarray(0, empty.length - 16), /cut off/);
  });

  it('encrypt() never repeats a nonce prefix: the same plaintext under the same key is stored differently each time', async () => {
    const again = await encryptBlob(identity, threeChunks);
    expect(again.stored.equals(stored)).to.equal(false);
    expect(again.stored.subarray(0, 19).equals(stored.subarray(0, 19))).to.equal(true);
  });

  it('decrypt() fails with a BlobIntegrityError when any bit of the header is flipped', async () => {
    const headerLength = blobHeaderLength(identity.tenantId, identity.blobId);
    for (let offset = 0; offset < headerLength; offset += 1) {
      const changed = Buffer.from(stored);
      changed[offset]! ^= 1 << (offset % 8);
      await expectIntegrityFailure(identity, changed);
    }
  });

  it('decrypt() fails with a BlobIntegrityError when a bit of a chunk\'s ciphertext is flipped', async () => {
    for (const offset of [chunkAt(identity, 0), chunkAt(identity, 1) + 500, chunkAt(identity, 2) + 999]) {
      const changed = Buffer.from(stored);
      changed[offset]! ^= 0x80;
      await expectIntegrityFailure(identity, changed, /does not authenticate/);
    }
  });

  it('decrypt() fails with a BlobIntegrityError when a bit of a chunk\'s tag is flipped', async () => {
    for (const offset of [chunkAt(identity, 1) - 1, chunkAt(identity, 2) - 16, stored.length - 1]) {
      const changed = Buffer.from(stored);
      changed[offset]! ^= 0x01;
      await expectIntegrityFailure(identity, changed, /does not authenticate/);
    }
  });

  it('decrypt() fails with a BlobIntegrityError when the file is cut off at a chunk boundary (no last chunk)', async () => {
    await expectIntegrityFailure(identity, stored.subarray(0, chunkAt(identity, 2)), /without its last chunk/);
    await expectIntegrityFailure(identity, stored.subarray(0, chunkAt(identity, 1)), /without its last chunk/);
    await expectIntegrityFailure(identity, stored.subarray(0, chunkAt(identity, 0)), /cut off/);
  });

  it('decrypt() fails with a BlobIntegrityError when the file is cut off inside a chunk or its header', async () => {
    for (const length of [chunkAt(identity, 1) + 5000, chunkAt(identity, 2) + 10, chunkAt(identity, 2) + 3, stored.length - 1, 40, 0]) {
      await expectIntegrityFailure(identity, stored.subarray(0, length), /cut off|does not authenticate/);
    }
  });

  it('decrypt() fails with a BlobIntegrityError when data follows the last chunk', async () => {
    await expectIntegrityFailure(identity, Buffer.concat([stored, Buffer.of(0)]));
    await expectIntegrityFailure(identity, Buffer.concat([stored, stored.subarray(chunkAt(identity, 0), chunkAt(identity, 1))]));
    // A blob whose last chunk is full: anything after it makes that chunk a middle one, which it is not.
    const full = testBlobIdentity();
    const { stored: twoFull } = await encryptBlob(full, randomBytes(2 * blobChunkSize));
    await expectIntegrityFailure(full, Buffer.concat([twoFull, randomBytes(100)]), /data follows its last chunk/);
  });

  it('decrypt() fails with a BlobIntegrityError when two chunks are swapped', async () => {
    const swapped = Buffer.concat([stored.subarray(0, chunkAt(identity, 0)), stored.subarray(chunkAt(identity, 1), chunkAt(identity, 2)), stored.subarray(chunkAt(identity, 0), chunkAt(identity, 1)), stored.subarray(chunkAt(identity, 2))]);
    expect(swapped.length).to.equal(stored.length);
    await expectIntegrityFailure(identity, swapped, /chunk 0 does not authenticate/);
  });

  it('decrypt() fails with a BlobIntegrityError when a chunk is repeated, in place of another or in addition', async () => {
    const chunk0 = stored.subarray(chunkAt(identity, 0), chunkAt(identity, 1));
    const repeatedInPlace = Buffer.concat([stored.subarray(0, chunkAt(identity, 1)), chunk0, stored.subarray(chunkAt(identity, 2))]);
    await expectIntegrityFailure(identity, repeatedInPlace, /chunk 1 does not authenticate/);
    const repeatedInAddition = Buffer.concat([stored.subarray(0, chunkAt(identity, 1)), chunk0, stored.subarray(chunkAt(identity, 1))]);
    await expectIntegrityFailure(identity, repeatedInAddition, /chunk 1 does not authenticate/);
  });

  it('decrypt() fails with a BlobIntegrityError when the file or its header comes from another blob of the tenant', async () => {
    const other = testBlobIdentity({ key: identity.key, tenantId: identity.tenantId });
    const { stored: otherStored } = await encryptBlob(other, threeChunks);
    await expectIntegrityFailure(identity, otherStored, /names another blob/);
    const headerLength = blobHeaderLength(identity.tenantId, identity.blobId);
    const splicedHeader = Buffer.concat([otherStored.subarray(0, headerLength), stored.subarray(headerLength)]);
    await expectIntegrityFailure(identity, splicedHeader, /names another blob/);
    await expectIntegrityFailure(other, splicedHeader, /does not authenticate/);
  });

  it('decrypt() fails with a BlobIntegrityError when the file comes from another tenant\'s blob of the same id', async () => {
    const otherTenant = testBlobIdentity({ key: identity.key, blobId: identity.blobId });
    const { stored: otherStored } = await encryptBlob(otherTenant, threeChunks);
    await expectIntegrityFailure(identity, otherStored, /names another tenant/);
  });

  it('decrypt() fails with a BlobIntegrityError when the key is wrong', async () => {
    await expectIntegrityFailure({ ...identity, key: createSecretKey(randomBytes(32)) }, stored, /chunk 0 does not authenticate/);
  });

  it('decrypt() emits no plaintext of a chunk before its tag verified', async () => {
    const sixChunks = randomBytes(5 * blobChunkSize + 1000);
    const { stored: six } = await encryptBlob(identity, sixChunks);
    const lastTagChanged = Buffer.from(six);
    lastTagChanged[six.length - 1]! ^= 1;
    const emitted: Buffer[] = [];
    await rejectionOf(decryptBlob(identity, lastTagChanged, emitted));
    // Each of the first five chunks is sent as soon as its tag verified; not one byte of the sixth.
    const sent = Buffer.concat(emitted);
    expect(sent.length).to.equal(5 * blobChunkSize);
    expect(emitted.every((piece) => piece.length === blobChunkSize)).to.equal(true);
    expect(sent.equals(sixChunks.subarray(0, sent.length))).to.equal(true);
    const firstTagChanged = Buffer.from(six);
    firstTagChanged[chunkAt(identity, 1) - 1]! ^= 1;
    const none: Buffer[] = [];
    await rejectionOf(decryptBlob(identity, firstTagChanged, none));
    expect(none).to.deep.equal([]);
  });
});
