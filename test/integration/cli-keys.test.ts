import { join } from 'node:path';
import { expect } from 'chai';
import type { KirjuriApp } from '../../core/app.ts';
import { readMasterKeyFile } from '../../core/crypto/master-key-file.ts';
import { cliInstance, type CliInstance } from '../helpers/cli-instance.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';
import { makeTenant, storeBlob } from '../helpers/stored-blobs.ts';
import { createTestDatabase, forEachDatabase, type TestDatabase } from '../helpers/test-databases.ts';

forEachDatabase('kirjuri keys commands', (kind) => {
  let database: TestDatabase;
  let cli: CliInstance;
  let keysDir: string;
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => cli.run(args, extra);
  /** The same instance in this process, for what the CLI cannot do (storing files, a crash midway). */
  const inProcess = <T>(work: (kirjuri: KirjuriApp) => Promise<T>): Promise<T> => cli.inProcess(work);

  before(async function () {
    this.timeout(60_000);
    database = await createTestDatabase(kind);
    cli = cliInstance(database);
    keysDir = cli.keysDir;
    await inProcess(async (kirjuri) => {
      const tenant = await makeTenant(kirjuri, 'rakennus');
      for (let n = 0; n < 3; n += 1) await storeBlob(kirjuri, tenant.id);
      await makeTenant(kirjuri, 'tyhja');
    });
  });
  after(async () => {
    await database?.drop();
    cli?.remove();
  });

  it('keys status shows the master key versions and each tenant\'s key versions with the rows on each', function () {
    this.timeout(60_000);
    const status = run(['keys', 'status']);
    expect(status.status, status.stderr).to.equal(0);
    expect(status.stdout).to.contain(`Master key: the key file ${join(keysDir, 'master.key')}, current version 1`)
      .and.to.contain('  v1 (current): 1 tenant key')
      .and.to.contain('  /t/rakennus v1 (current, wrapped with master key v1): 3 files');
  });

  it('keys rotate makes a new master key version, says to back it up and how to retire the old one', function () {
    this.timeout(60_000);
    const rotated = run(['keys', 'rotate']);
    expect(rotated.status, rotated.stderr).to.equal(0);
    expect(rotated.stdout).to.contain('The master key was rotated to version 2: 1 tenant key re-wrapped.')
      .and.to.contain(`Back up the key file ${join(keysDir, 'master.key')} now`)
      .and.to.contain('kirjuri keys retire --version 1');
    expect(run(['keys', 'status']).stdout).to.contain('  v1: 0 tenant keys').and.to.contain('  v2 (current): 1 tenant key');
    const verify = run(['audit', 'verify']);
    expect(verify.status, verify.stdout).to.equal(0);
  });

  it('keys retire --version refuses while tenant keys use the version and retires it once the rotation finished', async function () {
    this.timeout(120_000);
    await inProcess(async (kirjuri) => {
      await makeTenant(kirjuri, 'kolmas');
      await storeBlob(kirjuri, (await kirjuri.identity.tenants.findBySlug('kolmas'))!.id);
      await storeBlob(kirjuri, (await kirjuri.identity.tenants.findBySlug('tyhja'))!.id);
      // A rotation to version 3 that dies after its first batch of one.
      await rejectionOf(kirjuri.keys.rotateMasterKey({ batchSize: 1, afterBatch: () => { throw new Error('simulated crash'); } }));
    });
    const refused = run(['keys', 'retire', '--version', '2']);
    expect(refused.status).to.equal(1);
    expect(refused.stderr.trim()).to.equal('2 tenant keys are still wrapped with master key version 2: run kirjuri keys rotate to re-wrap them, then retire version 2.');
    const current = run(['keys', 'retire', '--version', '3']);
    expect(current.status).to.equal(1);
    expect(current.stderr).to.contain('is the current one and cannot be retired');
    const finished = run(['keys', 'rotate']);
    expect(finished.status, finished.stderr).to.equal(0);
    expect(finished.stdout).to.contain('The interrupted rotation to master key version 3 was finished: 2 tenant keys re-wrapped.');
    for (const version of ['1', '2']) {
      const retired = run(['keys', 'retire', '--version', version]);
      expect(retired.status, retired.stderr).to.equal(0);
      expect(retired.stdout).to.contain(`Master key version ${version} was retired`);
    }
    expect([...(await readMasterKeyFile(join(keysDir, 'master.key')))!.keys()]).to.deep.equal([3]);
  });

  it('keys rotate --tenant rotates that tenant\'s key and retires its old version', function () {
    this.timeout(60_000);
    const rotated = run(['keys', 'rotate', '--tenant', 'rakennus']);
    expect(rotated.status, rotated.stderr).to.equal(0);
    expect(rotated.stdout).to.contain('The key of /t/rakennus was rotated to version 2: 3 file keys re-wrapped; version 1 retired.');
    expect(run(['keys', 'status']).stdout).to.contain('  /t/rakennus v2 (current, wrapped with master key v3): 3 files').and.not.to.contain('/t/rakennus v1');
    const missing = run(['keys', 'rotate', '--tenant', 'nobody']);
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.contain('There is no tenant "nobody"');
    const old = run(['keys', 'retire', '--tenant', 'rakennus', '--version', '1']);
    expect(old.status).to.equal(1);
    expect(old.stderr).to.contain('has no key version 1: it has v2');
  });

  it('keys retire without a proper --version is a usage error, and keys rotate explains that KIRJURI_MASTER_KEY cannot be rotated', async function () {
    this.timeout(60_000);
    expect(run(['keys', 'retire']).status).to.equal(2);
    const notANumber = run(['keys', 'retire', '--version', 'two']);
    expect(notANumber.status).to.equal(2);
    expect(notANumber.stderr).to.contain('must be a key version');
    const masterKey = (await readMasterKeyFile(join(keysDir, 'master.key')))!.get(3)!.export().toString('base64');
    // Version 3 alone under its number: the environment's text form of a key file.
    const fromEnvironment = run(['keys', 'rotate'], { KIRJURI_MASTER_KEY: `kirjuri-master-key v3 ${masterKey}` });
    expect(fromEnvironment.status).to.equal(1);
    expect(fromEnvironment.stderr).to.contain('Kirjuri needs the master key in a file, but it comes from KIRJURI_MASTER_KEY');
  });

  it('a keys command with the wrong master key fails to start with the sentence saying so', function () {
    this.timeout(60_000);
    const wrong = run(['keys', 'status'], { KIRJURI_MASTER_KEY: `kirjuri-master-key v3 ${Buffer.alloc(32, 1).toString('base64')}` });
    expect(wrong.status).to.equal(1);
    expect(wrong.stderr).to.contain('Kirjuri could not start:').and.to.contain('does not unwrap with master key version 3');
  });
});
