import { QueryTypes, type Transaction } from 'sequelize';
import { timeValue, type Database } from '../../../core/plugin-api.ts';

/** A file of a record (records_files): what it is called and holds, and which blob has its bytes. */
export interface RecordFile {
  id: string;
  tenantId: string;
  recordId: string;
  /** The template field it belongs to: `key`, or `group.N.key`. */
  fieldPath: string;
  blobId: string;
  /** The sanitised display name. */
  name: string;
  /** The type its first bytes showed. */
  mime: string;
  size: number;
  sha256: string;
  takenAt: number | null;
  latitude: number | null;
  longitude: number | null;
  createdBy: string | null;
  createdAt: number;
}

interface FileRow {
  id: string; tenant_id: string; record_id: string; field_path: string; blob_id: string; name: string; mime: string; size: unknown; sha256: string;
  taken_at: unknown; latitude: unknown; longitude: unknown; created_by: string | null; created_at: unknown;
}

const columns = 'id, tenant_id, record_id, field_path, blob_id, name, mime, size, sha256, taken_at, latitude, longitude, created_by, created_at';

const numberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

const toFile = (row: FileRow): RecordFile => ({
  id: row.id, tenantId: row.tenant_id, recordId: row.record_id, fieldPath: row.field_path, blobId: row.blob_id, name: row.name, mime: row.mime,
  size: Number(row.size), sha256: row.sha256, takenAt: timeValue(row.taken_at), latitude: numberOrNull(row.latitude), longitude: numberOrNull(row.longitude),
  createdBy: row.created_by, createdAt: timeValue(row.created_at)!,
});

/** The files of records in the database, always read with their tenant. */
export class RecordFileStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Adds a file row inside the caller's transaction (after its blob row). */
  async insert(file: RecordFile, transaction: Transaction): Promise<void> {
    await this.#db.sequelize.query(`INSERT INTO records_files (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, {
      bind: [file.id, file.tenantId, file.recordId, file.fieldPath, file.blobId, file.name, file.mime, file.size, file.sha256, file.takenAt, file.latitude, file.longitude, file.createdBy, file.createdAt],
      type: QueryTypes.INSERT, transaction,
    });
  }

  /** The tenant's file `id`, or null. */
  async find(tenantId: string, id: string): Promise<RecordFile | null> {
    const [row] = await this.#db.sequelize.query<FileRow>(`SELECT ${columns} FROM records_files WHERE tenant_id = $1 AND id = $2`, { bind: [tenantId, id], type: QueryTypes.SELECT });
    return row ? toFile(row) : null;
  }

  /** Every file of a record, oldest first. */
  async ofRecord(tenantId: string, recordId: string, transaction?: Transaction): Promise<RecordFile[]> {
    const rows = await this.#db.sequelize.query<FileRow>(`SELECT ${columns} FROM records_files WHERE tenant_id = $1 AND record_id = $2 ORDER BY created_at, id`, {
      bind: [tenantId, recordId], type: QueryTypes.SELECT, transaction,
    });
    return rows.map(toFile);
  }

  /** The bytes the tenant's files take (the per-tenant limit). */
  async totalSize(tenantId: string, transaction?: Transaction): Promise<number> {
    const [row] = await this.#db.sequelize.query<{ total: unknown }>('SELECT COALESCE(SUM(size), 0) AS total FROM records_files WHERE tenant_id = $1', {
      bind: [tenantId], type: QueryTypes.SELECT, transaction,
    });
    return Number(row?.total ?? 0);
  }
}
