import Handlebars from 'handlebars';
import { AppError } from '../http/app-error.ts';
import { buildTheme, describeTheme, type BuiltTheme, type ThemeInfo } from './build-theme.ts';
import { compilePluginViews, type ViewDirectory } from './plugin-views.ts';
import { indexAssetDirectory, indexPluginAssets, overlayThemeAssets, type ThemeAsset } from './theme-asset-index.ts';
import { baseThemeName, discoverThemes, themeChain } from './theme-discovery.ts';
import { ThemeLoadError } from './theme-error.ts';
import { loadThemeHelpers } from './theme-helpers.ts';
import { resolveThemeSettings, type ResolveThemeSettingsOptions, type ResolvedThemeSettings } from './theme-settings.ts';
import { loadThemeSource, type ThemeSource } from './theme-source.ts';

/** Options of loadThemeEngine. */
export interface ThemeEngineOptions {
  /** Directories that each hold theme folders, such as [packageRoot/themes, dataDir/themes]. */
  themeDirs: readonly string[];
  /** The theme used when render() is not told one (config `themes.default`). */
  defaultTheme: string;
  kirjuriVersion: string;
  /** The plugins' view folders, as their register() declared them. */
  viewDirs?: readonly ViewDirectory[];
  /** The plugins' browser files, served by every theme as `plugins/<plugin>/<path>`. */
  assetDirs?: ReadonlyArray<{ namespace: string; dir: string }>;
}

/** Per-request values every template sees as @-variables (`{{@cspNonce}}`, `{{@user.name}}`). */
export interface RenderLocals {
  requestId: string;
  cspNonce: string;
  user?: Readonly<Record<string, unknown>>;
  tenant?: Readonly<Record<string, unknown>>;
  /** The tenant's overrides of the theme's settings (its branding); validated again before use. */
  settings?: Readonly<Record<string, unknown>>;
  csrfToken?: string;
  /** A BCP 47 tag for dates and numbers, such as "fi-FI"; "en-GB" when absent. */
  locale?: string;
  /** Main navigation entries; `current` marks the page being shown. */
  nav?: readonly { href: string; label: string; current?: boolean }[];
  flash?: readonly { kind: 'success' | 'info' | 'warning' | 'error'; message: string }[];
  /** Extra stylesheets and scripts of this page, as asset paths (`plugins/records/css/records.css`): the layout links them after its own. */
  styles?: readonly string[];
  scripts?: readonly string[];
}

/** What to render: a view, optionally inside a layout, with the theme of the tenant or the default. */
export interface RenderRequest {
  theme?: string;
  /** "<namespace>/<name>", such as "core/error". */
  view: string;
  /** A layout name ("main" when absent), or false for the view alone (a fragment). */
  layout?: string | false;
  data: object;
  locals: RenderLocals;
}

/** The loaded, compiled themes; renders synchronously (templates were compiled at boot). */
export class ThemeEngine {
  readonly defaultTheme: string;
  readonly #themes: ReadonlyMap<string, BuiltTheme>;

  /** Use loadThemeEngine(); the constructor only keeps what it was given. */
  constructor(defaultTheme: string, themes: ReadonlyMap<string, BuiltTheme>) {
    this.defaultTheme = defaultTheme;
    this.#themes = themes;
  }

