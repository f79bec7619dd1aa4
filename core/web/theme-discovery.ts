import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { ThemeLoadError } from './theme-error.ts';
import { readThemeManifest, themeNamePattern, type ThemeManifest } from './theme-manifest.ts';

/** A theme folder found in one of the theme directories, with its validated manifest. */
export interface DiscoveredTheme {
  readonly dir: string;
  readonly manifest: ThemeManifest;
}

/** The theme every other theme falls back to; it ships with Kirjuri and holds core's own views. */
export const baseThemeName = 'default';

/**
 * Finds the theme folders in each directory (a missing directory has none), validates their manifests
 * and checks that each supports the running Kirjuri version. A name found twice is an error rather than
 * a silent override, so an installed theme can never shadow one Kirjuri ships.
 */
export async function discoverThemes(themeDirs: readonly string[], kirjuriVersion: string): Promise<Map<string, DiscoveredTheme>> {
  const themes = new Map<string, DiscoveredTheme>();
  for (const themesDir of themeDirs) {
    let entries;
    try {
      entries = await readdir(themesDir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new Error(`The theme directory ${themesDir} could not be read: ${(error as Error).message}.`, { cause: error });
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const dir = join(themesDir, entry.name);
      if (!themeNamePattern.test(entry.name)) {
        throw new ThemeLoadError(entry.name, `its folder ${dir} is not a theme name; theme folders are named in lower-case kebab-case, such as "acme-dark".`);
      }
      const earlier = themes.get(entry.name);
      if (earlier) {
        throw new ThemeLoadError(entry.name, `it is installed twice, in ${earlier.dir} and in ${dir}; remove or rename one of them.`);
      }
      const manifest = await readThemeManifest(dir, entry.name);
      if (!semver.satisfies(kirjuriVersion, manifest.kirjuri, { includePrerelease: true })) {
        throw new ThemeLoadError(manifest.name, `it supports Kirjuri ${manifest.kirjuri} (theme.json "kirjuri"), but this is Kirjuri ${kirjuriVersion}; install a version of the theme made for this Kirjuri.`);
      }
      themes.set(entry.name, { dir, manifest });
    }
  }
  return themes;
}

/**
 * The inheritance chain of a theme, the theme itself first and the base theme last: every theme
 * without `extends` falls back to the base theme.
 */
export function themeChain(name: string, themes: ReadonlyMap<string, DiscoveredTheme>): string[] {
  const chain: string[] = [];
  let current: string | undefined = name;
  while (current !== undefined) {
    if (chain.includes(current)) {
      throw new ThemeLoadError(name, `its "extends" chain loops (${[...chain, current].join(' -> ')}); make one of these themes extend "${baseThemeName}".`);
    }
    const theme = themes.get(current);
    if (!theme) {
      const child = chain.at(-1) ?? name;
      throw new ThemeLoadError(name, current === baseThemeName
        ? `the base theme "${baseThemeName}" was not found in any theme directory; reinstall Kirjuri.`
        : `theme "${child}" extends "${current}", which is not installed; install it or change "extends" in theme.json.`);
    }
    chain.push(current);
    if (current === baseThemeName && theme.manifest.extends !== undefined) {
      throw new ThemeLoadError(baseThemeName, 'the base theme cannot extend another theme; remove "extends" from its theme.json.');
    }
    current = theme.manifest.extends ?? (current === baseThemeName ? undefined : baseThemeName);
  }
  return chain;
}
