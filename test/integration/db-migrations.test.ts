import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryTypes } from 'sequelize';
import { openDatabase, type Database } from '../../core/db/open-database.ts';
import { coreMigrations, listPendingMigrations, runMigrations, type MigrationSet } from '../../core/db/run-migrations.ts';
import { createTestDatabase, forEachDatabase, testDatabaseConfig, testLogger, type TestDatabase } from '../helpers/test-databases.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';
import { packageRoot } from '../../core/kernel/install-paths.ts';


/** A migration that creates one table with raw SQL (temp dirs cannot import sequelize) and notes it ran. */
const createTable = (table: string, extra = ''): string => `
export async function up({ sequelize, transaction, dialect }) {
  if (!['sqlite', 'postgres'].includes(dialect)) throw new Error('no dialect in the context');
  await sequelize.query('CREATE TABLE ${table} (id INTEGER PRIMARY KEY${extra})', { transaction });
}
`;

/** Core's own migrations, in order: every file in core/db/migrations (the first two are known by name below). */
const coreMigrationNames = readdirSync(join(packageRoot, 'core', 'db', 'migrations')).filter((file) => file.endsWith('.ts')).map((file) => file.replace(/\.ts$/, '')).sort();

forEachDatabase('runMigrations()', (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let root: string;
  const log = testLogger();

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    db = await openDatabase({ config: testDatabaseConfig(testDb.databaseUrl), dataDir: testDb.dataDir, log });
    root = await mkdtemp(join(tmpdir(), 'kirjuri-migrations-'));
    // Node treats the .js fixtures below as ES modules only with this beside them.
    await writeFile(join(root, 'package.json'), '{"type":"module"}');
  });
  afterEach(async () => {
    await db.close();
    await testDb.drop();
    await rm(root, { recursive: true, force: true });
  });

  /** Writes a plugin's migrations directory: file name -> source. */
  async function pluginSet(owner: string, files: Record<string, string>): Promise<MigrationSet> {
    const dir = join(root, owner);
    await mkdir(dir, { recursive: true });
    for (const [name, source] of Object.entries(files)) await writeFile(join(dir, name), source);
    return { owner, dir };
  }

  async function tableExists(table: string): Promise<boolean> {
    return db.sequelize.getQueryInterface().tableExists(table);
  }

  async function recorded(): Promise<string[]> {
    const rows = await db.sequelize.query<{ owner: string; name: string }>('SELECT owner, name FROM kirjuri_migrations ORDER BY owner, name', { type: QueryTypes.SELECT });
    return rows.map((row) => `${row.owner}/${row.name}`);
  }

  it("runMigrations() applies core's migrations once: the job lock table exists and a second run applies nothing", async () => {
    const core = coreMigrationNames.map((name) => ({ owner: 'core', name }));
    expect(await listPendingMigrations(db, [coreMigrations])).to.deep.equal(core);
    expect(await runMigrations(db, [coreMigrations], log)).to.deep.equal({ applied: core });
    expect(await tableExists('kirjuri_job_locks')).to.equal(true);
    expect(await runMigrations(db, [coreMigrations], log)).to.deep.equal({ applied: [] });
    expect(await listPendingMigrations(db, [coreMigrations])).to.deep.equal([]);
  });

  it('runMigrations() runs the sets in the given order, each in file order', async () => {
    const records = await pluginSet('records', {
      '20261201-01-folders.js': createTable('rec_folders'),
      '20261130-01-templates.js': createTable('rec_templates'),
    });
    // Refers to records' table: only works when records ran first.
    const reports = await pluginSet('reports', { '20261101-01-reports.js': createTable('rep_reports', ', folder_id INTEGER REFERENCES rec_folders(id)') });
    const { applied } = await runMigrations(db, [coreMigrations, records, reports], log);
    expect(applied.map((m) => `${m.owner}/${m.name}`)).to.deep.equal([
      ...coreMigrationNames.map((name) => `core/${name}`), 'records/20261130-01-templates', 'records/20261201-01-folders', 'reports/20261101-01-reports',
    ]);
    expect(await tableExists('rep_reports')).to.equal(true);
  });

  it('runMigrations() keeps migrations apart per owner: two plugins may use the same file name', async () => {
    const a = await pluginSet('alpha', { '20261122-01-init.js': createTable('alpha_items') });
    const b = await pluginSet('beta', { '20261122-01-init.js': createTable('beta_items') });
    await runMigrations(db, [a], log);
    expect(await listPendingMigrations(db, [a, b])).to.deep.equal([{ owner: 'beta', name: '20261122-01-init' }]);
    expect((await runMigrations(db, [a, b], log)).applied).to.deep.equal([{ owner: 'beta', name: '20261122-01-init' }]);
    expect(await tableExists('beta_items')).to.equal(true);
    expect(await recorded()).to.deep.equal(['alpha/20261122-01-init', 'beta/20261122-01-init']);
  });

  it('runMigrations() rolls a failing migration back entirely and names the owner, the file and the reason', async () => {
    const set = await pluginSet('records', {
      '20261122-01-ok.js': createTable('rec_ok'),
      '20261122-02-fails.js': `
export async function up({ sequelize, transaction }) {
  await sequelize.query('CREATE TABLE rec_half (id INTEGER PRIMARY KEY)', { transaction });
  await sequelize.query('INSERT INTO no_such_table VALUES (1)', { transaction });
}
`,
      '20261122-03-never.js': createTable('rec_never'),
    });
    const error = await rejectionOf(runMigrations(db, [set], log));
    expect(error.message).to.match(/^Migration 20261122-02-fails\.js of plugin records failed and was rolled back: .*no_such_table.*\. Fix the migration \(.*20261122-02-fails\.js\) and start again\.$/);
    expect(await tableExists('rec_ok')).to.equal(true);
    expect(await tableExists('rec_half')).to.equal(false);
    expect(await tableExists('rec_never')).to.equal(false);
    expect(await recorded()).to.deep.equal(['records/20261122-01-ok']);
    expect((await listPendingMigrations(db, [set])).map((m) => m.name)).to.deep.equal(['20261122-02-fails', '20261122-03-never']);
  });

  it('runMigrations() refuses a badly named file before applying anything, even core', async () => {
    const set = await pluginSet('records', { '20261122-01-ok.js': createTable('rec_ok'), 'create-things.js': createTable('rec_bad') });
    const error = await rejectionOf(runMigrations(db, [coreMigrations, set], log));
    expect(error.message).to.match(/^The name of migration create-things\.js of plugin records \(in .*\) is not YYYYMMDD-NN-name\.ts/);
    expect(await tableExists('kirjuri_job_locks')).to.equal(false);
    expect(await tableExists('rec_ok')).to.equal(false);
  });

  it('runMigrations() refuses a file without up before applying anything', async () => {
    const set = await pluginSet('records', { '20261122-01-no-up.js': 'export const nothing = 1;\n' });
    const error = await rejectionOf(runMigrations(db, [coreMigrations, set], log));
    expect(error.message).to.match(/^Migration 20261122-01-no-up\.js of plugin records does not export an up\(context\) function/);
    expect(await tableExists('kirjuri_job_locks')).to.equal(false);
  });

  it('runMigrations() refuses two sets with the same owner', async () => {
    const set = await pluginSet('records', { '20261122-01-a.js': createTable('rec_a') });
    const error = await rejectionOf(runMigrations(db, [set, { ...set }], log));
    expect(error.message).to.equal('Two migration sets are owned by records: give each plugin one migrations directory.');
  });

  it('runMigrations() fails a migration that writes without its transaction, and rolls it back', async () => {
    const set = await pluginSet('records', {
      '20261122-01-forgetful.js': `
export async function up({ sequelize, transaction }) {
  await sequelize.query('CREATE TABLE rec_forgetful (id INTEGER PRIMARY KEY)', { transaction });
  await sequelize.query('INSERT INTO rec_forgetful (id) VALUES (1)');
}
`,
    });
    const error = await rejectionOf(runMigrations(db, [set], log));
    expect(error.message).to.contain('A write ran inside db.transaction() without its transaction');
    expect(await tableExists('rec_forgetful')).to.equal(false);
  });

  it('runMigrations() from two nodes at once applies each migration exactly once', async () => {
    const set = await pluginSet('records', {
      '20261122-01-a.js': createTable('rec_a'),
      '20261122-02-b.js': createTable('rec_b'),
      '20261122-03-c.js': createTable('rec_c'),
    });
    const other = await openDatabase({ config: testDatabaseConfig(testDb.databaseUrl), dataDir: testDb.dataDir, log });
    try {
      const [first, second] = await Promise.all([runMigrations(db, [coreMigrations, set], log), runMigrations(other, [coreMigrations, set], log)]);
      const all = [...first.applied, ...second.applied].map((m) => `${m.owner}/${m.name}`).sort();
      expect(all).to.deep.equal([...coreMigrationNames.map((name) => `core/${name}`), 'records/20261122-01-a', 'records/20261122-02-b', 'records/20261122-03-c']);
    } finally {
      await other.close();
    }
    expect(await recorded()).to.deep.equal([...coreMigrationNames.map((name) => `core/${name}`), 'records/20261122-01-a', 'records/20261122-02-b', 'records/20261122-03-c']);
  });
});
