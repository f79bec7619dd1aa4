import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { createApp, type KirjuriApp } from '../../core/app.ts';
import { loadConfig } from '../../core/config/index.ts';
import { packageRoot } from '../../core/kernel/install-paths.ts';
import { testPasswordHasher } from '../helpers/create-test-app.ts';
import { makeTenant } from '../helpers/stored-blobs.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-databases.ts';

const bin = join(packageRoot, 'bin', 'kirjuri.js');

describe('kirjuri files sweep', () => {
  let database: TestDatabase;
  let keysDir: string;
  let env: NodeJS.ProcessEnv;
  const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  const inProcess = async <T>(work: (kirjuri: KirjuriApp) => Promise<T>): Promise<T> => {
    const kirjuri = await createApp(loadConfig({ env: { ...env, KIRJURI_LOG_LEVEL: 'silent' } }), { passwordHasher: testPasswordHasher() });
    try {
      return await work(kirjuri);
    } finally {
      await kirjuri.close();
    }
  };

  before(async function () {
    this.timeout(60_000);
    database = await createTestDatabase('sqlite');
    keysDir = mkdtempSync(join(tmpdir(), 'kirjuri-cli-files-'));
    env = {};
    for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('KIRJURI_')) env[name] = value;
    Object.assign(env, { KIRJURI_DATA_DIR: database.dataDir, KIRJURI_MASTER_KEY_FILE: join(keysDir, 'master.key'), KIRJURI_LOG_LEVEL: 'warn' });
  });
  after(async () => {
    await database?.drop();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it('deletes ciphertext no row names once it is old enough, and keeps every committed file', async function () {
    this.timeout(60_000);
    const { orphanKey, keptKey } = await inProcess(async (kirjuri) => {
      const tenant = await makeTenant(kirjuri, 'sweep');
      const files = kirjuri.services.get('core.files');
      const kept = await files.store(tenant.id, Readable.from([Buffer.from('a committed file')]), { maxBytes: 100 });
      await kirjuri.db.transaction((transaction) => files.commit(kept, transaction));
      // Stored but never committed: what a crash between the write and the commit leaves.
      const orphan = await files.store(tenant.id, Readable.from([Buffer.from('left behind')]), { maxBytes: 100 });
      return { orphanKey: orphan.storageKey, keptKey: kept.storageKey };
    });
    const young = run(['files', 'sweep']);
    expect(young.status, young.stderr).to.equal(0);
    expect(young.stdout).to.contain('deleted 0 that no row named');
    const swept = run(['files', 'sweep', '--older-than-hours', '0']);
    expect(swept.status, swept.stderr).to.equal(0);
    expect(swept.stdout).to.match(/Checked \d+ stored blobs?; deleted 1 that no row named\./);
    await inProcess(async (kirjuri) => {
      expect(await kirjuri.blobs.stat(orphanKey)).to.equal(null);
      expect(await kirjuri.blobs.stat(keptKey)).to.not.equal(null);
    });
    expect(run(['files', 'sweep', '--older-than-hours', 'soon']).status).to.not.equal(0);
  });
});
