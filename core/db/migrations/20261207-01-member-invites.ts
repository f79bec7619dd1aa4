// Member invitations: adding a person to a tenant no longer makes them a member at once. Someone
// who already has an account (in another tenant, the instance administrator, a guest) must agree
// first, so a tenant admin invites an address and the person accepts. The row keeps only what the
// admin typed (email, name, role), so the members page shows an invitation the same way whether or not
// the address has an account. Times are epoch milliseconds (UTC), as everywhere in core.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../migration-files.ts';

const time = (allowNull: boolean) => ({ type: DataTypes.BIGINT, allowNull });
const reference = (table: string, onDelete: 'CASCADE' | 'SET NULL') => ({
  type: DataTypes.STRING(36), allowNull: onDelete === 'SET NULL', references: { model: table, key: 'id' }, onDelete,
});

/** Creates kirjuri_member_invites and its indexes. */
export async function up({ queryInterface, transaction }: MigrationContext): Promise<void> {
  await queryInterface.createTable('kirjuri_member_invites', {
    id: { type: DataTypes.STRING(36), allowNull: false, primaryKey: true },
    tenant_id: reference('kirjuri_tenants', 'CASCADE'),
    // Normalised (trimmed, lower-cased) like kirjuri_users.email: the account with this address may accept.
    email: { type: DataTypes.STRING(254), allowNull: false },
    // The name as the admin typed it; the person's own account name is never copied here.
    name: { type: DataTypes.STRING(200), allowNull: false },
    role: { type: DataTypes.STRING(20), allowNull: false },
    // SHA-256 of the invite link's token (never the token); null once the invitation is closed.
    invite_hash: { type: DataTypes.STRING(64), allowNull: true, unique: true },
    invited_by: reference('kirjuri_users', 'SET NULL'),
    created_at: time(false),
    expires_at: time(false),
    accepted_at: time(true),
    accepted_by: reference('kirjuri_users', 'SET NULL'),
    declined_at: time(true),
    revoked_at: time(true),
    // The admin made the account with a password at invite time: it joins at its first sign-in.
    account_created: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
  }, { transaction });
  // One open invitation per address and tenant (a race of two adds ends in a 409, not two invitations).
  await queryInterface.sequelize.query(
    'CREATE UNIQUE INDEX kirjuri_member_invites_open ON kirjuri_member_invites (tenant_id, email) WHERE accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL',
    { transaction },
  );
  // A person's invitations (their home page, their sign-in) are found by their address.
  await queryInterface.addIndex('kirjuri_member_invites', ['email'], { name: 'kirjuri_member_invites_email', transaction });
}

/** Drops kirjuri_member_invites. */
export async function down({ queryInterface, transaction }: MigrationContext): Promise<void> {
  await queryInterface.dropTable('kirjuri_member_invites', { transaction });
}
