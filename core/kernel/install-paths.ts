import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Walks up from this module to the directory holding Kirjuri's package.json. */
function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'kirjuri') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Kirjuri's package.json was not found above ${start}.`);
    dir = parent;
  }
}

const here = dirname(fileURLToPath(import.meta.url));

/** The installation's root directory (where package.json, config/, plugins/ and themes/ are). */
export const packageRoot: string = findPackageRoot(here);

/** Whether this process runs the compiled JavaScript in dist/ (Node) rather than the TypeScript source (Deno). */
export const runningFromBuild: boolean = relative(packageRoot, here).split(sep)[0] === 'dist';

/** Kirjuri's own version, from package.json. */
export const kirjuriVersion: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * The module file to import for a TypeScript source file of the installation: the source itself under
 * Deno, its compiled twin in dist/ under Node. Files outside the installation are returned unchanged.
 */
export function loadableModulePath(sourceFile: string): string {
  const rel = relative(packageRoot, sourceFile);
  if (!runningFromBuild || rel.startsWith('..') || !sourceFile.endsWith('.ts')) return sourceFile;
  return join(packageRoot, 'dist', rel.replace(/\.ts$/, '.js'));
}
