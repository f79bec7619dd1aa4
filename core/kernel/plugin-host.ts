import { isAbsolute, join } from 'node:path';
import type { z } from 'zod';
import type { CliCommandDefiner, ObjectTypeDefinition, PluginDefinition, PluginPermission, PluginRegistrar, PluginRuntime } from './plugin-definition.ts';
import type { DiscoveredPlugin } from './plugin-discovery.ts';
import { PluginLoadError } from './plugin-load-error.ts';
import type { HookBus } from './hook-bus.ts';
import type { JobDeclaration } from './job-declaration.ts';
import type { OwnedRoute, ValidatedInput } from './route-declaration.ts';
import type { Context } from 'koa';
import type { ServiceRegistry } from './service-registry.ts';
import type { PageExtensions } from '../web/page-extensions.ts';

/** A plugin after `register`: its definition, validated config and everything it declared. */
export interface RegisteredPlugin {
  definition: PluginDefinition;
  dir: string;
  config: unknown;
  state: 'registered' | 'bootstrapped' | 'destroyed';
  /** Set at bootstrap; route handlers get it. */
  runtime?: PluginRuntime;
}

/** Everything the plugins declared, for the parts of core that apply it. */
export interface PluginDeclarations {
  routes: OwnedRoute[];
  viewDirs: Array<{ namespace: string; dir: string }>;
  assetDirs: Array<{ namespace: string; dir: string }>;
  /** Panels and navigation entries for core's pages. */
  pages: PageExtensions;
  migrationSets: Array<{ owner: string; dir: string }>;
  jobs: Array<JobDeclaration & { owner: string }>;
  objectTypes: Map<string, ObjectTypeDefinition & { owner: string }>;
  cliDefiners: Array<{ owner: string; define: CliCommandDefiner }>;
}

/** Validates `plugins.config.<name>` with the plugin's schema; problems name the full key. */
function validatePluginConfig(definition: PluginDefinition, raw: unknown): unknown {
  const schema = definition.configSchema as z.ZodType | undefined;
  if (!schema) {
    if (raw !== undefined && !(typeof raw === 'object' && raw !== null && Object.keys(raw).length === 0)) {
      throw new PluginLoadError(definition.name, `plugins.config.${definition.name} is set, but the plugin takes no settings`);
    }
    return {};
  }
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `plugins.config.${[definition.name, ...i.path].join('.')}: ${i.message}`);
  throw new PluginLoadError(definition.name, `its settings are invalid: ${problems.join('; ')}`);
}

/**
 * Runs each plugin's `register` in dependency order, collecting what it declares. Declarations that
 * need a permission the manifest does not ask for, or name things twice, fail with the plugin's name.
 */
