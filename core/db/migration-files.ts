import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { QueryInterface, Sequelize, Transaction } from 'sequelize';
import { loadableModulePath } from '../kernel/install-paths.ts';

/** Where one owner's migrations live: owner is 'core' or a plugin name, dir holds the source files. */
export interface MigrationSet {
  owner: string;
  dir: string;
}

/** What a migration's `up` (and `down`) receives. Pass `{ transaction }` to every call. */
export interface MigrationContext {
  queryInterface: QueryInterface;
  sequelize: Sequelize;
  dialect: 'sqlite' | 'postgres';
  transaction: Transaction;
}

/** The shape a migration module exports. */
export interface MigrationModule {
  up(context: MigrationContext): Promise<void>;
  down?(context: MigrationContext): Promise<void>;
}

/** One migration file found in a set's directory. */
export interface MigrationFile {
  owner: string;
  /** The file name without extension, e.g. `20261122-01-job-locks`: what is recorded as executed. */
  name: string;
  fileName: string;
  /** Absolute source path. */
  path: string;
}

/**
 * YYYYMMDD-NN-name.ts; `.js` is accepted too, for plugins installed in compiled form. The name part is
 * lower-case words joined by hyphens. The extension is not part of the recorded name, so the same
 * migration counts as applied whether Node ran the compiled file or Deno the source.
 */
const migrationFileName = /^(\d{4})(\d{2})(\d{2})-(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.(ts|js)$/;

/** "the core migration X" or "migration X of plugin P", for error sentences. */
export function describeMigration(owner: string, fileName: string): string {
  return owner === 'core' ? `the core migration ${fileName}` : `migration ${fileName} of plugin ${owner}`;
}

/** Lists a set's migration files in the order they run; a badly named or duplicated one is an error. */
export async function listMigrationFiles(set: MigrationSet): Promise<MigrationFile[]> {
  let entries;
  try {
    entries = await readdir(set.dir, { withFileTypes: true });
  } catch (error) {
    throw new Error(`The migrations directory of ${set.owner} (${set.dir}) cannot be read: ${(error as Error).message}.`, { cause: error });
  }
  const files: MigrationFile[] = [];
  const numbers = new Map<string, string>();
  for (const entry of entries) {
    // Declarations, source maps, READMEs and the like are not migrations.
    if (!entry.isFile() || !/\.(ts|js)$/.test(entry.name) || entry.name.endsWith('.d.ts')) continue;
    const match = migrationFileName.exec(entry.name);
    if (!match || !isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) {
      throw new Error(`The name of ${describeMigration(set.owner, entry.name)} (in ${set.dir}) is not YYYYMMDD-NN-name.ts with a real date and a lower-case, hyphenated name: rename it, e.g. 20261122-01-create-records.ts.`);
    }
    // Two files with one date and number make the order depend on the rest of the name: almost
    // always a merge of two branches that both took the next number.
    const number = `${match[1]}${match[2]}${match[3]}-${match[4]}`;
    const clash = numbers.get(number);
    if (clash) throw new Error(`${capitalise(describeMigration(set.owner, entry.name))} has the same date and number as ${clash}: give one of them the next free number.`);
    numbers.set(number, entry.name);
    files.push({ owner: set.owner, name: entry.name.replace(/\.(ts|js)$/, ''), fileName: entry.name, path: join(set.dir, entry.name) });
  }
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Imports a migration file (its compiled twin when running from the build) and checks it exports `up`. */
export async function loadMigrationModule(file: MigrationFile): Promise<MigrationModule> {
  let loaded: Partial<MigrationModule>;
  try {
    loaded = await import(pathToFileURL(loadableModulePath(file.path)).href) as Partial<MigrationModule>;
  } catch (error) {
    throw new Error(`${capitalise(describeMigration(file.owner, file.fileName))} could not be loaded: ${(error as Error).message}. Fix the file (or rebuild with npm run build).`, { cause: error });
  }
  if (typeof loaded.up !== 'function') {
    throw new Error(`${capitalise(describeMigration(file.owner, file.fileName))} does not export an up(context) function: add \`export async function up({ queryInterface, transaction }) { ... }\`.`);
  }
  if (loaded.down !== undefined && typeof loaded.down !== 'function') {
    throw new Error(`${capitalise(describeMigration(file.owner, file.fileName))} exports a down that is not a function: make it one or remove it.`);
  }
  return loaded as MigrationModule;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 2000 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
