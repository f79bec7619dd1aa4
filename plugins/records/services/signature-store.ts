import { createHash } from 'node:crypto';
import { QueryTypes, type Transaction } from 'sequelize';
import { newId, timeValue, type Database } from '../../../core/plugin-api.ts';

/** A drawn signature: the image, who signed, when, and the record revision it was saved with. */
export interface Signature {
  id: string;
  recordId: string;
  fieldPath: string;
  revision: number;
  signerId: string | null;
  signerName: string;
  signedAt: number;
  /** The PNG as a data URL, as drawn on the signature pad. */
  image: string;
  sha256: string;
}

/** What a signature field holds once its drawing is stored. */
export interface SignatureReference {
  signatureId: string;
  signedBy: string | null;
  signedByName: string;
  signedAt: string;
}

interface SignatureRow { id: string; record_id: string; field_path: string; revision: unknown; signer_id: string | null; signer_name: string; signed_at: unknown; image: string; sha256: string }

const columns = 'id, record_id, field_path, revision, signer_id, signer_name, signed_at, image, sha256';

/**
 * Signatures in the database (records_signatures). They are small PNGs kept beside the record until
 * encrypted blob storage lands (issue 6), which moves them into the blob store.
 */
export class SignatureStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /**
   * Prepares a drawing for a record's field at the revision being saved: the reference the field keeps now,
   * and the write that stores it (run after the record row exists: the signature refers to it).
   */
  prepare(input: { tenantId: string; recordId: string; fieldPath: string; revision: number; signerId: string; signerName: string; image: string }): { reference: SignatureReference; write(transaction: Transaction): Promise<void> } {
    const id = newId();
    const signedAt = Date.now();
    const sha256 = createHash('sha256').update(Buffer.from(input.image.slice(input.image.indexOf(',') + 1), 'base64')).digest('hex');
    return {
      reference: { signatureId: id, signedBy: input.signerId, signedByName: input.signerName, signedAt: new Date(signedAt).toISOString() },
      write: async (transaction) => {
        await this.#db.sequelize.query(`INSERT INTO records_signatures (${columns}, tenant_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, {
          bind: [id, input.recordId, input.fieldPath, input.revision, input.signerId, input.signerName, signedAt, input.image, sha256, input.tenantId], type: QueryTypes.INSERT, transaction,
        });
      },
    };
  }

  /** One signature of a record, or null. */
  async find(tenantId: string, recordId: string, id: string): Promise<Signature | null> {
    const [row] = await this.#db.sequelize.query<SignatureRow>(`SELECT ${columns} FROM records_signatures WHERE tenant_id = $1 AND record_id = $2 AND id = $3`, { bind: [tenantId, recordId, id], type: QueryTypes.SELECT });
    return row ? { id: row.id, recordId: row.record_id, fieldPath: row.field_path, revision: Number(row.revision), signerId: row.signer_id, signerName: row.signer_name, signedAt: timeValue(row.signed_at)!, image: row.image, sha256: row.sha256 } : null;
  }
}
