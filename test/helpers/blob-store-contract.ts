// The behaviour every BlobStore shares, written once and run against each store
// (test/integration/local-blob-store.test.ts, s3-blob-store.test.ts).
import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { BlobStore } from '../../core/files/blob-store.ts';
import { BlobNotFoundError, BlobRangeError, InvalidBlobKeyError } from '../../core/files/blob-store-errors.ts';
import { bytesOf, collect, failingStream, stallingStream, streamOf } from './blob-streams.ts';
import { rejectionOf } from './rejection-of.ts';

/** How the contract reaches the store under test. */
export interface BlobStoreContractHarness {
  /** Opens the store; where listing has pages, they hold `listPageSize` keys. */
  openStore(options: { listPageSize: number }): Promise<BlobStore>;
  /** Temporary data the store still holds (local: temp files; S3: open multipart uploads); none once every put has settled. */
  leftovers(): Promise<string[]>;
}

/** Keys that are not server-made, each refused by every method. */
export const badBlobKeys = [
  '', '/etc/passwd', '../outside', 'tenants/../../outside', 'tenants/t1/..', 'tenants/./t1', 'tenants//t1', 'tenants/t1/',
  'tenants/t1/.hidden', 'tenants/t1/_fan', 'tenants/t1/with space', 'tenants/t1/blö', 'tenants\\t1\\x', 'tenants/t1/x\n', 'tenants/t1/x\u0000', 'a'.repeat(600),
];

const mib = 1024 * 1024;
/** More than one part of a multipart upload (tests use 5 MiB parts), stalled or failed in the second part. */
const bytesBeforeTrouble = 7 * mib;

