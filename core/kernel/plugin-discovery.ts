import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isPluginDefinition, type PluginDefinition } from './plugin-definition.ts';
import { PluginLoadError } from './plugin-load-error.ts';
import { findManifestProblems } from './plugin-manifest.ts';
import { loadableModulePath } from './install-paths.ts';

/** A plugin found on disk and imported, its manifest checked. */
export interface DiscoveredPlugin {
  definition: PluginDefinition;
  /** The plugin's source directory. */
  dir: string;
}

/** The entry file of a plugin directory: plugin.ts (built to dist/ for bundled plugins) or plugin.js. */
function findEntry(dir: string): string | null {
  for (const name of ['plugin.ts', 'plugin.js']) if (existsSync(join(dir, name))) return join(dir, name);
  return null;
}

/** Lists plugin directories (those with a plugin.ts or plugin.js) in each of `roots`; missing roots are skipped. */
export function listPluginDirectories(roots: string[]): string[] {
  const dirs: string[] = [];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const entry of readdirSync(root).sort()) {
      const dir = join(root, entry);
      if (!entry.startsWith('.') && statSync(dir).isDirectory() && findEntry(dir)) dirs.push(dir);
    }
  }
  return dirs;
}

/** Imports one plugin directory and checks its manifest; failures name the plugin and the reason. */
export async function importPlugin(dir: string): Promise<DiscoveredPlugin> {
  const label = basename(dir);
  const entry = findEntry(dir);
  if (!entry) throw new PluginLoadError(label, `${dir} has no plugin.ts or plugin.js`);
  const file = loadableModulePath(entry);
  if (!existsSync(file)) throw new PluginLoadError(label, `its built module ${file} is missing; run "npm run build"`);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    throw new PluginLoadError(label, `importing ${file} failed: ${(error as Error).message}`, { cause: error });
  }
  const definition = module.default;
  if (!isPluginDefinition(definition)) throw new PluginLoadError(label, `${file} must export default definePlugin({...}) (an object)`);
  const problems = findManifestProblems(definition);
  if (problems.length) throw new PluginLoadError(typeof definition.name === 'string' ? definition.name : label, `its manifest is invalid: ${problems.join('; ')}`);
  return { definition, dir };
}

/** Discovers and imports every plugin under `roots`, minus `disabled`; a name found twice is an error. */
export async function discoverPlugins(roots: string[], disabled: readonly string[]): Promise<DiscoveredPlugin[]> {
  const found = new Map<string, DiscoveredPlugin>();
  for (const dir of listPluginDirectories(roots)) {
    const plugin = await importPlugin(dir);
    const name = plugin.definition.name;
    if (disabled.includes(name)) continue;
    const earlier = found.get(name);
    if (earlier) throw new PluginLoadError(name, `it is installed twice, in ${earlier.dir} and in ${dir}; remove one`);
    found.set(name, plugin);
  }
  return [...found.values()];
}
