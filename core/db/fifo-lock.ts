/**
 * An in-process mutual-exclusion lock that hands itself to waiters strictly in arrival order.
 * SQLite allows one writer at a time; queueing writers here (instead of letting them race for the
 * file lock inside sqlite) means no SQLITE_BUSY, no busy-wait back-off and no starvation.
 */
export class FifoLock {
  #held = false;
  readonly #waiters: Array<() => void> = [];

  /**
   * Resolves with true once the caller holds the lock; callers are served in the order they asked.
   * With a timeout, resolves with false instead when the lock did not come within it (the caller then
   * does not hold it and leaves the queue).
   */
  acquire(timeoutMs?: number): Promise<boolean> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      if (timeoutMs === undefined) {
        this.#waiters.push(() => resolve(true));
        return;
      }
      const granted = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const at = this.#waiters.indexOf(granted);
        if (at !== -1) this.#waiters.splice(at, 1);
        resolve(false);
      }, timeoutMs);
      this.#waiters.push(granted);
    });
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
