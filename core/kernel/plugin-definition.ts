import type { Command } from 'commander';
import type { z } from 'zod';
import type { Logger } from './create-logger.ts';
import type { HookBus } from './hook-bus.ts';
import type { HookHandler, HookName } from './hook-map.ts';
import type { JobDeclaration } from './job-declaration.ts';
import type { RouteDeclaration } from './route-declaration.ts';
import type { ServiceFactory, ServiceRegistry } from './service-registry.ts';
import type { ServiceMap, ServiceName } from './service-map.ts';
import type { Database } from '../db/open-database.ts';
import type { KirjuriConfig } from '../config/config-schema.ts';
import type { ObjectTypeDefinition } from '../access/object-access.ts';
import type { NavEntry, PagePanel, PanelSlot } from '../web/page-extensions.ts';

/** What a plugin may ask for; an administrator sees these before enabling a third-party plugin. */
export const pluginPermissions = ['routes', 'views', 'database', 'jobs', 'cli', 'objects', 'files', 'network'] as const;
export type PluginPermission = (typeof pluginPermissions)[number];

export type { ObjectTypeDefinition } from '../access/object-access.ts';

/** What a running CLI command gets: the app's parts, without an HTTP listener. */
export interface CliRuntime {
  config: KirjuriConfig;
  log: Logger;
  db: Database;
  services: ServiceRegistry;
  close(): Promise<void>;
}

/** Adds subcommands to Kirjuri's CLI; actions call `start()` to get the booted app (no I/O before that). */
export type CliCommandDefiner = (program: Command, start: () => Promise<CliRuntime>) => void;

/** What `register` may declare. It does no I/O: everything declared here is applied by the host later. */
export interface PluginRegistrar<C = unknown> {
  /** This plugin's name. */
  readonly name: string;
  /** The plugin's own source directory (views, migrations and assets are found relative to it). */
  readonly dir: string;
  /** An HTTP route; its handler gets this plugin's runtime as its third argument. */
  route<B, Q, P>(route: RouteDeclaration<B, Q, P, PluginRuntime<C>>): void;
  /** Handlebars views under `dir`, rendered as `<plugin>/<view>`. */
  views(dir: string): void;
  /**
   * Browser files (scripts, styles, images) under `dir`, served with every theme's assets as
   * `plugins/<plugin>/<path>`: a view links them with `{{assetUrl "plugins/<plugin>/js/x.js"}}`, and a
   * theme may override one by shipping `assets/plugins/<plugin>/<path>`.
   */
  assets(dir: string): void;
  /** A panel on one of core's pages (`tenant.home`, `folder.page`). */
  panel<S extends PanelSlot>(slot: S, panel: PagePanel<S>): void;
  /** An entry of each tenant's main navigation. */
  navEntry(entry: NavEntry): void;
  /** Migration files `YYYYMMDD-NN-name.ts` in `dir`, recorded under this plugin's name. */
  migrations(dir: string): void;
  service<K extends ServiceName>(name: K, factory: ServiceFactory<ServiceMap[K]>): void;
  on<K extends HookName>(hook: K, handler: HookHandler<K>): void;
  /** Declares a new hook name this plugin emits (and has added to HookMap by declaration merging). */
  declareHook(hook: HookName): void;
  job(job: JobDeclaration): void;
  objectType(name: string, definition: ObjectTypeDefinition): void;
  cli(definer: CliCommandDefiner): void;
}

/** What `bootstrap` and `destroy` get: the running instance's parts, explicitly. */
export interface PluginRuntime<C = unknown> {
  readonly name: string;
  readonly dir: string;
  /** The plugin's own validated settings (`plugins.config.<name>`). */
  readonly config: C;
  readonly kirjuri: KirjuriConfig;
  readonly log: Logger;
  readonly db: Database;
  readonly services: ServiceRegistry;
  readonly hooks: HookBus;
}

/** A plugin's manifest and lifecycle, as written in its plugin.ts. */
export interface PluginDefinition<C = unknown> {
  /** kebab-case, unique. */
  name: string;
  /** semver. */
  version: string;
  description?: string;
  /** semver ranges: `kirjuri` for core, `plugins` for other plugins this one needs. */
  requires?: { kirjuri?: string; plugins?: Record<string, string> };
  permissions?: PluginPermission[];
  /** Object types this plugin owns; each must be registered in `register`. */
  objectTypes?: string[];
  /** Schema of `plugins.config.<name>`; an empty object is validated when nothing is configured. */
  configSchema?: z.ZodType<C>;
  register?(registrar: PluginRegistrar<C>): void;
  bootstrap?(runtime: PluginRuntime<C>): void | Promise<void>;
  destroy?(runtime: PluginRuntime<C>): void | Promise<void>;
}

/**
 * Declares a plugin (typed for authors; a plain object default export works too, e.g. from a built
 * JavaScript package). The host validates the manifest strictly, unknown keys included, when it loads it.
 */
export function definePlugin<C = unknown>(definition: PluginDefinition<C>): PluginDefinition<C> {
  return Object.freeze({ ...definition });
}

/** Whether a module's default export can be a plugin definition (the manifest check says whether it is a good one). */
export function isPluginDefinition(value: unknown): value is PluginDefinition {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
