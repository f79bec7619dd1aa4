// Kirjuri's database layer: open (SQLite or PostgreSQL), migrate.
export { openDatabase, type Database, type OpenDatabaseOptions } from './open-database.ts';
export { coreMigrations, listPendingMigrations, runMigrations, type MigrationContext, type MigrationModule, type MigrationName, type MigrationSet } from './run-migrations.ts';
