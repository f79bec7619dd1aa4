/**
 * Cuts a byte stream into frames of a fixed size, holding the latest frame back until more bytes
 * come (then it is not the last) or the stream ends (then it is): the STREAM construction seals and
 * opens the last chunk differently, and a stream does not say in advance where it ends. Holds at most
 * one frame; whole frames inside a large piece are handed on without a copy.
 */
export class HeldBackFrames {
  readonly #frame: Buffer;
  #fill = 0;

  constructor(size: number) {
    this.#frame = Buffer.allocUnsafe(size);
  }

  /**
   * Takes `bytes` from `offset` on, calling `middle` with every frame that more bytes follow; the
   * frame given may be reused once `middle` returns.
   */
  push(bytes: Buffer, offset: number, middle: (frame: Buffer) => void): void {
    const size = this.#frame.length;
    while (offset < bytes.length) {
      if (this.#fill === size) {
        middle(this.#frame);
        this.#fill = 0;
      }
      if (this.#fill === 0 && bytes.length - offset > size) {
        middle(bytes.subarray(offset, offset + size));
        offset += size;
        continue;
      }
      const taken = Math.min(size - this.#fill, bytes.length - offset);
      bytes.copy(this.#frame, this.#fill, offset, offset + taken);
      this.#fill += taken;
      offset += taken;
    }
  }

  /** What is held back at the end: the last frame, 0 to size bytes. */
  last(): Buffer {
    return this.#frame.subarray(0, this.#fill);
  }

  /** Overwrites what is held (plaintext must not linger in a freed buffer longer than needed). */
  wipe(): void {
    this.#frame.fill(0);
    this.#fill = 0;
  }
}
