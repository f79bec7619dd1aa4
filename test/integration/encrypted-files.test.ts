import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { BlobIntegrityError } from '../../core/files/blob-integrity-error.ts';
import type { EncryptedFiles, PreparedBlob } from '../../core/files/encrypted-files.ts';
import { BlobCatalog } from '../../core/files/blob-catalog.ts';
import { sweepOrphanBlobs } from '../../core/files/orphan-blob-sweep.ts';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';
import { makeTenant } from '../helpers/stored-blobs.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';

/** Every key the blob store holds. */
async function storedKeys(app: TestApp): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of app.kirjuri.blobs.list('')) keys.push(entry.key);
  return keys;
}

forEachDatabase('core.files', (kind) => {
  let app: TestApp;
  let files: EncryptedFiles;
  let tenantA: string;
  let tenantB: string;

  before(async function () {
    this.timeout(60_000);
    app = await createTestApp(kind);
    files = app.kirjuri.services.get('core.files');
    tenantA = (await makeTenant(app.kirjuri, 'files-a')).id;
    tenantB = (await makeTenant(app.kirjuri, 'files-b')).id;
  });
  after(async () => app?.close());

  const storeCommitted = async (tenantId: string, plaintext: Buffer): Promise<PreparedBlob> => {
    const prepared = await files.store(tenantId, Readable.from([plaintext]), { maxBytes: 1 << 24 });
    await app.kirjuri.db.transaction((transaction) => files.commit(prepared, transaction));
    return prepared;
  };

  it('store() then commit() then open() gives the plaintext back, whole and as a range, and only ciphertext is stored', async () => {
    const plaintext = Buffer.concat([randomBytes(150_000), Buffer.from('MARKER-core-files')]);
    const prepared = await storeCommitted(tenantA, plaintext);
    expect(prepared).to.deep.include({ tenantId: tenantA, plaintextSize: plaintext.length });
    const whole = await files.open(tenantA, prepared.id);
    expect((await buffer(whole!.stream)).equals(plaintext)).to.equal(true);
    const part = await files.open(tenantA, prepared.id, { start: 65_000, end: 140_000 });
    expect((await buffer(part!.stream)).equals(plaintext.subarray(65_000, 140_001))).to.equal(true);
    const stored = await buffer(await app.kirjuri.blobs.get(prepared.storageKey));
    expect(stored.includes('MARKER-core-files')).to.equal(false);
    expect(await files.open(tenantB, prepared.id)).to.equal(null);
  });

  it('open() fails the stream with a BlobIntegrityError when the stored blob was truncated, bit-flipped or copied from another tenant', async () => {
    const victim = await storeCommitted(tenantA, randomBytes(100_000));
    const stored = await buffer(await app.kirjuri.blobs.get(victim.storageKey));
    const foreign = await storeCommitted(tenantB, randomBytes(100_000));
    const foreignStored = await buffer(await app.kirjuri.blobs.get(foreign.storageKey));
    const flipped = Buffer.from(stored);
    flipped[flipped.length - 100]! ^= 1;
    for (const damaged of [stored.subarray(0, stored.length - 500), flipped, foreignStored]) {
      await app.kirjuri.blobs.put(victim.storageKey, Readable.from([damaged]));
      const opened = await files.open(tenantA, victim.id);
      expect(await rejectionOf(buffer(opened!.stream))).to.be.instanceOf(BlobIntegrityError);
    }
  });

  it('store() keeps nothing when the body is over maxBytes (413), refused by inspectHead, or aborted midway', async () => {
    const before = await storedKeys(app);
    const tooLarge = await rejectionOf(files.store(tenantA, Readable.from([randomBytes(70_000), randomBytes(70_000)]), { maxBytes: 100_000 }));
    expect(tooLarge).to.include({ status: 413, code: 'file_too_large' });
    const refused = await rejectionOf(files.store(tenantA, Readable.from([Buffer.from('not a picture')]), {
      maxBytes: 100_000, inspectHead: (head) => { throw new Error(`refused ${head.length} bytes`); },
    }));
    expect(refused.message).to.equal('refused 13 bytes');
    const controller = new AbortController();
    const body = new Readable({ read() {} });
    body.push(randomBytes(200_000));
    setTimeout(() => controller.abort(new Error('The client went away.')), 50);
    const aborted = await rejectionOf(files.store(tenantA, body, { maxBytes: 1 << 24, signal: controller.signal }));
    expect(aborted.message).to.equal('The client went away.');
    const cutOff = new Readable({ read() {} });
    cutOff.push(randomBytes(100_000));
    setTimeout(() => cutOff.destroy(new Error('The upload was cut off.')), 50);
    expect((await rejectionOf(files.store(tenantA, cutOff, { maxBytes: 1 << 24 }))).message).to.equal('The upload was cut off.');
    expect(await storedKeys(app)).to.have.members(before);
  });

  it('discard() deletes a prepared blob, and remove() deletes the row at once and the ciphertext after the commit', async () => {
    const prepared = await files.store(tenantA, Readable.from([randomBytes(1000)]), { maxBytes: 1 << 24 });
    await files.discard(prepared);
    expect(await app.kirjuri.blobs.stat(prepared.storageKey)).to.equal(null);
    const committed = await storeCommitted(tenantA, randomBytes(1000));
    expect(await app.kirjuri.db.transaction((transaction) => files.remove(tenantB, committed.id, transaction))).to.equal(false);
    expect(await app.kirjuri.db.transaction((transaction) => files.remove(tenantA, committed.id, transaction))).to.equal(true);
    expect(await files.open(tenantA, committed.id)).to.equal(null);
    for (let tries = 0; tries < 50 && await app.kirjuri.blobs.stat(committed.storageKey); tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await app.kirjuri.blobs.stat(committed.storageKey)).to.equal(null);
  });

  it('inspectHead may take its time and see more than 4 KiB when headBytes says so; its rejection refuses the body', async () => {
    const plaintext = randomBytes(300_000);
    let seen = 0;
    const kept = await files.store(tenantA, Readable.from([plaintext.subarray(0, 1000), plaintext.subarray(1000)]), {
      maxBytes: 1 << 24, headBytes: 256 * 1024, inspectHead: async (head) => { await new Promise((resolve) => setTimeout(resolve, 20)); seen = head.length; },
    });
    expect(seen).to.equal(256 * 1024);
    expect(kept.plaintextSize).to.equal(plaintext.length);
    await files.discard(kept);
    const before = await storedKeys(app);
    const refused = await rejectionOf(files.store(tenantA, Readable.from([plaintext]), {
      maxBytes: 1 << 24, headBytes: 100_000, inspectHead: async (head) => { throw new Error(`too many pixels in ${head.length} bytes`); },
    }));
    expect(refused.message).to.equal('too many pixels in 100000 bytes');
    expect(await storedKeys(app)).to.have.members(before);
  });

  it('a blob committed as derived from another goes with it, row and ciphertext, when that one is removed', async () => {
    const original = await storeCommitted(tenantA, randomBytes(5000));
    const rendition = await files.store(tenantA, Readable.from([randomBytes(500)]), { maxBytes: 1 << 24 });
    await app.kirjuri.db.transaction((transaction) => files.commit(rendition, transaction, { derivedFrom: original.id }));
    expect(await files.open(tenantA, rendition.id)).to.not.equal(null);
    expect(await app.kirjuri.db.transaction((transaction) => files.remove(tenantA, original.id, transaction))).to.equal(true);
    expect(await files.open(tenantA, rendition.id)).to.equal(null);
    for (let tries = 0; tries < 50 && await app.kirjuri.blobs.stat(rendition.storageKey); tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await app.kirjuri.blobs.stat(rendition.storageKey)).to.equal(null);
  });

  it('the orphan sweep deletes old ciphertext no row names and leaves young and named blobs alone', async () => {
    const named = await storeCommitted(tenantA, randomBytes(2000));
    const orphan = await files.store(tenantA, Readable.from([randomBytes(2000)]), { maxBytes: 1 << 24 });
    const sweep = (now: number) => sweepOrphanBlobs({ blobs: app.kirjuri.blobs, catalog: new BlobCatalog(app.kirjuri.db), log: app.kirjuri.log, now, graceMs: 60_000 });
    // Young: an upload between its put and its commit looks just like this.
    expect((await sweep(Date.now())).deleted).to.equal(0);
    expect(await app.kirjuri.blobs.stat(orphan.storageKey)).to.not.equal(null);
    const later = await sweep(Date.now() + 120_000);
    expect(later.deleted).to.be.at.least(1);
    expect(await app.kirjuri.blobs.stat(orphan.storageKey)).to.equal(null);
    expect(await app.kirjuri.blobs.stat(named.storageKey)).to.not.equal(null);
    expect((await files.open(tenantA, named.id))!.row.id).to.equal(named.id);
  });
});
