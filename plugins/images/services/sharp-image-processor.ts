import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { AppError, type EncryptedFiles, type ImageFacts, type ImageProcessor, type ImageVariantKind, type ImageVariantLookup, type Logger, type PreparedBlob, type Database } from '../../../core/plugin-api.ts';
import { inspectImageHead, inspectionHeadBytes, processedImageTypes } from './image-inspection.ts';
import { ImageRenditionError, makeImageRenditions, type Rendition } from './image-renditions.ts';
import type { ImagesConfig } from './images-config.ts';
import { ProcessingSlots } from './processing-slots.ts';
import { RenditionStore, type RenditionRow, type StoredRendition } from './rendition-store.ts';

/** The processor's parts once started. */
interface Started extends Required<SharpImageProcessorParts> {
  store: RenditionStore;
  slots: ProcessingSlots;
}

/** Thrown inside the transaction to roll it back when another worker made the renditions first. */
class NotPending extends Error {}

/** How often a try that failed for a reason outside the image is repeated before the image is marked failed. */
const mostAttempts = 3;

/** What the processor works with. */
export interface SharpImageProcessorParts {
  db: Database;
  files: EncryptedFiles;
  config: ImagesConfig;
  log: Logger;
  now?: () => number;
}

/**
 * The images plugin's ImageProcessor: reads an upload's facts from its head, and makes each stored
 * image's thumbnail and preview with sharp, at most `concurrency` at a time (memory stays bounded
 * however many photos arrive), storing them encrypted as blobs derived from the original. A small image
 * is made before makeVariants() resolves; a large one in the background, with its row pending until
 * then; pending rows a restart left behind are taken up by resumeStale().
 */
export class SharpImageProcessor implements ImageProcessor {
  readonly headBytes = inspectionHeadBytes;
  #parts: Started | null = null;
  /** Images being made by this process, by source blob id. */
  readonly #inFlight = new Map<string, Promise<void>>();

  /** Gives the processor what it works with (the plugin's bootstrap; the service exists from registration). */
  start(parts: SharpImageProcessorParts): void {
    this.#parts = { ...parts, now: parts.now ?? Date.now, store: new RenditionStore(parts.db), slots: new ProcessingSlots(parts.config.concurrency) };
  }

  get #started(): Started {
    if (!this.#parts) throw new Error('The images plugin was asked to process an image before it bootstrapped.');
    return this.#parts;
  }

  processes(mime: string): boolean {
    return processedImageTypes.has(mime);
  }

