import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HelperDelegate } from 'handlebars';
import { loadableModulePath } from '../kernel/install-paths.ts';
import { ThemeLoadError } from './theme-error.ts';
import { listThemeFiles } from './theme-files.ts';

const helperFilePattern = /^([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.(ts|js)$/;

// Replacing these would change what every template's {{#if}} or {{#each}} means.
const builtInHelpers = new Set(['blockHelperMissing', 'each', 'helperMissing', 'if', 'unless', 'log', 'lookup', 'with']);

/** The Handlebars helpers every environment has before a theme adds its own. */
export const handlebarsBuiltInHelpers: ReadonlySet<string> = builtInHelpers;

/** "format-date" -> "formatDate". */
export function helperNameOf(fileBase: string): string {
  return fileBase.replace(/-([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/**
 * Imports a theme's helpers: one per file in helpers/, the default export is the function and the
 * kebab-case file name gives the camelCase helper name. .ts sources are imported through
 * loadableModulePath, so Node gets the compiled twin in dist/ and Deno the source.
 */
export async function loadThemeHelpers(themeName: string, themeDir: string): Promise<Map<string, HelperDelegate>> {
  const helpersDir = join(themeDir, 'helpers');
  const helpers = new Map<string, HelperDelegate>();
  const sources = new Map<string, string>();
  for (const file of await listThemeFiles(helpersDir, { recursive: false })) {
    if (file.endsWith('.d.ts') || file.endsWith('.map')) continue;
    const match = helperFilePattern.exec(file);
    if (!match) {
      throw new ThemeLoadError(themeName, `helpers/${file} is not a helper file name; name each helper file in kebab-case with .ts or .js, such as helpers/format-date.ts.`);
    }
    const name = helperNameOf(match[1] as string);
    if (builtInHelpers.has(name)) {
      throw new ThemeLoadError(themeName, `helpers/${file} would replace Handlebars' built-in "${name}" helper; rename the file.`);
    }
    const earlier = sources.get(name);
    if (earlier !== undefined) {
      throw new ThemeLoadError(themeName, `helpers/${earlier} and helpers/${file} both define the helper "${name}"; keep one of them.`);
    }
    sources.set(name, file);
    const modulePath = loadableModulePath(join(helpersDir, file));
    let loaded: { default?: unknown };
    try {
      loaded = await import(pathToFileURL(modulePath).href) as { default?: unknown };
    } catch (error) {
      const hint = file.endsWith('.ts') ? ' A theme installed outside Kirjuri\'s own folder should ship its helpers as .js (ES modules) for Node.' : '';
      throw new ThemeLoadError(themeName, `helpers/${file} could not be imported from ${modulePath}: ${(error as Error).message}.${hint}`, { cause: error });
    }
    if (typeof loaded.default !== 'function') {
      throw new ThemeLoadError(themeName, `helpers/${file} must export its helper function as the default export (export default function ${name}(...) {...}).`);
    }
    helpers.set(name, loaded.default as HelperDelegate);
  }
  return helpers;
}
