import { createSecretKey, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type KirjuriApp } from '../../core/app.ts';
import { createMasterKeyFile } from '../../core/crypto/master-key-file.ts';
import { loadConfig, type ConfigOverrides } from '../../core/config/index.ts';
import { packageRoot } from '../../core/kernel/install-paths.ts';
import { createTestDatabase } from './test-databases.ts';
import { PasswordHasher } from '../../core/identity/password-hasher.ts';

/** scrypt at N=2^10 instead of 2^17: the same code path, about a hundred times faster, for tests that sign in a lot. */
export const testPasswordHasher = (): PasswordHasher => new PasswordHasher({ logN: 10, r: 8, p: 1 });

/** The fixture plugins' folder (source paths; the host imports their compiled twins). */
export const fixturePluginsDir = join(packageRoot, 'test', 'fixtures', 'plugins');

/** A booted test app on a fresh data dir and database, and how to tear it all down. */
export interface TestApp {
  kirjuri: KirjuriApp;
  /** The request handler for supertest. */
  handler: ReturnType<KirjuriApp['app']['callback']>;
  close(): Promise<void>;
}

/** Boots the real app on a temporary data dir and a fresh database of `kind`; TLS and jobs off unless asked. */
export async function createTestApp(
  kind: 'sqlite' | 'postgres', overrides: ConfigOverrides = {},
  options: { passwordHasher?: PasswordHasher; masterKeyMadeAtStart?: boolean; tablespace?: string } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(kind, { tablespace: options.tablespace });
  const keys = mkdtempSync(join(tmpdir(), 'kirjuri-keys-'));
  // As an operator who brings a key: the instance's audit chain then starts with the test's own
  // entries. masterKeyMadeAtStart leaves it to Kirjuri's first start (and its keys.create entry).
  if (!options.masterKeyMadeAtStart && !overrides.keys?.masterKeyFile) await createMasterKeyFile(join(keys, 'master.key'), new Map([[1, createSecretKey(randomBytes(32))]]));
  const config = loadConfig({
    env: {},
    overrides: {
      ...overrides,
      // A test may bring its own data dir (one on a small file system); it is the test's to remove.
      dataDir: overrides.dataDir ?? database.dataDir,
      server: { tls: false, port: 0, host: '127.0.0.1', ...overrides.server },
      database: { url: database.databaseUrl, guardTransactions: true, ...overrides.database },
      keys: { masterKeyFile: join(keys, 'master.key'), ...overrides.keys },
      jobs: { enabled: false, ...overrides.jobs },
      log: { level: (process.env.TEST_LOG_LEVEL as 'silent' | undefined) ?? 'silent' },
    },
  });
  let kirjuri: KirjuriApp;
  try {
    kirjuri = await createApp(config, { passwordHasher: options.passwordHasher ?? testPasswordHasher() });
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    kirjuri,
    handler: kirjuri.app.callback(),
    async close() {
      await kirjuri.close();
      await database.drop();
    },
  };
}
