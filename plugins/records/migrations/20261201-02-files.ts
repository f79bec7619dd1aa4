// The files of records (photos and attachments): one row per upload, naming its encrypted blob in core's
// kirjuri_blobs. The plaintext never touches the database or the disk; its SHA-256 and sniffed type do.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../../../core/plugin-api.ts';

const reference = (table: string, onDelete: 'CASCADE' | 'SET NULL', allowNull = onDelete === 'SET NULL') => ({
  type: DataTypes.STRING(36), allowNull, references: { model: table, key: 'id' }, onDelete,
});

/** Creates records_files and its indexes (a record's files; a tenant's total for the quota). */
export async function up({ queryInterface, transaction }: MigrationContext): Promise<void> {
  await queryInterface.createTable('records_files', {
    id: { type: DataTypes.STRING(36), allowNull: false, primaryKey: true },
    tenant_id: reference('kirjuri_tenants', 'CASCADE'),
    record_id: reference('records_records', 'CASCADE'),
    // The template field it was uploaded to: `key`, or `group.N.key` in a group's row N.
    field_path: { type: DataTypes.STRING(200), allowNull: false },
    blob_id: reference('kirjuri_blobs', 'CASCADE'),
    // Shown to people only (sanitised); storage keys are made by the server.
    name: { type: DataTypes.STRING(255), allowNull: false },
    // From the file's first bytes, never from its name or the declared type.
    mime: { type: DataTypes.STRING(100), allowNull: false },
    size: { type: DataTypes.BIGINT, allowNull: false },
    sha256: { type: DataTypes.STRING(64), allowNull: false },
    // Capture time and place (EXIF), filled in by the images plugin; null until then.
    taken_at: { type: DataTypes.BIGINT, allowNull: true },
    latitude: { type: DataTypes.DOUBLE, allowNull: true },
    longitude: { type: DataTypes.DOUBLE, allowNull: true },
    created_by: reference('kirjuri_users', 'SET NULL'),
    created_at: { type: DataTypes.BIGINT, allowNull: false },
  }, { transaction });
  await queryInterface.addIndex('records_files', ['tenant_id', 'record_id', 'field_path'], { name: 'records_files_record', transaction });
  await queryInterface.addIndex('records_files', ['blob_id'], { name: 'records_files_blob', transaction });
}

/** Drops records_files. */
export async function down({ queryInterface, transaction }: MigrationContext): Promise<void> {
  await queryInterface.dropTable('records_files', { transaction });
}
