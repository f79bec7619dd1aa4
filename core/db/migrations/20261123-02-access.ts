// Core access control: each tenant's folder tree (the first object type, and what grants propagate
// through) and shares (a grant of view/edit/manage on one object to a member, or by invite to an
// outside email that becomes a guest account). Times are epoch milliseconds (UTC), as everywhere in core.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../migration-files.ts';

const id = { type: DataTypes.STRING(36), allowNull: false, primaryKey: true };
const time = (allowNull: boolean) => ({ type: DataTypes.BIGINT, allowNull });
const reference = (table: string, onDelete: 'CASCADE' | 'SET NULL' | 'RESTRICT', allowNull = onDelete === 'SET NULL') => ({
  type: DataTypes.STRING(36), allowNull, references: { model: table, key: 'id' }, onDelete,
});

/** Creates the folder and share tables. */
export async function up({ queryInterface, transaction }: MigrationContext): Promise<void> {
  await queryInterface.createTable('kirjuri_folders', {
    id,
    tenant_id: reference('kirjuri_tenants', 'CASCADE'),
    parent_id: reference('kirjuri_folders', 'RESTRICT', true),
    // The parent's id, or '' at the top: a unique index over NULLs would let two top-level folders share a name.
    parent_key: { type: DataTypes.STRING(36), allowNull: false },
    // Every ancestor's id and the folder's own, '/a/b/c/': "is X under Y" is a prefix test, a subtree an index range.
    path: { type: DataTypes.STRING(800), allowNull: false },
    name: { type: DataTypes.STRING(200), allowNull: false },
    // Lower-cased name: sibling names are unique whatever their case.
    name_key: { type: DataTypes.STRING(200), allowNull: false },
    owner_id: reference('kirjuri_users', 'SET NULL'),
    created_at: time(false),
    updated_at: time(false),
  }, { transaction });
  await queryInterface.addIndex('kirjuri_folders', ['tenant_id', 'parent_key', 'name_key'], { name: 'kirjuri_folders_sibling_name', unique: true, transaction });
  await queryInterface.addIndex('kirjuri_folders', ['tenant_id', 'path'], { name: 'kirjuri_folders_path', transaction });

  await queryInterface.createTable('kirjuri_shares', {
    id,
    tenant_id: reference('kirjuri_tenants', 'CASCADE'),
    object_type: { type: DataTypes.STRING(40), allowNull: false },
    object_id: { type: DataTypes.STRING(36), allowNull: false },
    email: { type: DataTypes.STRING(254), allowNull: false },
    // Who the share grants to: set at once for someone with an account in the tenant, else when the invite is accepted.
    user_id: reference('kirjuri_users', 'CASCADE', true),
    access: { type: DataTypes.STRING(10), allowNull: false },
    message: { type: DataTypes.STRING(1000), allowNull: true },
    expires_at: time(true),
    // SHA-256 of the invite token (never the token); null once used or when no invite was needed.
    invite_hash: { type: DataTypes.STRING(64), allowNull: true, unique: true },
    invite_expires_at: time(true),
    created_by: reference('kirjuri_users', 'SET NULL'),
    created_at: time(false),
    accepted_at: time(true),
    revoked_at: time(true),
  }, { transaction });
  await queryInterface.addIndex('kirjuri_shares', ['tenant_id', 'user_id'], { name: 'kirjuri_shares_grantee', transaction });
  await queryInterface.addIndex('kirjuri_shares', ['user_id'], { name: 'kirjuri_shares_user', transaction });
  await queryInterface.addIndex('kirjuri_shares', ['tenant_id', 'object_type', 'object_id'], { name: 'kirjuri_shares_object', transaction });
}

/** Drops the folder and share tables. */
export async function down({ queryInterface, transaction }: MigrationContext): Promise<void> {
  await queryInterface.dropTable('kirjuri_shares', { transaction });
  await queryInterface.dropTable('kirjuri_folders', { transaction });
}
