// The keyring and the blob catalogue (DESIGN.md Data; SECURITY.md Data at rest). The master key (KEK)
// itself lives in a file outside the data directory; the database only knows its version numbers, so
// that a tenant key can refer to the version it is wrapped with and a version still referred to cannot
// be retired. Tenant keys are stored wrapped by the KEK, one row per tenant per version; each blob's
// data key is stored wrapped by its tenant's key in the blob's row, beside where its ciphertext is kept.
// The foreign keys make the database refuse a key version that is gone: a row wrapped with it cannot be
// written, and a version something is wrapped with cannot be deleted. Times are epoch milliseconds (UTC).
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../migration-files.ts';

const time = { type: DataTypes.BIGINT, allowNull: false };
const version = { type: DataTypes.INTEGER, allowNull: false };

/** Creates the master key version, tenant key and blob tables. */
export async function up({ queryInterface, sequelize, transaction }: MigrationContext): Promise<void> {
  await queryInterface.createTable('kirjuri_master_keys', {
    version: { ...version, primaryKey: true },
    created_at: time,
  }, { transaction });

  await queryInterface.createTable('kirjuri_tenant_keys', {
    tenant_id: { type: DataTypes.STRING(36), allowNull: false, primaryKey: true, references: { model: 'kirjuri_tenants', key: 'id' }, onDelete: 'CASCADE' },
    version: { ...version, primaryKey: true },
    kek_version: { ...version, references: { model: 'kirjuri_master_keys', key: 'version' }, onDelete: 'NO ACTION' },
    // base64: format byte, nonce, wrapped key, tag (core/crypto/key-wrapping.ts).
    wrapped_key: { type: DataTypes.TEXT, allowNull: false },
    created_at: time,
  }, { transaction });
  await queryInterface.addIndex('kirjuri_tenant_keys', ['kek_version'], { name: 'kirjuri_tenant_keys_kek_version', transaction });

  // Raw DDL: the reference to the tenant key is two columns, which createTable cannot declare. NO ACTION
  // (checked at the end of the statement on both databases) lets a tenant's deletion cascade to its
  // blobs and its keys in one go.
  await sequelize.query(`CREATE TABLE kirjuri_blobs (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    tenant_id VARCHAR(36) NOT NULL REFERENCES kirjuri_tenants (id) ON DELETE CASCADE,
    storage_key VARCHAR(500) NOT NULL,
    plaintext_size BIGINT NOT NULL,
    ciphertext_size BIGINT NOT NULL,
    plaintext_sha256 VARCHAR(64) NOT NULL,
    format_version INTEGER NOT NULL,
    tenant_key_version INTEGER NOT NULL,
    wrapped_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    FOREIGN KEY (tenant_id, tenant_key_version) REFERENCES kirjuri_tenant_keys (tenant_id, version) ON DELETE NO ACTION
  )`, { transaction });
  await queryInterface.addIndex('kirjuri_blobs', ['tenant_id', 'tenant_key_version'], { name: 'kirjuri_blobs_tenant_key_version', transaction });
}

/** Drops the blob, tenant key and master key version tables. */
export async function down({ queryInterface, transaction }: MigrationContext): Promise<void> {
  for (const table of ['kirjuri_blobs', 'kirjuri_tenant_keys', 'kirjuri_master_keys']) await queryInterface.dropTable(table, { transaction });
}
