// The job scheduler's lock rows (core/jobs): one row per job name, claimed by one node at a time.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../migration-files.ts';

/** Creates kirjuri_job_locks. Times are epoch milliseconds (UTC) in BIGINT columns: compared in SQL the same way on SQLite and PostgreSQL. */
export async function up({ queryInterface, transaction }: MigrationContext): Promise<void> {
  await queryInterface.createTable('kirjuri_job_locks', {
    name: { type: DataTypes.STRING(200), allowNull: false, primaryKey: true },
    locked_by: { type: DataTypes.STRING(200), allowNull: true },
    locked_until: { type: DataTypes.BIGINT, allowNull: true },
    last_started_at: { type: DataTypes.BIGINT, allowNull: true },
    last_finished_at: { type: DataTypes.BIGINT, allowNull: true },
    last_outcome: { type: DataTypes.STRING(20), allowNull: true },
    last_error: { type: DataTypes.TEXT, allowNull: true },
  }, { transaction });
}

/** Drops kirjuri_job_locks. */
export async function down({ queryInterface, transaction }: MigrationContext): Promise<void> {
  await queryInterface.dropTable('kirjuri_job_locks', { transaction });
}
