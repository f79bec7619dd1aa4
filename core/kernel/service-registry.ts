import type { ServiceMap, ServiceName } from './service-map.ts';

/** A service factory: called once, at bootstrap, after the providing plugin's dependencies are up. */
export type ServiceFactory<T> = () => T | Promise<T>;

interface Entry {
  owner: string;
  factory: ServiceFactory<unknown>;
  instance?: unknown;
  built: boolean;
}

/** Named services (`plugin.service`); a name registered twice is an error. */
export class ServiceRegistry {
  readonly #entries = new Map<string, Entry>();

  /** Declares `name`, owned by `owner`, which must be the name's prefix. */
  provide<K extends ServiceName>(owner: string, name: K, factory: ServiceFactory<ServiceMap[K]>): void;
  provide(owner: string, name: string, factory: ServiceFactory<unknown>): void;
  provide(owner: string, name: string, factory: ServiceFactory<unknown>): void {
    if (!/^[a-z][a-z0-9-]*\.[a-zA-Z][a-zA-Z0-9]*$/.test(name)) throw new Error(`Service name "${name}" of ${owner} must look like "${owner}.serviceName".`);
    if (name.split('.')[0] !== owner) throw new Error(`${owner} may only provide services named "${owner}.*", not "${name}".`);
    const existing = this.#entries.get(name);
    if (existing) throw new Error(`Service "${name}" is registered twice (by ${existing.owner} and ${owner}).`);
    this.#entries.set(name, { owner, factory, built: false });
  }

  /** Builds every service `owner` provides (called in plugin dependency order). */
  async build(owner: string): Promise<void> {
    for (const [name, entry] of this.#entries) {
      if (entry.owner !== owner || entry.built) continue;
      try {
        entry.instance = await entry.factory();
      } catch (error) {
        throw new Error(`Service "${name}" could not be created: ${(error as Error).message}`, { cause: error });
      }
      entry.built = true;
    }
  }

  /** The service named `name`; throws a clear error if it is unknown or not built yet. */
  get<K extends ServiceName>(name: K): ServiceMap[K];
  get<T>(name: string): T;
  get(name: string): unknown {
    const entry = this.#entries.get(name);
    if (!entry) throw new Error(`No service is named "${name}"; is the plugin that provides it installed and enabled?`);
    if (!entry.built) throw new Error(`Service "${name}" is not ready yet: ${entry.owner} has not bootstrapped.`);
    return entry.instance;
  }

  /** Whether a service named `name` is registered. */
  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** Every registered name with its owner. */
  list(): Array<{ name: string; owner: string }> {
    return [...this.#entries].map(([name, e]) => ({ name, owner: e.owner }));
  }
}
