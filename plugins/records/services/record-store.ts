import { QueryTypes, type Transaction } from 'sequelize';
import { newId, timeValue, type Database } from '../../../core/plugin-api.ts';

/** Where a record is in its life: a draft anyone with edit access may change, or completed (locked: changes need manage access). */
export type RecordStatus = 'draft' | 'completed';

/** One record: made from a template version in a folder (or at the top), with its current data. */
export interface StoredRecord {
  id: string;
  tenantId: string;
  folderId: string | null;
  templateId: string;
  templateVersion: number;
  title: string;
  status: RecordStatus;
  data: Record<string, unknown>;
  /** A measurement's percentage, else null. */
  score: number | null;
  /** The number of the latest revision. */
  revision: number;
  ownerId: string | null;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
  completedBy: string | null;
}

/** What made a revision. */
export type RevisionChange = 'created' | 'saved' | 'completed' | 'entry' | 'moved';

/** One saved version of a record: every save makes one, with its time and author. */
export interface RecordRevision {
  revision: number;
  title: string;
  status: RecordStatus;
  data: Record<string, unknown>;
  score: number | null;
  change: RevisionChange;
  authorId: string | null;
  createdAt: number;
}

interface RecordRow {
  id: string; tenant_id: string; folder_id: string | null; template_id: string; template_version: unknown; title: string; status: string; data: string; score: unknown;
  revision: unknown; owner_id: string | null; created_at: unknown; updated_at: unknown; completed_at: unknown; completed_by: string | null;
}
interface RevisionRow { revision: unknown; title: string; status: string; data: string; score: unknown; change: string; author_id: string | null; created_at: unknown }

/** The columns of a record row, for the list queries. */
export const recordColumns = 'id, tenant_id, folder_id, template_id, template_version, title, status, data, score, revision, owner_id, created_at, updated_at, completed_at, completed_by';
const numberOrNull = (raw: unknown): number | null => (raw === null || raw === undefined ? null : Number(raw));

/** A record row as a record. */
export function toRecord(row: RecordRow): StoredRecord {
  return {
    id: row.id, tenantId: row.tenant_id, folderId: row.folder_id, templateId: row.template_id, templateVersion: Number(row.template_version), title: row.title,
    status: row.status as RecordStatus, data: JSON.parse(row.data) as Record<string, unknown>, score: numberOrNull(row.score), revision: Number(row.revision),
    ownerId: row.owner_id, createdAt: timeValue(row.created_at)!, updatedAt: timeValue(row.updated_at)!, completedAt: timeValue(row.completed_at), completedBy: row.completed_by,
  };
}
export type { RecordRow };

