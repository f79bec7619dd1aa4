import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The data directory's own sub-folders (DESIGN.md "Data"). */
export const dataSubdirectories = ['blobs', 'certs', 'plugins', 'themes'] as const;

/**
 * Creates the data directory and its sub-folders if needed and checks that Kirjuri may write there;
 * throws one sentence saying which directory and what to do.
 */
export function prepareDataDir(dataDir: string): void {
  for (const dir of [dataDir, ...dataSubdirectories.map((d) => join(dataDir, d))]) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o750 });
      accessSync(dir, constants.W_OK | constants.R_OK | constants.X_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new Error(`The data directory ${dir} cannot be used (${code}): create it and make it writable by the user Kirjuri runs as, or set KIRJURI_DATA_DIR to another directory.`, { cause: error });
    }
  }
}