export function registerPlugins(
  plugins: DiscoveredPlugin[],
  options: { pluginConfig: Readonly<Record<string, unknown>>; services: ServiceRegistry; hooks: HookBus; declarations: PluginDeclarations },
): RegisteredPlugin[] {
  const { services, hooks, declarations } = options;
  const registered: RegisteredPlugin[] = [];
  for (const { definition, dir } of plugins) {
    const name = definition.name;
    const config = validatePluginConfig(definition, options.pluginConfig[name]);
    const entry: RegisteredPlugin = { definition, dir, config, state: 'registered' };
    const require = (permission: PluginPermission, what: string): void => {
      if (!definition.permissions?.includes(permission)) throw new Error(`it ${what} without the "${permission}" permission in its manifest`);
    };
    const inside = (path: string): string => (isAbsolute(path) ? path : join(dir, path));
    const registrar: PluginRegistrar = {
      name,
      dir,
      route(route) {
        require('routes', `declares route ${route.method} ${route.path}`);
        const handler = route.handler as (ctx: Context, input: ValidatedInput<unknown, unknown, unknown>, runtime: PluginRuntime) => void | Promise<void>;
        declarations.routes.push({
          ...(route as unknown as OwnedRoute),
          owner: name,
          handler(ctx, input) {
            if (!entry.runtime) throw new Error(`Plugin ${name} received a request before it bootstrapped.`);
            return handler(ctx, input, entry.runtime);
          },
        });
      },
      views(viewDir) {
        require('views', 'adds views');
        declarations.viewDirs.push({ namespace: name, dir: inside(viewDir) });
      },
      assets(assetDir) {
        require('views', 'adds browser assets');
        declarations.assetDirs.push({ namespace: name, dir: inside(assetDir) });
      },
      panel(slot, panel) {
        require('views', `adds a panel to ${slot}`);
        declarations.pages.addPanel(name, slot, panel);
      },
      navEntry(entry) {
        require('views', `adds the navigation entry "${entry.label}"`);
        declarations.pages.addNavEntry(name, entry);
      },
      migrations(migrationDir) {
        require('database', 'adds migrations');
        declarations.migrationSets.push({ owner: name, dir: inside(migrationDir) });
      },
      service: (serviceName, factory) => services.provide(name, serviceName, factory),
      on: (hook, handler) => hooks.on(name, hook, handler),
      declareHook: (hook) => hooks.declare(hook),
      job(job) {
        require('jobs', `declares job "${job.name}"`);
        if (declarations.jobs.some((j) => j.name === job.name)) throw new Error(`job "${job.name}" is declared twice`);
        declarations.jobs.push({ ...job, owner: name });
      },
      objectType(typeName, objectType) {
        require('objects', `registers object type "${typeName}"`);
        if (!definition.objectTypes?.includes(typeName)) throw new Error(`it registers object type "${typeName}" that its manifest's objectTypes does not list`);
        const existing = declarations.objectTypes.get(typeName);
        if (existing) throw new Error(`object type "${typeName}" is already registered by ${existing.owner}`);
        declarations.objectTypes.set(typeName, { ...objectType, owner: name });
      },
      cli(define) {
        require('cli', 'adds CLI commands');
        declarations.cliDefiners.push({ owner: name, define });
      },
    };
    try {
      definition.register?.(registrar);
      for (const typeName of definition.objectTypes ?? []) {
        if (!declarations.objectTypes.has(typeName)) throw new Error(`its manifest lists object type "${typeName}" but register() does not define it`);
      }
    } catch (error) {
      if (error instanceof PluginLoadError) throw error;
      throw new PluginLoadError(name, `register() failed: ${(error as Error).message}`, { cause: error });
    }
    registered.push(entry);
  }
  return registered;
}

/** Builds each plugin's services and runs its bootstrap, in order; on failure, destroys what started and rethrows. */
export async function bootstrapPlugins(
  plugins: RegisteredPlugin[],
  runtimeFor: (plugin: RegisteredPlugin) => PluginRuntime,
  services: ServiceRegistry,
): Promise<void> {
  for (const plugin of plugins) {
    try {
      await services.build(plugin.definition.name);
      plugin.runtime = runtimeFor(plugin);
      await plugin.definition.bootstrap?.(plugin.runtime);
      plugin.state = 'bootstrapped';
    } catch (error) {
      await destroyPlugins(plugins, runtimeFor).catch(() => undefined);
      throw new PluginLoadError(plugin.definition.name, `bootstrap failed: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** Runs `destroy` of every bootstrapped plugin in reverse order; collects failures and reports them together. */
export async function destroyPlugins(plugins: RegisteredPlugin[], runtimeFor: (plugin: RegisteredPlugin) => PluginRuntime): Promise<void> {
  const failures: string[] = [];
  for (const plugin of [...plugins].reverse()) {
    if (plugin.state !== 'bootstrapped') continue;
    plugin.state = 'destroyed';
    try {
      await plugin.definition.destroy?.(runtimeFor(plugin));
    } catch (error) {
      failures.push(`${plugin.definition.name}: ${(error as Error).message}`);
    }
  }
  if (failures.length) throw new Error(`Some plugins failed to stop cleanly: ${failures.join('; ')}.`);
}
