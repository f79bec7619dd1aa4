import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from './config-error.ts';
import { configSchema, type ConfigOverrides, type KirjuriConfig } from './config-schema.ts';
import { readEnvironmentOverrides } from './environment-overrides.ts';
import { packageRoot } from '../kernel/install-paths.ts';

type Json = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Drops the '//'-prefixed documentation keys that config files may carry. */
function stripDocumentation(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith('//')).map(([k, v]) => [k, stripDocumentation(v)]));
}

/** Merges `top` over `base`: objects key by key, everything else replaced. */
function mergeDeep(base: unknown, top: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(top)) return top === undefined ? base : top;
  const result: Json = { ...base };
  for (const [key, value] of Object.entries(top)) result[key] = key === 'config' ? value : mergeDeep(base[key], value);
  return result;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function readJsonFile(file: string, what: string): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`${what} ${file} could not be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${what} ${file} is not valid JSON: ${(error as Error).message}.`]);
  }
  if (!isPlainObject(parsed)) throw new ConfigError([`${what} ${file} must hold a JSON object.`]);
  return stripDocumentation(parsed) as Json;
}

export interface LoadConfigOptions {
  /** Environment to read KIRJURI_* from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Programmatic overrides (tests), applied over the files and under the environment. */
  overrides?: ConfigOverrides;
  /** Directory relative paths are resolved against; defaults to the working directory. */
  cwd?: string;
}

/**
 * Loads config/default.json, the optional KIRJURI_CONFIG file, overrides and KIRJURI_* variables,
 * validates the result and returns it frozen. Throws one ConfigError naming every bad key.
 */
export function loadConfig(options: LoadConfigOptions = {}): KirjuriConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let merged: unknown = readJsonFile(join(packageRoot, 'config', 'default.json'), 'The default configuration');
  if (env.KIRJURI_CONFIG) merged = mergeDeep(merged, readJsonFile(resolve(cwd, env.KIRJURI_CONFIG), 'The configuration file (KIRJURI_CONFIG)'));
  if (options.overrides) merged = mergeDeep(merged, options.overrides);
  const fromEnv = readEnvironmentOverrides(env);
  merged = mergeDeep(merged, fromEnv.overrides);

  const problems = fromEnv.unknown.map((name) => `${name}: is not a Kirjuri environment variable (see config/default.json for the list).`);
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = issue.path.join('.') || '(top level)';
      const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => (key === '(top level)' ? k : `${key}.${k}`)) : [];
      if (unknownKeys.length) {
        for (const k of unknownKeys) problems.push(`${k}: is not a known setting.`);
        continue;
      }
      const source = fromEnv.sources.get(key);
      problems.push(`${key}${source ? ` (from ${source})` : ''}: ${issue.message}.`);
    }
  }
  if (problems.length) throw new ConfigError(problems);

  const config = result.data!;
  const absolute = (p: string): string => (isAbsolute(p) ? p : resolve(cwd, p));
  config.dataDir = absolute(config.dataDir);
  config.keys.masterKeyFile = absolute(config.keys.masterKeyFile);
  config.audit.signingKeyFile = config.audit.signingKeyFile ? absolute(config.audit.signingKeyFile) : join(dirname(config.keys.masterKeyFile), 'audit-signing.pem');
  if (config.server.certFile) config.server.certFile = absolute(config.server.certFile);
  if (config.server.keyFile) config.server.keyFile = absolute(config.server.keyFile);
  if (config.backup.dir) config.backup.dir = absolute(config.backup.dir);
  if (config.files.localDir) config.files.localDir = absolute(config.files.localDir);
  config.plugins.extraDirs = config.plugins.extraDirs.map(absolute);
  return deepFreeze(config);
}
