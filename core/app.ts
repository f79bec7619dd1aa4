import { join } from 'node:path';
import Koa from 'koa';
import type { KirjuriConfig } from './config/config-schema.ts';
import { createLogger, type Logger } from './kernel/create-logger.ts';
import { HookBus } from './kernel/hook-bus.ts';
import { ServiceRegistry } from './kernel/service-registry.ts';
import { kirjuriVersion, packageRoot } from './kernel/install-paths.ts';
import { discoverPlugins } from './kernel/plugin-discovery.ts';
import { orderPlugins } from './kernel/plugin-order.ts';
import { bootstrapPlugins, destroyPlugins, registerPlugins, type PluginDeclarations, type RegisteredPlugin } from './kernel/plugin-host.ts';
import type { PluginRuntime } from './kernel/plugin-definition.ts';
import { prepareDataDir } from './kernel/prepare-data-dir.ts';
import { openDatabase, type Database } from './db/open-database.ts';
import { ExternalWriteWatch } from './db/external-write-watch.ts';
import { coreMigrations, runMigrations } from './db/run-migrations.ts';
import { JobScheduler } from './jobs/job-scheduler.ts';
import { loadThemeEngine, type ThemeEngine } from './web/theme-engine.ts';
import { serveThemeAssets } from './web/serve-theme-assets.ts';
import { createFragmentRenderer, createPageRenderer, sendPage } from './web/page-renderer.ts';
import { PageExtensions } from './web/page-extensions.ts';
import type {} from './web/page-service.ts';
import { requestFrame } from './http/request-frame.ts';
import { buildRouteTable } from './http/route-table.ts';
import { buildOpenApiDocument } from './http/openapi-document.ts';
import { coreRoutes } from './http/core-routes.ts';
import type { OwnedRoute } from './kernel/route-declaration.ts';
import { createIdentity, type Identity } from './identity/create-identity.ts';
import { prepareSetupToken } from './identity/setup-token.ts';
import { createPeopleService } from './identity/people-service.ts';
import type { PasswordHasher } from './identity/password-hasher.ts';
import { createAccess, type Access } from './access/create-access.ts';
import { createAudit, type Audit } from './audit/create-audit.ts';
import { answerAfterAuditWritten } from './audit/request-audit.ts';
import { createBlobStore } from './files/create-blob-store.ts';
import type { BlobStore } from './files/blob-store.ts';
import { createEncryptedFiles } from './files/encrypted-files.ts';
import { sweepOrphanBlobs } from './files/orphan-blob-sweep.ts';
import { openKeyring, type Keyring } from './crypto/keyring.ts';
import type {} from './crypto/key-service.ts';

/** A booted Kirjuri: the Koa app (not listening: tests use app.callback()), its parts, and close(). */
export interface KirjuriApp {
  app: Koa;
  config: KirjuriConfig;
  log: Logger;
  db: Database;
  services: ServiceRegistry;
  hooks: HookBus;
  themes: ThemeEngine;
  plugins: readonly RegisteredPlugin[];
  declarations: PluginDeclarations;
  /** Every route, core's and the plugins', as the router serves them. */
  routes: readonly OwnedRoute[];
  scheduler: JobScheduler;
  /** Core identity: users, tenants, memberships, sessions, tokens, sign-in. */
  identity: Identity;
  /** Core access control: object types, folders, shares. */
  access: Access;
  /** The audit log: writer, queries, verification, checkpoints, retention. */
  audit: Audit;
  /** Where encrypted blobs live (files.store): the local disk or an S3 bucket; plugins get it as `core.blobs`. */
  blobs: BlobStore;
  /** The keyring: master key versions, tenant keys, blob data keys, rotation. */
  keys: Keyring;
  /** The one-time setup token to print at start, or null (set up already, or it comes from setup.token). */
  setupToken: string | null;
  /** Stops jobs, destroys plugins in reverse order, closes the database and the blob store. Safe to call twice. */
  close(): Promise<void>;
}

/** Folders plugins are discovered in: the bundled ones, the data dir's, and any configured extras. */
export function pluginRoots(config: KirjuriConfig): string[] {
  return [join(packageRoot, 'plugins'), join(config.dataDir, 'plugins'), ...config.plugins.extraDirs];
}

/**
 * Boots Kirjuri from a validated config: plugins registered, themes compiled, database migrated,
 * plugins bootstrapped, middleware assembled. Any failure stops here with a clear error and
 * closes what was opened: never a half-started server.
 */
