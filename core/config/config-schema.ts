import { z } from 'zod';

/** Byte sizes as written in config ("1mb", "512kb", 1048576). */
const byteSize = z.union([z.number().int().positive(), z.string().regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)$/i, 'must be a size such as "1mb" or "512kb"')]);
// 0 asks the system for any free port (tests and benchmarks use it; the URL printed at start names the one chosen).
const port = z.number().int().min(0).max(65535);
const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** The schema of Kirjuri's configuration; config/default.json documents every key. */
export const configSchema = z.strictObject({
  dataDir: z.string().min(1),
  server: z.strictObject({
    host: z.string().min(1),
    port,
    tls: z.boolean(),
    certFile: z.string().min(1).nullable(),
    keyFile: z.string().min(1).nullable(),
    certHostnames: z.array(z.string().min(1)),
    httpRedirectPort: port.nullable(),
    trustProxy: z.boolean(),
    publicUrl: z.url({ protocol: /^https?$/ }).nullable(),
    jsonLimit: byteSize,
    shutdownTimeoutMs: z.number().int().min(0),
    hstsMaxAgeSeconds: z.number().int().min(0),
  }).refine((s) => (s.certFile === null) === (s.keyFile === null), {
    message: 'certFile and keyFile must be set together', path: ['certFile'],
  }),
  database: z.strictObject({
    url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (or null for SQLite)').nullable(),
    sqliteFile: z.string().min(1),
    busyTimeoutMs: z.number().int().min(0),
    writerWaitTimeoutMs: z.number().int().min(1),
    guardTransactions: z.boolean(),
    poolMax: z.number().int().min(1),
    logQueries: z.boolean(),
  }),
  log: z.strictObject({ level: logLevel }),
  keys: z.strictObject({
    masterKey: z.string().min(1).nullable(),
    masterKeyFile: z.string().min(1),
    rewrapBatchSize: z.number().int().min(1).max(100_000),
  }),
  setup: z.strictObject({ token: z.string().min(16, 'must be at least 16 characters').nullable() }),
  sessions: z.strictObject({
    idleMinutes: z.number().int().min(1).max(24 * 60),
    absoluteHours: z.number().int().min(1).max(24 * 30),
  }),
  audit: z.strictObject({
    signingKeyFile: z.string().min(1).nullable(),
    retentionMonths: z.number().int().min(1).max(1200),
    viewFlushMs: z.number().int().min(10).max(60_000),
    viewBatchSize: z.number().int().min(1).max(100_000),
    checkpointMinutes: z.number().int().min(1).max(24 * 60),
  }),
  shares: z.strictObject({
    inviteDays: z.number().int().min(1).max(365),
  }),
  files: z.strictObject({
    store: z.enum(['local', 's3']),
    localDir: z.string().min(1).nullable(),
    maxFileBytes: z.number().int().min(1),
    maxTenantBytes: z.number().int().min(1),
    s3: z.strictObject({
      endpoint: z.url({ protocol: /^https?$/ }).nullable(),
      region: z.string().min(1),
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens').nullable(),
      prefix: z.string().regex(/^([A-Za-z0-9][A-Za-z0-9._-]*\/)*$/, 'must be empty or segments of letters, digits, ".", "_" and "-" ending in "/", such as "kirjuri/"'),
      accessKeyId: z.string().min(1).nullable(),
      secretAccessKey: z.string().min(1).nullable(),
      forcePathStyle: z.boolean(),
    }).refine((s) => (s.accessKeyId === null) === (s.secretAccessKey === null), {
      message: 'accessKeyId and secretAccessKey must be set together (or both left null for the SDK\'s own credentials)', path: ['secretAccessKey'],
    }),
  }).refine((f) => f.store !== 's3' || f.s3.bucket !== null, {
    message: 'must be set when files.store is "s3"', path: ['s3', 'bucket'],
  }),
  reports: z.strictObject({ chromium: z.string().min(1).nullable() }),
  backup: z.strictObject({
    dir: z.string().min(1).nullable(),
    recipients: z.array(z.string().regex(/^age1[0-9a-z]+$/, 'must be an age public key (age1...)')),
  }),
  plugins: z.strictObject({
    extraDirs: z.array(z.string().min(1)),
    disabled: z.array(z.string().min(1)),
    config: z.record(z.string(), z.unknown()),
  }),
  themes: z.strictObject({ default: z.string().min(1) }),
  jobs: z.strictObject({
    enabled: z.boolean(),
    pollIntervalMs: z.number().int().min(50),
  }),
});

/** Kirjuri's validated, frozen configuration. */
export type KirjuriConfig = z.infer<typeof configSchema>;

/** A partial configuration as an override file or a test writes it. */
export type ConfigOverrides = { [K in keyof KirjuriConfig]?: KirjuriConfig[K] extends object ? Partial<KirjuriConfig[K]> : KirjuriConfig[K] };
