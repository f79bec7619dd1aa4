import { expect } from 'chai';
import { Writable } from 'node:stream';
import { DataTypes, QueryTypes } from 'sequelize';
import { createLogger } from '../../core/kernel/create-logger.ts';
import { openDatabase, type Database } from '../../core/db/open-database.ts';
import { createTestDatabase, forEachDatabase, testDatabaseConfig, testLogger, type TestDatabase } from '../helpers/test-databases.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';


forEachDatabase('openDatabase()', (kind) => {
  let testDb: TestDatabase;
  let db: Database;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    db = await openDatabase({ config: testDatabaseConfig(testDb.databaseUrl), dataDir: testDb.dataDir, log: testLogger() });
    await db.sequelize.query('CREATE TABLE items (id INTEGER PRIMARY KEY, label VARCHAR(50) NOT NULL)');
  });
  afterEach(async () => {
    await db.close();
    await testDb.drop();
  });

  const labels = async (): Promise<string[]> => (await db.sequelize.query<{ label: string }>('SELECT label FROM items ORDER BY id', { type: QueryTypes.SELECT })).map((r) => r.label);

  it(`openDatabase() reports the ${kind} dialect`, () => {
    expect(db.dialect).to.equal(kind);
    expect(db.sequelize.getDialect()).to.equal(kind);
  });

  it('transaction() commits the work and returns its result', async () => {
    const result = await db.transaction(async (t) => {
      await db.sequelize.query("INSERT INTO items (id, label) VALUES (1, 'one')", { transaction: t });
      return 'done';
    });
    expect(result).to.equal('done');
    expect(await labels()).to.deep.equal(['one']);
  });

  it('transaction() rolls back everything when the work throws, and rethrows', async () => {
    const error = await rejectionOf(db.transaction(async (t) => {
      await db.sequelize.query("INSERT INTO items (id, label) VALUES (1, 'one')", { transaction: t });
      throw new Error('changed my mind');
    }));
    expect(error.message).to.equal('changed my mind');
    expect(await labels()).to.deep.equal([]);
  });

  it('transaction() rolls back when a statement fails (duplicate key), and the next one works', async () => {
    await db.sequelize.query("INSERT INTO items (id, label) VALUES (1, 'one')");
    const error = await rejectionOf(db.transaction(async (t) => {
      await db.sequelize.query("INSERT INTO items (id, label) VALUES (2, 'two')", { transaction: t });
      await db.sequelize.query("INSERT INTO items (id, label) VALUES (1, 'again')", { transaction: t });
    }));
    expect(error.name).to.equal('SequelizeUniqueConstraintError');
    await db.transaction((t) => db.sequelize.query("INSERT INTO items (id, label) VALUES (3, 'three')", { transaction: t }));
    expect(await labels()).to.deep.equal(['one', 'three']);
  });

  it('a model write inside transaction() without { transaction } throws a sentence and nothing is written', async () => {
    const Item = db.sequelize.define('Item', { id: { type: DataTypes.INTEGER, primaryKey: true }, label: DataTypes.STRING }, { tableName: 'items', timestamps: false });
    const error = await rejectionOf(db.transaction(async (t) => {
      await Item.create({ id: 1, label: 'with' }, { transaction: t });
      await Item.create({ id: 2, label: 'without' });
    }));
    expect(error.message).to.match(/^A write ran inside db\.transaction\(\) without its transaction: pass \{ transaction \}/);
    expect(await labels()).to.deep.equal([]);
  });

  it('transaction() inside another transaction() throws a sentence', async () => {
    const error = await rejectionOf(db.transaction(() => db.transaction(async () => 1)));
    expect(error.message).to.match(/^db\.transaction\(\) was called inside another transaction on the same database/);
  });

  it('a write after the transaction callback returned is not mistaken for a forgotten { transaction }', async () => {
    let later: Promise<unknown> | undefined;
    await db.transaction(async (t) => {
      await db.sequelize.query("INSERT INTO items (id, label) VALUES (1, 'inside')", { transaction: t });
      // Left running on purpose: it starts once the callback has returned.
      later = new Promise((resolve) => setTimeout(resolve, 10)).then(() => db.sequelize.query("INSERT INTO items (id, label) VALUES (2, 'after')"));
    });
    await later;
    expect(await labels()).to.deep.equal(['inside', 'after']);
  });

  it('close() closes every connection and may be called twice', async () => {
    await db.close();
    await db.close();
    expect((await rejectionOf(db.sequelize.query('SELECT 1', { type: QueryTypes.SELECT }))).message).to.match(/closed/);
    db = await openDatabase({ config: testDatabaseConfig(testDb.databaseUrl), dataDir: testDb.dataDir, log: testLogger() });
  });

  it('logQueries logs every statement at debug level, and nothing when off', async () => {
    const lines: Array<{ level: number; sql?: string }> = [];
    const sink = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(JSON.parse(chunk.toString())); done(); } });
    const log = createLogger('debug', sink);
    const quiet = await openDatabase({ config: testDatabaseConfig(testDb.databaseUrl), dataDir: testDb.dataDir, log });
    await quiet.sequelize.query('SELECT 1 AS quiet', { type: QueryTypes.SELECT });
    await quiet.close();
    const loud = await openDatabase({ config: testDatabaseConfig(testDb.databaseUrl, { logQueries: true }), dataDir: testDb.dataDir, log });
    await loud.sequelize.query('SELECT 2 AS loud', { type: QueryTypes.SELECT });
    await loud.close();
    const sql = lines.filter((line) => line.sql !== undefined);
    expect(sql.some((line) => line.sql!.includes('quiet'))).to.equal(false);
    expect(sql.filter((line) => line.sql!.includes('loud')).map((line) => line.level)).to.deep.equal([20]);
  });
});

describe('openDatabase() on PostgreSQL that cannot be reached', () => {
  it('fails with a sentence naming the server but not the password', async () => {
    const error = await rejectionOf(openDatabase({
      config: testDatabaseConfig('postgres://kirjuri:s3cret-pass@127.0.0.1:1/kirjuri'),
      dataDir: '/nonexistent',
      log: testLogger(),
    }));
    expect(error.message).to.match(/^Could not connect to PostgreSQL at 127\.0\.0\.1:1\/kirjuri: .+\. Check database\.url \(KIRJURI_DATABASE_URL\)/);
    expect(error.message).not.to.contain('s3cret-pass');
  });
});
