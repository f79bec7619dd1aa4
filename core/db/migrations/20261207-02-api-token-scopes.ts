// API tokens get scopes (core/identity/api-token-scopes.ts): space-separated words, '' for none. Tokens
// made before keep '' and so their rights: their user's on records, files and folders, no token management.
import type { MigrationContext } from '../migration-files.ts';

/** Adds kirjuri_api_tokens.scopes, '' for every existing token. */
export async function up({ queryInterface, transaction }: MigrationContext): Promise<void> {
  await queryInterface.sequelize.query("ALTER TABLE kirjuri_api_tokens ADD COLUMN scopes VARCHAR(200) NOT NULL DEFAULT ''", { transaction });
}

/** Drops the column again. */
export async function down({ queryInterface, transaction }: MigrationContext): Promise<void> {
  await queryInterface.removeColumn('kirjuri_api_tokens', 'scopes', { transaction });
}