export async function createApp(config: KirjuriConfig, options: { log?: Logger; passwordHasher?: PasswordHasher } = {}): Promise<KirjuriApp> {
  const log = options.log ?? createLogger(config.log.level);
  prepareDataDir(config.dataDir);

  const hooks = new HookBus(['app.started', 'app.stopping']);
  const services = new ServiceRegistry();
  const declarations: PluginDeclarations = { routes: [], viewDirs: [], assetDirs: [], pages: new PageExtensions(), migrationSets: [], jobs: [], objectTypes: new Map(), cliDefiners: [] };
  const discovered = orderPlugins(await discoverPlugins(pluginRoots(config), config.plugins.disabled), kirjuriVersion);
  const plugins = registerPlugins(discovered, { pluginConfig: config.plugins.config, services, hooks, declarations });

  const themes = await loadThemeEngine({
    themeDirs: [join(packageRoot, 'themes'), join(config.dataDir, 'themes')],
    defaultTheme: config.themes.default,
    kirjuriVersion,
    viewDirs: declarations.viewDirs,
    assetDirs: declarations.assetDirs,
  });
  const renderPage = createPageRenderer(themes, declarations.pages);
  const renderFragment = createFragmentRenderer(themes);

  const blobs = await createBlobStore(config, log);
  let db: Database;
  try {
    db = await openDatabase({ config: config.database, dataDir: config.dataDir, log });
  } catch (error) {
    await blobs.close().catch(() => undefined);
    throw error;
  }
  const closeStores = async (): Promise<void> => {
    await db.close().catch(() => undefined);
    await blobs.close().catch(() => undefined);
  };
  const identity = createIdentity(db, config, { renderPage, hasher: options.passwordHasher });
  const access = createAccess({
    db, identity, pluginObjectTypes: declarations.objectTypes, renderPage, pageExtensions: declarations.pages, publicUrl: config.server.publicUrl, inviteDays: config.shares.inviteDays,
  });
  services.provide('core', 'core.folders', () => access.folderService);
  services.provide('core', 'core.shares', () => access.shareService);
  services.provide('core', 'core.pages', () => ({ render: renderPage, fragment: renderFragment, send: sendPage }));
  services.provide('core', 'core.people', () => createPeopleService(db));
  services.provide('core', 'core.blobs', () => blobs);
  let audit: Audit;
  try {
    audit = createAudit({ db, config, log, tenants: identity.tenants, renderPage });
  } catch (error) {
    await closeStores();
    throw error;
  }

  let openApi: Record<string, unknown> | undefined;
  const routes: OwnedRoute[] = [
    ...coreRoutes({ version: kirjuriVersion, openApiDocument: () => (openApi ??= buildOpenApiDocument(routes, { version: kirjuriVersion })) }),
    ...identity.routes,
    ...access.routes,
    ...audit.routes,
    ...declarations.routes,
  ];
  const routeTable = buildRouteTable(routes, { bodyLimit: config.server.jsonLimit });
  const scheduler = new JobScheduler({ db, log, pollIntervalMs: config.jobs.pollIntervalMs });
  const runtimeFor = (plugin: RegisteredPlugin): PluginRuntime => ({
    name: plugin.definition.name, dir: plugin.dir, config: plugin.config, kirjuri: config,
    log: log.child({ plugin: plugin.definition.name }), db, services, hooks,
  });
  let setupToken: string | null;
  let keys: Keyring;
  // Built below, after migrations and before any plugin bootstraps (services build just before that).
  services.provide('core', 'core.keys', () => keys);
  services.provide('core', 'core.files', () => createEncryptedFiles({ blobs, keys, catalog: keys.blobs, log: log.child({ component: 'files' }) }));
  try {
    await runMigrations(db, [coreMigrations, ...declarations.migrationSets], log);
    keys = await openKeyring({ db, config, log, audit: audit.log });
    setupToken = await prepareSetupToken(db, { configuredToken: config.setup.token, setUp: await identity.users.anyExists() });
    await services.build('core');
    await bootstrapPlugins(plugins, runtimeFor, services);
    // Ended sessions are refused on sight; this only keeps the table from growing.
    scheduler.add({ owner: 'core', name: 'core.purge-sessions', intervalMs: 60 * 60_000, run: async () => { await identity.sessions.purgeExpired(); } });
    // Ciphertext a crash left between an upload's put and its commit (or a removed tenant's) goes after the grace period.
    scheduler.add({
      owner: 'core', name: 'core.sweep-orphan-blobs', intervalMs: 24 * 60 * 60_000, timeoutMs: 60 * 60_000,
      run: async (signal) => { await sweepOrphanBlobs({ blobs, catalog: keys.blobs, log: log.child({ component: 'files' }), signal }); },
    });
    for (const job of audit.jobs) scheduler.add(job);
    for (const job of declarations.jobs) scheduler.add(job);
  } catch (error) {
    (keys! as Keyring | undefined)?.close();
    await closeStores();
    throw error;
  }

  const app = new Koa({ proxy: config.server.trustProxy });
  app.silent = true;
  app.context.identity = identity.services;
  app.context.access = access.control;
  app.context.audit = audit.log;
  app.use(requestFrame({
    log, trustProxy: config.server.trustProxy, hstsMaxAgeSeconds: config.server.hstsMaxAgeSeconds,
    renderErrorPage: (ctx, error) => renderPage(ctx, 'core/error', { status: error.status, code: error.code, title: error.expose ? error.message : 'Something went wrong', message: error.expose ? error.message : 'Something went wrong on our side. Try again; if it keeps failing, give the administrator the request id.' }),
  }));
  app.use(serveThemeAssets(themes));
  if (db.externalWriteVersion) {
    // What a CLI command beside this server changed (a user disabled, a role changed) counts from the next request on.
    const watch = new ExternalWriteWatch(db.externalWriteVersion, () => {
      identity.readCache.invalidateAfter(null);
      access.readCache.invalidateAfter(null);
    });
    app.use((_ctx, next) => watch.settled().then(next));
  }
  // Inside the frame, so that an error answer waits for its access.denied entry too.
  app.use(answerAfterAuditWritten(audit.log));
  app.use(routeTable);

  if (config.jobs.enabled) scheduler.start();
  await hooks.emit('app.started', { at: new Date() });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= (async () => {
    await scheduler.stop();
    await hooks.emit('app.stopping', { reason: 'close' }).catch((error: unknown) => log.error({ err: error }, 'app.stopping handler failed'));
    try {
      await destroyPlugins(plugins, runtimeFor);
    } finally {
      // What plugins queued while stopping is written too; then the database closes.
      await audit.close().catch((error: unknown) => log.error({ err: error }, 'Writing the queued audit entries failed'));
      keys.close();
      try {
        await db.close();
      } finally {
        await blobs.close().catch((error: unknown) => log.error({ err: error }, 'Closing the blob store failed'));
      }
    }
  })());

  return { app, config, log, db, services, hooks, themes, plugins, declarations, routes, scheduler, identity, access, audit, blobs, keys, setupToken, close };
}
