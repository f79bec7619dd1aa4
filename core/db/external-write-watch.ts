/**
 * Tells this process's read caches when another process committed to the database (issue 20: a
 * `kirjuri user disable` beside a running server left the user's cached session working, because
 * the caches were emptied only by this process's own writes).
 *
 * A request waits for `settled()` before it reads through a cache: that resolves once a look at the
 * database's external write version, begun after the call, has finished, and the caches have been
 * emptied if the version moved. So a change committed before a request arrived is seen by it, at
 * once, not after a time-to-live. Looks are shared: every request that arrives while one look runs
 * waits for the next one, so under load it costs one look per round trip, not one per request.
 */
export class ExternalWriteWatch {
  readonly #readVersion: () => Promise<number>;
  readonly #onExternalWrite: () => void;
  #lastVersion: number | null = null;
  #running: Promise<void> | null = null;
  #next: Promise<void> | null = null;

  /** `readVersion` is Database#externalWriteVersion; `onExternalWrite` empties the caches. */
  constructor(readVersion: () => Promise<number>, onExternalWrite: () => void) {
    this.#readVersion = readVersion;
    this.#onExternalWrite = onExternalWrite;
  }

  /** Resolves once a look that began after this call has finished (and emptied the caches if needed). */
  settled(): Promise<void> {
    if (this.#running === null) {
      this.#running = this.#look().finally(() => {
        this.#running = null;
      });
      return this.#running;
    }
    // The look under way may have read the version before this caller's change was made: wait for the next.
    this.#next ??= this.#running.then(() => {
      this.#next = null;
      return this.settled();
    });
    return this.#next;
  }

  async #look(): Promise<void> {
    let version: number;
    try {
      version = await this.#readVersion();
    } catch {
      // Not knowing is treated as a change: the caches only ever save work.
      this.#lastVersion = null;
      this.#onExternalWrite();
      return;
    }
    // The first look empties the caches too: what was cached before it is of unknown age.
    if (version !== this.#lastVersion) this.#onExternalWrite();
    this.#lastVersion = version;
  }
}
