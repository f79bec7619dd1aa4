import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { z } from 'zod';
import { definePlugin, type PluginDefinition, type PluginRuntime } from '../../core/kernel/plugin-definition.ts';
import { discoverPlugins, type DiscoveredPlugin } from '../../core/kernel/plugin-discovery.ts';
import { findManifestProblems } from '../../core/kernel/plugin-manifest.ts';
import { orderPlugins } from '../../core/kernel/plugin-order.ts';
import { bootstrapPlugins, destroyPlugins, registerPlugins, type PluginDeclarations, type RegisteredPlugin } from '../../core/kernel/plugin-host.ts';
import { PluginLoadError } from '../../core/kernel/plugin-load-error.ts';
import { HookBus } from '../../core/kernel/hook-bus.ts';
import { ServiceRegistry } from '../../core/kernel/service-registry.ts';
import { publicAccess } from '../../core/kernel/route-declaration.ts';
import { PageExtensions } from '../../core/web/page-extensions.ts';

const plugin = (definition: Partial<PluginDefinition> & { name: string }): DiscoveredPlugin => ({
  definition: definePlugin({ version: '1.0.0', ...definition }),
  dir: `/plugins/${definition.name}`,
});
const recordType = { label: 'record', locate: async () => null };
const emptyDeclarations = (): PluginDeclarations => ({ routes: [], viewDirs: [], assetDirs: [], pages: new PageExtensions(), migrationSets: [], jobs: [], objectTypes: new Map(), cliDefiners: [] });
const register = (plugins: DiscoveredPlugin[], pluginConfig: Record<string, unknown> = {}) => {
  const declarations = emptyDeclarations();
  const services = new ServiceRegistry();
  const hooks = new HookBus(['app.started', 'app.stopping']);
  const registered = registerPlugins(plugins, { pluginConfig, services, hooks, declarations });
  return { registered, declarations, services, hooks };
};
const loadError = (fn: () => unknown): PluginLoadError => {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(PluginLoadError);
    return error as PluginLoadError;
  }
  throw new Error('expected a PluginLoadError');
};

describe('plugin manifest', () => {
  it('findManifestProblems() accepts a complete manifest', () => {
    expect(findManifestProblems(definePlugin({ name: 'site-diary', version: '1.2.3', requires: { kirjuri: '^0.1', plugins: { records: '^1' } }, permissions: ['routes'], register() {} }))).to.deep.equal([]);
  });

  it('findManifestProblems() names unknown keys', () => {
    const problems = findManifestProblems({ name: 'x', version: '1.0.0', regsiter() {} } as unknown as PluginDefinition);
    expect(problems).to.deep.equal(['unknown manifest key "regsiter"']);
  });

  it('findManifestProblems() refuses a bad name, version, range and permission', () => {
    const problems = findManifestProblems({ name: 'Bad_Name', version: 'one', requires: { kirjuri: 'soon' }, permissions: ['root'] } as unknown as PluginDefinition);
    expect(problems.join('\n')).to.contain('"name" must be kebab-case').and.to.contain('"version" must be a semver version')
      .and.to.contain('"requires.kirjuri" must be a semver range').and.to.contain('"permissions.0"');
  });
});

describe('orderPlugins()', () => {
  it('orderPlugins() puts every plugin after what it requires, ties by name', () => {
    const ordered = orderPlugins([
      plugin({ name: 'reports', requires: { plugins: { records: '^1', images: '^1' } } }),
      plugin({ name: 'records' }),
      plugin({ name: 'images', requires: { plugins: { records: '^1' } } }),
      plugin({ name: 'backup-local' }),
    ], '0.1.0');
    expect(ordered.map((p) => p.definition.name)).to.deep.equal(['backup-local', 'records', 'images', 'reports']);
  });

  it('orderPlugins() refuses a missing dependency, naming both', () => {
    const error = loadError(() => orderPlugins([plugin({ name: 'reports', requires: { plugins: { records: '^1' } } })], '0.1.0'));
    expect(error.message).to.equal('Plugin "reports" cannot be loaded: it requires plugin "records" ^1, which is not installed or is disabled.');
  });

  it('orderPlugins() refuses a dependency of the wrong version', () => {
    const error = loadError(() => orderPlugins([plugin({ name: 'reports', requires: { plugins: { records: '^2' } } }), plugin({ name: 'records' })], '0.1.0'));
    expect(error.message).to.contain('requires plugin "records" ^2, but 1.0.0 is installed');
  });

  it('orderPlugins() refuses a plugin for another Kirjuri version', () => {
    const error = loadError(() => orderPlugins([plugin({ name: 'old', requires: { kirjuri: '^2' } })], '0.1.0'));
    expect(error.message).to.contain('requires Kirjuri ^2, but this is Kirjuri 0.1.0');
  });

  it('orderPlugins() names a requirement cycle', () => {
    const error = loadError(() => orderPlugins([
      plugin({ name: 'a', requires: { plugins: { b: '*' } } }), plugin({ name: 'b', requires: { plugins: { a: '*' } } }),
    ], '0.1.0'));
    expect(error.message).to.contain('cycle (a -> b -> a)');
  });
});

