import { expect } from 'chai';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listMigrationFiles, loadMigrationModule } from '../../core/db/migration-files.ts';

describe('migration files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kirjuri-migration-files-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const touch = (...names: string[]): Promise<void[]> => Promise.all(names.map((name) => writeFile(join(dir, name), 'export async function up() {}\n')));

  it('listMigrationFiles() returns the files in name order, named without extension', async () => {
    await touch('20261123-01-b.ts', '20261122-02-a-b-c.ts', '20261122-01-z.ts');
    const files = await listMigrationFiles({ owner: 'records', dir });
    expect(files.map((f) => f.name)).to.deep.equal(['20261122-01-z', '20261122-02-a-b-c', '20261123-01-b']);
    expect(files[0]).to.deep.equal({ owner: 'records', name: '20261122-01-z', fileName: '20261122-01-z.ts', path: join(dir, '20261122-01-z.ts') });
  });

  it('listMigrationFiles() ignores declarations, source maps, other files and folders', async () => {
    await touch('20261122-01-a.ts', '20261122-01-a.d.ts', '20261122-01-a.js.map', 'README.md');
    await mkdir(join(dir, 'helpers.ts'));
    expect((await listMigrationFiles({ owner: 'core', dir })).map((f) => f.fileName)).to.deep.equal(['20261122-01-a.ts']);
  });

  for (const bad of ['2026112-01-a.ts', '20261122-1-a.ts', '20261122-01-Create.ts', '20261122-01-a_b.ts', '20261122-01-.ts', '20261131-01-a.ts', '20261322-01-a.ts', 'create-records.ts']) {
    it(`listMigrationFiles() rejects the file name ${bad}, naming owner and file`, async () => {
      await touch('20261122-01-ok.ts', bad);
      try {
        await listMigrationFiles({ owner: 'records', dir });
        expect.fail('listMigrationFiles() accepted a bad name');
      } catch (error) {
        expect((error as Error).message).to.contain(`migration ${bad} of plugin records`).and.to.contain('YYYYMMDD-NN-name.ts');
      }
    });
  }

  it('listMigrationFiles() rejects two files with the same date and number', async () => {
    await touch('20261122-01-a.ts', '20261122-01-b.ts');
    try {
      await listMigrationFiles({ owner: 'core', dir });
      expect.fail('listMigrationFiles() accepted a duplicate number');
    } catch (error) {
      expect((error as Error).message).to.match(/^The core migration 20261122-01-b\.ts has the same date and number as 20261122-01-a\.ts/);
    }
  });

  it('listMigrationFiles() says which directory cannot be read', async () => {
    try {
      await listMigrationFiles({ owner: 'records', dir: join(dir, 'missing') });
      expect.fail('listMigrationFiles() read a missing directory');
    } catch (error) {
      expect((error as Error).message).to.contain('The migrations directory of records').and.to.contain(join(dir, 'missing'));
    }
  });

  it('loadMigrationModule() loads a module that exports up', async () => {
    await writeFile(join(dir, 'package.json'), '{"type":"module"}');
    await writeFile(join(dir, '20261122-01-ok.js'), 'export async function up() { return 42; }\n');
    const [file] = await listMigrationFiles({ owner: 'records', dir });
    const loaded = await loadMigrationModule(file!);
    expect(typeof loaded.up).to.equal('function');
  });

  it('loadMigrationModule() rejects a module without up, naming owner and file', async () => {
    await writeFile(join(dir, 'package.json'), '{"type":"module"}');
    await writeFile(join(dir, '20261122-01-no-up.js'), 'export async function down() {}\n');
    const [file] = await listMigrationFiles({ owner: 'records', dir });
    try {
      await loadMigrationModule(file!);
      expect.fail('loadMigrationModule() accepted a module without up');
    } catch (error) {
      expect((error as Error).message).to.match(/^Migration 20261122-01-no-up\.js of plugin records does not export an up\(context\) function/);
    }
  });

  it('loadMigrationModule() reports a file that does not load, naming owner and file', async () => {
    await writeFile(join(dir, 'package.json'), '{"type":"module"}');
    await writeFile(join(dir, '20261122-01-broken.js'), 'export async function up( {\n');
    const [file] = await listMigrationFiles({ owner: 'core', dir });
    try {
      await loadMigrationModule(file!);
      expect.fail('loadMigrationModule() loaded a broken file');
    } catch (error) {
      expect((error as Error).message).to.match(/^The core migration 20261122-01-broken\.js could not be loaded: /);
    }
  });
});
