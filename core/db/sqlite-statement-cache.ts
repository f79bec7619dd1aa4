import type { Database as SqliteConnection, Statement } from 'sqlite3';

// The hot reads are a few dozen fixed SQL strings; the bound keeps a mistake (SQL built from data)
// from growing the cache without end.
const maxStatements = 2000;

/**
 * Prepared statements kept per SQL text on one SQLite connection (the readers, and the writer for the
 * hot writes inside transactions). Preparing costs more
 * than running a small indexed SELECT, and Sequelize prepares on every call (DESIGN.md "Known
 * pitfalls": reads by id ~1,700/s through the Model API, ~6,300/s with cached statements).
 */
export class SqliteStatementCache {
  readonly #connection: SqliteConnection;
  readonly #statements = new Map<string, PooledStatement[]>();
  #count = 0;
  #inFlight = 0;

  constructor(connection: SqliteConnection) {
    this.#connection = connection;
  }

  /** How many reads are running on this connection now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Runs a SELECT with `$1, $2, ...` parameters and returns its rows. */
  all<T>(sql: string, bind: readonly unknown[]): Promise<T[]> {
    return this.#use(sql, bind, (statement, parameters) => new Promise<T[]>((resolve, reject) => {
      statement.all<T>(parameters, (error: Error | null, rows: T[]) => (error ? reject(error) : resolve(rows)));
    }));
  }

  /** Runs a statement that changes rows (INSERT, UPDATE, DELETE) with `$1, $2, ...` parameters; returns how many rows it changed. */
  run(sql: string, bind: readonly unknown[]): Promise<number> {
    return this.#use(sql, bind, (statement, parameters) => new Promise<number>((resolve, reject) => {
      statement.run(parameters, function (this: { changes: number }, error: Error | null) {
        if (error) reject(error);
        else resolve(this.changes);
      });
    }));
  }

  async #use<R>(sql: string, bind: readonly unknown[], work: (statement: Statement, parameters: unknown[]) => Promise<R>): Promise<R> {
    const pooled = this.#idle(sql);
    pooled.busy += 1;
    this.#inFlight += 1;
    try {
      const statement = await pooled.statement;
      // Bound by position (the SQL's $N became ?N when prepared): an object of "$N" names costs a name
      // lookup per value in the driver, which showed in profiles of the audit log's 900-value inserts.
      const parameters = bind.map((value) => (typeof value === 'boolean' ? Number(value) : value));
      return await work(statement, parameters);
    } finally {
      pooled.busy -= 1;
      this.#inFlight -= 1;
    }
  }

  /** Finalizes every statement; SQLite refuses to close a connection with live ones. */
  async finalizeAll(): Promise<void> {
    const statements = await Promise.allSettled([...this.#statements.values()].flat().map((pooled) => pooled.statement));
    this.#statements.clear();
    this.#count = 0;
    await Promise.all(statements.map((settled) => (settled.status === 'fulfilled' ? new Promise<void>((resolve) => settled.value.finalize(() => resolve())) : undefined)));
  }

  /**
   * A statement for `sql` that is not running, prepared anew while all are busy (up to copiesPerSql):
   * node-sqlite3 runs one statement object one call at a time, so a single shared statement would queue
   * every request behind the one before it, each waiting a thread-pool round trip.
   */
  #idle(sql: string): PooledStatement {
    let pool = this.#statements.get(sql);
    if (!pool) {
      pool = [];
      this.#statements.set(sql, pool);
    }
    const idle = pool.find((pooled) => pooled.busy === 0);
    if (idle) return idle;
    if (pool.length >= copiesPerSql) return pool.reduce((least, pooled) => (pooled.busy < least.busy ? pooled : least));
    if (this.#count >= maxStatements) throw new Error(`More than ${maxStatements} statements went through the read cache: build SQL from constants and bind the values.`);
    const statement = new Promise<Statement>((resolve, reject) => {
      const prepared: Statement = this.#connection.prepare(positionalSql(sql), (error: Error | null) => (error ? reject(error) : resolve(prepared)));
    });
    const pooled: PooledStatement = { statement, busy: 0 };
    // A statement that failed to prepare (a typo) is not kept: the next call reports the error again.
    statement.catch(() => {
      const index = pool.indexOf(pooled);
      if (index >= 0) pool.splice(index, 1);
      this.#count -= 1;
    });
    pool.push(pooled);
    this.#count += 1;
    return pooled;
  }
}

/** `$1, $2, ...` as SQLite's numbered `?1, ?2, ...` (same numbers), outside quoted text, so values bind by position. */
export function positionalSql(sql: string): string {
  return sql.split(/('(?:[^']|'')*')/).map((part, i) => (i % 2 === 1 ? part : part.replace(/\$(\d+)/g, '?$1'))).join('');
}

interface PooledStatement {
  statement: Promise<Statement>;
  busy: number;
}

// Enough copies to keep the thread pool busy with one SQL text; the connection itself still runs one step at a time.
const copiesPerSql = 4;
