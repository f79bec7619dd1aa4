// Signatures move from the database into the encrypted blob store: a row names its blob, and its image
// column is left empty. Rows written before keep their image until the plugin's start moves them over.
import type { MigrationContext } from '../../../core/plugin-api.ts';

/** Adds records_signatures.blob_id and its index (deleting any blob looks up the rows naming it; the move at start looks for NULL). */
export async function up({ queryInterface, transaction }: MigrationContext): Promise<void> {
  await queryInterface.sequelize.query('ALTER TABLE records_signatures ADD COLUMN blob_id VARCHAR(36) NULL REFERENCES kirjuri_blobs (id) ON DELETE SET NULL', { transaction });
  await queryInterface.addIndex('records_signatures', ['blob_id'], { name: 'records_signatures_blob', transaction });
}

/** Drops the column. */
export async function down({ queryInterface, transaction }: MigrationContext): Promise<void> {
  await queryInterface.removeIndex('records_signatures', 'records_signatures_blob', { transaction });
  await queryInterface.removeColumn('records_signatures', 'blob_id', { transaction });
}
