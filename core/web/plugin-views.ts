import { isAbsolute } from 'node:path';
import type { CompiledTemplate } from './compile-template.ts';
import { themeNamePattern } from './theme-manifest.ts';
import { compileTemplateDirectory } from './theme-source.ts';

/** A folder of views a plugin contributes: `<dir>/<name>.hbs` becomes the view "<namespace>/<name>". */
export interface ViewDirectory {
  readonly namespace: string;
  readonly dir: string;
}

/**
 * Compiles the plugins' view folders once. A plugin may add several folders under its namespace, but
 * one view name twice is an error, and "core" is reserved for Kirjuri's own views.
 */
export async function compilePluginViews(viewDirs: readonly ViewDirectory[]): Promise<Map<string, CompiledTemplate>> {
  const views = new Map<string, CompiledTemplate>();
  for (const { namespace, dir } of viewDirs) {
    if (!themeNamePattern.test(namespace)) throw new Error(`The view namespace "${namespace}" is not valid; use the plugin's kebab-case name, such as "records".`);
    if (namespace === 'core') throw new Error('The view namespace "core" belongs to Kirjuri itself; use the plugin\'s name as its namespace.');
    if (!isAbsolute(dir)) throw new Error(`The view folder "${dir}" of "${namespace}" must be an absolute path; build it from the plugin's own folder.`);
    let compiled;
    try {
      compiled = await compileTemplateDirectory(dir, dir, { recursive: true });
    } catch (error) {
      throw new Error(`The views of "${namespace}" could not be compiled: ${(error as Error).message}`, { cause: error });
    }
    for (const [name, template] of compiled) {
      const view = `${namespace}/${name}`;
      const earlier = views.get(view);
      if (earlier) throw new Error(`The view "${view}" is defined twice, by ${earlier.file} and ${template.file}; keep one of them.`);
      views.set(view, template);
    }
  }
  return views;
}
