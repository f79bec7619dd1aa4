import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { z } from 'zod';
import { ThemeLoadError } from './theme-error.ts';
import { checkThemeSettingValue, themeSettingTypes, type ThemeSettingType, type ThemeSettingValue } from './theme-setting-values.ts';

/** Theme and setting names: a theme name is also a URL segment and a folder name. */
export const themeNamePattern = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const settingKeyPattern = /^[a-z][a-zA-Z0-9]*$/;

const settingSchema = z.strictObject({
  type: z.enum(themeSettingTypes),
  label: z.string().min(1).max(80),
  default: z.union([z.string(), z.boolean()]),
  help: z.string().min(1).max(300).optional(),
}).transform((setting, ctx) => {
  const checked = checkThemeSettingValue(setting.type, setting.default);
  if (checked.ok) return { ...setting, default: checked.value };
  ctx.addIssue({ code: 'custom', path: ['default'], message: `the default ${checked.problem}` });
  return z.NEVER;
});

const manifestSchema = z.strictObject({
  name: z.string().max(64).regex(themeNamePattern, 'must be lower-case kebab-case, such as "acme-dark"'),
  version: z.string().refine((v) => semver.valid(v) !== null, 'must be a semantic version such as "1.2.0"'),
  description: z.string().min(1).max(500),
  kirjuri: z.string().refine((r) => semver.validRange(r) !== null, 'must be a semver range of Kirjuri versions such as "^0.1 || ^1"'),
  extends: z.string().regex(themeNamePattern, 'must name another theme').optional(),
  settings: z.record(z.string().regex(settingKeyPattern, 'setting keys must be camelCase, such as "primaryColor"'), settingSchema).default({}),
});

/** One typed setting a theme declares in theme.json. */
export interface ThemeSettingDefinition {
  readonly type: ThemeSettingType;
  readonly label: string;
  readonly default: ThemeSettingValue;
  readonly help?: string;
}

/** A validated theme.json. */
export interface ThemeManifest {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly kirjuri: string;
  readonly extends?: string;
  readonly settings: Readonly<Record<string, ThemeSettingDefinition>>;
}

/** Turns zod's issues into one line each, naming the key the way it is written in theme.json. */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const where = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => `"${where ? `${where}.` : ''}${k}"`).join(', ');
      return `${keys} ${issue.keys.length === 1 ? 'is not a known key' : 'are not known keys'}; remove ${issue.keys.length === 1 ? 'it' : 'them'}`;
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) return `"${where}" is missing`;
    return `"${where}" ${issue.message.replace(/^Invalid input: /, '')}`;
  });
}

/** Reads and strictly validates `<themeDir>/theme.json` for the theme in folder `folderName`. */
export async function readThemeManifest(themeDir: string, folderName: string): Promise<ThemeManifest> {
  const file = join(themeDir, 'theme.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ThemeLoadError(folderName, `${file} could not be read (${(error as Error).message}); every theme folder needs a theme.json.`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ThemeLoadError(folderName, `${file} is not valid JSON: ${(error as Error).message}.`, { cause: error });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues);
    throw new ThemeLoadError(folderName, `${file} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  if (parsed.data.name !== folderName) {
    throw new ThemeLoadError(folderName, `${file} names the theme "${parsed.data.name}", but its folder is "${folderName}"; rename one so that they match.`);
  }
  return parsed.data;
}