/** Records and their revisions in the database (records_records, records_revisions). */
export class RecordStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Writes a new record and its first revision. */
  async insert(record: StoredRecord, searchText: string, transaction: Transaction): Promise<void> {
    // Every record made goes through here: a cached statement on the writer (db.execute), not Sequelize's prepare-per-call.
    await this.#db.execute(
      `INSERT INTO records_records (${recordColumns}, search_text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [record.id, record.tenantId, record.folderId, record.templateId, record.templateVersion, record.title, record.status, JSON.stringify(record.data), record.score,
        record.revision, record.ownerId, record.createdAt, record.updatedAt, record.completedAt, record.completedBy, searchText],
      transaction,
    );
    await this.addRevision(record, 'created', record.ownerId, transaction);
  }

  /** Writes a record's new state (its revision number already advanced) and the revision that records it. */
  async save(record: StoredRecord, searchText: string, change: RevisionChange, authorId: string, transaction: Transaction): Promise<void> {
    await this.#db.execute(
      `UPDATE records_records SET folder_id = $1, title = $2, status = $3, data = $4, score = $5, revision = $6, updated_at = $7, completed_at = $8, completed_by = $9, search_text = $10
        WHERE tenant_id = $11 AND id = $12`,
      [record.folderId, record.title, record.status, JSON.stringify(record.data), record.score, record.revision, record.updatedAt, record.completedAt, record.completedBy,
        searchText, record.tenantId, record.id],
      transaction,
    );
    await this.addRevision(record, change, authorId, transaction);
  }

  /** Marks a record as changed now (a journal entry was appended) without a new revision: lists sort it first. */
  async touch(tenantId: string, id: string, at: number, transaction: Transaction): Promise<void> {
    await this.#db.sequelize.query('UPDATE records_records SET updated_at = $1 WHERE tenant_id = $2 AND id = $3', { bind: [at, tenantId, id], type: QueryTypes.UPDATE, transaction });
  }

  /** The record with this id in this tenant, or null; outside a transaction it reads committed data on the hot-read path. */
  async find(tenantId: string, id: string, transaction?: Transaction): Promise<StoredRecord | null> {
    const sql = `SELECT ${recordColumns} FROM records_records WHERE tenant_id = $1 AND id = $2`;
    const [row] = transaction ? await this.#db.selectIn<RecordRow>(sql, [tenantId, id], transaction) : await this.#db.selectRows<RecordRow>(sql, [tenantId, id]);
    return row ? toRecord(row) : null;
  }

  /** Deletes a record with its revisions, entries and signatures. */
  async delete(tenantId: string, id: string, transaction: Transaction): Promise<void> {
    // Children first: on SQLite the foreign keys cascade, but a PostgreSQL table made elsewhere might not.
    for (const table of ['records_signatures', 'records_revisions']) {
      await this.#db.sequelize.query(`DELETE FROM ${table} WHERE tenant_id = $1 AND record_id = $2`, { bind: [tenantId, id], type: QueryTypes.DELETE, transaction });
    }
    // Corrections point at the entries they correct (RESTRICT): untie them first, whatever order the rows go in.
    await this.#db.sequelize.query('UPDATE records_entries SET corrects_id = NULL WHERE tenant_id = $1 AND record_id = $2', { bind: [tenantId, id], type: QueryTypes.UPDATE, transaction });
    await this.#db.sequelize.query('DELETE FROM records_entries WHERE tenant_id = $1 AND record_id = $2', { bind: [tenantId, id], type: QueryTypes.DELETE, transaction });
    await this.#db.sequelize.query('DELETE FROM records_records WHERE tenant_id = $1 AND id = $2', { bind: [tenantId, id], type: QueryTypes.DELETE, transaction });
  }

  /** How many records a folder holds directly (the folder delete rule). */
  async countInFolder(tenantId: string, folderId: string, transaction: Transaction): Promise<number> {
    const [row] = await this.#db.sequelize.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM records_records WHERE tenant_id = $1 AND folder_id = $2', { bind: [tenantId, folderId], type: QueryTypes.SELECT, transaction });
    return Number(row?.n ?? 0);
  }

  /** Every revision of a record, newest first (without their data). */
  async revisions(tenantId: string, recordId: string): Promise<Array<Omit<RecordRevision, 'data'>>> {
    const rows = await this.#db.sequelize.query<RevisionRow>(
      'SELECT revision, title, status, score, change, author_id, created_at FROM records_revisions WHERE tenant_id = $1 AND record_id = $2 ORDER BY revision DESC LIMIT 1000',
      { bind: [tenantId, recordId], type: QueryTypes.SELECT },
    );
    return rows.map((row) => ({ revision: Number(row.revision), title: row.title, status: row.status as RecordStatus, score: numberOrNull(row.score), change: row.change as RevisionChange, authorId: row.author_id, createdAt: timeValue(row.created_at)! }));
  }

  /** One revision with its data, or null. */
  async revision(tenantId: string, recordId: string, revision: number): Promise<RecordRevision | null> {
    const [row] = await this.#db.sequelize.query<RevisionRow>(
      'SELECT revision, title, status, data, score, change, author_id, created_at FROM records_revisions WHERE tenant_id = $1 AND record_id = $2 AND revision = $3',
      { bind: [tenantId, recordId, revision], type: QueryTypes.SELECT },
    );
    return row ? { revision: Number(row.revision), title: row.title, status: row.status as RecordStatus, data: JSON.parse(row.data) as Record<string, unknown>, score: numberOrNull(row.score), change: row.change as RevisionChange, authorId: row.author_id, createdAt: timeValue(row.created_at)! } : null;
  }

  /** Writes the revision of a record's current state. */
  async addRevision(record: StoredRecord, change: RevisionChange, authorId: string | null, transaction: Transaction): Promise<void> {
    await this.#db.execute(
      'INSERT INTO records_revisions (id, tenant_id, record_id, revision, title, status, data, score, change, author_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
      [newId(), record.tenantId, record.id, record.revision, record.title, record.status, JSON.stringify(record.data), record.score, change, authorId, record.updatedAt],
      transaction,
    );
  }
}
