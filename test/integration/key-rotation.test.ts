import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import type { KirjuriApp } from '../../core/app.ts';
import { KeyringError } from '../../core/crypto/keyring-error.ts';
import { readMasterKeyFile } from '../../core/crypto/master-key-file.ts';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';
import { keyAuditEntries, makeTenant, readBlob, rebootWith, storeBlob, tenantKeyRows, type StoredBlob } from '../helpers/stored-blobs.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';

/** An afterBatch hook that "crashes" after the given number of committed batches. */
const crashAfter = (batches: number) => {
  let seen = 0;
  return () => {
    seen += 1;
    if (seen === batches) throw new Error('simulated crash');
  };
};

forEachDatabase('key rotation', (kind) => {
  let app: TestApp;
  let kirjuri: KirjuriApp;
  let rebooted: KirjuriApp | null;
  let blobs: StoredBlob[];
  const tenantIds: string[] = [];
  beforeEach(async () => {
    app = await createTestApp(kind);
    kirjuri = app.kirjuri;
    rebooted = null;
    blobs = [];
    tenantIds.length = 0;
    for (const slug of ['yksi', 'kaksi', 'kolme', 'nelja', 'viisi']) {
      const tenant = await makeTenant(kirjuri, slug);
      tenantIds.push(tenant.id);
      blobs.push(await storeBlob(kirjuri, tenant.id));
    }
  });
  afterEach(async () => {
    await rebooted?.close();
    await app?.close();
  });
  const allReadable = async (on: KirjuriApp): Promise<void> => {
    for (const blob of blobs) expect((await readBlob(on, blob)).equals(blob.plaintext), blob.row.id).to.equal(true);
  };

  it('rotateMasterKey() appends a version to the key file and re-wraps every tenant key with it, audited without key material', async () => {
    const result = await kirjuri.keys.rotateMasterKey({ batchSize: 2 });
    expect(result).to.deep.equal({ version: 2, created: true, rewrapped: 5, retired: [] });
    const file = kirjuri.config.keys.masterKeyFile;
    expect([...(await readMasterKeyFile(file))!.keys()]).to.deep.equal([1, 2]);
    expect([...(await tenantKeyRows(kirjuri)).values()]).to.deep.equal([2, 2, 2, 2, 2]);
    await kirjuri.close();
    rebooted = await rebootWith(kirjuri);
    await allReadable(rebooted);
    const entries = (await keyAuditEntries(rebooted)).filter((entry) => entry.action !== 'keys.create');
    expect(entries.map((entry) => [entry.action, entry.objectType, entry.objectId, entry.details.step])).to.deep.equal([['keys.rotate', 'master-key', '2', 'started'], ['keys.rotate', 'master-key', '2', 'completed']]);
    expect(entries[1]!.details).to.deep.include({ key: 'master', version: 2, previousVersion: 1, rewrapped: 5, createdNow: true });
    const keyMaterial = readFileSync(file, 'utf8').split('\n').filter((line) => line.startsWith('kirjuri-master-key')).map((line) => line.split(' ')[2]!);
    for (const entry of entries) for (const key of keyMaterial) expect(entry.raw).not.to.contain(key.slice(0, 16));
  });

  it('rotateMasterKey() finishes an interrupted rotation when run again, without making another version', async () => {
    const crash = await rejectionOf(kirjuri.keys.rotateMasterKey({ batchSize: 2, afterBatch: crashAfter(1) }));
    expect(crash.message).to.equal('simulated crash');
    const midway = [...(await tenantKeyRows(kirjuri)).values()].sort();
    expect(midway).to.deep.equal([1, 1, 1, 2, 2]);
    // The process died here: a new one starts on both versions and reads everything.
    await kirjuri.close();
    rebooted = await rebootWith(kirjuri);
    await allReadable(rebooted);
    const progress: number[] = [];
    const result = await rebooted.keys.rotateMasterKey({ batchSize: 2, afterBatch: ({ rewrapped }) => { progress.push(rewrapped); } });
    expect(result).to.deep.equal({ version: 2, created: false, rewrapped: 3, retired: [] });
    expect(progress).to.deep.equal([2, 3]);
    expect([...(await tenantKeyRows(rebooted)).values()]).to.deep.equal([2, 2, 2, 2, 2]);
    expect(rebooted.keys.masterKeys.versions).to.deep.equal([1, 2]);
    await allReadable(rebooted);
    // A further rotation, with nothing left over, makes version 3.
    expect((await rebooted.keys.rotateMasterKey()).version).to.equal(3);
  });

  it('rotateMasterKey() finishes when a crash came after the key file was written but before the new version was registered', async () => {
    const { versions } = kirjuri.keys.masterKeys.withNewVersion(0);
    await kirjuri.keys.masterKeys.replace(versions);
    await kirjuri.close();
    rebooted = await rebootWith(kirjuri);
    const result = await rebooted.keys.rotateMasterKey();
    expect(result).to.deep.include({ version: 2, created: false, rewrapped: 5 });
    await allReadable(rebooted);
  });

  it('retireMasterKey() refuses while tenant keys use the version, and removes it from the file and the database once none do', async () => {
    await rejectionOf(kirjuri.keys.rotateMasterKey({ batchSize: 2, afterBatch: crashAfter(1) }));
    const inUse = await rejectionOf(kirjuri.keys.retireMasterKey(1));
    expect(inUse).to.be.instanceOf(KeyringError);
    expect(inUse.message).to.equal('3 tenant keys are still wrapped with master key version 1: run kirjuri keys rotate to re-wrap them, then retire version 1.');
    expect((await rejectionOf(kirjuri.keys.retireMasterKey(2))).message).to.contain('is the current one and cannot be retired: run kirjuri keys rotate first');
    expect((await rejectionOf(kirjuri.keys.retireMasterKey(7))).message).to.contain('has no version 7: it holds v1, v2');
    await kirjuri.keys.rotateMasterKey();
    await kirjuri.keys.retireMasterKey(1);
    expect([...(await readMasterKeyFile(kirjuri.config.keys.masterKeyFile))!.keys()]).to.deep.equal([2]);
    const registered = await kirjuri.db.sequelize.query<{ version: unknown }>('SELECT version FROM kirjuri_master_keys', { type: QueryTypes.SELECT });
    expect(registered.map((row) => Number(row.version))).to.deep.equal([2]);
    expect((await keyAuditEntries(kirjuri)).at(-1)).to.deep.include({ action: 'keys.retire', objectType: 'master-key', objectId: '1' });
    await kirjuri.close();
    rebooted = await rebootWith(kirjuri);
    await allReadable(rebooted);
  });

  it('the database refuses to delete a master key version a tenant key is wrapped with', async () => {
    const error = await rejectionOf(kirjuri.db.sequelize.query('DELETE FROM kirjuri_master_keys WHERE version = 1', { type: QueryTypes.DELETE }));
    expect(error.message).to.match(/foreign key/i);
  });

  it('rotateMasterKey() and retireMasterKey() explain that they need a key file when the master key comes from KIRJURI_MASTER_KEY', async () => {
    await kirjuri.close();
    const masterKey = (await readMasterKeyFile(kirjuri.config.keys.masterKeyFile))!.get(1)!.export().toString('base64');
    rebooted = await rebootWith(kirjuri, { masterKey });
    await allReadable(rebooted);
    for (const attempt of [rebooted.keys.rotateMasterKey(), rebooted.keys.retireMasterKey(1)]) {
      const error = await rejectionOf(attempt);
      expect(error).to.be.instanceOf(KeyringError);
      expect(error.message).to.contain('Kirjuri needs the master key in a file, but it comes from KIRJURI_MASTER_KEY').and.to.contain('point keys.masterKeyFile (KIRJURI_MASTER_KEY_FILE) at it');
    }
  });

  it('rotateTenantKey() makes a new tenant key version, re-wraps the tenant\'s data keys, and retires the old version; other tenants keep theirs', async () => {
    const [tenant, other] = tenantIds as [string, string];
    for (let n = 0; n < 6; n += 1) blobs.push(await storeBlob(kirjuri, tenant));
    const result = await kirjuri.keys.rotateTenantKey(tenant, { batchSize: 4 });
    expect(result).to.deep.equal({ version: 2, created: true, rewrapped: 7, retired: [1] });
    const rows = await tenantKeyRows(kirjuri);
    expect(rows.has(`${tenant}/1`)).to.equal(false);
    expect(rows.has(`${tenant}/2`)).to.equal(true);
    expect(rows.has(`${other}/1`)).to.equal(true);
    await allReadable(kirjuri);
    const newBlob = await storeBlob(kirjuri, tenant);
    expect(newBlob.row.tenantKeyVersion).to.equal(2);
    const entries = (await keyAuditEntries(kirjuri)).filter((entry) => entry.action !== 'keys.create');
    expect(entries.map((entry) => [entry.action, entry.objectType, entry.objectId, entry.details.step])).to.deep.equal([['keys.rotate', 'tenant-key', tenant, 'started'], ['keys.rotate', 'tenant-key', tenant, 'completed']]);
    expect(entries[1]!.details).to.deep.include({ key: 'tenant', version: 2, rewrapped: 7, retired: [1] });
  });

  it('rotateTenantKey() finishes an interrupted rotation when run again, and retireTenantKey() refuses the old version until then', async () => {
    const tenant = tenantIds[0]!;
    for (let n = 0; n < 6; n += 1) blobs.push(await storeBlob(kirjuri, tenant));
    expect((await rejectionOf(kirjuri.keys.rotateTenantKey(tenant, { batchSize: 3, afterBatch: crashAfter(1) }))).message).to.equal('simulated crash');
    const inUse = await rejectionOf(kirjuri.keys.retireTenantKey(tenant, 1));
    expect(inUse).to.be.instanceOf(KeyringError);
    expect(inUse.message).to.equal(`4 blobs of tenant ${tenant} still have their data key wrapped under key version 1: rotate the tenant's key to re-wrap them, then retire version 1.`);
    expect((await rejectionOf(kirjuri.keys.retireTenantKey(tenant, 2))).message).to.contain('is tenant').and.to.contain('current one and cannot be retired');
    await kirjuri.close();
    rebooted = await rebootWith(kirjuri);
    await allReadable(rebooted);
    const result = await rebooted.keys.rotateTenantKey(tenant, { batchSize: 3 });
    expect(result).to.deep.equal({ version: 2, created: false, rewrapped: 4, retired: [1] });
    await allReadable(rebooted);
    expect((await rejectionOf(rebooted.keys.retireTenantKey(tenant, 1))).message).to.contain('has no key version 1: it has v2');
  });

  it('the database refuses a blob row wrapped under a retired tenant key version', async () => {
    const tenant = tenantIds[0]!;
    await kirjuri.keys.rotateTenantKey(tenant);
    const stale = { ...blobs[0]!.row, id: 'stale-blob', storageKey: 'memory/stale', tenantKeyVersion: 1 };
    const error = await rejectionOf(kirjuri.db.transaction((transaction) => kirjuri.keys.blobs.insert(stale, transaction)));
    expect(error.message).to.match(/foreign key/i);
  });

  it('rotating the master key after a tenant key rotation keeps every blob readable', async () => {
    await kirjuri.keys.rotateTenantKey(tenantIds[1]!);
    await kirjuri.keys.rotateMasterKey();
    await kirjuri.keys.retireMasterKey(1);
    await kirjuri.close();
    rebooted = await rebootWith(kirjuri);
    await allReadable(rebooted);
    const status = await rebooted.keys.status();
    expect(status.masterKey).to.deep.include({ source: 'file', currentVersion: 2 });
    expect(status.masterKey.versions).to.deep.equal([{ version: 2, inKeySource: true, registered: true, tenantKeys: 5 }]);
  });
});