describe('registerPlugins()', () => {
  it('registerPlugins() collects routes, views, migrations, jobs, object types and CLI commands', () => {
    const { declarations, services } = register([plugin({
      name: 'records', permissions: ['routes', 'views', 'database', 'jobs', 'objects', 'cli'], objectTypes: ['record'],
      register(api) {
        api.route({ method: 'GET', path: '/api/v1/records-ping', policy: publicAccess, summary: 'ping', handler: () => undefined });
        api.views('views');
        api.migrations('migrations');
        api.job({ name: 'records.cleanup', intervalMs: 1000, run: async () => undefined });
        api.objectType('record', recordType);
        api.cli(() => undefined);
        api.service('records.templates' as never, () => ({}) as never);
      },
    })]);
    expect(declarations.routes.map((r) => `${r.owner} ${r.method} ${r.path}`)).to.deep.equal(['records GET /api/v1/records-ping']);
    expect(declarations.viewDirs).to.deep.equal([{ namespace: 'records', dir: '/plugins/records/views' }]);
    expect(declarations.migrationSets).to.deep.equal([{ owner: 'records', dir: '/plugins/records/migrations' }]);
    expect(declarations.jobs[0]).to.include({ name: 'records.cleanup', owner: 'records' });
    expect(declarations.objectTypes.get('record')).to.deep.equal({ ...recordType, owner: 'records' });
    expect(declarations.cliDefiners).to.have.length(1);
    expect(services.has('records.templates')).to.equal(true);
  });

  it('registerPlugins() refuses a route from a plugin without the routes permission', () => {
    const error = loadError(() => register([plugin({ name: 'sneaky', register(api) { api.route({ method: 'GET', path: '/x', policy: publicAccess, summary: 'x', handler: () => undefined }); } })]));
    expect(error.message).to.equal('Plugin "sneaky" cannot be loaded: register() failed: it declares route GET /x without the "routes" permission in its manifest.');
  });

  it('registerPlugins() refuses a service named twice and one outside the plugin\'s prefix', () => {
    const twice = loadError(() => register([
      plugin({ name: 'a', register(api) { api.service('a.thing' as never, () => ({}) as never); } }),
      plugin({ name: 'b', register(api) { api.service('a.thing' as never, () => ({}) as never); } }),
    ]));
    expect(twice.message).to.contain('"b"').and.to.contain('may only provide services named "b.*"');
    const duplicate = loadError(() => register([plugin({ name: 'a', register(api) { api.service('a.thing' as never, () => ({}) as never); api.service('a.thing' as never, () => ({}) as never); } })]));
    expect(duplicate.message).to.contain('Service "a.thing" is registered twice (by a and a)');
  });

  it('registerPlugins() refuses a listener for an unknown hook', () => {
    const error = loadError(() => register([plugin({ name: 'a', register(api) { api.on('record.craeted' as never, () => undefined); } })]));
    expect(error.message).to.contain('listens to an unknown hook "record.craeted"');
  });

  it('registerPlugins() refuses an object type the manifest does not list, and a listed one left undefined', () => {
    expect(loadError(() => register([plugin({ name: 'a', permissions: ['objects'], register(api) { api.objectType('thing', { ...recordType, label: 'thing' }); } })])).message)
      .to.contain('that its manifest\'s objectTypes does not list');
    expect(loadError(() => register([plugin({ name: 'a', permissions: ['objects'], objectTypes: ['thing'] })])).message)
      .to.contain('lists object type "thing" but register() does not define it');
  });

  it('registerPlugins() validates each plugin\'s config with its schema, naming the key', () => {
    const withSchema = plugin({ name: 'images', configSchema: z.strictObject({ maxPixels: z.number().int().default(40_000_000) }) });
    expect(register([withSchema]).registered[0].config).to.deep.equal({ maxPixels: 40_000_000 });
    const error = loadError(() => register([withSchema], { images: { maxPixels: 'lots' } }));
    expect(error.message).to.contain('plugins.config.images.maxPixels');
    expect(loadError(() => register([plugin({ name: 'plain' })], { plain: { x: 1 } })).message).to.contain('takes no settings');
  });
});

