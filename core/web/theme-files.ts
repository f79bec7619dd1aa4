import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Relative paths ("forms/field.hbs") of the files under a directory, sorted, "/"-separated on every
 * platform. Dot-files and dot-directories are skipped (.git, .DS_Store, editor swap files) and so are
 * symbolic links, which could lead out of the theme. A missing directory has no files.
 */
export async function listThemeFiles(root: string, options: { recursive?: boolean } = {}): Promise<string[]> {
  const found: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(join(root, relative), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && relative === '') return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory() && options.recursive !== false) await walk(path);
      else if (entry.isFile()) found.push(path);
    }
  };
  await walk('');
  return found.sort();
}

/** Whether a directory exists and is one. */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
