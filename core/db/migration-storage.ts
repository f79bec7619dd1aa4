import { DataTypes, QueryTypes, type Transaction } from 'sequelize';
import type { UmzugStorage } from 'umzug';
import type { Database } from './open-database.ts';

/** The table recording applied migrations, per owner so two plugins may use the same file name. */
export const migrationTable = 'kirjuri_migrations';

/**
 * The PostgreSQL advisory lock key that serialises the migration runners of several nodes: an arbitrary
 * constant, the same in every Kirjuri version. On SQLite, BEGIN IMMEDIATE already serialises writers
 * across processes.
 */
const postgresMigrationLockKey = 7_316_221_905;

/** Within a migration transaction: waits until no other node is migrating (PostgreSQL only). */
export async function lockMigrations(db: Database, transaction: Transaction): Promise<void> {
  if (db.dialect === 'postgres') {
    await db.sequelize.query('SELECT pg_advisory_xact_lock($1)', { bind: [postgresMigrationLockKey], transaction, type: QueryTypes.SELECT });
  }
}

/** Creates the migrations table if it does not exist yet. */
export async function ensureMigrationTable(db: Database): Promise<void> {
  await db.transaction(async (transaction) => {
    await lockMigrations(db, transaction);
    await db.sequelize.getQueryInterface().createTable(migrationTable, {
      owner: { type: DataTypes.STRING(200), allowNull: false, primaryKey: true },
      name: { type: DataTypes.STRING(200), allowNull: false, primaryKey: true },
      executed_at: { type: DataTypes.DATE, allowNull: false },
    }, { transaction });
  });
}

/** Whether a migration is recorded; inside the migration's transaction this sees what other nodes committed. */
export async function isMigrationRecorded(db: Database, owner: string, name: string, transaction: Transaction): Promise<boolean> {
  const rows = await db.sequelize.query(`SELECT 1 AS found FROM ${migrationTable} WHERE owner = $1 AND name = $2`, { bind: [owner, name], transaction, type: QueryTypes.SELECT });
  return rows.length > 0;
}

/** Records a migration as applied, in the same transaction as its changes. */
export async function recordMigration(db: Database, owner: string, name: string, transaction: Transaction): Promise<void> {
  // bulkInsert formats the Date for each dialect (bind parameters would not, on sqlite3).
  await db.sequelize.getQueryInterface().bulkInsert(migrationTable, [{ owner, name, executed_at: new Date() }], { transaction });
}

/**
 * Umzug storage for one owner's rows of kirjuri_migrations. Umzug records a migration only after its
 * `up` returned, in a second step; Kirjuri's migrations record themselves inside their own transaction
 * instead (recordMigration), so the change and its record commit together or not at all. Hence
 * logMigration has nothing left to do.
 */
export class OwnerMigrationStorage implements UmzugStorage {
  readonly #db: Database;
  readonly #owner: string;

  constructor(db: Database, owner: string) {
    this.#db = db;
    this.#owner = owner;
  }

  /** Names this owner has applied; none when the table does not exist yet. */
  async executed(): Promise<string[]> {
    const queryInterface = this.#db.sequelize.getQueryInterface();
    if (!(await queryInterface.tableExists(migrationTable))) return [];
    const rows = await this.#db.sequelize.query<{ name: string }>(`SELECT name FROM ${migrationTable} WHERE owner = $1`, { bind: [this.#owner], type: QueryTypes.SELECT });
    return rows.map((row) => row.name);
  }

  /** Nothing to do: the migration recorded itself in its own transaction. */
  async logMigration(): Promise<void> {}

  /** Forgets a migration (used only if something reverts one through umzug). */
  async unlogMigration({ name }: { name: string }): Promise<void> {
    await this.#db.transaction((transaction) => this.#db.sequelize.query(`DELETE FROM ${migrationTable} WHERE owner = $1 AND name = $2`, { bind: [this.#owner, name], transaction }));
  }
}
