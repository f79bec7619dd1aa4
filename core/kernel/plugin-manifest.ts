import semver from 'semver';
import { z } from 'zod';
import { pluginPermissions, type PluginDefinition } from './plugin-definition.ts';

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');
const semverRange = z.string().refine((r) => semver.validRange(r) !== null, 'must be a semver range such as "^1.2"');
const pluginName = z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'must be kebab-case (a-z, 0-9 and single dashes)').max(64);

/** The manifest schema: every key definePlugin knows, nothing else. */
const manifestSchema = z.strictObject({
  name: pluginName,
  version: z.string().refine((v) => semver.valid(v) !== null, 'must be a semver version such as "1.0.0"'),
  description: z.string().max(500).optional(),
  requires: z.strictObject({
    kirjuri: semverRange.optional(),
    plugins: z.record(pluginName, semverRange).optional(),
  }).optional(),
  permissions: z.array(z.enum(pluginPermissions)).optional(),
  objectTypes: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case, e.g. "record"')).optional(),
  configSchema: z.custom<z.ZodType>((v) => v instanceof z.ZodType, 'must be a zod schema').optional(),
  register: fn.optional(),
  bootstrap: fn.optional(),
  destroy: fn.optional(),
});

/** Returns the problems of a plugin's manifest, one sentence each; empty when it is valid. */
export function findManifestProblems(definition: PluginDefinition): string[] {
  const result = manifestSchema.safeParse({ ...definition });
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return `unknown manifest key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    return `"${issue.path.join('.')}" ${issue.message}`;
  });
}
