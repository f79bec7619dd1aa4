// The SQLite connection handling of DESIGN.md "Known pitfalls": one writer under a FIFO lock, one reader.
// These tests touch Sequelize internals through core/db/sqlite-connection-strategy.ts; they are what
// tells a Sequelize upgrade apart from a silent regression.
import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataTypes, ForeignKeyConstraintError, QueryTypes, type Transaction } from 'sequelize';
import sinon from 'sinon';
import sqlite3 from 'sqlite3';
import { openDatabase, type Database } from '../../core/db/open-database.ts';
import { createTestDatabase, testDatabaseConfig, testLogger, type TestDatabase } from '../helpers/test-databases.ts';
import { rejectionOf } from '../helpers/rejection-of.ts';

/** A promise and the function that resolves it, to hold a transaction open until the test says so. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}


const select = <T extends object>(db: Database, sql: string, transaction?: Transaction): Promise<T[]> => db.sequelize.query<T>(sql, { type: QueryTypes.SELECT, transaction });

describe('the SQLite connection strategy', () => {
  let testDb: TestDatabase;
  let db: Database;

  beforeEach(async () => {
    testDb = await createTestDatabase('sqlite');
    db = await openDatabase({ config: testDatabaseConfig(null, { busyTimeoutMs: 4321 }), dataDir: testDb.dataDir, log: testLogger() });
    await db.sequelize.query('CREATE TABLE counter_rows (id INTEGER PRIMARY KEY AUTOINCREMENT, label TEXT NOT NULL, seen INTEGER NOT NULL)');
  });
  afterEach(async () => {
    sinon.restore();
    await db.close();
    await testDb.drop();
  });

  it('openDatabase() applies WAL, synchronous NORMAL, foreign keys and the busy timeout on the writer', async () => {
    const pragmas = await db.transaction(async (t) => ({
      journal: await select<{ journal_mode: string }>(db, 'PRAGMA journal_mode', t),
      synchronous: await select<{ synchronous: number }>(db, 'PRAGMA synchronous', t),
      foreignKeys: await select<{ foreign_keys: number }>(db, 'PRAGMA foreign_keys', t),
      busyTimeout: await select<{ timeout: number }>(db, 'PRAGMA busy_timeout', t),
    }));
    expect(pragmas.journal[0]!.journal_mode).to.equal('wal');
    expect(pragmas.synchronous[0]!.synchronous).to.equal(1); // NORMAL; stock connections run FULL (2)
    expect(pragmas.foreignKeys[0]!.foreign_keys).to.equal(1);
    expect(pragmas.busyTimeout[0]!.timeout).to.equal(4321);
  });

  it('transaction() serialises 50 concurrent read-then-write transactions without one SQLITE_BUSY', async () => {
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => db.transaction(async (t) => {
      const [row] = await select<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM counter_rows', t);
      await db.sequelize.query('INSERT INTO counter_rows (label, seen) VALUES ($1, $2)', { bind: [`w${i}`, row!.n], transaction: t });
    })));
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).to.deep.equal([]);
    // Each transaction saw every earlier one: the counts read are exactly 0..49.
    const seen = (await select<{ seen: number }>(db, 'SELECT seen FROM counter_rows ORDER BY seen')).map((r) => r.seen);
    expect(seen).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
  });

  it('transaction() and autocommit writes get the writer in the order they asked (FIFO)', async () => {
    const hold = gate();
    const entered: string[] = [];
    const first = db.transaction(async (t) => {
      entered.push('t0');
      await hold.opened;
      await db.sequelize.query("INSERT INTO counter_rows (label, seen) VALUES ('t0', 0)", { transaction: t });
    });
    const queued: Array<Promise<unknown>> = [];
    for (let i = 1; i <= 6; i++) {
      queued.push(i % 2 === 0
        ? db.sequelize.query(`INSERT INTO counter_rows (label, seen) VALUES ('a${i}', 0)`)
        : db.transaction(async (t) => {
          entered.push(`t${i}`);
          await db.sequelize.query(`INSERT INTO counter_rows (label, seen) VALUES ('t${i}', 0)`, { transaction: t });
        }));
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(entered).to.deep.equal(['t0']); // everyone else waits for the writer
    hold.open();
    await Promise.all([first, ...queued]);
    const labels = (await select<{ label: string }>(db, 'SELECT label FROM counter_rows ORDER BY id')).map((r) => r.label);
    expect(labels).to.deep.equal(['t0', 't1', 'a2', 't3', 'a4', 't5', 'a6']);
  });

  it('transaction() rolls back when the work throws, and the next transaction works', async () => {
    const failure = db.transaction(async (t) => {
      await db.sequelize.query("INSERT INTO counter_rows (label, seen) VALUES ('lost', 0)", { transaction: t });
      throw new Error('work failed');
    });
    expect((await rejectionOf(failure)).message).to.contain('work failed');
    await db.transaction((t) => db.sequelize.query("INSERT INTO counter_rows (label, seen) VALUES ('kept', 0)", { transaction: t }));
    expect((await select<{ label: string }>(db, 'SELECT label FROM counter_rows')).map((r) => r.label)).to.deep.equal(['kept']);
  });

  it('transaction() recovers the writer when COMMIT fails (deferred foreign key), instead of leaking or wedging it', async () => {
    sinon.stub(console, 'warn'); // Sequelize announces the failed COMMIT on the console
    await db.sequelize.query('CREATE TABLE parents (id INTEGER PRIMARY KEY)');
    await db.sequelize.query('CREATE TABLE children (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parents(id) DEFERRABLE INITIALLY DEFERRED)');
    const orphan = db.transaction((t) => db.sequelize.query('INSERT INTO children (id, parent_id) VALUES (1, 99)', { transaction: t }));
    // The INSERT succeeds; only COMMIT checks a deferred key, fails, and leaves SQLite's transaction open.
    expect(await rejectionOf(orphan)).to.be.instanceOf(ForeignKeyConstraintError);
    await db.transaction(async (t) => {
      await db.sequelize.query('INSERT INTO parents (id) VALUES (1)', { transaction: t });
      await db.sequelize.query('INSERT INTO children (id, parent_id) VALUES (2, 1)', { transaction: t });
    });
    await db.sequelize.query("INSERT INTO counter_rows (label, seen) VALUES ('after', 0)");
    expect(await select(db, 'SELECT id, parent_id FROM children')).to.deep.equal([{ id: 2, parent_id: 1 }]);
  });

  it('autocommit reads use the reader: they see committed data only and do not wait for the writer', async () => {
    await db.sequelize.query("INSERT INTO counter_rows (label, seen) VALUES ('committed', 0)");
    const hold = gate();
    const inserted = gate();
    const writing = db.transaction(async (t) => {
      await db.sequelize.query("INSERT INTO counter_rows (label, seen) VALUES ('uncommitted', 0)", { transaction: t });
      inserted.open();
      await hold.opened;
    });
    await inserted.opened;
    // The writer is busy in an open transaction; a read still answers, from the last commit.
    expect((await select<{ label: string }>(db, 'SELECT label FROM counter_rows')).map((r) => r.label)).to.deep.equal(['committed']);
    hold.open();
    await writing;
    expect((await select<{ label: string }>(db, 'SELECT label FROM counter_rows ORDER BY id')).map((r) => r.label)).to.deep.equal(['committed', 'uncommitted']);
  });

  it('the database uses exactly three sqlite3 connections (a writer, two readers) however many transactions and reads run', async () => {
    const opened = sinon.spy(sqlite3, 'Database');
    await db.close();
    db = await openDatabase({ config: testDatabaseConfig(null), dataDir: testDb.dataDir, log: testLogger() });
    await Promise.all(Array.from({ length: 20 }, (_, i) => Promise.all([
      db.transaction((t) => db.sequelize.query('INSERT INTO counter_rows (label, seen) VALUES ($1, 0)', { bind: [`r${i}`], transaction: t })),
      db.transaction(() => Promise.reject(new Error('rolled back'))).catch(() => undefined),
      select(db, 'SELECT COUNT(*) AS n FROM counter_rows'),
    ])));
    expect(opened.callCount).to.equal(3);
  });

  it('an autocommit write (Model.create) queues behind a running transaction and goes to the writer', async () => {
    const Note = db.sequelize.define('Note', { text: DataTypes.STRING }, { tableName: 'notes', timestamps: false });
    await Note.sync();
    const hold = gate();
    const order: string[] = [];
    const writing = db.transaction(async (t) => {
      await hold.opened;
      await Note.create({ text: 'in transaction' }, { transaction: t });
      order.push('transaction');
    });
    const autocommit = Note.create({ text: 'autocommit' }).then(() => order.push('autocommit'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).to.deep.equal([]);
    hold.open();
    await Promise.all([writing, autocommit]);
    expect(order).to.deep.equal(['transaction', 'autocommit']);
    expect((await Note.findAll({ order: [['id', 'ASC']] })).map((n) => n.get('text'))).to.deep.equal(['in transaction', 'autocommit']);
  });

  it('a write inside transaction() without { transaction } throws instead of deadlocking', async () => {
    const Note = db.sequelize.define('Note', { text: DataTypes.STRING }, { tableName: 'notes', timestamps: false });
    await Note.sync();
    const forgetfulWrites: Array<() => Promise<unknown>> = [
      () => Note.create({ text: 'x' }),
      () => db.sequelize.query("INSERT INTO counter_rows (label, seen) VALUES ('x', 0)"),
      () => db.sequelize.transaction(async () => undefined),
    ];
    for (const forgetful of forgetfulWrites) {
      expect((await rejectionOf(db.transaction(() => forgetful()))).message).to.match(/A write ran inside db\.transaction\(\) without its transaction/);
    }
    // Nothing was left holding the writer.
    await db.transaction((t) => Note.create({ text: 'fine' }, { transaction: t }));
    expect(await Note.count()).to.equal(1);
  });

  it('a read typed SELECT inside transaction() without { transaction } is allowed (it runs on the reader)', async () => {
    const count = await db.transaction(async () => (await select<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM counter_rows'))[0]!.n);
    expect(count).to.equal(0);
  });

  it('transaction() inside another transaction() on the same database throws', async () => {
    expect((await rejectionOf(db.transaction(() => db.transaction(async () => 1)))).message).to.match(/db\.transaction\(\) was called inside another transaction/);
  });

  it('two databases opened on one file run concurrent read-then-write transactions without SQLITE_BUSY', async () => {
    const other = await openDatabase({ config: testDatabaseConfig(null), dataDir: testDb.dataDir, log: testLogger() });
    try {
      const work = (handle: Database, i: number): Promise<unknown> => handle.transaction(async (t) => {
        const [row] = await select<{ n: number }>(handle, 'SELECT COUNT(*) AS n FROM counter_rows', t);
        await handle.sequelize.query('INSERT INTO counter_rows (label, seen) VALUES ($1, $2)', { bind: [`x${i}`, row!.n], transaction: t });
      });
      const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => work(i % 2 === 0 ? db : other, i)));
      expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).to.deep.equal([]);
      const seen = (await select<{ seen: number }>(db, 'SELECT seen FROM counter_rows ORDER BY seen')).map((r) => r.seen);
      expect(seen).to.deep.equal(Array.from({ length: 40 }, (_, i) => i));
    } finally {
      await other.close();
    }
  });

  it('close() lets queued writes finish, then refuses new queries with a sentence', async () => {
    const writes = Array.from({ length: 5 }, (_, i) => db.transaction((t) => db.sequelize.query('INSERT INTO counter_rows (label, seen) VALUES ($1, 0)', { bind: [`c${i}`], transaction: t })));
    const closing = db.close();
    await Promise.all(writes);
    await closing;
    await db.close(); // twice is fine
    expect((await rejectionOf(db.transaction(async () => 1))).message).to.contain('The database is closed');
    expect((await rejectionOf(select(db, 'SELECT 1'))).message).to.contain('The database is closed');
    db = await openDatabase({ config: testDatabaseConfig(null), dataDir: testDb.dataDir, log: testLogger() });
    expect((await select<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM counter_rows'))[0]!.n).to.equal(5);
  });
});

describe('the SQLite writer without the transaction guard (production default)', () => {
  let testDb: TestDatabase;
  let db: Database;
  beforeEach(async () => {
    testDb = await createTestDatabase('sqlite');
    db = await openDatabase({ config: testDatabaseConfig(null, { guardTransactions: false, writerWaitTimeoutMs: 300 }), dataDir: testDb.dataDir, log: testLogger() });
    await db.sequelize.query('CREATE TABLE counter_rows (id INTEGER PRIMARY KEY AUTOINCREMENT, label TEXT NOT NULL, seen INTEGER NOT NULL)');
  });
  afterEach(async () => {
    await db.close();
    await testDb.drop();
  });

  it('a write that forgot { transaction } inside transaction() fails after writerWaitTimeoutMs instead of hanging, and the writer recovers', async () => {
    const error = await rejectionOf(db.transaction(async (t) => {
      await db.sequelize.query("INSERT INTO counter_rows (label, seen) VALUES ('inside', 1)", { transaction: t });
      await db.sequelize.query("INSERT INTO counter_rows (label, seen) VALUES ('forgot', 1)");
    }));
    expect(error.message).to.contain('The database writer stayed busy for 300 ms').and.to.contain('database.guardTransactions');
    await db.sequelize.query("INSERT INTO counter_rows (label, seen) VALUES ('after', 1)");
    const rows = await select<{ label: string }>(db, 'SELECT label FROM counter_rows ORDER BY id');
    expect(rows.map((r) => r.label)).to.deep.equal(['after']);
  });
});

describe('openDatabase() on SQLite with a bad data directory', () => {
  let testDb: TestDatabase;
  beforeEach(async () => {
    testDb = await createTestDatabase('sqlite');
  });
  afterEach(async () => testDb.drop());

  it('fails with a sentence when the data directory does not exist', async () => {
    const missing = join(testDb.dataDir, 'missing');
    expect((await rejectionOf(openDatabase({ config: testDatabaseConfig(null), dataDir: missing, log: testLogger() }))).message).to.contain(`The data directory ${missing} does not exist: create it, or point dataDir (KIRJURI_DATA_DIR) at an existing directory.`);
  });

  it('fails with a sentence when the data directory is a file', async () => {
    const file = join(testDb.dataDir, 'a-file');
    await writeFile(file, 'x');
    expect((await rejectionOf(openDatabase({ config: testDatabaseConfig(null), dataDir: file, log: testLogger() }))).message).to.contain(`The data directory ${file} is not a directory`);
  });

  it('fails with a sentence when the database file is not an SQLite database', async () => {
    await writeFile(join(testDb.dataDir, 'kirjuri.sqlite'), 'this is not a database, just some bytes '.repeat(50));
    expect((await rejectionOf(openDatabase({ config: testDatabaseConfig(null), dataDir: testDb.dataDir, log: testLogger() }))).message).to.match(/^Could not open the SQLite database .*kirjuri\.sqlite: .*not a database.*Check that the file/);
  });
});
