import { Readable } from 'node:stream';
import type { EncryptedFiles, PreparedBlob } from '../../../core/plugin-api.ts';
import { isPlainObject } from './plain-values.ts';

/** The most drawings one save stages (a form has a handful of signature fields, group rows included). */
const mostDrawings = 100;

/** The PNG bytes of a drawing's data URL (the signature pad's output, checked by signature-value.ts). */
export const pngOfDrawing = (image: string): Buffer => Buffer.from(image.slice(image.indexOf(',') + 1), 'base64');

/** Every new drawing (`{image: "data:image/png;base64,..."}`) in submitted record data, top level and in group rows, before it is validated. */
export function drawingsIn(data: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown, depth: number): void => {
    if (found.size >= mostDrawings || depth > 3) return;
    if (Array.isArray(value)) for (const item of value) visit(item, depth + 1);
    else if (isPlainObject(value)) {
      const image = Object.hasOwn(value, 'image') ? value.image : undefined;
      if (typeof image === 'string' && image.startsWith('data:image/png;base64,')) found.add(image);
      else for (const inner of Object.values(value)) visit(inner, depth + 1);
    }
  };
  visit(data, 0);
  return [...found];
}

/**
 * The drawings of one save, encrypted into the blob store before its transaction opens (no file I/O
 * under the write lock): the transaction takes the ones it stores, and settle() discards the rest, or
 * all of them when the transaction failed.
 */
export class StagedDrawings {
  readonly #files: EncryptedFiles | null;
  readonly #blobs: Map<string, PreparedBlob>;
  readonly #taken = new Set<string>();

  private constructor(files: EncryptedFiles | null, blobs: Map<string, PreparedBlob>) {
    this.#files = files;
    this.#blobs = blobs;
  }

  /** Stages none (a save without drawings, or one whose caller staged nothing). */
  static readonly none = new StagedDrawings(null, new Map());

  /** Encrypts each drawing into the tenant's blob store. */
  static async stage(files: EncryptedFiles, tenantId: string, images: readonly string[]): Promise<StagedDrawings> {
    const blobs = new Map<string, PreparedBlob>();
    const staged = new StagedDrawings(files, blobs);
    try {
      for (const image of images) {
        const png = pngOfDrawing(image);
        if (png.length > 0) blobs.set(image, await files.store(tenantId, Readable.from([png]), { maxBytes: png.length }));
      }
    } catch (error) {
      await staged.settle(false);
      throw error;
    }
    return staged;
  }

  /** The staged blob of a drawing, for the transaction to commit; null when it was not staged. */
  take(image: string): PreparedBlob | null {
    const blob = this.#blobs.get(image);
    if (!blob || this.#taken.has(image)) return null;
    this.#taken.add(image);
    return blob;
  }

  /** Runs the save (its transaction), then settles: what it committed stays, the rest is discarded, whatever happens. */
  async around<T>(save: () => Promise<T>): Promise<T> {
    let committed = false;
    try {
      const result = await save();
      committed = true;
      return result;
    } finally {
      await this.settle(committed);
    }
  }

  /** After the transaction: discards what it did not take, or everything when it did not commit. */
  async settle(committed: boolean): Promise<void> {
    const files = this.#files;
    if (!files) return;
    const unused = [...this.#blobs].filter(([image]) => !committed || !this.#taken.has(image)).map(([, blob]) => blob);
    await Promise.all(unused.map((blob) => files.discard(blob).catch(() => undefined)));
  }
}
