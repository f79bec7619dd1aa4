// The renditions of stored images: one row per original blob, saying where the making of its thumbnail
// and preview stands and, once they are made, which (derived, encrypted) blobs hold them. A row goes with
// its original by the foreign key; the rendition blobs go with it as core's derived blobs.
import type { MigrationContext } from '../../../core/plugin-api.ts';

/** Creates images_renditions, the index the resume job reads and those its foreign keys need. */
export async function up({ queryInterface, transaction }: MigrationContext): Promise<void> {
  await queryInterface.sequelize.query(`CREATE TABLE images_renditions (
    source_blob_id VARCHAR(36) NOT NULL PRIMARY KEY REFERENCES kirjuri_blobs (id) ON DELETE CASCADE,
    tenant_id VARCHAR(36) NOT NULL REFERENCES kirjuri_tenants (id) ON DELETE CASCADE,
    mime VARCHAR(100) NOT NULL,
    state VARCHAR(10) NOT NULL,
    reason VARCHAR(500) NULL,
    attempts INTEGER NOT NULL,
    thumbnail_blob_id VARCHAR(36) NULL REFERENCES kirjuri_blobs (id) ON DELETE SET NULL,
    thumbnail_mime VARCHAR(100) NULL,
    thumbnail_width INTEGER NULL,
    thumbnail_height INTEGER NULL,
    preview_blob_id VARCHAR(36) NULL REFERENCES kirjuri_blobs (id) ON DELETE SET NULL,
    preview_mime VARCHAR(100) NULL,
    preview_width INTEGER NULL,
    preview_height INTEGER NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  )`, { transaction });
  await queryInterface.addIndex('images_renditions', ['state', 'updated_at'], { name: 'images_renditions_state', transaction });
  // Deleting any blob looks up the rows that name it as a rendition (ON DELETE SET NULL): without these, a scan each time.
  await queryInterface.addIndex('images_renditions', ['thumbnail_blob_id'], { name: 'images_renditions_thumbnail', transaction });
  await queryInterface.addIndex('images_renditions', ['preview_blob_id'], { name: 'images_renditions_preview', transaction });
}

/** Drops images_renditions. */
export async function down({ queryInterface, transaction }: MigrationContext): Promise<void> {
  await queryInterface.dropTable('images_renditions', { transaction });
}
