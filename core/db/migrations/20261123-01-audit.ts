// The audit log (SECURITY.md: Audit): one hash chain per tenant and one for the instance's own events.
// Entries are only ever appended; the head of each chain is kept beside them so that appends in
// concurrent transactions take their turn (a row lock on PostgreSQL), and a purge records where the
// remaining chain starts. Times are epoch milliseconds (UTC).
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../migration-files.ts';

const text = (length: number, allowNull = true) => ({ type: DataTypes.STRING(length), allowNull });

/** Creates the audit tables. */
export async function up({ queryInterface, transaction }: MigrationContext): Promise<void> {
  await queryInterface.createTable('kirjuri_audit_entries', {
    // The tenant's id, or "instance" for the instance's own chain.
    chain_id: { type: DataTypes.STRING(36), allowNull: false, primaryKey: true },
    seq: { type: DataTypes.BIGINT, allowNull: false, primaryKey: true },
    at: { type: DataTypes.BIGINT, allowNull: false },
    tenant_id: text(36),
    actor_id: text(36),
    actor_email: text(254),
    action: text(60, false),
    object_type: text(40),
    object_id: text(64),
    ip: text(64),
    user_agent: text(300),
    outcome: text(10, false),
    details: { type: DataTypes.TEXT, allowNull: false },
    prev_hash: text(64, false),
    hash: text(64, false),
  }, { transaction });
  await queryInterface.addIndex('kirjuri_audit_entries', ['chain_id', 'at'], { name: 'kirjuri_audit_entries_time', transaction });
  await queryInterface.addIndex('kirjuri_audit_entries', ['chain_id', 'actor_id'], { name: 'kirjuri_audit_entries_actor', transaction });
  await queryInterface.addIndex('kirjuri_audit_entries', ['chain_id', 'action'], { name: 'kirjuri_audit_entries_action', transaction });
  await queryInterface.addIndex('kirjuri_audit_entries', ['chain_id', 'object_type', 'object_id'], { name: 'kirjuri_audit_entries_object', transaction });

  await queryInterface.createTable('kirjuri_audit_heads', {
    chain_id: { type: DataTypes.STRING(36), allowNull: false, primaryKey: true },
    seq: { type: DataTypes.BIGINT, allowNull: false },
    hash: text(64, false),
  }, { transaction });

  // Each purge of old entries: the chain verifies from (up_to_seq, hash) on.
  await queryInterface.createTable('kirjuri_audit_purges', {
    chain_id: { type: DataTypes.STRING(36), allowNull: false, primaryKey: true },
    up_to_seq: { type: DataTypes.BIGINT, allowNull: false, primaryKey: true },
    hash: text(64, false),
    purged_count: { type: DataTypes.BIGINT, allowNull: false },
    purged_at: { type: DataTypes.BIGINT, allowNull: false },
  }, { transaction });
}

/** Drops the audit tables. */
export async function down({ queryInterface, transaction }: MigrationContext): Promise<void> {
  for (const table of ['kirjuri_audit_purges', 'kirjuri_audit_heads', 'kirjuri_audit_entries']) await queryInterface.dropTable(table, { transaction });
}
