import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { BlobIntegrityError } from '../../core/files/blob-integrity-error.ts';
import type { EncryptedFiles, PreparedBlob } from '../../core/files/encrypted-files.ts';
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
});
