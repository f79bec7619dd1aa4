// Blobs made from other blobs (a photo's thumbnail and preview): derived_from names the original, and
// its row going takes theirs with it, so a removed photo leaves no rendition behind.
import type { MigrationContext } from '../migration-files.ts';

/** Adds kirjuri_blobs.derived_from (cascading) and its index. */
export async function up({ queryInterface, transaction }: MigrationContext): Promise<void> {
  // SQLite adds a column with a REFERENCES clause when its default is NULL, which this one's is.
  await queryInterface.sequelize.query('ALTER TABLE kirjuri_blobs ADD COLUMN derived_from VARCHAR(36) NULL REFERENCES kirjuri_blobs (id) ON DELETE CASCADE', { transaction });
  await queryInterface.addIndex('kirjuri_blobs', ['derived_from'], { name: 'kirjuri_blobs_derived_from', transaction });
}

/** Drops the column again. */
export async function down({ queryInterface, transaction }: MigrationContext): Promise<void> {
  await queryInterface.removeIndex('kirjuri_blobs', 'kirjuri_blobs_derived_from', { transaction });
  await queryInterface.removeColumn('kirjuri_blobs', 'derived_from', { transaction });
}
