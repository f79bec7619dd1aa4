import type { Transaction } from 'sequelize';
import { timeValue, type Database, type ImageVariantKind } from '../../../core/plugin-api.ts';

/** Where the making of an image's renditions stands. */
export type RenditionState = 'pending' | 'ready' | 'failed';

/** One made rendition, as the row keeps it. */
export interface StoredRendition {
  blobId: string;
  mime: string;
  width: number;
  height: number;
}

/** An image's row in images_renditions. */
export interface RenditionRow {
  sourceBlobId: string;
  tenantId: string;
  mime: string;
  state: RenditionState;
  reason: string | null;
  attempts: number;
  thumbnail: StoredRendition | null;
  preview: StoredRendition | null;
  updatedAt: number;
}

interface Row {
  source_blob_id: string; tenant_id: string; mime: string; state: string; reason: string | null; attempts: unknown;
  thumbnail_blob_id: string | null; thumbnail_mime: string | null; thumbnail_width: unknown; thumbnail_height: unknown;
  preview_blob_id: string | null; preview_mime: string | null; preview_width: unknown; preview_height: unknown; updated_at: unknown;
}

const columns = 'source_blob_id, tenant_id, mime, state, reason, attempts, thumbnail_blob_id, thumbnail_mime, thumbnail_width, thumbnail_height, preview_blob_id, preview_mime, preview_width, preview_height, updated_at';

const renditionOf = (blobId: string | null, mime: string | null, width: unknown, height: unknown): StoredRendition | null =>
  (blobId && mime ? { blobId, mime, width: Number(width), height: Number(height) } : null);

const toRow = (row: Row): RenditionRow => ({
  sourceBlobId: row.source_blob_id, tenantId: row.tenant_id, mime: row.mime, state: row.state as RenditionState, reason: row.reason, attempts: Number(row.attempts),
  thumbnail: renditionOf(row.thumbnail_blob_id, row.thumbnail_mime, row.thumbnail_width, row.thumbnail_height),
  preview: renditionOf(row.preview_blob_id, row.preview_mime, row.preview_width, row.preview_height),
  updatedAt: timeValue(row.updated_at)!,
});

/** The renditions table, always read and written with the tenant. */
export class RenditionStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Notes that an image's renditions are to be made; false when it already has a row (made, failed or under way). */
  async addPending(tenantId: string, sourceBlobId: string, mime: string, now: number): Promise<boolean> {
    return await this.#db.transaction(async (transaction) => {
      const [existing] = await this.#db.selectIn<{ state: string }>('SELECT state FROM images_renditions WHERE source_blob_id = $1', [sourceBlobId], transaction);
      if (existing) return false;
      await this.#db.execute(
        'INSERT INTO images_renditions (source_blob_id, tenant_id, mime, state, reason, attempts, created_at, updated_at) VALUES ($1, $2, $3, $4, NULL, 0, $5, $5)',
        [sourceBlobId, tenantId, mime, 'pending', now], transaction,
      );
      return true;
    });
  }

  /** The tenant's row for an image, or null. */
  async find(tenantId: string, sourceBlobId: string): Promise<RenditionRow | null> {
    const [row] = await this.#db.selectRows<Row>(`SELECT ${columns} FROM images_renditions WHERE tenant_id = $1 AND source_blob_id = $2`, [tenantId, sourceBlobId]);
    return row ? toRow(row) : null;
  }

  /** Records the made renditions, unless another worker got there first or the row is gone (then false: the caller discards its blobs). */
  async markReady(row: Pick<RenditionRow, 'tenantId' | 'sourceBlobId'>, made: Record<ImageVariantKind, StoredRendition>, now: number, transaction: Transaction): Promise<boolean> {
    const { thumbnail, preview } = made;
    return await this.#db.execute(
      `UPDATE images_renditions SET state = 'ready', reason = NULL, thumbnail_blob_id = $1, thumbnail_mime = $2, thumbnail_width = $3, thumbnail_height = $4,
        preview_blob_id = $5, preview_mime = $6, preview_width = $7, preview_height = $8, updated_at = $9
        WHERE tenant_id = $10 AND source_blob_id = $11 AND state = 'pending'`,
      [thumbnail.blobId, thumbnail.mime, thumbnail.width, thumbnail.height, preview.blobId, preview.mime, preview.width, preview.height, now, row.tenantId, row.sourceBlobId],
      transaction,
    ) === 1;
  }

  /** Records why the renditions cannot be made (the original stays as it is). */
  async markFailed(row: Pick<RenditionRow, 'tenantId' | 'sourceBlobId'>, reason: string, now: number): Promise<void> {
    await this.#db.transaction((transaction) => this.#db.execute(
      "UPDATE images_renditions SET state = 'failed', reason = $1, updated_at = $2 WHERE tenant_id = $3 AND source_blob_id = $4 AND state = 'pending'",
      [reason.slice(0, 500), now, row.tenantId, row.sourceBlobId], transaction,
    ));
  }

  /** Counts a try that failed for a reason outside the image (storage, a crash); the resume job tries again later. */
  async countAttempt(row: Pick<RenditionRow, 'tenantId' | 'sourceBlobId'>, now: number): Promise<number> {
    return await this.#db.transaction(async (transaction) => {
      await this.#db.execute('UPDATE images_renditions SET attempts = attempts + 1, updated_at = $1 WHERE tenant_id = $2 AND source_blob_id = $3', [now, row.tenantId, row.sourceBlobId], transaction);
      const [after] = await this.#db.selectIn<{ attempts: unknown }>('SELECT attempts FROM images_renditions WHERE tenant_id = $1 AND source_blob_id = $2', [row.tenantId, row.sourceBlobId], transaction);
      return Number(after?.attempts ?? 0);
    });
  }

  /** Up to `limit` pending rows last touched before `before` (left by a restart or a failed try), oldest first. */
  async stalePending(before: number, limit: number): Promise<RenditionRow[]> {
    const rows = await this.#db.selectRows<Row>(`SELECT ${columns} FROM images_renditions WHERE state = 'pending' AND updated_at < $1 ORDER BY updated_at LIMIT $2`, [before, limit]);
    return rows.map(toRow);
  }
}
