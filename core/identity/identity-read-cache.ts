import type { Transaction } from 'sequelize';

// A bound on memory; past it the cache starts over (it only ever saves work).
const maxEntries = 10_000;

/**
 * A per-process cache of the reads every authenticated request makes (its session with the user, and a
 * user's tenants), so that a request does not wait on SQLite for them. It is only correct where this
 * process sees every write: SQLite, which is one node; with PostgreSQL (several nodes) it is off.
 *
 * Any identity write (a session ended, a user disabled or renamed, a password changed, a membership
 * or tenant changed) bumps one generation counter once it is committed, and an entry is only used while
 * the generation it was read under is current. A read that started before a write committed can
 * therefore never be served after it, whatever order the awaits finish in. Writes are rare next to reads,
 * so clearing everything on each is cheap.
 */
export class IdentityReadCache {
  readonly enabled: boolean;
  #generation = 0;
  readonly #entries = new Map<string, { generation: number; value: unknown }>();

  constructor(options: { enabled: boolean }) {
    this.enabled = options.enabled;
  }

  /** The generation to remember a value under: read it before the query whose result is remembered. */
  get generation(): number {
    return this.#generation;
  }

  /** A value remembered under the current generation, or undefined. */
  get<T>(key: string): T | undefined {
    if (!this.enabled) return undefined;
    const entry = this.#entries.get(key);
    return entry && entry.generation === this.#generation ? (entry.value as T) : undefined;
  }

  /**
   * The value remembered under `key`, or what `read` answers (remembered when no write committed
   * while it read). A null answer is remembered too: "no such row" is as cacheable as a row.
   */
  async through<T>(key: string, read: () => Promise<T>): Promise<T> {
    const cached = this.get<{ value: T }>(key);
    if (cached) return cached.value;
    const generation = this.#generation;
    const value = await read();
    this.set(key, generation, { value });
    return value;
  }

  /** Remembers a value read under `generation` (ignored when a write committed since). */
  set(key: string, generation: number, value: unknown): void {
    if (!this.enabled || generation !== this.#generation) return;
    if (this.#entries.size >= maxEntries) this.#entries.clear();
    this.#entries.set(key, { generation, value });
  }

  /** Forgets everything once the write in `transaction` commits (at once when there is none). */
  invalidateAfter(transaction?: Transaction | null): void {
    if (!this.enabled) return;
    if (transaction) transaction.afterCommit(() => this.#bump());
    else this.#bump();
  }

  #bump(): void {
    this.#generation += 1;
    this.#entries.clear();
  }
}
