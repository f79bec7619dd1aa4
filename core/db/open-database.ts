import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { QueryTypes, Sequelize, Transaction, type Options } from 'sequelize';
import type { KirjuriConfig } from '../config/config-schema.ts';
import type { Logger } from '../kernel/create-logger.ts';
import { installSqliteConnectionStrategy } from './sqlite-connection-strategy.ts';
import { implicitWriteError, isReadOnlyQueryType, nestedTransactionError, TransactionScope } from './transaction-scope.ts';

/** Kirjuri's handle on its database, whichever dialect. */
export interface Database {
  readonly sequelize: Sequelize;
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * A read outside any transaction, for hot paths (the session lookup of every request): `$1, $2, ...`
   * parameters, committed data only. On SQLite a cached prepared statement on the reader connection;
   * on PostgreSQL an ordinary query.
   */
  selectRows<T extends object>(sql: string, bind: readonly unknown[]): Promise<T[]>;
  /**
   * A write inside a transaction, for hot paths (a record, its revision, its audit entry): `$1, $2, ...`
   * parameters; resolves to the number of rows changed. On SQLite a cached prepared statement on the
   * writer; on PostgreSQL an ordinary query. Its errors are the driver's, not Sequelize's classes.
   */
  execute(sql: string, bind: readonly unknown[], transaction: Transaction): Promise<number>;
  /** A SELECT inside a transaction (it sees that transaction's writes), cached like execute(). */
  selectIn<T extends object>(sql: string, bind: readonly unknown[], transaction: Transaction): Promise<T[]>;
  /**
   * SQLite only (null on PostgreSQL): a number that changes whenever another process committed to the
   * database file (never for this process's own writes), so that per-process caches can tell.
   */
  readonly externalWriteVersion: (() => Promise<number>) | null;
  /** One write transaction: IMMEDIATE and serialised (FIFO) on SQLite, a normal pooled transaction on PostgreSQL. */
  transaction<T>(work: (t: Transaction) => Promise<T>): Promise<T>;
  /** Closes every connection. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  config: KirjuriConfig['database'];
  dataDir: string;
  log: Logger;
}

/** Opens the configured database: PostgreSQL when `config.url` is set, else SQLite in `<dataDir>/<sqliteFile>`. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.config.url ? openPostgres(options.config.url, options) : openSqlite(options);
}

/** Options both dialects share. */
function commonOptions({ config, log }: OpenDatabaseOptions): Options {
  return {
    // Query logging costs a string per statement; only when asked, and at debug level. Bind values
    // are never logged (logQueryParameters stays false): they may hold secrets.
    logging: config.logQueries ? (sql: string, timingMs?: number) => log.debug({ sql, durationMs: timingMs }, 'sql') : false,
    benchmark: config.logQueries,
    // underscored: attributes are camelCase in code (tenantId) and snake_case columns in the database
    // (tenant_id, created_at). PostgreSQL folds unquoted identifiers to lower case, so snake_case
    // columns are the ones raw SQL and migrations can write without quoting, on both dialects.
    define: { underscored: true },
  };
}

async function openSqlite(options: OpenDatabaseOptions): Promise<Database> {
  const dataDir = resolve(options.dataDir);
  await assertWritableDirectory(dataDir);
  const file = resolve(dataDir, options.config.sqliteFile);
  const sequelize = new Sequelize({
    ...commonOptions(options),
    dialect: 'sqlite',
    storage: file,
    // Any transaction, even one opened with sequelize.transaction() directly, takes the write lock at
    // BEGIN: a DEFERRED one that reads, then writes, would fail to upgrade its lock under contention.
    transactionType: Transaction.TYPES.IMMEDIATE,
  });
  const scope = new TransactionScope({ enabled: options.config.guardTransactions });
  const strategy = await installSqliteConnectionStrategy({ sequelize, file, busyTimeoutMs: options.config.busyTimeoutMs, writerWaitTimeoutMs: options.config.writerWaitTimeoutMs, scope, log: options.log })
    .catch((error: unknown) => {
      throw new Error(`Could not open the SQLite database ${file}: ${(error as Error).message}. Check that the file and ${dataDir} are writable by this user and the file is an SQLite database.`, { cause: error });
    });
  options.log.info({ dialect: 'sqlite', file }, 'database opened');
  return {
    sequelize,
    dialect: 'sqlite',
    selectRows: (sql, bind) => strategy.selectRows(sql, bind),
    execute: (sql, bind, transaction) => strategy.execute(transaction as unknown as { connection?: unknown }, sql, bind),
    selectIn: (sql, bind, transaction) => strategy.selectInTransaction(transaction as unknown as { connection?: unknown }, sql, bind),
    externalWriteVersion: () => strategy.dataVersion(),
    transaction(work) {
      if (scope.isOpen) return Promise.reject(nestedTransactionError());
      return sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, (t) => scope.run(() => work(t)));
    },
    close: () => strategy.close(),
  };
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const sequelize = new Sequelize(url, {
    ...commonOptions(options),
    dialect: 'postgres',
    pool: { max: options.config.poolMax, min: 0, idle: 10_000, acquire: 30_000 },
  });
  const scope = new TransactionScope({ enabled: options.config.guardTransactions });
  // On PostgreSQL a write that forgot { transaction } would not deadlock, it would silently run outside
  // the transaction; refuse it the same way as on SQLite so code behaves alike on both.
  sequelize.addHook('beforeQuery', (queryOptions: { transaction?: unknown; type?: string }) => {
    if (scope.isOpen && !queryOptions.transaction && !isReadOnlyQueryType(queryOptions.type)) throw implicitWriteError();
  });
  try {
    await sequelize.authenticate({ logging: false });
  } catch (error) {
    await sequelize.close().catch(() => undefined);
    throw new Error(`Could not connect to PostgreSQL at ${describeUrl(url)}: ${(error as Error).message}. Check database.url (KIRJURI_DATABASE_URL) and that the server accepts connections.`, { cause: error });
  }
  options.log.info({ dialect: 'postgres', server: describeUrl(url) }, 'database opened');
  let closing: Promise<void> | null = null;
  return {
    sequelize,
    dialect: 'postgres',
    selectRows: (sql, bind) => sequelize.query(sql, { bind: [...bind], type: QueryTypes.SELECT }),
    async execute(sql, bind, transaction) {
      const [, affected] = await sequelize.query(sql, { bind: [...bind], type: QueryTypes.RAW, transaction }) as [unknown, { rowCount?: number } | number];
      return typeof affected === 'number' ? affected : (affected?.rowCount ?? 0);
    },
    selectIn: (sql, bind, transaction) => sequelize.query(sql, { bind: [...bind], type: QueryTypes.SELECT, transaction }),
    // Nothing in this process caches on PostgreSQL (several nodes): every request reads afresh.
    externalWriteVersion: null,
    transaction(work) {
      if (scope.isOpen) return Promise.reject(nestedTransactionError());
      return sequelize.transaction((t) => scope.run(() => work(t)));
    },
    close: () => (closing ??= sequelize.close()),
  };
}

/** Fails with a sentence when the data directory is missing, not a directory, or not writable. */
async function assertWritableDirectory(dir: string): Promise<void> {
  let info;
  try {
    info = await stat(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`The data directory ${dir} does not exist: create it, or point dataDir (KIRJURI_DATA_DIR) at an existing directory.`, { cause: error });
    }
    throw new Error(`The data directory ${dir} cannot be read: ${(error as Error).message}. Check its permissions.`, { cause: error });
  }
  if (!info.isDirectory()) throw new Error(`The data directory ${dir} is not a directory: point dataDir (KIRJURI_DATA_DIR) at a directory.`);
  try {
    await access(dir, fsConstants.W_OK | fsConstants.X_OK);
  } catch (error) {
    throw new Error(`The data directory ${dir} is not writable by this user: fix its permissions or point dataDir (KIRJURI_DATA_DIR) elsewhere.`, { cause: error });
  }
}

/** host:port/database of a connection URL, without the password, for messages and logs. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`;
  } catch {
    return '(an unparsable URL)';
  }
}
