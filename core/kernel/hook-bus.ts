import type { HookHandler, HookMap, HookName } from './hook-map.ts';

interface Subscription {
  owner: string;
  handler: (payload: unknown) => void | Promise<void>;
}

/** The typed event bus behind the HookMap: handlers run one after another, in registration order. */
export class HookBus {
  readonly #handlers = new Map<string, Subscription[]>();
  readonly #known: Set<string>;

  /** `known` lists the hook names that may be listened to; a typo is an error at registration. */
  constructor(known: Iterable<string>) {
    this.#known = new Set(known);
  }

  /** Adds a hook name (core or a plugin declaring a new event). */
  declare(name: string): void {
    this.#known.add(name);
  }

  /** Subscribes `handler` to `name` on behalf of `owner` (a plugin name, or 'core'). */
  on<K extends HookName>(owner: string, name: K, handler: HookHandler<K>): void {
    if (!this.#known.has(name)) throw new Error(`${owner} listens to an unknown hook "${name}"; known hooks: ${[...this.#known].sort().join(', ')}.`);
    const list = this.#handlers.get(name) ?? [];
    list.push({ owner, handler: handler as Subscription['handler'] });
    this.#handlers.set(name, list);
  }

  /** Runs every handler of `name` in order; the first failure stops the chain and is rethrown with its owner. */
  async emit<K extends HookName>(name: K, payload: HookMap[K]): Promise<void> {
    for (const { owner, handler } of this.#handlers.get(name) ?? []) {
      try {
        await handler(payload);
      } catch (error) {
        throw new Error(`The ${owner} handler of hook "${name}" failed: ${(error as Error).message}`, { cause: error });
      }
    }
  }

  /** How many handlers listen to `name`. */
  count(name: HookName): number {
    return this.#handlers.get(name)?.length ?? 0;
  }
}
