import type { Transaction } from 'sequelize';
import type { Database } from '../db/open-database.ts';
import type { WrappedDataKey } from './blob-keys.ts';

/** A blob's row (kirjuri_blobs): where its ciphertext is, what it holds, and its wrapped data key. */
export interface BlobRow extends WrappedDataKey {
  id: string;
  tenantId: string;
  /** Where the BlobStore keeps the ciphertext (its own naming; opaque here). */
  storageKey: string;
  plaintextSize: number;
  ciphertextSize: number;
  /** Hex SHA-256 of the plaintext. */
  plaintextSha256: string;
  formatVersion: number;
  tenantKeyVersion: number;
  wrappedKey: string;
  /** Epoch milliseconds (UTC). */
  createdAt: number;
}

interface StoredBlobRow {
  id: string; tenant_id: string; storage_key: string; plaintext_size: unknown; ciphertext_size: unknown; plaintext_sha256: string;
  format_version: unknown; tenant_key_version: unknown; wrapped_key: string; created_at: unknown;
}

const columns = 'id, tenant_id, storage_key, plaintext_size, ciphertext_size, plaintext_sha256, format_version, tenant_key_version, wrapped_key, created_at';

// PostgreSQL returns BIGINT as text; sizes stay below 2^53.
const toBlobRow = (row: StoredBlobRow): BlobRow => ({
  id: row.id, tenantId: row.tenant_id, storageKey: row.storage_key, plaintextSize: Number(row.plaintext_size), ciphertextSize: Number(row.ciphertext_size),
  plaintextSha256: row.plaintext_sha256, formatVersion: Number(row.format_version), tenantKeyVersion: Number(row.tenant_key_version),
  wrappedKey: row.wrapped_key, createdAt: Number(row.created_at),
});

/**
 * The blob catalogue: one row per stored blob, always read and written with its tenant (a blob id of
 * another tenant is a missing blob). The file, the record that holds it and its audit entry commit
 * together with insert().
 */
export class BlobCatalog {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Adds a blob's row inside the caller's transaction; `derivedFrom` names the blob it was made from (removed with it). */
  async insert(row: BlobRow & { derivedFrom?: string | null }, transaction: Transaction): Promise<void> {
    await this.#db.execute(
      `INSERT INTO kirjuri_blobs (${columns}, derived_from) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [row.id, row.tenantId, row.storageKey, row.plaintextSize, row.ciphertextSize, row.plaintextSha256, row.formatVersion, row.tenantKeyVersion, row.wrappedKey, row.createdAt, row.derivedFrom ?? null],
      transaction,
    );
  }

  /** The tenant's blobs made from blob `id` (a photo's renditions). */
  async derivedFrom(tenantId: string, id: string, transaction: Transaction): Promise<BlobRow[]> {
    const rows = await this.#db.selectIn<StoredBlobRow>(`SELECT ${columns} FROM kirjuri_blobs WHERE tenant_id = $1 AND derived_from = $2`, [tenantId, id], transaction);
    return rows.map(toBlobRow);
  }

  /** Which of the blob ids have a row, with the storage key it names (the orphan sweep's question). */
  async storageKeysOf(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const marks = ids.map((_, index) => `$${index + 1}`).join(', ');
    const rows = await this.#db.selectRows<{ id: string; storage_key: string }>(`SELECT id, storage_key FROM kirjuri_blobs WHERE id IN (${marks})`, [...ids]);
    return new Map(rows.map((row) => [row.id, row.storage_key]));
  }

  /** The tenant's blob `id`, or null (also when it is another tenant's). */
  async find(tenantId: string, id: string, transaction?: Transaction): Promise<BlobRow | null> {
    const sql = `SELECT ${columns} FROM kirjuri_blobs WHERE tenant_id = $1 AND id = $2`;
    const [row] = transaction ? await this.#db.selectIn<StoredBlobRow>(sql, [tenantId, id], transaction) : await this.#db.selectRows<StoredBlobRow>(sql, [tenantId, id]);
    return row ? toBlobRow(row) : null;
  }

  /** Removes the tenant's blob row inside the caller's transaction; false when there was none. */
  async delete(tenantId: string, id: string, transaction: Transaction): Promise<boolean> {
    return await this.#db.execute('DELETE FROM kirjuri_blobs WHERE tenant_id = $1 AND id = $2', [tenantId, id], transaction) === 1;
  }

  /** Up to `limit` of the tenant's blobs whose data key is wrapped under a tenant key version below `version` (a rotation's next batch). */
  async wrappedBelow(tenantId: string, version: number, limit: number, transaction: Transaction): Promise<WrappedDataKey[]> {
    const rows = await this.#db.selectIn<{ id: string; tenant_key_version: unknown; wrapped_key: string }>(
      'SELECT id, tenant_key_version, wrapped_key FROM kirjuri_blobs WHERE tenant_id = $1 AND tenant_key_version < $2 ORDER BY id LIMIT $3',
      [tenantId, version, limit], transaction,
    );
    return rows.map((row) => ({ id: row.id, tenantId, tenantKeyVersion: Number(row.tenant_key_version), wrappedKey: row.wrapped_key }));
  }

  /** Stores a re-wrapped data key, unless another rotation re-wrapped the row first (then false). */
  async updateWrappedKey(row: WrappedDataKey, toVersion: number, wrapped: string, transaction: Transaction): Promise<boolean> {
    return await this.#db.execute(
      'UPDATE kirjuri_blobs SET tenant_key_version = $1, wrapped_key = $2 WHERE tenant_id = $3 AND id = $4 AND tenant_key_version = $5',
      [toVersion, wrapped, row.tenantId, row.id, row.tenantKeyVersion], transaction,
    ) === 1;
  }
}
