import Handlebars from 'handlebars';
import { bindTemplate, type CompiledTemplate } from './compile-template.ts';
import { ThemeLoadError } from './theme-error.ts';
import type { ThemeAsset } from './theme-asset-index.ts';
import { handlebarsBuiltInHelpers } from './theme-helpers.ts';
import type { ThemeSettingDefinition } from './theme-manifest.ts';
import { resolveThemeSettings, type ResolvedThemeSettings } from './theme-settings.ts';
import type { ThemeSource } from './theme-source.ts';

/** What the engine tells callers about a loaded theme. */
export interface ThemeInfo {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly dir: string;
  /** The theme first, then the themes it inherits from, ending with "default". */
  readonly chain: readonly string[];
  /** The settings it declares merged over those it inherits. */
  readonly settings: Readonly<Record<string, ThemeSettingDefinition>>;
  readonly defaults: ResolvedThemeSettings;
  /** The version segment of its asset URLs. */
  readonly assetVersion: string;
}

/** A theme ready to render: its own Handlebars environment with everything inherited bound in. */
export interface BuiltTheme {
  readonly info: ThemeInfo;
  readonly layouts: ReadonlyMap<string, HandlebarsTemplateDelegate>;
  readonly views: ReadonlyMap<string, HandlebarsTemplateDelegate>;
  readonly assets: ReadonlyMap<string, ThemeAsset>;
  /** `@theme` in templates. */
  readonly frame: Readonly<{ name: string; version: string; assetVersion: string; assetBase: string }>;
}

/** Entries of every layer, base first, so that later layers override earlier ones by name. */
function overlay<T>(layers: readonly ReadonlyMap<string, T>[]): Map<string, T> {
  const merged = new Map<string, T>();
  for (const layer of layers) for (const [name, value] of layer) merged.set(name, value);
  return merged;
}

/** Merges the setting declarations of a chain (leaf first) into the theme's info. */
export function describeTheme(chain: readonly ThemeSource[], assetVersion: string): ThemeInfo {
  const own = chain[0] as ThemeSource;
  const settings: Record<string, ThemeSettingDefinition> = {};
  for (const source of [...chain].reverse()) Object.assign(settings, source.manifest.settings);
  const partial = { name: own.manifest.name, settings };
  return Object.freeze({
    name: own.manifest.name,
    version: own.manifest.version,
    description: own.manifest.description,
    dir: own.dir,
    chain: Object.freeze(chain.map((source) => source.manifest.name)),
    settings: Object.freeze(settings),
    defaults: resolveThemeSettings(partial, {}),
    assetVersion,
  });
}

/**
 * Builds one theme's environment from its chain (leaf first) and the plugins' views: helpers, partials,
 * layouts and views overlay by name, the theme's own winning, and a theme's view overrides a plugin's.
 * Every statically named partial and helper must exist, so a typo fails the boot, not a request.
 */
export function buildTheme(
  info: ThemeInfo,
  chain: readonly ThemeSource[],
  pluginViews: ReadonlyMap<string, CompiledTemplate>,
  assets: ReadonlyMap<string, ThemeAsset>,
): BuiltTheme {
  const baseFirst = [...chain].reverse();
  const env = Handlebars.create();
  const helpers = overlay(baseFirst.map((source) => source.helpers));
  const partials = overlay(baseFirst.map((source) => source.partials));
  const layouts = overlay(baseFirst.map((source) => source.layouts));
  const views = overlay([pluginViews, ...baseFirst.map((source) => source.views)]);

  const check = (kind: string, name: string, template: CompiledTemplate): void => {
    const origin = `${template.file}${pluginViews.get(name) === template ? ` (the ${kind} ${name} of a plugin)` : ''}`;
    for (const partial of template.references.partials) {
      if (!partials.has(partial)) {
        throw new ThemeLoadError(info.name, `${origin} uses the partial "${partial}", which neither this theme nor the themes it extends (${info.chain.slice(1).join(', ') || 'none'}) provide; add partials/${partial}.hbs or correct the name.`);
      }
    }
    for (const helper of template.references.helpers) {
      if (!helpers.has(helper) && !handlebarsBuiltInHelpers.has(helper)) {
        throw new ThemeLoadError(info.name, `${origin} uses the helper "${helper}", which neither this theme nor the themes it extends provide; add helpers/<kebab-case-name>.ts or correct the name.`);
      }
    }
    for (const asset of template.references.assets) {
      if (!assets.has(asset)) {
        throw new ThemeLoadError(info.name, `${origin} links the asset "${asset}", which is not under assets/ of this theme or the themes it extends; add the file or correct the path.`);
      }
    }
  };

  for (const [name, helper] of helpers) env.registerHelper(name, helper);
  for (const [name, template] of partials) {
    check('partial', name, template);
    env.registerPartial(name, bindTemplate(env, template));
  }
  const bind = (kind: string, templates: Map<string, CompiledTemplate>): Map<string, HandlebarsTemplateDelegate> => {
    const bound = new Map<string, HandlebarsTemplateDelegate>();
    for (const [name, template] of templates) {
      check(kind, name, template);
      bound.set(name, bindTemplate(env, template));
    }
    return bound;
  };

  return {
    info,
    layouts: bind('layout', layouts),
    views: bind('view', views),
    assets,
    frame: Object.freeze({
      name: info.name,
      version: info.version,
      assetVersion: info.assetVersion,
      assetBase: `/assets/${info.name}/${encodeURIComponent(info.assetVersion)}/`,
    }),
  };
}
