import { AppError } from '../http/app-error.ts';
import type { ThemeSettingDefinition } from './theme-manifest.ts';
import { checkThemeSettingValue, type ThemeSettingValue } from './theme-setting-values.ts';

/** The effective setting values of a theme: every declared key, defaults filled in. */
export type ResolvedThemeSettings = Readonly<Record<string, ThemeSettingValue>>;

/** What resolveThemeSettings needs to know about a theme (a manifest or an engine's ThemeInfo). */
export interface ThemeSettingsSource {
  readonly name: string;
  readonly settings: Readonly<Record<string, ThemeSettingDefinition>>;
}

/** How resolveThemeSettings treats override keys the theme does not declare. */
export interface ResolveThemeSettingsOptions {
  /**
   * 'reject' (the default) suits saving a tenant's branding; 'ignore' suits rendering, where a tenant's
   * stored branding may carry keys that only some themes declare.
   */
  unknownKeys?: 'reject' | 'ignore';
}

/**
 * Validates per-tenant overrides against a theme's typed settings and returns the effective values.
 * A null or undefined override means "use the theme's default". Throws a 422 AppError naming every bad key.
 */
export function resolveThemeSettings(
  theme: ThemeSettingsSource,
  overrides: Readonly<Record<string, unknown>> = {},
  options: ResolveThemeSettingsOptions = {},
): ResolvedThemeSettings {
  const resolved: Record<string, ThemeSettingValue> = {};
  const problems: { key: string; problem: string }[] = [];
  for (const [key, definition] of Object.entries(theme.settings)) {
    const override = Object.hasOwn(overrides, key) ? overrides[key] : undefined;
    if (override === undefined || override === null) {
      resolved[key] = definition.default;
      continue;
    }
    const checked = checkThemeSettingValue(definition.type, override);
    if (checked.ok) resolved[key] = checked.value;
    else problems.push({ key, problem: `"${key}" (${definition.label}) ${checked.problem}` });
  }
  if (options.unknownKeys !== 'ignore') {
    for (const key of Object.keys(overrides)) {
      if (!Object.hasOwn(theme.settings, key)) {
        const known = Object.keys(theme.settings).join(', ') || 'none';
        problems.push({ key, problem: `"${key}" is not a setting of this theme (its settings are: ${known})` });
      }
    }
  }
  if (problems.length > 0) {
    throw new AppError(422, 'invalid_theme_settings',
      `The settings for theme "${theme.name}" are not valid: ${problems.map((p) => p.problem).join('; ')}. Correct them and save again.`,
      { details: { theme: theme.name, problems } });
  }
  return Object.freeze(resolved);
}
