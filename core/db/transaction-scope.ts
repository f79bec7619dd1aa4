import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Query types that only read. On SQLite they run on the read-only reader connection when they carry
 * no transaction; everything else (INSERT, UPDATE, DDL, and RAW, which may be anything) is a write.
 * Values are Sequelize's QueryTypes strings (lib/query-types.js).
 */
const readOnlyQueryTypes: ReadonlySet<string> = new Set(['SELECT', 'SHOWTABLES', 'SHOWINDEXES', 'DESCRIBE', 'VERSION', 'FOREIGNKEYS', 'SHOWCONSTRAINTS']);

/** Whether a Sequelize query of this type only reads (an unknown or missing type counts as a write). */
export function isReadOnlyQueryType(type: string | undefined): boolean {
  return type !== undefined && readOnlyQueryTypes.has(type);
}

/**
 * Remembers, per async context, whether the code running is inside one database's `transaction()`
 * callback. One instance per Database, so a transaction on one database never trips checks on another.
 * The flag is only up while the callback runs: work it leaves behind (an un-awaited promise) may
 * still write later, and by then it simply queues for the writer like anyone else.
 *
 * The guard is off unless `database.guardTransactions` is set (the test suite sets it): on Node 20,
 * AsyncLocalStorage puts a hook on every promise and socket write, about a fifth of the throughput of
 * a small request (bench/RESULTS.md). Without it, SQLite's writer wait timeout still turns the deadlock
 * into an error.
 */
export class TransactionScope {
  readonly #storage: AsyncLocalStorage<{ open: boolean }> | null;

  constructor(options: { enabled: boolean }) {
    this.#storage = options.enabled ? new AsyncLocalStorage<{ open: boolean }>() : null;
  }

  /** Runs a transaction's callback with the scope marked open for everything it awaits or spawns. */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#storage === null) return work();
    const state = { open: true };
    return this.#storage.run(state, async () => {
      try {
        return await work();
      } finally {
        state.open = false;
      }
    });
  }

  /** Whether the caller runs inside this database's transaction callback. */
  get isOpen(): boolean {
    return this.#storage?.getStore()?.open === true;
  }
}

/** The error for a write that forgot `{ transaction }` inside a transaction callback. */
export function implicitWriteError(): Error {
  return new Error(
    'A write ran inside db.transaction() without its transaction: pass { transaction } to every query and model call in the callback '
    + '(on SQLite it would otherwise wait forever for the write lock its own transaction holds; reads may go without it when typed SELECT).',
  );
}

/** The error for db.transaction() called from inside another transaction's callback. */
export function nestedTransactionError(): Error {
  return new Error(
    'db.transaction() was called inside another transaction on the same database: pass the outer transaction to the queries instead '
    + '(on SQLite a second write transaction would wait forever for the first).',
  );
}
