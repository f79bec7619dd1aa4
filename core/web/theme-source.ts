import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HelperDelegate } from 'handlebars';
import { compileTemplate, type CompiledTemplate } from './compile-template.ts';
import { ThemeLoadError } from './theme-error.ts';
import { listThemeFiles } from './theme-files.ts';
import type { ThemeManifest } from './theme-manifest.ts';

/** One theme folder as read from disk: its manifest and its own (not inherited) templates and helpers. */
export interface ThemeSource {
  readonly dir: string;
  readonly manifest: ThemeManifest;
  readonly layouts: ReadonlyMap<string, CompiledTemplate>;
  readonly partials: ReadonlyMap<string, CompiledTemplate>;
  /** Keyed by view name, "core/error" for views/core/error.hbs. */
  readonly views: ReadonlyMap<string, CompiledTemplate>;
  readonly helpers: ReadonlyMap<string, HelperDelegate>;
}

/** Template names are handlebars partial names and URL-ish view ids: keep them plain. */
const templateNamePattern = /^[a-z0-9][a-z0-9_-]*(?:\/[a-z0-9][a-z0-9_-]*)*$/;

/** Compiles every .hbs file under a directory, keyed by relative name; `label` names it in errors. */
export async function compileTemplateDirectory(
  root: string,
  label: string,
  options: { recursive: boolean; minDepth?: number },
): Promise<Map<string, CompiledTemplate>> {
  const templates = new Map<string, CompiledTemplate>();
  for (const file of await listThemeFiles(root, { recursive: options.recursive })) {
    if (!file.endsWith('.hbs')) continue;
    const name = file.slice(0, -'.hbs'.length);
    const where = join(label, file);
    if (!templateNamePattern.test(name)) {
      throw new Error(`${where} has a name templates cannot use; use lower-case letters, digits, "-" and "_" only.`);
    }
    if ((options.minDepth ?? 1) > name.split('/').length) {
      throw new Error(`${where} is not inside a namespace folder; put views in views/<namespace>/, such as views/core/home.hbs.`);
    }
    templates.set(name, compileTemplate(where, await readFile(join(root, file), 'utf8')));
  }
  return templates;
}

/** Reads and compiles one theme folder's layouts, partials and views; helpers are loaded by the caller. */
export async function loadThemeSource(
  dir: string,
  manifest: ThemeManifest,
  helpers: ReadonlyMap<string, HelperDelegate>,
): Promise<ThemeSource> {
  try {
    return {
      dir,
      manifest,
      helpers,
      layouts: await compileTemplateDirectory(join(dir, 'layouts'), join(dir, 'layouts'), { recursive: false }),
      partials: await compileTemplateDirectory(join(dir, 'partials'), join(dir, 'partials'), { recursive: true }),
      views: await compileTemplateDirectory(join(dir, 'views'), join(dir, 'views'), { recursive: true, minDepth: 2 }),
    };
  } catch (error) {
    if (error instanceof ThemeLoadError) throw error;
    throw new ThemeLoadError(manifest.name, `${(error as Error).message}; fix it and restart Kirjuri.`, { cause: error });
  }
}
