import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { Transaction } from 'sequelize';
import { newId, timeValue, type Database, type EncryptedFiles, type Logger } from '../../../core/plugin-api.ts';
import { drawingsIn, pngOfDrawing, StagedDrawings } from './staged-drawings.ts';

/** A drawn signature: who signed, when, the record revision it was saved with, and where its image is. */
export interface Signature {
  id: string;
  tenantId: string;
  recordId: string;
  fieldPath: string;
  revision: number;
  signerId: string | null;
  signerName: string;
  signedAt: number;
  /** The encrypted blob holding the PNG (null only for a row from before blobs, until it is moved). */
  blobId: string | null;
  sha256: string;
  /** Such a row's PNG data URL, as it was kept in the database ('' once moved). */
  storedImage: string;
}

/** What a signature field holds once its drawing is stored. */
export interface SignatureReference {
  signatureId: string;
  signedBy: string | null;
  signedByName: string;
  signedAt: string;
}

interface SignatureRow {
  id: string; tenant_id: string; record_id: string; field_path: string; revision: unknown; signer_id: string | null; signer_name: string; signed_at: unknown;
  image: string; sha256: string; blob_id: string | null;
}

const columns = 'id, tenant_id, record_id, field_path, revision, signer_id, signer_name, signed_at, image, sha256, blob_id';
const pngDataUrl = 'data:image/png;base64,';

/** Another node moved the signature first: the transaction rolls back and the copy is discarded. */
class AlreadyMoved extends Error {}


const toSignature = (row: SignatureRow): Signature => ({
  id: row.id, tenantId: row.tenant_id, recordId: row.record_id, fieldPath: row.field_path, revision: Number(row.revision), signerId: row.signer_id,
  signerName: row.signer_name, signedAt: timeValue(row.signed_at)!, blobId: row.blob_id, sha256: row.sha256, storedImage: row.image,
});

/**
 * Signatures (records_signatures): a row with the signer, time and revision, and the drawing itself in
 * the encrypted blob store like any file. A record's deletion takes its signatures' blobs with it.
 */
export class SignatureStore {
  readonly #db: Database;
  readonly #files: EncryptedFiles;

  constructor(db: Database, files: EncryptedFiles) {
    this.#db = db;
    this.#files = files;
  }

  /** Encrypts a save's new drawings into the blob store, before its transaction (see StagedDrawings). */
  async stage(tenantId: string, data: unknown): Promise<StagedDrawings> {
    const images = drawingsIn(data);
    return images.length === 0 ? StagedDrawings.none : await StagedDrawings.stage(this.#files, tenantId, images);
  }

  /**
   * Prepares a drawing for a record's field at the revision being saved: the reference the field keeps
   * now, and the write that stores it (run after the record row exists: the signature refers to it),
   * committing the drawing's staged blob in the same transaction.
   */
  prepare(input: { tenantId: string; recordId: string; fieldPath: string; revision: number; signerId: string; signerName: string; image: string; staged: StagedDrawings }): { reference: SignatureReference; write(transaction: Transaction): Promise<void> } {
    const id = newId();
    const signedAt = Date.now();
    const blob = input.staged.take(input.image);
    if (!blob) throw new Error(`The drawing for ${input.fieldPath} was not staged before the transaction: stage the save's data with SignatureStore.stage() first.`);
    return {
      reference: { signatureId: id, signedBy: input.signerId, signedByName: input.signerName, signedAt: new Date(signedAt).toISOString() },
      write: async (transaction) => {
        await this.#files.commit(blob, transaction);
        await this.#db.execute(`INSERT INTO records_signatures (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', $9, $10)`, [
          id, input.tenantId, input.recordId, input.fieldPath, input.revision, input.signerId, input.signerName, signedAt, blob.plaintextSha256, blob.id,
        ], transaction);
      },
    };
  }

  /** One signature of a record, or null. */
  async find(tenantId: string, recordId: string, id: string): Promise<Signature | null> {
    const [row] = await this.#db.selectRows<SignatureRow>(`SELECT ${columns} FROM records_signatures WHERE tenant_id = $1 AND record_id = $2 AND id = $3`, [tenantId, recordId, id]);
    return row ? toSignature(row) : null;
  }

  /** The signature's PNG, decrypted (a row not moved yet gives its stored data URL's bytes); null when its bytes are missing. */
  async png(signature: Signature): Promise<Buffer | null> {
    if (signature.blobId) {
      const opened = await this.#files.open(signature.tenantId, signature.blobId);
      return opened ? await buffer(opened.stream) : null;
    }
    return signature.storedImage.startsWith(pngDataUrl) ? pngOfDrawing(signature.storedImage) : null;
  }

  /** The blobs of a record's signatures (its deletion removes them). */
  async blobsOfRecord(tenantId: string, recordId: string, transaction: Transaction): Promise<string[]> {
    const rows = await this.#db.selectIn<{ blob_id: string | null }>('SELECT blob_id FROM records_signatures WHERE tenant_id = $1 AND record_id = $2', [tenantId, recordId], transaction);
    return rows.flatMap((row) => (row.blob_id ? [row.blob_id] : []));
  }

  /**
   * Moves signatures written before blobs (the image in the row) into the blob store, a batch at a
   * time; safe to run on several nodes and to stop at any point. Returns how many it moved.
   */
  async moveFromDatabase(log: Logger, batch = 100): Promise<number> {
    let moved = 0;
    let after = '';
    for (;;) {
      const rows = await this.#db.selectRows<SignatureRow>(`SELECT ${columns} FROM records_signatures WHERE blob_id IS NULL AND id > $1 ORDER BY id LIMIT $2`, [after, batch]);
      for (const row of rows) {
        after = row.id;
        if (!row.image.startsWith(pngDataUrl)) continue;
        const png = pngOfDrawing(row.image);
        const blob = await this.#files.store(row.tenant_id, Readable.from([png]), { maxBytes: png.length });
        const kept = await this.#db.transaction(async (transaction) => {
          await this.#files.commit(blob, transaction);
          if (await this.#db.execute("UPDATE records_signatures SET blob_id = $1, image = '' WHERE id = $2 AND blob_id IS NULL", [blob.id, row.id], transaction) === 1) return true;
          throw new AlreadyMoved();
        }).catch((error: unknown) => {
          if (error instanceof AlreadyMoved) return false;
          throw error;
        });
        if (kept) moved += 1;
        else await this.#files.discard(blob);
      }
      if (rows.length < batch) break;
    }
    if (moved > 0) log.info({ moved }, 'Moved signatures from the database into the encrypted blob store');
    return moved;
  }
}
