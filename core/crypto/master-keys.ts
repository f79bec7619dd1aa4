import type { KeyObject } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { KirjuriConfig } from '../config/config-schema.ts';
import type { Logger } from '../kernel/create-logger.ts';
import { KeyringError } from './keyring-error.ts';
import { newSecretKey } from './key-wrapping.ts';
import { createMasterKeyFile, parseEnvironmentMasterKey, readMasterKeyFile, writeMasterKeyFile } from './master-key-file.ts';

/**
 * The master key (KEK) versions this process holds, and where they come from: the key file
 * (keys.masterKeyFile), which rotation and retirement rewrite, or KIRJURI_MASTER_KEY (keys.masterKey),
 * which they cannot.
 */
export class MasterKeys {
  readonly source: 'file' | 'environment';
  /** The key file, when the keys come from one. */
  readonly file: string | null;
  #versions: Map<number, KeyObject>;

  constructor(source: { kind: 'file'; file: string } | { kind: 'environment' }, versions: Map<number, KeyObject>) {
    this.source = source.kind;
    this.file = source.kind === 'file' ? source.file : null;
    this.#versions = versions;
  }

  /** "the master key file X" or "KIRJURI_MASTER_KEY", for sentences. */
  get description(): string {
    return this.file ? `the master key file ${this.file}` : 'the master key in KIRJURI_MASTER_KEY (keys.masterKey)';
  }

  /** The highest version: the one new tenant keys are wrapped with. */
  get currentVersion(): number {
    return Math.max(...this.#versions.keys());
  }

  /** Every version held, lowest first. */
  get versions(): number[] {
    return [...this.#versions.keys()].sort((a, b) => a - b);
  }

  /** The key of `version`, if held. */
  key(version: number): KeyObject | undefined {
    return this.#versions.get(version);
  }

  /**
   * The key of `version`, reading the key file again if this process does not hold it: another
   * process (kirjuri keys rotate beside a running server) may have added it.
   */
  async keyOrReload(version: number): Promise<KeyObject | undefined> {
    if (!this.#versions.has(version) && this.file) await this.reload();
    return this.#versions.get(version);
  }

  /** Reads the key file again (a no-op for KIRJURI_MASTER_KEY). */
  async reload(): Promise<void> {
    if (!this.file) return;
    const versions = await readMasterKeyFile(this.file);
    if (!versions) throw new KeyringError(`The master key file ${this.file} has disappeared: restore it from its backup before anything else.`);
    this.#versions = versions;
  }

  /** Rewrites the key file with `versions` (atomically) and holds them from now on. */
  async replace(versions: Map<number, KeyObject>): Promise<void> {
    const file = this.requireFile('change the master key');
    await writeMasterKeyFile(file, versions);
    this.#versions = versions;
  }

  /** The current versions plus a new random one, numbered after `atLeast` and every held version. */
  withNewVersion(atLeast: number): { versions: Map<number, KeyObject>; version: number } {
    const version = Math.max(atLeast, this.currentVersion) + 1;
    return { versions: new Map([...this.#versions, [version, newSecretKey()]]), version };
  }

  /** The key file, or a refusal saying that `what` needs one. */
  requireFile(what: string): string {
    if (this.file) return this.file;
    throw new KeyringError(`To ${what}, Kirjuri needs the master key in a file, but it comes from KIRJURI_MASTER_KEY (keys.masterKey), which Kirjuri cannot change: write the key into a file (a line "kirjuri-master-key v1 <the key>"), point keys.masterKeyFile (KIRJURI_MASTER_KEY_FILE) at it, unset KIRJURI_MASTER_KEY, and run the command again.`);
  }
}

/** What loading the master key needs: the keys and dataDir settings, a logger, and whether a missing file may be made. */
export interface LoadMasterKeysOptions {
  keys: KirjuriConfig['keys'];
  dataDir: string;
  log: Logger;
  /**
   * Whether a missing key file may be made now: only while no tenant key exists. Otherwise a new key
   * could decrypt nothing, and the real one must be restored instead.
   */
  mayCreate: boolean;
}

/**
 * Loads the master key: KIRJURI_MASTER_KEY (keys.masterKey) when set, else the key file, which is
 * made on first start (with a loud warning to back it up). A key file inside the data directory is
 * refused: the data directory goes into backups, and a key beside what it protects protects nothing.
 */
export async function loadMasterKeys(options: LoadMasterKeysOptions): Promise<{ keys: MasterKeys; created: boolean }> {
  const { keys, log } = options;
  if (keys.masterKey) return { keys: new MasterKeys({ kind: 'environment' }, parseEnvironmentMasterKey(keys.masterKey)), created: false };
  const file = resolve(keys.masterKeyFile);
  assertOutsideDataDir(file, options.dataDir);
  const existing = await readMasterKeyFile(file);
  if (existing) {
    warnIfOthersMayRead(file, log);
    return { keys: new MasterKeys({ kind: 'file', file }, existing), created: false };
  }
  if (!options.mayCreate) {
    throw new KeyringError(`The master key file ${file} does not exist, but the database holds tenant keys wrapped with a master key: restore the key file from its backup, or point keys.masterKeyFile (KIRJURI_MASTER_KEY_FILE) at it. Kirjuri does not make a new one, which could decrypt none of the stored files.`);
  }
  const versions = new Map([[1, newSecretKey()]]);
  if (!await createMasterKeyFile(file, versions)) {
    // Another process starting at the same moment made it first: its key is the key.
    return { keys: new MasterKeys({ kind: 'file', file }, (await readMasterKeyFile(file))!), created: false };
  }
  log.warn({ file },
    `A NEW MASTER KEY was made at ${file}. BACK IT UP NOW, separately from the data and from the backups: it is not in the data directory or in any backup, and without it no file stored by Kirjuri can be decrypted. Keep it readable only by the user Kirjuri runs as.`);
  return { keys: new MasterKeys({ kind: 'file', file }, versions), created: true };
}

/** Refuses a key file in the data directory (symbolic links followed, as far as the path exists). */
function assertOutsideDataDir(file: string, dataDir: string): void {
  const data = existingRealPath(dataDir);
  const key = existingRealPath(file);
  const path = relative(data, key);
  if (path === '' || (!isAbsolute(path) && path.split(sep)[0] !== '..')) {
    throw new KeyringError(`The master key file ${file} is inside the data directory ${dataDir}: move it out (the default is ./data-keys/master.key) and point keys.masterKeyFile (KIRJURI_MASTER_KEY_FILE) at it. The data directory goes into backups, and a key kept beside the data it protects protects nothing.`);
  }
}

/** The real path of `path`, resolving links in the part that exists and keeping the rest as written. */
function existingRealPath(path: string): string {
  const rest: string[] = [];
  let current = resolve(path);
  for (;;) {
    try {
      return join(realpathSync(current), ...rest.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return resolve(path);
      rest.push(basename(current));
      current = parent;
    }
  }
}

function warnIfOthersMayRead(file: string, log: Logger): void {
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) log.warn({ file, mode: mode.toString(8) }, `The master key file ${file} may be read by other users (mode ${mode.toString(8)}): run chmod 600 on it.`);
}
