import semver from 'semver';
import type { DiscoveredPlugin } from './plugin-discovery.ts';
import { PluginLoadError } from './plugin-load-error.ts';

const satisfies = (version: string, range: string): boolean => semver.satisfies(version, range, { includePrerelease: true });

/**
 * Checks every plugin's `requires` against Kirjuri's version and the other plugins, and returns the
 * plugins in dependency order (a plugin after everything it requires; ties by name, so the order is stable).
 */
export function orderPlugins(plugins: DiscoveredPlugin[], kirjuriVersion: string): DiscoveredPlugin[] {
  const byName = new Map(plugins.map((p) => [p.definition.name, p]));
  for (const { definition } of plugins) {
    const needsCore = definition.requires?.kirjuri;
    if (needsCore && !satisfies(kirjuriVersion, needsCore)) {
      throw new PluginLoadError(definition.name, `it requires Kirjuri ${needsCore}, but this is Kirjuri ${kirjuriVersion}`);
    }
    for (const [dependency, range] of Object.entries(definition.requires?.plugins ?? {})) {
      const other = byName.get(dependency);
      if (!other) throw new PluginLoadError(definition.name, `it requires plugin "${dependency}" ${range}, which is not installed or is disabled`);
      if (!satisfies(other.definition.version, range)) {
        throw new PluginLoadError(definition.name, `it requires plugin "${dependency}" ${range}, but ${other.definition.version} is installed`);
      }
    }
  }

  const ordered: DiscoveredPlugin[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (plugin: DiscoveredPlugin, path: string[]): void => {
    const name = plugin.definition.name;
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name].join(' -> ');
      throw new PluginLoadError(name, `its requirements form a cycle (${cycle})`);
    }
    state.set(name, 'visiting');
    for (const dependency of Object.keys(plugin.definition.requires?.plugins ?? {}).sort()) visit(byName.get(dependency)!, [...path, name]);
    state.set(name, 'done');
    ordered.push(plugin);
  };
  for (const plugin of [...plugins].sort((a, b) => a.definition.name.localeCompare(b.definition.name))) visit(plugin, []);
  return ordered;
}
