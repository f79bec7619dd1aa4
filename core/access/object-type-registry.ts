import type { ObjectTypeDefinition } from './object-access.ts';

/** An object type and who registered it (`core` or a plugin). */
export type RegisteredObjectType = ObjectTypeDefinition & { owner: string };

/**
 * Every object type access control knows: core's `folder` and the plugins' (declared in `register`).
 * An access check for a type that is not here fails loudly: nothing is reachable around the registry.
 */
export class ObjectTypeRegistry {
  readonly #types = new Map<string, RegisteredObjectType>();

  constructor(types: Iterable<[string, RegisteredObjectType]> = []) {
    for (const [name, type] of types) this.add(name, type);
  }

  /** Adds a type; a name registered twice is an error naming both owners. */
  add(name: string, type: RegisteredObjectType): void {
    const existing = this.#types.get(name);
    if (existing) throw new Error(`Object type "${name}" is registered twice (by ${existing.owner} and ${type.owner}).`);
    this.#types.set(name, type);
  }

  /** The type, or undefined. */
  find(name: string): RegisteredObjectType | undefined {
    return this.#types.get(name);
  }

  /** Every registered type's name. */
  names(): string[] {
    return [...this.#types.keys()];
  }

  /** Names of the types that can be shared with people. */
  shareableNames(): string[] {
    return [...this.#types].filter(([, type]) => type.shareable).map(([name]) => name);
  }
}