  /** The names of the loaded themes, sorted. */
  themeNames(): string[] {
    return [...this.#themes.keys()].sort();
  }

  /** Whether a theme of that name is loaded. */
  hasTheme(name: string): boolean {
    return this.#themes.has(name);
  }

  /** What is known about a loaded theme (version, chain, merged settings, asset version). */
  theme(name: string = this.defaultTheme): ThemeInfo {
    return this.#builtTheme(name).info;
  }

  /** Whether the theme (default: the default theme) can render the view. */
  hasView(view: string, theme: string = this.defaultTheme): boolean {
    return this.#builtTheme(theme).views.has(view);
  }

  /** Validates a tenant's overrides against a theme's settings; see resolveThemeSettings. */
  resolveSettings(theme: string, overrides: Readonly<Record<string, unknown>>, options?: ResolveThemeSettingsOptions): ResolvedThemeSettings {
    return resolveThemeSettings(this.theme(theme), overrides, options);
  }

  /** The versioned URL of an asset of a theme, inherited assets included: "/assets/<theme>/<version>/css/kirjuri.css". */
  assetUrl(theme: string, path: string): string {
    const built = this.#builtTheme(theme);
    if (!built.assets.has(path)) throw new Error(`Theme "${theme}" has no asset "${path}"; check the path under assets/.`);
    return `${built.frame.assetBase}${path.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** The asset a theme serves at a path (its own or inherited), with the current asset version. */
  findAsset(theme: string, path: string): { asset: ThemeAsset; assetVersion: string } | undefined {
    const built = this.#themes.get(theme);
    const asset = built?.assets.get(path);
    return built && asset ? { asset, assetVersion: built.info.assetVersion } : undefined;
  }

  /** Renders a view (inside a layout unless `layout: false`) to HTML. Unknown themes, views and layouts are errors. */
  render(request: RenderRequest): string {
    const themeName = request.theme ?? this.defaultTheme;
    const theme = this.#builtTheme(themeName);
    const view = theme.views.get(request.view);
    if (!view) {
      throw new AppError(500, 'unknown_view', `The view "${request.view}" does not exist in theme "${themeName}"; add views/${request.view}.hbs to a theme or register it from a plugin.`, { expose: false });
    }
    const layoutName = request.layout ?? 'main';
    const layout = layoutName === false ? undefined : theme.layouts.get(layoutName);
    if (layoutName !== false && !layout) {
      throw new AppError(500, 'unknown_layout', `The layout "${layoutName}" does not exist in theme "${themeName}"; add layouts/${layoutName}.hbs or render with the "main" layout.`, { expose: false });
    }
    const settings = request.locals.settings
      ? resolveThemeSettings(theme.info, request.locals.settings, { unknownKeys: 'ignore' })
      : theme.info.defaults;
    const frame = { ...request.locals, locale: request.locals.locale ?? 'en-GB', settings, theme: theme.frame, view: request.view };
    try {
      const body = view(request.data, { data: frame });
      if (!layout) return body;
      return layout(request.data, { data: { ...frame, body: new Handlebars.SafeString(body) } });
    } catch (error) {
      throw new AppError(500, 'render_failed', `Rendering the view "${request.view}" with theme "${themeName}" failed: ${(error as Error).message}`, { expose: false, cause: error });
    }
  }

  #builtTheme(name: string): BuiltTheme {
    const built = this.#themes.get(name);
    if (!built) {
      throw new AppError(500, 'unknown_theme', `The theme "${name}" is not installed (installed: ${this.themeNames().join(', ')}); install it or choose one of those.`, { expose: false });
    }
    return built;
  }
}

/**
 * Reads every theme in the theme directories and the plugins' view folders, validates them (manifests,
 * Kirjuri version ranges, template syntax, partial and helper names) and compiles every template once.
 * Fails with the theme's name and the reason; the engine it returns is ready to render.
 */
export async function loadThemeEngine(options: ThemeEngineOptions): Promise<ThemeEngine> {
  const discovered = await discoverThemes(options.themeDirs, options.kirjuriVersion);
  if (!discovered.has(baseThemeName)) {
    throw new ThemeLoadError(baseThemeName, `the base theme was not found in ${options.themeDirs.join(' or ')}; every installation needs themes/${baseThemeName}.`);
  }
  if (!discovered.has(options.defaultTheme)) {
    throw new ThemeLoadError(options.defaultTheme, `it is configured as the default theme (themes.default), but it is not installed in ${options.themeDirs.join(' or ')}; install it or change the setting.`);
  }
  const sources = new Map<string, ThemeSource>();
  const assetLayers = new Map<string, ReadonlyMap<string, ThemeAsset>>();
  for (const [name, { dir, manifest }] of discovered) {
    sources.set(name, await loadThemeSource(dir, manifest, await loadThemeHelpers(name, dir)));
    assetLayers.set(name, await indexAssetDirectory(dir));
  }
  const pluginViews = await compilePluginViews(options.viewDirs ?? []);
  const pluginAssets = await indexPluginAssets(options.assetDirs ?? []);
  const themes = new Map<string, BuiltTheme>();
  for (const [name, { manifest }] of discovered) {
    const chain = themeChain(name, discovered).map((link) => sources.get(link) as ThemeSource);
    const baseFirst = [...chain].reverse();
    const { assets, assetVersion } = overlayThemeAssets(manifest.version, [pluginAssets, ...baseFirst.map((source) => assetLayers.get(source.manifest.name) as ReadonlyMap<string, ThemeAsset>)]);
    themes.set(name, buildTheme(describeTheme(chain, assetVersion), chain, pluginViews, assets));
  }
  return new ThemeEngine(options.defaultTheme, themes);
}