describe('plugin lifecycle', () => {
  const runtimeFor = (p: RegisteredPlugin) => ({ name: p.definition.name }) as PluginRuntime;

  it('bootstrapPlugins() starts in dependency order and destroyPlugins() stops in reverse', async () => {
    const calls: string[] = [];
    const make = (name: string, requires?: Record<string, string>) => plugin({
      name, requires: requires && { plugins: requires },
      register(api) { api.service(`${name}.svc` as never, () => { calls.push(`service ${name}`); return {} as never; }); },
      bootstrap: () => { calls.push(`bootstrap ${name}`); },
      destroy: () => { calls.push(`destroy ${name}`); },
    });
    const ordered = orderPlugins([make('c', { b: '*' }), make('a'), make('b', { a: '*' })], '0.1.0');
    const { registered, services } = register(ordered);
    await bootstrapPlugins(registered, runtimeFor, services);
    await destroyPlugins(registered, runtimeFor);
    expect(calls).to.deep.equal(['service a', 'bootstrap a', 'service b', 'bootstrap b', 'service c', 'bootstrap c', 'destroy c', 'destroy b', 'destroy a']);
  });

  it('bootstrapPlugins() destroys what already started when a plugin fails, and names it', async () => {
    const destroyA = sinon.spy();
    const { registered, services } = register([
      plugin({ name: 'a', destroy: destroyA }),
      plugin({ name: 'b', bootstrap: () => { throw new Error('the disk is on fire'); } }),
    ]);
    let failure: Error | undefined;
    await bootstrapPlugins(registered, runtimeFor, services).catch((error: Error) => { failure = error; });
    expect(failure?.message).to.equal('Plugin "b" cannot be loaded: bootstrap failed: the disk is on fire.');
    expect(destroyA.calledOnce).to.equal(true);
  });
});

describe('discoverPlugins()', () => {
  const root = mkdtempSync(join(tmpdir(), 'kirjuri-plugins-'));
  const write = (base: string, name: string, source: string): void => {
    mkdirSync(join(base, name), { recursive: true });
    writeFileSync(join(base, name, 'plugin.js'), source);
  };

  it('discoverPlugins() imports plugin.js directories and skips disabled ones', async () => {
    const base = join(root, 'ok');
    write(base, 'hello', "export default { name: 'hello', version: '1.0.0' };");
    write(base, 'other', "export default { name: 'other', version: '2.0.0' };");
    mkdirSync(join(base, 'not-a-plugin'));
    const found = await discoverPlugins([base, join(root, 'missing')], ['other']);
    expect(found.map((p) => p.definition.name)).to.deep.equal(['hello']);
  });

  it('discoverPlugins() names a plugin whose module does not load', async () => {
    const base = join(root, 'syntax');
    write(base, 'broken', 'export default {');
    const error = await discoverPlugins([base], []).catch((e: Error) => e);
    expect(error).to.be.instanceOf(PluginLoadError);
    expect((error as Error).message).to.match(/^Plugin "broken" cannot be loaded: importing .*plugin\.js failed/);
  });

  it('discoverPlugins() names a plugin with an unknown manifest key', async () => {
    const base = join(root, 'unknown-key');
    write(base, 'extra', "export default { name: 'extra', version: '1.0.0', superpowers: true };");
    const error = await discoverPlugins([base], []).catch((e: Error) => e);
    expect((error as Error).message).to.equal('Plugin "extra" cannot be loaded: its manifest is invalid: unknown manifest key "superpowers".');
  });

  it('discoverPlugins() refuses the same plugin installed twice', async () => {
    write(join(root, 'twice-1'), 'dup', "export default { name: 'dup', version: '1.0.0' };");
    write(join(root, 'twice-2'), 'dup', "export default { name: 'dup', version: '1.0.1' };");
    const error = await discoverPlugins([join(root, 'twice-1'), join(root, 'twice-2')], []).catch((e: Error) => e);
    expect((error as Error).message).to.contain('it is installed twice');
  });
});
