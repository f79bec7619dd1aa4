/** How each KIRJURI_* environment variable maps onto a configuration key. */
interface EnvBinding {
  path: string[];
  parse: (raw: string) => unknown;
}

const text = (raw: string): string => raw;
const nullableText = (raw: string): string | null => (raw === '' ? null : raw);
const integer = (raw: string): unknown => (/^\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw);
const boolean = (raw: string): unknown => {
  const value = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  return raw;
};
const list = (raw: string): string[] => raw.split(',').map((s) => s.trim()).filter(Boolean);

/** Every environment variable Kirjuri reads, and where it lands. */
export const environmentBindings: Readonly<Record<string, EnvBinding>> = {
  KIRJURI_DATA_DIR: { path: ['dataDir'], parse: text },
  KIRJURI_HOST: { path: ['server', 'host'], parse: text },
  KIRJURI_PORT: { path: ['server', 'port'], parse: integer },
  KIRJURI_TLS: { path: ['server', 'tls'], parse: boolean },
  KIRJURI_HTTP_REDIRECT_PORT: { path: ['server', 'httpRedirectPort'], parse: (raw) => (raw === '' ? null : integer(raw)) },
  KIRJURI_TRUST_PROXY: { path: ['server', 'trustProxy'], parse: boolean },
  KIRJURI_PUBLIC_URL: { path: ['server', 'publicUrl'], parse: nullableText },
  KIRJURI_DATABASE_URL: { path: ['database', 'url'], parse: nullableText },
  KIRJURI_LOG_LEVEL: { path: ['log', 'level'], parse: text },
  KIRJURI_MASTER_KEY: { path: ['keys', 'masterKey'], parse: nullableText },
  KIRJURI_MASTER_KEY_FILE: { path: ['keys', 'masterKeyFile'], parse: text },
  KIRJURI_AUDIT_SIGNING_KEY_FILE: { path: ['audit', 'signingKeyFile'], parse: text },
  KIRJURI_SETUP_TOKEN: { path: ['setup', 'token'], parse: nullableText },
  KIRJURI_FILES_STORE: { path: ['files', 'store'], parse: text },
  KIRJURI_FILES_LOCAL_DIR: { path: ['files', 'localDir'], parse: nullableText },
  KIRJURI_S3_ENDPOINT: { path: ['files', 's3', 'endpoint'], parse: nullableText },
  KIRJURI_S3_REGION: { path: ['files', 's3', 'region'], parse: text },
  KIRJURI_S3_BUCKET: { path: ['files', 's3', 'bucket'], parse: nullableText },
  KIRJURI_S3_PREFIX: { path: ['files', 's3', 'prefix'], parse: text },
  KIRJURI_S3_ACCESS_KEY_ID: { path: ['files', 's3', 'accessKeyId'], parse: nullableText },
  KIRJURI_S3_SECRET_ACCESS_KEY: { path: ['files', 's3', 'secretAccessKey'], parse: nullableText },
  KIRJURI_S3_FORCE_PATH_STYLE: { path: ['files', 's3', 'forcePathStyle'], parse: boolean },
  KIRJURI_CHROMIUM: { path: ['reports', 'chromium'], parse: nullableText },
  KIRJURI_BACKUP_DIR: { path: ['backup', 'dir'], parse: nullableText },
  KIRJURI_BACKUP_RECIPIENTS: { path: ['backup', 'recipients'], parse: list },
};

/** Variables that are read elsewhere (not configuration keys) but are still Kirjuri's. */
const otherKnownVariables = new Set(['KIRJURI_CONFIG']);

/** The overrides the environment asks for, the config path each came from, and unknown KIRJURI_* names. */
export function readEnvironmentOverrides(env: NodeJS.ProcessEnv): {
  overrides: Record<string, unknown>;
  sources: Map<string, string>;
  unknown: string[];
} {
  const overrides: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  const unknown: string[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('KIRJURI_') || raw === undefined) continue;
    const binding = environmentBindings[name];
    if (!binding) {
      if (!otherKnownVariables.has(name)) unknown.push(name);
      continue;
    }
    let node = overrides;
    for (const key of binding.path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[binding.path.at(-1)!] = binding.parse(raw);
    sources.set(binding.path.join('.'), name);
  }
  return { overrides, sources, unknown };
}
