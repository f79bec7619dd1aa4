export { loadThemeEngine, ThemeEngine, type RenderLocals, type RenderRequest, type ThemeEngineOptions } from './theme-engine.ts';
export type { ThemeInfo } from './build-theme.ts';
export { serveThemeAssets } from './serve-theme-assets.ts';
export { resolveThemeSettings, type ResolvedThemeSettings, type ResolveThemeSettingsOptions, type ThemeSettingsSource } from './theme-settings.ts';
export { readThemeManifest, type ThemeManifest, type ThemeSettingDefinition } from './theme-manifest.ts';
export type { ThemeSettingType, ThemeSettingValue } from './theme-setting-values.ts';
export type { ThemeAsset } from './theme-asset-index.ts';
export { ThemeLoadError } from './theme-error.ts';