  async inspect(head: Buffer, mime: string): Promise<ImageFacts | null> {
    const facts = await inspectImageHead(head, mime, { maxPixels: this.#started.config.maxPixels });
    // A head shorter than asked for is the whole file: an image all of whose bytes are here but that tells no size is not one.
    if (facts && facts.width === null && head.length < this.headBytes) {
      throw new AppError(422, 'image_unreadable', `The file starts like a ${mime.slice(6).toUpperCase()} image, but the whole of it holds no picture: check that it opens on your device, save it again and upload it again.`, { details: { mime } });
    }
    return facts;
  }

  async makeVariants(tenantId: string, image: { blobId: string; mime: string; size: number }): Promise<void> {
    if (!processedImageTypes.has(image.mime)) return;
    const { store, now, config } = this.#started;
    if (!await store.addPending(tenantId, image.blobId, image.mime, now())) return;
    const made = this.#start({ tenantId, sourceBlobId: image.blobId, mime: image.mime });
    if (image.size <= config.inlineMaxBytes) await made;
  }

  async variant(tenantId: string, blobId: string, kind: ImageVariantKind): Promise<ImageVariantLookup> {
    const row = await this.#started.store.find(tenantId, blobId);
    if (!row) return { state: 'none' };
    if (row.state === 'pending') return { state: 'pending' };
    if (row.state === 'failed') return { state: 'failed', reason: row.reason ?? 'The preview could not be made.' };
    const made = row[kind];
    if (!made) return { state: 'failed', reason: `The stored ${kind} is missing.` };
    return { state: 'ready', variant: { kind, ...made } };
  }

  /** Resolves once the image's renditions made by this process are settled (made, failed or given up for now); at once when none is under way. */
  async settled(blobId: string): Promise<void> {
    await this.#inFlight.get(blobId);
  }

  /** Takes up pending images untouched for `olderThanMs` (a restart or a failed try left them); returns how many it started. */
  async resumeStale(olderThanMs: number, limit = 100): Promise<number> {
    const { store, now } = this.#started;
    let started = 0;
    for (const row of await store.stalePending(now() - olderThanMs, limit)) {
      if (this.#inFlight.has(row.sourceBlobId)) continue;
      void this.#start(row);
      started += 1;
    }
    return started;
  }

  /** Waits for every image under way (the plugin's destroy). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#inFlight.values()]);
  }

  #start(row: Pick<RenditionRow, 'tenantId' | 'sourceBlobId' | 'mime'>): Promise<void> {
    const existing = this.#inFlight.get(row.sourceBlobId);
    if (existing) return existing;
    const { slots, log, store, now } = this.#started;
    const work = slots.run(() => this.#make(row)).catch(async (error: unknown) => {
      log.warn({ err: error, blobId: row.sourceBlobId }, 'Making an image\'s renditions failed; it is tried again later');
      if (await store.countAttempt(row, now()) >= mostAttempts) {
        await store.markFailed(row, `The preview could not be made after ${mostAttempts} tries: ${(error as Error).message}`, now());
      }
    }).catch((error: unknown) => log.error({ err: error, blobId: row.sourceBlobId }, 'Recording an image\'s failed rendition did not work'))
      .finally(() => this.#inFlight.delete(row.sourceBlobId));
    this.#inFlight.set(row.sourceBlobId, work);
    return work;
  }

  async #make(row: Pick<RenditionRow, 'tenantId' | 'sourceBlobId' | 'mime'>): Promise<void> {
    const { files, store, config, now } = this.#started;
    const opened = await files.open(row.tenantId, row.sourceBlobId);
    // The original was removed meanwhile: its row went with it.
    if (!opened) return;
    if (opened.row.plaintextSize > config.maxSourceBytes) {
      opened.stream.destroy();
      await store.markFailed(row, `The photo is ${opened.row.plaintextSize} bytes, more than the ${config.maxSourceBytes} previews are made of; the original is kept and can be downloaded.`, now());
      return;
    }
    const source = await buffer(opened.stream);
    let renditions: Record<ImageVariantKind, Rendition>;
    try {
      renditions = await makeImageRenditions(source, { maxPixels: config.maxPixels, thumbnailSize: config.thumbnailSize, previewSize: config.previewSize });
    } catch (error) {
      if (!(error instanceof ImageRenditionError)) throw error;
      await store.markFailed(row, error.message, now());
      return;
    }
    const prepared: PreparedBlob[] = [];
    try {
      const stored = {} as Record<ImageVariantKind, StoredRendition>;
      for (const kind of ['thumbnail', 'preview'] as const) {
        const { data, mime, width, height } = renditions[kind];
        const blob = await files.store(row.tenantId, Readable.from([data]), { maxBytes: data.length });
        prepared.push(blob);
        stored[kind] = { blobId: blob.id, mime, width, height };
      }
      const kept = await this.#storeTransaction(row, prepared, stored);
      if (!kept) await Promise.all(prepared.map((blob) => files.discard(blob)));
    } catch (error) {
      await Promise.all(prepared.map((blob) => files.discard(blob).catch(() => undefined)));
      throw error;
    }
  }

  /** Commits the rendition blobs as derived from the original and marks the row ready, together; false when the row was no longer pending. */
  async #storeTransaction(row: Pick<RenditionRow, 'tenantId' | 'sourceBlobId'>, prepared: PreparedBlob[], stored: Record<ImageVariantKind, StoredRendition>): Promise<boolean> {
    const { db, files, store, now } = this.#started;
    return await db.transaction(async (transaction) => {
      for (const blob of prepared) await files.commit(blob, transaction, { derivedFrom: row.sourceBlobId });
      if (await store.markReady(row, stored, now(), transaction)) return true;
      throw new NotPending();
    }).catch((error: unknown) => {
      if (error instanceof NotPending) return false;
      throw error;
    });
  }

}
