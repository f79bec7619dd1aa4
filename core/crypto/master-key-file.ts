import { randomBytes, type KeyObject } from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyringError } from './keyring-error.ts';
import { secretKeyOf } from './key-wrapping.ts';

/*
 * The master key file: text, one line per key version, the highest version current, so that a
 * rotation appends a line and a retirement removes one (README "Keys and what to back up"):
 *
 *   # comments and blank lines are ignored
 *   kirjuri-master-key v1 <base64 of 32 random bytes>
 *   kirjuri-master-key v2 <base64 of 32 random bytes>
 *
 * Versions are whole numbers from 1 and need not be consecutive (v1 is gone once retired). Anything
 * else in the file is damage and refused: a key file is never guessed at.
 */

/** Master key versions by number. */
export type MasterKeyVersions = ReadonlyMap<number, KeyObject>;

const keyLine = /^kirjuri-master-key v([1-9][0-9]{0,8}) ([A-Za-z0-9+/]{43}=)$/;
const bareKey = /^[A-Za-z0-9+/]{43}=$/;

const fileComment = [
  '# Kirjuri master key file. Keep it secret (mode 0600) and back it up separately: it is not in the data',
  '# directory or in any backup, and without it no file Kirjuri stored can be decrypted.',
  '# One line per version, the highest is current; change it only with "kirjuri keys rotate" and "kirjuri keys retire".',
];

/**
 * Parses a master key file's text; `where` names it in the error sentence ("The master key file X").
 * The sentence never quotes a line: a damaged line may still hold most of a key.
 */
export function parseMasterKeyText(text: string, where: string): Map<number, KeyObject> {
  const versions = new Map<number, KeyObject>();
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = keyLine.exec(line);
    const bytes = match ? Buffer.from(match[2]!, 'base64') : null;
    // Only the canonical base64 of exactly 32 bytes: a changed last character must not pass unseen.
    if (!match || bytes!.length !== 32 || bytes!.toString('base64') !== match[2]) {
      bytes?.fill(0);
      throw new KeyringError(`${where} is damaged: line ${index + 1} is not a comment or "kirjuri-master-key v<N> <base64 of 32 bytes>". Restore it from its backup; do not edit it by hand.`);
    }
    const version = Number(match[1]);
    if (versions.has(version)) throw new KeyringError(`${where} is damaged: it holds version ${version} twice (line ${index + 1}). Restore it from its backup.`);
    versions.set(version, secretKeyOf(bytes!));
  }
  if (versions.size === 0) throw new KeyringError(`${where} holds no key: restore it from its backup.`);
  return versions;
}

/**
 * KIRJURI_MASTER_KEY's value: the base64 of 32 bytes (version 1), or a whole master key file's text
 * (so that a rotated key can move into the environment too).
 */
export function parseEnvironmentMasterKey(value: string): Map<number, KeyObject> {
  const trimmed = value.trim();
  if (bareKey.test(trimmed)) {
    const bytes = Buffer.from(trimmed, 'base64');
    if (bytes.length === 32 && bytes.toString('base64') === trimmed) return new Map([[1, secretKeyOf(bytes)]]);
    bytes.fill(0);
  }
  if (!trimmed.includes('kirjuri-master-key ')) {
    throw new KeyringError('The master key in KIRJURI_MASTER_KEY (keys.masterKey) cannot be used: it must be the base64 of 32 random bytes (for example from "openssl rand -base64 32") or the text of a master key file.');
  }
  return parseMasterKeyText(trimmed, 'The master key in KIRJURI_MASTER_KEY (keys.masterKey)');
}

/** The file's text for these versions, lowest first, with the comment that says what it is. */
export function formatMasterKeyFile(versions: MasterKeyVersions): string {
  const lines = [...versions.keys()].sort((a, b) => a - b).map((version) => `kirjuri-master-key v${version} ${versions.get(version)!.export().toString('base64')}`);
  return `${[...fileComment, ...lines].join('\n')}\n`;
}

/** The versions in the file, or null when there is no file. */
export async function readMasterKeyFile(file: string): Promise<Map<number, KeyObject> | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new KeyringError(`The master key file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): give the user Kirjuri runs as read access to it.`, { cause: error });
  }
  return parseMasterKeyText(text, `The master key file ${file}`);
}

/**
 * Rewrites the file so that a crash leaves either the old file or the new one, never a part: a new
 * file (mode 0600, in a folder made 0700 when missing) is written and fsynced beside it, renamed over
 * it, and the folder fsynced so that the rename itself is on disk.
 */
export async function writeMasterKeyFile(file: string, versions: MasterKeyVersions): Promise<void> {
  await writeThroughTemporary(file, versions, (temporary) => rename(temporary, file));
}

/**
 * Makes the file like writeMasterKeyFile, but only if it does not exist yet: false when another
 * process made one first (then theirs is the key, and this one was never used).
 */
export async function createMasterKeyFile(file: string, versions: MasterKeyVersions): Promise<boolean> {
  let created = true;
  await writeThroughTemporary(file, versions, async (temporary) => {
    try {
      // A hard link never replaces an existing name, where a rename would.
      await link(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      created = false;
    }
    await unlink(temporary);
  });
  return created;
}

async function writeThroughTemporary(file: string, versions: MasterKeyVersions, place: (temporary: string) => Promise<void>): Promise<void> {
  const folder = dirname(file);
  const temporary = `${file}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(formatMasterKeyFile(versions), 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await place(temporary);
    await syncFolder(folder);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw new KeyringError(`The master key file ${file} could not be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): check that ${folder} is writable by the user Kirjuri runs as and the disk is not full. The file as it was is unchanged.`, { cause: error });
  }
}

async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch (error) {
    // Some systems cannot fsync a directory (Windows); the rename is still atomic there.
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}
