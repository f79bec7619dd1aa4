/**
 * Runs at most `size` tasks at once, the rest waiting in arrival order: images made in parallel stay
 * few however many photos arrive, so memory stays bounded (sharp uses one thread per image here, so
 * about one slot per core; DESIGN.md "Known pitfalls").
 */
export class ProcessingSlots {
  readonly #size: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`ProcessingSlots needs a whole number of slots of at least 1, not ${size}.`);
    this.#size = size;
  }

  /** Tasks running now. */
  get running(): number {
    return this.#running;
  }

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Runs `task` once a slot is free; resolves or rejects as it does. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#size) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running += 1;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiting task, or is freed.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running -= 1;
    }
  }
}