/** Declares the shared BlobStore tests; `harness` is read when they run (after the suite's before()). */
export function blobStoreContract(harness: () => BlobStoreContractHarness): void {
  let store: BlobStore;
  // Each test writes under its own tenant prefix, so tests do not see each other's blobs.
  let tenant: string;
  const keyOf = (name: string): string => `tenants/${tenant}/${name}`;

  before(async () => { store = await harness().openStore({ listPageSize: 2 }); });
  after(async () => { await store.close(); });
  beforeEach(() => { tenant = randomUUID(); });

  async function expectNothingStoredUnder(key: string): Promise<void> {
    expect(await store.stat(key)).to.equal(null);
    expect(await collect(store.list(`tenants/${tenant}/`))).to.deep.equal([]);
    expect(await harness().leftovers()).to.deep.equal([]);
  }

  for (const [label, size] of [['0 bytes', 0], ['1 byte', 1], ['12 MiB streamed in 64 KiB chunks', 12 * mib]] as const) {
    it(`put() and get() round-trip ${label}, and stat() and list() report the size`, async () => {
      const bytes = randomBytes(size);
      const key = keyOf(randomUUID());
      const stored = await store.put(key, streamOf(bytes));
      expect(stored.size).to.equal(size);
      expect((await bytesOf(await store.get(key))).equals(bytes)).to.equal(true);
      expect(await store.stat(key)).to.deep.equal({ size });
      const listed = await collect(store.list(key));
      expect(listed.map((entry) => ({ key: entry.key, size: entry.size }))).to.deep.equal([{ key, size }]);
      // When it was written, for the orphan sweep's grace period (S3 keeps whole seconds).
      expect(Math.abs(listed[0]!.modifiedAt - Date.now())).to.be.below(5 * 60_000);
      expect(await harness().leftovers()).to.deep.equal([]);
    });
  }

  it('get() with a range returns the bytes at the start, in the middle and at the end, end inclusive', async () => {
    const bytes = randomBytes(100_000);
    const key = keyOf('ranged');
    await store.put(key, streamOf(bytes));
    for (const [start, end] of [[0, 9], [5, 5], [65_530, 65_550], [99_990, 99_999]]) {
      expect((await bytesOf(await store.get(key, { start, end }))).equals(bytes.subarray(start, end + 1)), `${start}-${end}`).to.equal(true);
    }
  });

  it('get() clamps a range that ends past the blob to its last byte', async () => {
    const key = keyOf('short');
    await store.put(key, streamOf(Buffer.from('0123456789')));
    expect((await bytesOf(await store.get(key, { start: 7, end: 1000 }))).toString()).to.equal('789');
  });

  it('get() refuses a range that starts past the end with BlobRangeError, and a malformed one with a RangeError', async () => {
    const key = keyOf('short');
    await store.put(key, streamOf(Buffer.from('0123456789')));
    const past = await rejectionOf(store.get(key, { start: 10, end: 20 }));
    expect(past).to.be.instanceOf(BlobRangeError);
    expect(past.message).to.contain('past the end');
    for (const range of [{ start: 5, end: 4 }, { start: -1, end: 3 }, { start: 0.5, end: 3 }]) {
      expect(await rejectionOf(store.get(key, range))).to.be.instanceOf(RangeError);
    }
  });

  it('put() replaces the blob already stored under the key', async () => {
    const key = keyOf('replaced');
    await store.put(key, streamOf(Buffer.from('first version')));
    await store.put(key, streamOf(Buffer.from('second')));
    expect((await bytesOf(await store.get(key))).toString()).to.equal('second');
    expect(await store.stat(key)).to.deep.equal({ size: 6 });
  });

  it('get() rejects with BlobNotFoundError, stat() answers null and delete() succeeds when the key is missing', async () => {
    const key = keyOf('never-stored');
    const error = await rejectionOf(store.get(key));
    expect(error).to.be.instanceOf(BlobNotFoundError);
    expect(error.message).to.contain(key);
    expect(await rejectionOf(store.get(key, { start: 0, end: 1 }))).to.be.instanceOf(BlobNotFoundError);
    expect(await store.stat(key)).to.equal(null);
    await store.delete(key);
  });

  it('delete() removes the blob from get(), stat() and list()', async () => {
    const key = keyOf('deleted');
    await store.put(key, streamOf(Buffer.from('bye')));
    await store.delete(key);
    expect(await rejectionOf(store.get(key))).to.be.instanceOf(BlobNotFoundError);
    await expectNothingStoredUnder(key);
  });

  it('list() yields every blob under a prefix once, across pages, and nothing outside it', async () => {
    const names = ['ab01', 'ab02', 'ac03', 'b004', 'c005'];
    for (const [i, name] of names.entries()) await store.put(keyOf(name), streamOf(Buffer.alloc(i + 1)));
    await store.put(keyOf('nested/d006'), streamOf(Buffer.alloc(9)));
    const other = `tenants/${randomUUID()}/ab01`;
    await store.put(other, streamOf(Buffer.alloc(3)));
    const listed = async (prefix: string): Promise<string[]> => (await collect(store.list(prefix))).map((e) => `${e.key}:${e.size}`).sort();

    expect(await listed(`tenants/${tenant}/`)).to.deep.equal([...names.map((n, i) => `${keyOf(n)}:${i + 1}`), `${keyOf('nested/d006')}:9`].sort());
    expect(await listed(`tenants/${tenant}/a`)).to.deep.equal([`${keyOf('ab01')}:1`, `${keyOf('ab02')}:2`, `${keyOf('ac03')}:3`]);
    expect(await listed(`tenants/${tenant}/ab`)).to.deep.equal([`${keyOf('ab01')}:1`, `${keyOf('ab02')}:2`]);
    expect(await listed(`tenants/${tenant}/nested/`)).to.deep.equal([`${keyOf('nested/d006')}:9`]);
    expect(await listed(`tenants/${tenant}/zz`)).to.deep.equal([]);
    expect(await listed('tenants/')).to.include.members([`${keyOf('c005')}:5`, `${other}:3`]);
    expect(await listed('')).to.include.members([`${keyOf('b004')}:4`, `${other}:3`]);
  });

  it('every method refuses a key that is not server-made with InvalidBlobKeyError, touching nothing', async () => {
    for (const key of badBlobKeys) {
      const body = streamOf(Buffer.from('x'));
      for (const attempt of [store.put(key, body), store.get(key), store.stat(key), store.delete(key)]) {
        const error = await rejectionOf(attempt);
        expect(error, JSON.stringify(key)).to.be.instanceOf(InvalidBlobKeyError);
        expect(error.message).to.match(/^The blob key .* is refused because .*: keys are made by the server/);
      }
      expect(body.destroyed, 'put() destroys the body it refused').to.equal(true);
    }
    for (const prefix of ['/etc', '../', 'tenants/../x', 'tenants//']) {
      expect(await rejectionOf(collect(store.list(prefix))), prefix).to.be.instanceOf(InvalidBlobKeyError);
    }
    expect(await harness().leftovers()).to.deep.equal([]);
  });

  it('put() aborted by its signal mid-stream rejects with the abort reason and leaves nothing visible and no temporary data', async () => {
    const key = keyOf('aborted');
    const controller = new AbortController();
    const body = stallingStream(bytesBeforeTrouble, () => controller.abort());
    const error = await rejectionOf(store.put(key, body, { signal: controller.signal }));
    expect(error.name).to.equal('AbortError');
    expect(body.destroyed).to.equal(true);
    await expectNothingStoredUnder(key);
  });

  it('put() whose source stream fails halfway rejects with that error and leaves nothing visible and no temporary data', async () => {
    const key = keyOf('cut-off');
    const error = await rejectionOf(store.put(key, failingStream(bytesBeforeTrouble, new Error('The client went away.'))));
    expect(error.message).to.equal('The client went away.');
    await expectNothingStoredUnder(key);
  });

  it('put() with a signal that is already aborted stores nothing', async () => {
    const key = keyOf('too-late');
    const body = streamOf(Buffer.from('never'));
    const error = await rejectionOf(store.put(key, body, { signal: AbortSignal.abort() }));
    expect(error.name).to.equal('AbortError');
    expect(body.destroyed).to.equal(true);
    await expectNothingStoredUnder(key);
  });
}
