/**
 * Gathers a stream's small output pieces (a chunk's ciphertext, then its 16-byte tag) into pieces of
 * about `size` bytes before they are pushed. One write per ciphertext and one per tag made the file
 * writes of an encrypted upload take twice the time of the encryption itself (bench/RESULTS.md, blob-crypto).
 */
export class CoalescedOutput {
  readonly #size: number;
  #pieces: Buffer[] = [];
  #length = 0;

  constructor(size: number) {
    this.#size = size;
  }

  /** Adds a piece; returns the gathered bytes once there are `size` of them, else null. */
  add(piece: Buffer): Buffer | null {
    if (piece.length === 0) return null;
    this.#pieces.push(piece);
    this.#length += piece.length;
    return this.#length >= this.#size ? this.take() : null;
  }

  /** Whatever is gathered (null when nothing is), emptying it. */
  take(): Buffer | null {
    if (this.#length === 0) return null;
    const bytes = this.#pieces.length === 1 ? this.#pieces[0]! : Buffer.concat(this.#pieces, this.#length);
    this.#pieces = [];
    this.#length = 0;
    return bytes;
  }
}
