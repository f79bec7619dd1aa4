// The records plugin's tables: templates and their published versions, records with every saved revision,
// journal entries, drawn signatures, and folder structure templates. Times are epoch milliseconds (UTC).
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../../../core/plugin-api.ts';

const id = { type: DataTypes.STRING(36), allowNull: false, primaryKey: true };
const time = (allowNull: boolean) => ({ type: DataTypes.BIGINT, allowNull });
const json = (allowNull: boolean) => ({ type: DataTypes.TEXT, allowNull });
const reference = (table: string, onDelete: 'CASCADE' | 'SET NULL' | 'RESTRICT', allowNull = onDelete === 'SET NULL') => ({
  type: DataTypes.STRING(36), allowNull, references: { model: table, key: 'id' }, onDelete,
});
const tenant = () => reference('kirjuri_tenants', 'CASCADE');
const user = () => reference('kirjuri_users', 'SET NULL');

/** Creates the tables and the indexes the lists and keyset pages use. */
export async function up({ queryInterface, transaction }: MigrationContext): Promise<void> {
  await queryInterface.createTable('records_templates', {
    id, tenant_id: tenant(),
    name: { type: DataTypes.STRING(200), allowNull: false },
    // Lower-cased name: two templates of a tenant may not differ only by case.
    name_key: { type: DataTypes.STRING(200), allowNull: false },
    description: { type: DataTypes.STRING(2000), allowNull: true },
    kind: { type: DataTypes.STRING(20), allowNull: false },
    current_version: { type: DataTypes.INTEGER, allowNull: false },
    // The designer's unpublished working copy (a template definition as JSON), or null.
    draft: json(true),
    created_by: user(), created_at: time(false), updated_at: time(false),
  }, { transaction });
  await queryInterface.addIndex('records_templates', ['tenant_id', 'name_key'], { name: 'records_templates_name', unique: true, transaction });

  await queryInterface.createTable('records_template_versions', {
    id, tenant_id: tenant(), template_id: reference('records_templates', 'CASCADE', false),
    version: { type: DataTypes.INTEGER, allowNull: false },
    definition: json(false),
    created_by: user(), created_at: time(false),
  }, { transaction });
  await queryInterface.addIndex('records_template_versions', ['template_id', 'version'], { name: 'records_template_versions_number', unique: true, transaction });

  await queryInterface.createTable('records_records', {
    id, tenant_id: tenant(),
    folder_id: reference('kirjuri_folders', 'RESTRICT', true),
    template_id: reference('records_templates', 'RESTRICT', false),
    template_version: { type: DataTypes.INTEGER, allowNull: false },
    title: { type: DataTypes.STRING(300), allowNull: false },
    status: { type: DataTypes.STRING(20), allowNull: false },
    data: json(false),
    // Lower-cased title and text fields, for the list's text search.
    search_text: json(false),
    score: { type: DataTypes.DOUBLE, allowNull: true },
    revision: { type: DataTypes.INTEGER, allowNull: false },
    owner_id: user(),
    created_at: time(false), updated_at: time(false), completed_at: time(true), completed_by: user(),
  }, { transaction });
  // Keyset pages: a folder's records and the tenant's, newest change first, with filters beside them.
  await queryInterface.addIndex('records_records', ['tenant_id', 'folder_id', 'updated_at', 'id'], { name: 'records_records_folder', transaction });
  await queryInterface.addIndex('records_records', ['tenant_id', 'updated_at', 'id'], { name: 'records_records_tenant', transaction });
  await queryInterface.addIndex('records_records', ['tenant_id', 'template_id', 'updated_at', 'id'], { name: 'records_records_template', transaction });
  await queryInterface.addIndex('records_records', ['tenant_id', 'owner_id', 'updated_at', 'id'], { name: 'records_records_owner', transaction });

  await queryInterface.createTable('records_revisions', {
    id, tenant_id: tenant(), record_id: reference('records_records', 'CASCADE', false),
    revision: { type: DataTypes.INTEGER, allowNull: false },
    title: { type: DataTypes.STRING(300), allowNull: false },
    status: { type: DataTypes.STRING(20), allowNull: false },
    data: json(false),
    score: { type: DataTypes.DOUBLE, allowNull: true },
    // What made it: created, saved, completed, entry, moved.
    change: { type: DataTypes.STRING(20), allowNull: false },
    author_id: user(), created_at: time(false),
  }, { transaction });
  await queryInterface.addIndex('records_revisions', ['record_id', 'revision'], { name: 'records_revisions_number', unique: true, transaction });

  await queryInterface.createTable('records_entries', {
    id, tenant_id: tenant(), record_id: reference('records_records', 'CASCADE', false),
    seq: { type: DataTypes.INTEGER, allowNull: false },
    text: { type: DataTypes.TEXT, allowNull: false },
    data: json(false),
    // A correction names the entry it corrects; entries are never edited in place.
    corrects_id: reference('records_entries', 'RESTRICT', true),
    author_id: user(), created_at: time(false),
  }, { transaction });
  await queryInterface.addIndex('records_entries', ['record_id', 'seq'], { name: 'records_entries_number', unique: true, transaction });

  await queryInterface.createTable('records_signatures', {
    id, tenant_id: tenant(), record_id: reference('records_records', 'CASCADE', false),
    field_path: { type: DataTypes.STRING(200), allowNull: false },
    // The revision the signature was saved with: what the signer saw and signed.
    revision: { type: DataTypes.INTEGER, allowNull: false },
    signer_id: user(),
    signer_name: { type: DataTypes.STRING(200), allowNull: false },
    signed_at: time(false),
    image: { type: DataTypes.TEXT, allowNull: false },
    sha256: { type: DataTypes.STRING(64), allowNull: false },
  }, { transaction });
  await queryInterface.addIndex('records_signatures', ['record_id'], { name: 'records_signatures_record', transaction });

  await queryInterface.createTable('records_structures', {
    id, tenant_id: tenant(),
    name: { type: DataTypes.STRING(200), allowNull: false },
    name_key: { type: DataTypes.STRING(200), allowNull: false },
    description: { type: DataTypes.STRING(2000), allowNull: true },
    definition: json(false),
    created_by: user(), created_at: time(false), updated_at: time(false),
  }, { transaction });
  await queryInterface.addIndex('records_structures', ['tenant_id', 'name_key'], { name: 'records_structures_name', unique: true, transaction });
}

/** Drops the tables, dependants first. */
export async function down({ queryInterface, transaction }: MigrationContext): Promise<void> {
  for (const table of ['records_structures', 'records_signatures', 'records_entries', 'records_revisions', 'records_records', 'records_template_versions', 'records_templates']) {
    await queryInterface.dropTable(table, { transaction });
  }
}
