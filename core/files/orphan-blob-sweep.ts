import type { Logger } from '../kernel/create-logger.ts';
import type { BlobCatalog } from './blob-catalog.ts';
import type { BlobStore } from './blob-store.ts';

/** What a sweep did. */
export interface OrphanSweepOutcome {
  /** Blobs looked at. */
  checked: number;
  /** Ciphertext deleted because no row names it. */
  deleted: number;
  /** Temporary files of writes a crash cut off (`.partial`), removed. */
  temporaryRemoved: number;
}

/** How long an unnamed blob is left alone: an upload stores its ciphertext before its row commits. */
export const orphanGraceMs = 6 * 60 * 60 * 1000;

/**
 * The least time a temporary file must have been untouched before the sweep removes it, whatever its
 * grace says (even 0): a put in progress writes to its file as its bytes arrive, and a request that
 * sends nothing for this long was cut off long before (the server's request timeout is 5 minutes).
 */
export const temporaryMinimumAgeMs = 60 * 60 * 1000;

const blobKeyShape = /^tenants\/[^/]+\/([^/]+)$/;
const batchSize = 500;

/**
 * Deletes ciphertext that no kirjuri_blobs row names: left by a crash between an upload's put and its
 * commit, by a delete after a commit that failed, or by a removed tenant (whose rows went by cascade).
 * Only blobs older than `graceMs` are touched, so an upload still on its way is never swept, and a row
 * is looked up by the blob id its key holds and must name that very key. Then removes the temporary
 * files of puts a crash cut off, once untouched for `graceMs` (at least temporaryMinimumAgeMs), where
 * the store has such files.
 */
export async function sweepOrphanBlobs(parts: { blobs: BlobStore; catalog: BlobCatalog; log: Logger; now?: number; graceMs?: number; signal?: AbortSignal }): Promise<OrphanSweepOutcome> {
  const { blobs, catalog, log } = parts;
  const graceMs = parts.graceMs ?? orphanGraceMs;
  const before = (parts.now ?? Date.now()) - graceMs;
  const outcome: OrphanSweepOutcome = { checked: 0, deleted: 0, temporaryRemoved: 0 };
  let batch: Array<{ key: string; id: string }> = [];
  const settle = async (): Promise<void> => {
    const named = await catalog.storageKeysOf(batch.map((entry) => entry.id));
    for (const entry of batch) {
      if (named.get(entry.id) === entry.key) continue;
      await blobs.delete(entry.key);
      outcome.deleted += 1;
    }
    batch = [];
  };
  for await (const entry of blobs.list('tenants/')) {
    parts.signal?.throwIfAborted();
    outcome.checked += 1;
    const id = blobKeyShape.exec(entry.key)?.[1];
    if (!id || entry.modifiedAt > before) continue;
    batch.push({ key: entry.key, id });
    if (batch.length >= batchSize) await settle();
  }
  await settle();
  parts.signal?.throwIfAborted();
  if (blobs.removeStaleTemporaryData) outcome.temporaryRemoved = await blobs.removeStaleTemporaryData(Math.max(graceMs, temporaryMinimumAgeMs));
  if (outcome.deleted > 0 || outcome.temporaryRemoved > 0) log.info(outcome, 'Deleted stored ciphertext that no blob row named, and temporary files of interrupted writes');
  return outcome;
}
