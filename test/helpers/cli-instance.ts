import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type KirjuriApp } from '../../core/app.ts';
import { loadConfig } from '../../core/config/index.ts';
import { packageRoot } from '../../core/kernel/install-paths.ts';
import { testPasswordHasher } from './create-test-app.ts';
import type { TestDatabase } from './test-databases.ts';

const bin = join(packageRoot, 'bin', 'kirjuri.js');

/** An instance the CLI tests drive: its environment, the `kirjuri` command on it, and the same instance booted in this process. */
export interface CliInstance {
  /** The environment every run gets: this process's without any KIRJURI_* variable, then the instance's own. */
  env: NodeJS.ProcessEnv;
  /** Where its master key file is. */
  keysDir: string;
  /** Runs `kirjuri <args>` as a child process. */
  run(args: string[], extra?: NodeJS.ProcessEnv): SpawnSyncReturns<string>;
  /** Boots the same instance in this process, for what the CLI cannot do (storing files, a crash midway), and closes it after `work`. */
  inProcess<T>(work: (kirjuri: KirjuriApp) => Promise<T>): Promise<T>;
  /** Removes the keys directory (the database is the caller's to drop). */
  remove(): void;
}

/** A CLI test instance on `database`, with its master key file in a fresh temporary directory. */
export function cliInstance(database: TestDatabase): CliInstance {
  const keysDir = mkdtempSync(join(tmpdir(), 'kirjuri-cli-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('KIRJURI_')) env[name] = value;
  Object.assign(env, { KIRJURI_DATA_DIR: database.dataDir, KIRJURI_MASTER_KEY_FILE: join(keysDir, 'master.key'), KIRJURI_LOG_LEVEL: 'warn' });
  if (database.databaseUrl) env.KIRJURI_DATABASE_URL = database.databaseUrl;
  return {
    env, keysDir,
    run: (args, extra = {}) => spawnSync(process.execPath, [bin, ...args], { env: { ...env, ...extra }, encoding: 'utf8', timeout: 60_000 }),
    async inProcess(work) {
      const kirjuri = await createApp(loadConfig({ env: { ...env, KIRJURI_LOG_LEVEL: 'silent' } }), { passwordHasher: testPasswordHasher() });
      try {
        return await work(kirjuri);
      } finally {
        await kirjuri.close();
      }
    },
    remove: () => rmSync(keysDir, { recursive: true, force: true }),
  };
}
