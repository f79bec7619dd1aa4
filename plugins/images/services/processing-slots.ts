// A fixed number of slots for CPU-heavy work, so that a burst of uploads queues instead of making every
// image wait for every other. Image decoding is bound by the CPU: with sharp.concurrency(1) (one libvips
// thread per image; set it at boot, though it is already sharp's default on glibc Linux as here) about
// one image per core, so `new ProcessingSlots(2)` on two cores; more in flight only adds memory (a
// decoded 12 MP photo is 36 MB) and makes each image take longer. (p-limit is in node_modules only as
// a dependency of a dependency, and this is a few lines.)

/** Runs tasks with at most `size` of them at once; the rest wait in the order they came. */
export class ProcessingSlots {
  /** How many tasks may run at once. */
  readonly size: number;
  #running = 0;
  readonly #waiters: Array<() => void> = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`ProcessingSlots needs a whole number of slots of at least 1, not ${String(size)}.`);
    this.size = size;
  }

  /** Runs `task` once a slot is free and settles as it does; the slot is freed whether it resolves or rejects. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.#acquire();
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  /** How many tasks are running now. */
  get running(): number {
    return this.#running;
  }

  /** How many tasks are waiting for a slot. */
  get waiting(): number {
    return this.#waiters.length;
  }

  #acquire(): Promise<void> {
    if (this.#running < this.size) {
      this.#running += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  #release(): void {
    const next = this.#waiters.shift();
    // The slot passes straight to the longest waiter (running stays the same), so a task arriving
    // between this release and the waiter's wake-up cannot take it first.
    if (next) next();
    else this.#running -= 1;
  }
}
