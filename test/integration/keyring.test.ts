import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import type { KirjuriApp } from '../../core/app.ts';
import { KeyringError } from '../../core/crypto/keyring-error.ts';
import { Keyring } from '../../core/crypto/keyring.ts';
import { createTestApp, type TestApp } from '../helpers/create-test-app.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';
import { makeTenant, readBlob, rebootWith, storeBlob } from '../helpers/stored-blobs.ts';
import { forEachDatabase } from '../helpers/test-databases.ts';

forEachDatabase('the keyring', (kind) => {
  let app: TestApp;
  let kirjuri: KirjuriApp;
  let rebooted: KirjuriApp | null;
  beforeEach(async () => {
    app = await createTestApp(kind, {}, { masterKeyMadeAtStart: true });
    kirjuri = app.kirjuri;
    rebooted = null;
  });
  afterEach(async () => {
    await rebooted?.close();
    await app?.close();
  });

  it('createApp() makes the master key file on first start and offers the keyring as kirjuri.keys and the core.keys service', async () => {
    const file = kirjuri.config.keys.masterKeyFile;
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(readFileSync(file, 'utf8')).to.match(/^kirjuri-master-key v1 [A-Za-z0-9+/]{43}=$/m);
    expect(kirjuri.keys).to.be.instanceOf(Keyring);
    expect(kirjuri.services.get('core.keys')).to.equal(kirjuri.keys);
    const [registered] = await kirjuri.db.sequelize.query<{ version: number }>('SELECT version FROM kirjuri_master_keys', { type: QueryTypes.SELECT });
    expect(Number(registered!.version)).to.equal(1);
    // The new key is a key change like any other: one instance audit entry, without the key.
    const entries = await kirjuri.db.selectRows<{ object_type: string; object_id: string; details: string }>("SELECT object_type, object_id, details FROM kirjuri_audit_entries WHERE action = 'keys.create'", []);
    expect(entries.map((e) => [e.object_type, e.object_id])).to.deep.equal([['master-key', '1']]);
    const key = /^kirjuri-master-key v1 (\S+)$/m.exec(readFileSync(file, 'utf8'))![1]!;
    expect(entries[0]!.details).to.contain(file).and.not.contain(key);
  });

  it('newDataKey() makes the tenant key on first need, and dataKeyOf() gives back the same key from the stored row', async () => {
    const tenant = await makeTenant(kirjuri, 'rakennus');
    expect((await kirjuri.keys.status()).tenantKeys).to.deep.equal([]);
    const blob = await storeBlob(kirjuri, tenant.id, 70_000);
    expect(blob.row.tenantKeyVersion).to.equal(1);
    expect((await readBlob(kirjuri, blob)).equals(blob.plaintext)).to.equal(true);
    await storeBlob(kirjuri, tenant.id);
    expect((await kirjuri.keys.status()).tenantKeys).to.deep.equal([{ tenantId: tenant.id, version: 1, current: true, kekVersion: 1, blobs: 2 }]);
    const made = await kirjuri.db.selectRows<{ object_id: string }>("SELECT object_id FROM kirjuri_audit_entries WHERE action = 'keys.create' AND object_type = 'tenant-key'", []);
    expect(made.map((e) => e.object_id)).to.deep.equal([`${tenant.id}:1`]);
  });

  it('dataKeyOf() refuses a wrapped data key moved to another blob\'s row or another tenant\'s', async () => {
    const [a, b] = [await makeTenant(kirjuri, 'yksi'), await makeTenant(kirjuri, 'kaksi')];
    const first = await storeBlob(kirjuri, a.id);
    const second = await storeBlob(kirjuri, a.id);
    const foreign = await storeBlob(kirjuri, b.id);
    const moved = await rejectionOf(kirjuri.keys.dataKeyOf({ ...second.row, wrappedKey: first.row.wrappedKey }));
    expect(moved).to.be.instanceOf(KeyringError);
    expect(moved.message).to.contain(`The data key of blob ${second.row.id} does not unwrap`).and.to.contain('copied from another blob or tenant');
    expect(await rejectionOf(kirjuri.keys.dataKeyOf({ ...foreign.row, tenantId: a.id, wrappedKey: foreign.row.wrappedKey }))).to.be.instanceOf(KeyringError);
    expect(await rejectionOf(kirjuri.keys.dataKeyOf({ ...first.row, tenantId: b.id }))).to.be.instanceOf(KeyringError);
    expect((await rejectionOf(kirjuri.keys.dataKeyOf({ ...first.row, tenantKeyVersion: 9 }))).message).to.contain('has no key version 9');
  });

  it('a tenant key row moved to another tenant does not unwrap', async () => {
    const [a, b] = [await makeTenant(kirjuri, 'yksi'), await makeTenant(kirjuri, 'kaksi')];
    await storeBlob(kirjuri, a.id);
    const sql = (text: string, bind: unknown[]) => kirjuri.db.sequelize.query(text, { bind, type: QueryTypes.RAW });
    await sql('INSERT INTO kirjuri_tenant_keys (tenant_id, version, kek_version, wrapped_key, created_at) SELECT $1, version, kek_version, wrapped_key, created_at FROM kirjuri_tenant_keys WHERE tenant_id = $2', [b.id, a.id]);
    const error = await rejectionOf(kirjuri.keys.newDataKey(b.id, 'blob-x'));
    expect(error).to.be.instanceOf(KeyringError);
    expect(error.message).to.contain(`Tenant ${b.id}'s key version 1 does not unwrap with master key version 1`);
  });

  it('newDataKey() inside a transaction that rolls back leaves no tenant key behind, and the next one works', async () => {
    const tenant = await makeTenant(kirjuri, 'rakennus');
    await rejectionOf(kirjuri.db.transaction(async (transaction) => {
      await kirjuri.keys.newDataKey(tenant.id, 'blob-1', transaction);
      throw new Error('the upload failed');
    }));
    expect((await kirjuri.keys.status()).tenantKeys).to.deep.equal([]);
    const blob = await storeBlob(kirjuri, tenant.id);
    expect((await readBlob(kirjuri, blob)).equals(blob.plaintext)).to.equal(true);
  });

  it('newDataKey() for a tenant that does not exist fails with a sentence', async () => {
    const error = await rejectionOf(kirjuri.keys.newDataKey('no-such-tenant', 'blob-1'));
    expect(error).to.be.instanceOf(KeyringError);
    expect(error.message).to.contain('there is no such tenant');
  });

  it('createApp() refuses to start with a master key that does not unwrap the tenant keys, and starts again with the right one', async () => {
    const tenant = await makeTenant(kirjuri, 'rakennus');
    const blob = await storeBlob(kirjuri, tenant.id);
    await kirjuri.close();
    const file = kirjuri.config.keys.masterKeyFile;
    const right = readFileSync(file, 'utf8');
    writeFileSync(file, `kirjuri-master-key v1 ${randomBytes(32).toString('base64')}\n`);
    const wrong = await rejectionOf(rebootWith(kirjuri));
    expect(wrong).to.be.instanceOf(KeyringError);
    expect(wrong.message).to.contain('does not unwrap with master key version 1').and.to.contain('not the master key the database\'s keys were made with').and.to.contain('restore the key file from its backup');
    const fromEnvironment = await rejectionOf(rebootWith(kirjuri, { masterKey: randomBytes(32).toString('base64') }));
    expect(fromEnvironment.message).to.contain('KIRJURI_MASTER_KEY').and.to.contain('does not unwrap');
    writeFileSync(file, right);
    rebooted = await rebootWith(kirjuri);
    expect((await readBlob(rebooted, blob)).equals(blob.plaintext)).to.equal(true);
  });

  it('createApp() refuses to start when the key file is gone but tenant keys exist, and makes no new key', async () => {
    const tenant = await makeTenant(kirjuri, 'rakennus');
    await storeBlob(kirjuri, tenant.id);
    await kirjuri.close();
    rmSync(kirjuri.config.keys.masterKeyFile);
    const error = await rejectionOf(rebootWith(kirjuri));
    expect(error.message).to.contain('does not exist, but the database holds tenant keys');
    expect(() => statSync(kirjuri.config.keys.masterKeyFile)).to.throw();
  });

  it('createApp() refuses to start when the key file lacks a version the tenant keys use', async () => {
    const tenant = await makeTenant(kirjuri, 'rakennus');
    await storeBlob(kirjuri, tenant.id);
    await kirjuri.keys.rotateMasterKey();
    await kirjuri.close();
    const file = kirjuri.config.keys.masterKeyFile;
    writeFileSync(file, readFileSync(file, 'utf8').split('\n').filter((line) => !line.startsWith('kirjuri-master-key v2')).join('\n'));
    const error = await rejectionOf(rebootWith(kirjuri));
    expect(error.message).to.contain('is wrapped with master key version 2, which the master key file').and.to.contain('does not hold');
  });

  it('createApp() starts with the master key from KIRJURI_MASTER_KEY and makes no key file', async () => {
    await kirjuri.close();
    const masterKey = randomBytes(32).toString('base64');
    const masterKeyFile = `${kirjuri.config.keys.masterKeyFile}.unused`;
    rebooted = await rebootWith(kirjuri, { masterKey, masterKeyFile });
    const tenant = await makeTenant(rebooted, 'rakennus');
    const blob = await storeBlob(rebooted, tenant.id);
    expect((await readBlob(rebooted, blob)).equals(blob.plaintext)).to.equal(true);
    expect(rebooted.keys.masterKeys.source).to.equal('environment');
    expect(() => statSync(masterKeyFile)).to.throw();
  });

  it('dataKeyOf() re-reads the key file when another process rotated the master key meanwhile', async () => {
    const tenant = await makeTenant(kirjuri, 'rakennus');
    const blob = await storeBlob(kirjuri, tenant.id);
    // What `kirjuri keys rotate` does beside a running server: its own keyring over the same file and database.
    const other = await rebootWith(kirjuri);
    try {
      expect((await other.keys.rotateMasterKey()).version).to.equal(2);
    } finally {
      await other.close();
    }
    kirjuri.keys.tenantKeys.clear();
    expect((await readBlob(kirjuri, blob)).equals(blob.plaintext)).to.equal(true);
    expect(kirjuri.keys.masterKeys.versions).to.deep.equal([1, 2]);
  });
});
