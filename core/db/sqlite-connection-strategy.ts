import type { Database as SqliteConnection } from 'sqlite3';
import type { Sequelize } from 'sequelize';
import type { Logger } from '../kernel/create-logger.ts';
import { FifoLock } from './fifo-lock.ts';
import { SqliteStatementCache } from './sqlite-statement-cache.ts';
import { implicitWriteError, isReadOnlyQueryType, type TransactionScope } from './transaction-scope.ts';

/*
 * Why this file exists (DESIGN.md, "Known pitfalls"): stock Sequelize 6 opens a new sqlite3 connection
 * for every transaction (Transaction#prepareEnvironment asks the ConnectionManager with its own uuid,
 * the SQLite manager caches by uuid and closes on release), so per-connection pragmas are lost,
 * DEFERRED read-then-write transactions hit SQLITE_BUSY on the lock upgrade, and a failed COMMIT
 * leaks the connection (forceCleanup calls the pool, which never held it).
 *
 * Instead: ONE persistent writer connection (pragmas applied once) used for every transaction and
 * every autocommit write, handed out under an in-process FIFO lock; ONE persistent read-only reader
 * connection for autocommit reads (WAL lets it read while the writer writes), and one more read-only
 * connection that shares the hot reads of db.selectRows with it. Transactions are
 * BEGIN IMMEDIATE (openDatabase passes the type), so the write lock is taken up front, never upgraded.
 *
 * Sequelize internals relied on (sequelize 6.37.8, pinned; test/integration/db-sqlite-*.test.ts
 * guards them):
 * - lib/sequelize.js Sequelize#query: without options.transaction it calls
 *   connectionManager.getConnection(options) (options.type = the QueryTypes value) and, in `finally`,
 *   connectionManager.releaseConnection(connection); with a transaction it uses transaction.connection.
 * - lib/transaction.js: prepareEnvironment calls getConnection({ uuid: transaction.id }); cleanup()
 *   (after COMMIT/ROLLBACK) calls releaseConnection(connection); forceCleanup() (after a failed
 *   COMMIT/ROLLBACK) calls destroyConnection(connection). Savepoints reuse the parent's connection.
 * - lib/dialects/sqlite/connection-manager.js: `lib` is the loaded sqlite3 module; we replace
 *   getConnection/releaseConnection/destroyConnection/close on the instance, so its per-uuid cache
 *   and the abstract pool are never used.
 */

/** The sqlite3 module as Sequelize loaded it (connectionManager.lib). */
interface Sqlite3Module {
  Database: new (file: string, mode: number, callback: (error: Error | null) => void) => SqliteConnection;
  OPEN_READONLY: number;
  OPEN_READWRITE: number;
  OPEN_CREATE: number;
}

/** The members of Sequelize's SQLite ConnectionManager this strategy reads or replaces. */
interface SqliteConnectionManagerInternals {
  lib: Sqlite3Module;
  getConnection(options?: { uuid?: string; type?: string }): Promise<SqliteConnection>;
  releaseConnection(connection: SqliteConnection, force?: boolean): void;
  destroyConnection(connection: SqliteConnection): Promise<void>;
  close(): Promise<void>;
}

export interface SqliteStrategyOptions {
  sequelize: Sequelize;
  file: string;
  busyTimeoutMs: number;
  /** How long a write waits for the writer before it fails (database.writerWaitTimeoutMs). */
  writerWaitTimeoutMs: number;
  scope: TransactionScope;
  log: Logger;
}

// Read-only connections in all (the first also serves Sequelize's autocommit reads).
const hotReaderCount = 2;

