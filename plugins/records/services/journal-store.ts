import { QueryTypes, type Transaction } from 'sequelize';
import { newId, timeValue, type Database } from '../../../core/plugin-api.ts';

/** One journal entry: appended with the server's time and its author, never edited; a correction is a new entry naming the one it corrects. */
export interface JournalEntry {
  id: string;
  recordId: string;
  seq: number;
  text: string;
  data: Record<string, unknown>;
  correctsId: string | null;
  authorId: string | null;
  createdAt: number;
}

interface EntryRow { id: string; record_id: string; seq: unknown; text: string; data: string; corrects_id: string | null; author_id: string | null; created_at: unknown }

const columns = 'id, record_id, seq, text, data, corrects_id, author_id, created_at';
const toEntry = (row: EntryRow): JournalEntry => ({
  id: row.id, recordId: row.record_id, seq: Number(row.seq), text: row.text, data: JSON.parse(row.data) as Record<string, unknown>, correctsId: row.corrects_id, authorId: row.author_id, createdAt: timeValue(row.created_at)!,
});

/** Journal entries in the database (records_entries): append-only. */
export class JournalStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Appends an entry after the record's last one (the caller holds the write transaction, so numbers never collide). */
  async append(input: { tenantId: string; recordId: string; text: string; data: Record<string, unknown>; correctsId: string | null; authorId: string }, transaction: Transaction): Promise<JournalEntry> {
    const entry: JournalEntry = { id: newId(), recordId: input.recordId, seq: (await this.lastSeq(input.tenantId, input.recordId, transaction)) + 1, text: input.text, data: input.data, correctsId: input.correctsId, authorId: input.authorId, createdAt: Date.now() };
    await this.#db.sequelize.query(`INSERT INTO records_entries (${columns}, tenant_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, {
      bind: [entry.id, entry.recordId, entry.seq, entry.text, JSON.stringify(entry.data), entry.correctsId, entry.authorId, entry.createdAt, input.tenantId], type: QueryTypes.INSERT, transaction,
    });
    return entry;
  }

  /** The number of a record's last entry (entries are numbered 1, 2, 3... without gaps), 0 when it has none. */
  async lastSeq(tenantId: string, recordId: string, transaction?: Transaction): Promise<number> {
    const [last] = await this.#db.sequelize.query<{ seq: unknown }>('SELECT MAX(seq) AS seq FROM records_entries WHERE tenant_id = $1 AND record_id = $2', { bind: [tenantId, recordId], type: QueryTypes.SELECT, transaction });
    return Number(last?.seq ?? 0);
  }

  /** One entry of a record, or null. */
  async find(tenantId: string, recordId: string, id: string, transaction?: Transaction): Promise<JournalEntry | null> {
    const [row] = await this.#db.sequelize.query<EntryRow>(`SELECT ${columns} FROM records_entries WHERE tenant_id = $1 AND record_id = $2 AND id = $3`, { bind: [tenantId, recordId, id], type: QueryTypes.SELECT, transaction });
    return row ? toEntry(row) : null;
  }

  /** A record's entries in the order they were written, a page at a time after `afterSeq`. */
  async list(tenantId: string, recordId: string, page: { afterSeq: number; limit: number }): Promise<JournalEntry[]> {
    const rows = await this.#db.sequelize.query<EntryRow>(`SELECT ${columns} FROM records_entries WHERE tenant_id = $1 AND record_id = $2 AND seq > $3 ORDER BY seq LIMIT $4`, {
      bind: [tenantId, recordId, page.afterSeq, page.limit], type: QueryTypes.SELECT,
    });
    return rows.map(toEntry);
  }
}
