import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../db/open-database.ts';

/*
 * SQL over kirjuri_master_keys: the master key version numbers the database knows (never the keys).
 * Tenant key rows refer to them, so a version that wraps anything cannot be deleted, and a row
 * wrapped with a version that was deleted cannot be written.
 */

/** The registered master key versions, lowest first. */
export async function registeredMasterKeyVersions(db: Database, transaction?: Transaction): Promise<number[]> {
  const rows = await db.sequelize.query<{ version: unknown }>('SELECT version FROM kirjuri_master_keys ORDER BY version', { type: QueryTypes.SELECT, transaction });
  return rows.map((row) => Number(row.version));
}

/** Registers versions the database does not know yet (the key file is the authority on which exist). */
export async function registerMasterKeyVersions(db: Database, versions: readonly number[], transaction: Transaction): Promise<void> {
  for (const version of versions) {
    await db.sequelize.query('INSERT INTO kirjuri_master_keys (version, created_at) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING', { bind: [version, Date.now()], type: QueryTypes.INSERT, transaction });
  }
}

/** Deletes a registered version (the foreign key refuses while a tenant key is wrapped with it). */
export async function deleteMasterKeyVersion(db: Database, version: number, transaction: Transaction): Promise<void> {
  await db.sequelize.query('DELETE FROM kirjuri_master_keys WHERE version = $1', { bind: [version], type: QueryTypes.DELETE, transaction });
}

/** How many tenant keys each master key version wraps (versions wrapping none are absent). */
export async function tenantKeysPerMasterKeyVersion(db: Database, transaction?: Transaction): Promise<Map<number, number>> {
  const rows = await db.sequelize.query<{ kek_version: unknown; count: unknown }>(
    'SELECT kek_version, COUNT(*) AS count FROM kirjuri_tenant_keys GROUP BY kek_version', { type: QueryTypes.SELECT, transaction },
  );
  return new Map(rows.map((row) => [Number(row.kek_version), Number(row.count)]));
}
