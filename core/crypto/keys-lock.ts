import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../db/open-database.ts';

/**
 * The PostgreSQL advisory lock key that serialises key changes (rotations, retirements) of every
 * process on one database: an arbitrary constant, like the migration lock's. On SQLite a write
 * transaction (BEGIN IMMEDIATE) already excludes every other writer, in any process.
 */
const postgresKeysLockKey = 7_316_221_906;

/**
 * Runs `work` in one write transaction that no other key change runs beside, so that two rotations
 * never both read the key file and each write back their own version of it. The lock goes with the
 * transaction: a process that dies holding it frees it.
 */
export function withKeysLock<T>(db: Database, work: (transaction: Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (transaction) => {
    if (db.dialect === 'postgres') await db.sequelize.query('SELECT pg_advisory_xact_lock($1)', { bind: [postgresKeysLockKey], transaction, type: QueryTypes.SELECT });
    return work(transaction);
  });
}
