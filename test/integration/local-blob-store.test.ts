import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readdir, rm, stat, utimes, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { LocalBlobStore, defaultTempGraceMs } from '../../core/files/local-blob-store.ts';
import { BlobStoreError, BlobStoreFullError } from '../../core/files/blob-store-errors.ts';
import { blobStoreContract } from '../helpers/blob-store-contract.ts';
import { collect, stallingStream, streamOf } from '../helpers/blob-streams.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';

const tempFilesIn = async (directory: string): Promise<string[]> => (await readdir(join(directory, '.tmp'))).map((name) => `.tmp/${name}`);

/** FileHandle's prototype, where the store's writes and fsyncs go (node:fs/promises itself cannot be stubbed). */
async function fileHandlePrototype(): Promise<FileHandle> {
  const handle = await open(process.execPath, 'r');
  await handle.close();
  return Object.getPrototypeOf(handle) as FileHandle;
}

const systemError = (code: string, syscall: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: simulated failure, ${syscall}`), { code, syscall });

describe('LocalBlobStore', () => {
  let directory: string;
  before(async () => { directory = await mkdtemp(join(tmpdir(), 'kirjuri-blobs-')); });
  after(async () => { await rm(directory, { recursive: true, force: true }); });

  describe('the BlobStore contract', () => {
    blobStoreContract(() => ({
      openStore: () => LocalBlobStore.open({ directory }),
      leftovers: () => tempFilesIn(directory),
    }));
  });

  describe('on disk', () => {
    let store: LocalBlobStore;
    let prototype: FileHandle;
    before(async () => {
      store = await LocalBlobStore.open({ directory });
      prototype = await fileHandlePrototype();
    });
    afterEach(() => sinon.restore());

    it('put() fans a blob out by the first characters of its id, so no directory holds every blob', async () => {
      await store.put('tenants/t1/abcdef', streamOf(Buffer.from('x')));
      await store.put('tenants/t1/abzzzz', streamOf(Buffer.from('y')));
      await store.put('tenants/t1/c', streamOf(Buffer.from('z')));
      expect((await readdir(join(directory, 'tenants', 't1'))).sort()).to.deep.equal(['_ab', '_c']);
      expect((await readdir(join(directory, 'tenants', 't1', '_ab'))).sort()).to.deep.equal(['abcdef', 'abzzzz']);
    });

    it('put() keeps a key and a longer key below it apart, as S3 does', async () => {
      await store.put('tenants/t2/ab', streamOf(Buffer.from('short')));
      await store.put('tenants/t2/ab/cd', streamOf(Buffer.from('longer')));
      expect((await collect(store.list('tenants/t2/'))).map((e) => e.key).sort()).to.deep.equal(['tenants/t2/ab', 'tenants/t2/ab/cd']);
    });

    it('put() fsyncs the blob file, the parents of the directories it made, and the blob\'s directory after the rename', async () => {
      const sync = sinon.spy(prototype, 'sync');
      await store.put('tenants/t3/synced', streamOf(Buffer.from('durable')));
      // The file, tenants/ (t3 is new in it), tenants/t3/ (_sy is new in it), and _sy/ after the rename.
      expect(sync.callCount).to.be.at.least(4);
      sync.resetHistory();
      await store.put('tenants/t3/sybling', streamOf(Buffer.from('same directory')));
      expect(sync.callCount, 'the file and its directory').to.equal(2);
    });

    it('get() reads ahead in pieces of 512 KiB: the next reads are under way while the consumer still holds the first piece', async () => {
      const bytes = randomBytes(4 * 1024 * 1024 + 99);
      await store.put('tenants/t3/readahead', streamOf(bytes));
      const reads = sinon.spy(prototype, 'read');
      const stream = await store.get('tenants/t3/readahead');
      const pieces: Buffer[] = [];
      let readsAtFirstPiece = 0;
      stream.on('data', (piece: Buffer) => {
        if (pieces.length === 0) readsAtFirstPiece = reads.callCount;
        pieces.push(piece);
      });
      await once(stream, 'close');
      expect(Buffer.concat(pieces).equals(bytes)).to.equal(true);
      expect(readsAtFirstPiece, 'reads started when the first piece was handed on').to.be.at.least(2);
      expect(pieces.slice(0, -1).every((piece) => piece.length === 512 * 1024)).to.equal(true);
      // The blob's size is known, so nothing is read past its end.
      expect(reads.callCount).to.equal(9);
    });

    it('a temporary file a crash left before its rename is invisible, and open() removes it once older than the grace period', async () => {
      const stale = join(directory, '.tmp', 'crashed-long-ago.partial');
      const recent = join(directory, '.tmp', 'still-being-written.partial');
      await writeFile(stale, 'half a blob');
      await writeFile(recent, 'another half');
      const longAgo = new Date(Date.now() - defaultTempGraceMs - 60_000);
      await utimes(stale, longAgo, longAgo);
      expect(await collect(store.list(''))).to.satisfy((entries: Array<{ key: string }>) => entries.every((e) => !e.key.includes('.partial')));

      await LocalBlobStore.open({ directory });
      expect(existsSync(stale)).to.equal(false);
      expect(existsSync(recent), 'a younger temporary file may be another process\'s put').to.equal(true);
      await rm(recent);
    });

    it('a put cut off by a crash mid-write leaves only a temporary file, which the next open() removes', async () => {
      const key = 'tenants/t4/interrupted';
      let stalled!: () => void;
      const writing = new Promise<void>((resolve) => { stalled = resolve; });
      const body = stallingStream(3 * 1024 * 1024, () => stalled());
      const put = store.put(key, body);
      await writing;
      const [temp] = await tempFilesIn(directory);
      expect((await stat(join(directory, temp))).size).to.be.greaterThan(0);
      expect(await store.stat(key)).to.equal(null);
      expect(await collect(store.list('tenants/t4/'))).to.deep.equal([]);

      // The process that was writing is gone; the next one to start tidies up.
      await LocalBlobStore.open({ directory, tempGraceMs: 0 });
      expect(await tempFilesIn(directory)).to.deep.equal([]);
      body.destroy(new Error('the writer died'));
      await rejectionOf(put);
      expect(await store.stat(key)).to.equal(null);
    });

    it('put() rejects with BlobStoreFullError and removes its temporary file when the disk fills up mid-write (ENOSPC)', async () => {
      const write = prototype.write;
      let writes = 0;
      sinon.stub(prototype, 'write').callsFake(function (this: FileHandle, ...args: unknown[]) {
        writes += 1;
        if (writes === 3) return Promise.reject(systemError('ENOSPC', 'write'));
        return (write as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      } as typeof prototype.write);
      const key = 'tenants/t5/too-big';
      const body = streamOf(Buffer.alloc(1024 * 1024));
      const error = await rejectionOf(store.put(key, body));
      expect(error).to.be.instanceOf(BlobStoreFullError);
      expect(error.message).to.equal(`Storing blob "${key}" in ${directory} failed because the disk is full (ENOSPC): free space there or move files.localDir to a larger disk; nothing was stored.`);
      expect(body.destroyed).to.equal(true);
      expect(await tempFilesIn(directory)).to.deep.equal([]);
      expect(await store.stat(key)).to.equal(null);
    });

    it('put() rejects with BlobStoreFullError and removes its temporary file when the fsync finds the disk full', async () => {
      sinon.stub(prototype, 'sync').rejects(systemError('ENOSPC', 'fsync'));
      const key = 'tenants/t5/unsynced';
      const error = await rejectionOf(store.put(key, streamOf(Buffer.from('delayed allocation'))));
      expect(error).to.be.instanceOf(BlobStoreFullError);
      expect(await tempFilesIn(directory)).to.deep.equal([]);
      expect(await store.stat(key)).to.equal(null);
    });

    it('put() rejects with a BlobStoreError sentence and removes its temporary file when the disk fails (EIO)', async () => {
      sinon.stub(prototype, 'write').rejects(systemError('EIO', 'write'));
      const key = 'tenants/t5/bad-sector';
      const error = await rejectionOf(store.put(key, streamOf(Buffer.from('lost'))));
      expect(error).to.be.instanceOf(BlobStoreError).and.not.to.be.instanceOf(BlobStoreFullError);
      expect(error.message).to.match(/^Storing blob "tenants\/t5\/bad-sector" in .* failed \(EIO: .*\): check that the disk works/);
      expect(await tempFilesIn(directory)).to.deep.equal([]);
      expect(await store.stat(key)).to.equal(null);
    });

    it('open() refuses a directory it cannot make with a sentence naming it and the setting', async () => {
      const file = join(directory, 'not-a-directory');
      await writeFile(file, '');
      const error = await rejectionOf(LocalBlobStore.open({ directory: join(file, 'blobs') }));
      expect(error.message).to.equal(`The blob directory ${join(file, 'blobs')} cannot be used (ENOTDIR): create it and make it writable by the user Kirjuri runs as, or set files.localDir (KIRJURI_FILES_LOCAL_DIR) to another directory.`);
    });
  });
});
