// Which real databases integration tests run on, and fresh, throw-away instances of them.
// SQLite always; PostgreSQL too when TEST_POSTGRES_URL names a server where this user may CREATE DATABASE
// (e.g. postgres://postgres@127.0.0.1:5432/postgres). Not a KIRJURI_* name: the config loader rejects unknown ones.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sequelize } from 'sequelize';
import type { KirjuriConfig } from '../../core/config/config-schema.ts';
import { createLogger, type Logger } from '../../core/kernel/create-logger.ts';

export type TestDatabaseKind = 'sqlite' | 'postgres';

/** A fresh database for one test (or suite), and how to remove it. */
export interface TestDatabase {
  /** postgres://... for PostgreSQL, null for SQLite (which lives in dataDir). */
  databaseUrl: string | null;
  /** A new, empty temporary data directory. */
  dataDir: string;
  /** Drops the database and removes the data directory. */
  drop(): Promise<void>;
}

let created = 0;

/** The database kinds to run integration tests on: SQLite, plus PostgreSQL when TEST_POSTGRES_URL is set. */
export function testDatabaseKinds(): TestDatabaseKind[] {
  return process.env.TEST_POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** Wraps `describe('<title> on <kind>')` around the suite once per database kind. */
export function forEachDatabase(title: string, fn: (kind: TestDatabaseKind) => void): void {
  for (const kind of testDatabaseKinds()) describe(`${title} on ${kind}`, () => fn(kind));
}

/** Makes a temporary data dir and, for PostgreSQL, a new database `kirjuri_test_<pid>_<n>` (in `options.tablespace` when given). */
export async function createTestDatabase(kind: TestDatabaseKind, options: { tablespace?: string } = {}): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kirjuri-test-'));
  const removeDataDir = (): Promise<void> => rm(dataDir, { recursive: true, force: true });
  if (kind === 'sqlite') return { databaseUrl: null, dataDir, drop: removeDataDir };

  const adminUrl = process.env.TEST_POSTGRES_URL;
  if (!adminUrl) throw new Error('createTestDatabase("postgres") needs TEST_POSTGRES_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres.');
  const name = `kirjuri_test_${process.pid}_${++created}`;
  try {
    await withAdminConnection(adminUrl, (admin) => admin.query(`CREATE DATABASE "${name}"${options.tablespace ? ` TABLESPACE "${options.tablespace}"` : ''}`));
  } catch (error) {
    await removeDataDir();
    throw error;
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    dataDir,
    async drop() {
      // FORCE (PostgreSQL 13+) ends connections a failed test left open instead of failing the drop.
      await withAdminConnection(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      await removeDataDir();
    },
  };
}

/** The `database` config section for a test database: SQLite when url is null. */
export function testDatabaseConfig(databaseUrl: string | null, overrides: Partial<KirjuriConfig['database']> = {}): KirjuriConfig['database'] {
  // Tests run with the transaction guard on: a write that forgot its { transaction } fails the test at once.
  return { url: databaseUrl, sqliteFile: 'kirjuri.sqlite', busyTimeoutMs: 5000, writerWaitTimeoutMs: 30_000, guardTransactions: true, poolMax: 10, logQueries: false, ...overrides };
}

/** A logger for tests: silent unless TEST_LOG_LEVEL asks for more. */
export function testLogger(): Logger {
  return createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
}

async function withAdminConnection(adminUrl: string, work: (admin: Sequelize) => Promise<unknown>): Promise<void> {
  const admin = new Sequelize(adminUrl, { dialect: 'postgres', logging: false, pool: { max: 1, min: 0 } });
  try {
    await work(admin);
  } finally {
    await admin.close();
  }
}
