import type { Database as SqliteConnection, Statement } from 'sqlite3';

// The hot reads are a few dozen fixed SQL strings; the bound keeps a mistake (SQL built from data)
// from growing the cache without end.
const maxStatements = 500;

/**
 * Prepared statements kept per SQL text on one SQLite connection (the reader). Preparing costs more
 * than running a small indexed SELECT, and Sequelize prepares on every call (DESIGN.md "Known
 * pitfalls": reads by id ~1,700/s through the Model API, ~6,300/s with cached statements).
 */
export class SqliteStatementCache {
  readonly #connection: SqliteConnection;
  readonly #statements = new Map<string, Promise<Statement>>();

  constructor(connection: SqliteConnection) {
    this.#connection = connection;
  }

  /** Runs a SELECT with `$1, $2, ...` parameters and returns its rows. */
  async all<T>(sql: string, bind: readonly unknown[]): Promise<T[]> {
    const statement = await this.#prepared(sql);
    const parameters: Record<string, unknown> = {};
    bind.forEach((value, i) => { parameters[`$${i + 1}`] = typeof value === 'boolean' ? Number(value) : value; });
    return new Promise((resolve, reject) => {
      statement.all<T>(parameters, (error: Error | null, rows: T[]) => (error ? reject(error) : resolve(rows)));
    });
  }

  /** Finalizes every statement; SQLite refuses to close a connection with live ones. */
  async finalizeAll(): Promise<void> {
    const statements = await Promise.allSettled(this.#statements.values());
    this.#statements.clear();
    await Promise.all(statements.map((settled) => (settled.status === 'fulfilled' ? new Promise<void>((resolve) => settled.value.finalize(() => resolve())) : undefined)));
  }

  #prepared(sql: string): Promise<Statement> {
    let statement = this.#statements.get(sql);
    if (!statement) {
      if (this.#statements.size >= maxStatements) throw new Error(`More than ${maxStatements} distinct SQL texts went through the read cache: build SQL from constants and bind the values.`);
      statement = new Promise<Statement>((resolve, reject) => {
        const prepared: Statement = this.#connection.prepare(sql, (error: Error | null) => (error ? reject(error) : resolve(prepared)));
      });
      // A statement that failed to prepare (a typo) is not kept: the next call reports the error again.
      statement.catch(() => this.#statements.delete(sql));
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}
