// Core identity: tenants (each company's environment), users, memberships with a role per tenant,
// sessions, personal API tokens, one-time password resets, login throttling and instance settings.
// Times are epoch milliseconds (UTC) in BIGINT columns, as everywhere in core. Secrets (session ids,
// tokens) are stored only as SHA-256 hex digests.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../migration-files.ts';

const id = { type: DataTypes.STRING(36), allowNull: false, primaryKey: true };
const time = (allowNull: boolean) => ({ type: DataTypes.BIGINT, allowNull });
const reference = (table: string, onDelete: 'CASCADE' | 'SET NULL') => ({
  type: DataTypes.STRING(36), allowNull: onDelete === 'SET NULL', references: { model: table, key: 'id' }, onDelete,
});

/** Creates the identity tables. */
export async function up({ queryInterface, transaction }: MigrationContext): Promise<void> {
  await queryInterface.createTable('kirjuri_tenants', {
    id,
    slug: { type: DataTypes.STRING(63), allowNull: false, unique: true },
    name: { type: DataTypes.STRING(200), allowNull: false },
    settings: { type: DataTypes.TEXT, allowNull: false, defaultValue: '{}' },
    created_at: time(false),
    updated_at: time(false),
  }, { transaction });

  await queryInterface.createTable('kirjuri_users', {
    id,
    // Lower-cased and trimmed before it is stored: one person, one row, whatever the spelling.
    email: { type: DataTypes.STRING(254), allowNull: false, unique: true },
    name: { type: DataTypes.STRING(200), allowNull: false },
    password_hash: { type: DataTypes.STRING(200), allowNull: true },
    is_instance_admin: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    // A guest (issue: sharing) belongs to no tenant and sees only what is shared with it.
    is_guest: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    disabled_at: time(true),
    password_changed_at: time(true),
    created_at: time(false),
    updated_at: time(false),
  }, { transaction });

  await queryInterface.createTable('kirjuri_memberships', {
    tenant_id: { ...reference('kirjuri_tenants', 'CASCADE'), primaryKey: true },
    user_id: { ...reference('kirjuri_users', 'CASCADE'), primaryKey: true },
    role: { type: DataTypes.STRING(20), allowNull: false },
    disabled_at: time(true),
    created_at: time(false),
    updated_at: time(false),
  }, { transaction });
  await queryInterface.addIndex('kirjuri_memberships', ['user_id'], { name: 'kirjuri_memberships_user', transaction });

  await queryInterface.createTable('kirjuri_sessions', {
    id_hash: { type: DataTypes.STRING(64), allowNull: false, primaryKey: true },
    user_id: reference('kirjuri_users', 'CASCADE'),
    created_at: time(false),
    last_seen_at: time(false),
    expires_at: time(false),
    ip: { type: DataTypes.STRING(64), allowNull: true },
    user_agent: { type: DataTypes.STRING(300), allowNull: true },
  }, { transaction });
  await queryInterface.addIndex('kirjuri_sessions', ['user_id'], { name: 'kirjuri_sessions_user', transaction });
  await queryInterface.addIndex('kirjuri_sessions', ['expires_at'], { name: 'kirjuri_sessions_expiry', transaction });

  await queryInterface.createTable('kirjuri_api_tokens', {
    id,
    user_id: reference('kirjuri_users', 'CASCADE'),
    name: { type: DataTypes.STRING(100), allowNull: false },
    token_hash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    created_at: time(false),
    expires_at: time(true),
    last_used_at: time(true),
    revoked_at: time(true),
  }, { transaction });
  await queryInterface.addIndex('kirjuri_api_tokens', ['user_id'], { name: 'kirjuri_api_tokens_user', transaction });

  await queryInterface.createTable('kirjuri_password_resets', {
    token_hash: { type: DataTypes.STRING(64), allowNull: false, primaryKey: true },
    user_id: reference('kirjuri_users', 'CASCADE'),
    created_by: reference('kirjuri_users', 'SET NULL'),
    created_at: time(false),
    expires_at: time(false),
    used_at: time(true),
  }, { transaction });

  // One row per throttled key ("account:<email>" or "ip:<address>"): failures since the last success.
  await queryInterface.createTable('kirjuri_login_throttle', {
    key: { type: DataTypes.STRING(300), allowNull: false, primaryKey: true },
    failures: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    last_failure_at: time(false),
    blocked_until: time(true),
  }, { transaction });

  await queryInterface.createTable('kirjuri_instance_settings', {
    key: { type: DataTypes.STRING(100), allowNull: false, primaryKey: true },
    value: { type: DataTypes.TEXT, allowNull: false },
    updated_at: time(false),
  }, { transaction });
}

/** Drops the identity tables. */
export async function down({ queryInterface, transaction }: MigrationContext): Promise<void> {
  for (const table of ['kirjuri_instance_settings', 'kirjuri_login_throttle', 'kirjuri_password_resets', 'kirjuri_api_tokens', 'kirjuri_sessions', 'kirjuri_memberships', 'kirjuri_users', 'kirjuri_tenants']) {
    await queryInterface.dropTable(table, { transaction });
  }
}
