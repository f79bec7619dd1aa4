import { join } from 'node:path';
import { MigrationError, Umzug } from 'umzug';
import type { Logger } from '../kernel/create-logger.ts';
import { packageRoot } from '../kernel/install-paths.ts';
import { describeMigration, listMigrationFiles, loadMigrationModule, type MigrationFile, type MigrationModule, type MigrationSet } from './migration-files.ts';
import { ensureMigrationTable, isMigrationRecorded, lockMigrations, OwnerMigrationStorage, recordMigration } from './migration-storage.ts';
import type { Database } from './open-database.ts';

export type { MigrationContext, MigrationModule, MigrationSet } from './migration-files.ts';

/** Core's own migrations (source directory; the compiled twins are imported when running from dist/). */
export const coreMigrations: MigrationSet = { owner: 'core', dir: join(packageRoot, 'core', 'db', 'migrations') };

/** An applied or pending migration. */
export interface MigrationName {
  owner: string;
  name: string;
}

/**
 * Applies every pending migration of the sets, in the given order (core first), each in its own
 * db.transaction() together with its record. Every set's file names and pending modules are checked
 * before the first migration runs, so a broken file stops the run before any migration ran.
 */
export async function runMigrations(db: Database, sets: MigrationSet[], log: Logger): Promise<{ applied: MigrationName[] }> {
  assertDistinctOwners(sets);
  const listed = await Promise.all(sets.map(async (set) => ({ set, files: await listMigrationFiles(set) })));
  await ensureMigrationTable(db);
  const plans: SetPlan[] = [];
  for (const { set, files } of listed) plans.push(await planSet(db, set, files, log));
  const applied: MigrationName[] = [];
  for (const plan of plans) {
    try {
      await plan.umzug.up();
    } catch (error) {
      // Umzug wraps our sentence in "Migration X (up) failed: Original error: ..."; ours already says it all.
      throw error instanceof MigrationError && error.cause instanceof Error ? error.cause : error;
    }
    applied.push(...plan.applied);
  }
  return { applied };
}

/** One set ready to run: its umzug, and the list its migrations fill as they apply. */
interface SetPlan {
  umzug: Umzug;
  applied: MigrationName[];
}

/** Loads (and so checks) a set's pending modules and builds the umzug that runs them. */
async function planSet(db: Database, set: MigrationSet, files: MigrationFile[], log: Logger): Promise<SetPlan> {
  const storage = new OwnerMigrationStorage(db, set.owner);
  const executed = new Set(await storage.executed());
  const modules = new Map<string, MigrationModule>();
  for (const file of files) if (!executed.has(file.name)) modules.set(file.name, await loadMigrationModule(file));
  const applied: MigrationName[] = [];
  const umzug = new Umzug({
    migrations: files.map((file) => ({
      name: file.name,
      path: file.path,
      up: async () => {
        const module = modules.get(file.name) ?? await loadMigrationModule(file);
        if (await applyMigration(db, file, module, log)) applied.push({ owner: set.owner, name: file.name });
      },
    })),
    storage,
    logger: undefined,
  });
  return { umzug, applied };
}

/** Lists the migrations of the sets that have not been applied yet, in the order they would run. */
export async function listPendingMigrations(db: Database, sets: MigrationSet[]): Promise<MigrationName[]> {
  assertDistinctOwners(sets);
  const pending: MigrationName[] = [];
  for (const set of sets) {
    const files = await listMigrationFiles(set);
    const executed = new Set(await new OwnerMigrationStorage(db, set.owner).executed());
    for (const file of files) if (!executed.has(file.name)) pending.push({ owner: set.owner, name: file.name });
  }
  return pending;
}

/** Runs one migration and records it in one transaction; false when another node applied it meanwhile. */
async function applyMigration(db: Database, file: MigrationFile, module: MigrationModule, log: Logger): Promise<boolean> {
  const started = performance.now();
  let ran: boolean;
  try {
    ran = await db.transaction(async (transaction) => {
      await lockMigrations(db, transaction);
      // Re-checked under the lock: a node that started at the same time may have applied it already.
      if (await isMigrationRecorded(db, file.owner, file.name, transaction)) return false;
      await module.up({ queryInterface: db.sequelize.getQueryInterface(), sequelize: db.sequelize, dialect: db.dialect, transaction });
      await recordMigration(db, file.owner, file.name, transaction);
      return true;
    });
  } catch (error) {
    const what = describeMigration(file.owner, file.fileName);
    // Sequelize's constraint errors say only "Validation error"; the database's own message is in parent.
    const reason = (error as { parent?: Error }).parent?.message ?? (error as Error).message;
    throw new Error(`${what.charAt(0).toUpperCase()}${what.slice(1)} failed and was rolled back: ${reason}. Fix the migration (${file.path}) and start again.`, { cause: error });
  }
  if (ran) log.info({ owner: file.owner, migration: file.name, durationMs: Math.round(performance.now() - started) }, 'migration applied');
  return ran;
}

function assertDistinctOwners(sets: MigrationSet[]): void {
  const seen = new Set<string>();
  for (const { owner } of sets) {
    if (seen.has(owner)) throw new Error(`Two migration sets are owned by ${owner}: give each plugin one migrations directory.`);
    seen.add(owner);
  }
}