/** Opens the writer and reader connections and makes `sequelize` use them; returns the strategy to close them. */
export async function installSqliteConnectionStrategy(options: SqliteStrategyOptions): Promise<SqliteConnectionStrategy> {
  const manager = options.sequelize.connectionManager as unknown as SqliteConnectionManagerInternals;
  const lib = manager.lib;
  const writer = await openConnection(lib, options.file, lib.OPEN_READWRITE | lib.OPEN_CREATE);
  let reader: SqliteConnection | undefined;
  const hotReaders: SqliteConnection[] = [];
  try {
    // busy_timeout first: switching to WAL needs a lock another process may briefly hold.
    await runStatement(writer, `PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
    const [mode] = await allRows<{ journal_mode: string }>(writer, 'PRAGMA journal_mode = WAL');
    if (mode?.journal_mode !== 'wal') {
      options.log.warn({ file: options.file, journalMode: mode?.journal_mode }, 'SQLite refused WAL mode (is the data directory on a network file system?); readers and the writer will block each other');
    }
    await runStatement(writer, 'PRAGMA synchronous = NORMAL');
    await runStatement(writer, 'PRAGMA foreign_keys = ON');
    // The reader opens after the writer made the file WAL: a read-only connection cannot create the -shm file.
    reader = await openConnection(lib, options.file, lib.OPEN_READONLY);
    await runStatement(reader, `PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
    // More read-only connections for the hot reads (db.selectRows): in WAL mode readers run in parallel
    // on the thread pool, where one connection runs one statement at a time (bench/RESULTS.md, issue 4).
    for (let i = 1; i < hotReaderCount; i += 1) {
      const extra = await openConnection(lib, options.file, lib.OPEN_READONLY);
      hotReaders.push(extra);
      await runStatement(extra, `PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
    }
  } catch (error) {
    await Promise.allSettled([closeConnection(writer), reader && closeConnection(reader), ...hotReaders.map(closeConnection)]);
    throw error;
  }
  const strategy = new SqliteConnectionStrategy(writer, [reader, ...hotReaders], options.scope, options.log, options.writerWaitTimeoutMs);
  manager.getConnection = (acquire) => strategy.getConnection(acquire ?? {});
  manager.releaseConnection = (connection) => strategy.releaseConnection(connection);
  manager.destroyConnection = (connection) => strategy.destroyConnection(connection);
  manager.close = () => strategy.close();
  return strategy;
}

/** Hands out the writer (under the FIFO lock) or the reader to Sequelize, and closes both. */
export class SqliteConnectionStrategy {
  readonly #writer: SqliteConnection;
  readonly #reader: SqliteConnection;
  readonly #scope: TransactionScope;
  readonly #log: Logger;
  readonly #lock = new FifoLock();
  /** One statement cache per read-only connection; the first connection also serves Sequelize's reads. */
  readonly #readStatements: SqliteStatementCache[];
  /** Statements of the hot writes, prepared once on the writer (db.execute inside a transaction). */
  readonly #writeStatements: SqliteStatementCache;
  readonly #hotReaders: SqliteConnection[];
  /** Whether the writer is handed out now; guards against releasing the lock twice. */
  #writerOut = false;
  #closing: Promise<void> | null = null;

  readonly #writerWaitTimeoutMs: number;

  constructor(writer: SqliteConnection, readers: SqliteConnection[], scope: TransactionScope, log: Logger, writerWaitTimeoutMs: number) {
    this.#writerWaitTimeoutMs = writerWaitTimeoutMs;
    this.#readStatements = readers.map((connection) => new SqliteStatementCache(connection));
    this.#writeStatements = new SqliteStatementCache(writer);
    this.#writer = writer;
    this.#reader = readers[0]!;
    this.#hotReaders = readers.slice(1);
    this.#scope = scope;
    this.#log = log;
  }

  /** Replaces ConnectionManager#getConnection: `uuid` means a transaction starts, `type` is the query type otherwise. */
  async getConnection(options: { uuid?: string; type?: string }): Promise<SqliteConnection> {
    if (this.#closing) throw closedError();
    const forTransaction = typeof options.uuid === 'string';
    // Every transaction, even a read-only one, takes the writer: the reader is shared by concurrent
    // autocommit reads, and a BEGIN on it would put all of them into one transaction.
    if (!forTransaction && isReadOnlyQueryType(options.type)) return this.#reader;
    // This caller would queue behind the transaction whose callback it runs in: a certain deadlock.
    if (this.#scope.isOpen) throw implicitWriteError();
    const acquired = await this.#lock.acquire(this.#writerWaitTimeoutMs);
    if (!acquired) {
      throw new Error(`The database writer stayed busy for ${this.#writerWaitTimeoutMs} ms, so this write gave up: the server is overloaded, or a write ran inside db.transaction() without its { transaction } and waited for its own transaction. Retry; if it persists, run with database.guardTransactions on to find the write.`);
    }
    this.#writerOut = true;
    return this.#writer;
  }

  /** Runs a SELECT on the reader with a cached prepared statement: committed data only, never inside a transaction's view. */
  selectRows<T>(sql: string, bind: readonly unknown[]): Promise<T[]> {
    if (this.#closing) return Promise.reject(closedError());
    let least = this.#readStatements[0]!;
    for (const cache of this.#readStatements) if (cache.inFlight < least.inFlight) least = cache;
    return least.all<T>(sql, bind);
  }

  /**
   * Runs a write with a cached prepared statement on the writer, inside a transaction that holds it
   * (Sequelize would prepare the statement anew each time: DESIGN.md "Known pitfalls"). Errors are
   * node-sqlite3's own, not Sequelize's: callers that map constraint errors use sequelize.query.
   */
  execute(transaction: { connection?: unknown }, sql: string, bind: readonly unknown[]): Promise<number> {
    if (this.#closing) return Promise.reject(closedError());
    if (transaction.connection !== this.#writer || !this.#writerOut) return Promise.reject(new Error('db.execute() needs the transaction of a running db.transaction() callback.'));
    return this.#writeStatements.run(sql, bind);
  }

  /** A SELECT inside a transaction (it sees the transaction's own writes), with a cached statement on the writer. */
  selectInTransaction<T>(transaction: { connection?: unknown }, sql: string, bind: readonly unknown[]): Promise<T[]> {
    if (this.#closing) return Promise.reject(closedError());
    if (transaction.connection !== this.#writer || !this.#writerOut) return Promise.reject(new Error('db.selectIn() needs the transaction of a running db.transaction() callback.'));
    return this.#writeStatements.all<T>(sql, bind);
  }

  /**
   * SQLite's data_version as the writer sees it: it changes when another connection commits, and
   * this process's every write goes through the writer, so here it changes only when another process
   * (a CLI command beside the server) committed. A PRAGMA, run between the statements of whatever
   * transaction holds the writer: it reads a header and needs no lock.
   */
  async dataVersion(): Promise<number> {
    if (this.#closing) throw closedError();
    const [row] = await this.#writeStatements.all<{ data_version: number }>('PRAGMA data_version', []);
    return Number(row!.data_version);
  }

  /** Replaces ConnectionManager#releaseConnection: the reader and writer stay open; the writer's lock passes on. */
  releaseConnection(connection: SqliteConnection): void {
    if (connection === this.#writer) this.#releaseWriter();
  }

  /**
   * Replaces ConnectionManager#destroyConnection, which Sequelize calls after a COMMIT or ROLLBACK
   * failed. The connection is kept (it is the only writer) but its transaction may still be open
   * (SQLite keeps it open when COMMIT fails on a deferred foreign key, for one), so roll it back
   * before the next writer gets it.
   */
  async destroyConnection(connection: SqliteConnection): Promise<void> {
    if (connection !== this.#writer) return;
    try {
      await runStatement(this.#writer, 'ROLLBACK');
    } catch (error) {
      // "no transaction is active" is the normal case: SQLite already ended it.
      if (!/no transaction is active/i.test((error as Error).message)) {
        this.#log.error({ err: error }, 'Rolling back the SQLite writer after a failed COMMIT/ROLLBACK failed');
      }
    } finally {
      this.#releaseWriter();
    }
  }

  /** Waits for every writer queued so far, then closes both connections; later calls get the same promise. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    if (this.#scope.isOpen) return Promise.reject(new Error('db.close() was called inside a transaction callback: close the database after the transaction finished.'));
    this.#closing = (async () => {
      // Taking the lock (and never giving it back) lets the writers queued before close() finish first.
      await this.#lock.acquire();
      await Promise.all([...this.#readStatements, this.#writeStatements].map((cache) => cache.finalizeAll()));
      await Promise.all([closeConnection(this.#writer), closeConnection(this.#reader), ...this.#hotReaders.map(closeConnection)]);
    })();
    return this.#closing;
  }

  #releaseWriter(): void {
    if (!this.#writerOut) {
      this.#log.error('The SQLite writer was released twice; ignoring the second release');
      return;
    }
    this.#writerOut = false;
    this.#lock.release();
  }
}

function closedError(): Error {
  return new Error('The database is closed: no query can run after db.close().');
}

function openConnection(lib: Sqlite3Module, file: string, mode: number): Promise<SqliteConnection> {
  return new Promise((resolve, reject) => {
    const connection: SqliteConnection = new lib.Database(file, mode, (error) => (error ? reject(error) : resolve(connection)));
  });
}

function closeConnection(connection: SqliteConnection): Promise<void> {
  return new Promise((resolve, reject) => connection.close((error) => (error ? reject(error) : resolve())));
}

function runStatement(connection: SqliteConnection, sql: string): Promise<void> {
  return new Promise((resolve, reject) => connection.run(sql, (error: Error | null) => (error ? reject(error) : resolve())));
}

function allRows<T>(connection: SqliteConnection, sql: string): Promise<T[]> {
  return new Promise((resolve, reject) => connection.all<T>(sql, (error, rows) => (error ? reject(error) : resolve(rows))));
}
