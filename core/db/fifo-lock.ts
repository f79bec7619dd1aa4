/**
 * An in-process mutual-exclusion lock that hands itself to waiters strictly in arrival order.
 * SQLite allows one writer at a time; queueing writers here (instead of letting them race for the
 * file lock inside sqlite) means no SQLITE_BUSY, no busy-wait back-off and no starvation.
 */
export class FifoLock {
  #held = false;
  readonly #waiters: Array<() => void> = [];

  /** Resolves once the caller holds the lock; callers are served in the order they asked. */
  acquire(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** Passes the lock to the longest waiter, or frees it when nobody waits. */
  release(): void {
    if (!this.#held) throw new Error('FifoLock.release() was called while the lock was free: a caller released twice.');
    const next = this.#waiters.shift();
    // Handing over directly (held stays true) is what makes it FIFO: a newcomer calling acquire()
    // between this release and the waiter's wake-up cannot jump the queue.
    if (next) next();
    else this.#held = false;
  }

  /** Whether someone holds the lock now. */
  get held(): boolean {
    return this.#held;
  }

  /** How many callers are waiting for the lock. */
  get waiting(): number {
    return this.#waiters.length;
  }
}
