import type { Transaction } from 'sequelize';
import type { Database } from '../db/open-database.ts';
import type { Logger } from '../kernel/create-logger.ts';
import { chainAfter, entryOf, genesisHash, type AuditRow } from './audit-chain.ts';
import type { AuditEvent, AuditRecorder } from './audit-event.ts';

type Entry = Omit<AuditRow, 'seq' | 'prevHash' | 'hash'>;

const columns = 'chain_id, seq, at, tenant_id, actor_id, actor_email, action, object_type, object_id, ip, user_agent, outcome, details, prev_hash, hash';
const columnCount = 15;
// Rows per INSERT: 60 x 15 parameters stays far below every database's limit.
const rowsPerInsert = 60;
// A bound on memory if the database stays unwritable: past it the oldest queued views are dropped, loudly.
const maxQueued = 200_000;

const valuesOf = (row: AuditRow): unknown[] => [
  row.chainId, row.seq, row.at, row.tenantId, row.actorId, row.actorEmail, row.action, row.objectType, row.objectId, row.ip, row.userAgent, row.outcome, row.details, row.prevHash, row.hash,
];

/** What the audit log needs: the database, a logger, and how views are batched (audit.viewFlushMs, audit.viewBatchSize). */
export interface AuditLogOptions {
  db: Database;
  log: Logger;
  flushMs: number;
  batchSize: number;
}

/**
 * The audit log's writer (SECURITY.md: Audit). Changes append their entry inside their own transaction
 * (`record`); views and refusals are queued and appended in batches (`recordSoon`), one transaction
 * per batch, so that reads stay fast; `close` writes what is queued. Each chain's head row is read and
 * advanced in the appending transaction: on PostgreSQL it is locked (FOR UPDATE), so appends to one
 * chain take turns; SQLite's single writer already serialises them.
 */
export class AuditLog implements AuditRecorder {
  readonly #db: Database;
  readonly #log: Logger;
  readonly #flushMs: number;
  readonly #batchSize: number;
  #queue: Entry[] = [];
  /** The last committed head of each chain this process appended to (SQLite only). */
  readonly #heads = new Map<string, { seq: number; hash: string }>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: AuditLogOptions) {
    this.#db = options.db;
    this.#log = options.log;
    this.#flushMs = options.flushMs;
    this.#batchSize = options.batchSize;
  }

  /** How many queued entries wait to be written. */
  get pending(): number {
    return this.#queue.length;
  }

  async record(event: AuditEvent, transaction: Transaction): Promise<void> {
    await this.#append([entryOf(event)], transaction);
  }

  recordSoon(event: AuditEvent): void {
    this.#queue.push(entryOf(event));
    if (this.#queue.length > maxQueued) {
      const dropped = this.#queue.splice(0, this.#queue.length - maxQueued);
      this.#log.error({ dropped: dropped.length }, 'The audit log could not be written for a long time: the oldest queued views and refusals were dropped');
    }
    if (this.#queue.length >= this.#batchSize) void this.flush();
    else this.#schedule(this.#flushMs);
  }

  /** Writes everything queued so far (one transaction); a failure is logged and the entries stay queued for the next try. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#writeQueued());
    return this.#flushing;
  }

  /** Writes what is queued (a clean shutdown loses nothing) and stops the timer; later entries are written at once. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.flush();
    if (this.#queue.length > 0) this.#log.error({ pending: this.#queue.length }, 'Queued audit entries could not be written before closing');
  }

  /** Appends rows for `entries` inside `transaction`, chain by chain, keeping each chain's order. */
  async #append(entries: readonly Entry[], transaction: Transaction): Promise<void> {
    const byChain = new Map<string, Entry[]>();
    for (const entry of entries) {
      const list = byChain.get(entry.chainId);
      if (list) list.push(entry);
      else byChain.set(entry.chainId, [entry]);
    }
    for (const [chainId, chainEntries] of byChain) {
      // On SQLite (one node, one writer) the last committed head is remembered, saving a read per change;
      // the head update only applies where the row still holds it, so a head another process moved (a CLI
      // command writing its own entry) is noticed, read and chained after instead.
      const remembered = this.#db.dialect === 'sqlite' ? this.#heads.get(chainId) : undefined;
      let placed = remembered ? chainAfter(remembered, chainEntries) : null;
      const moved = placed && remembered
        ? await this.#db.execute('UPDATE kirjuri_audit_heads SET seq = $1, hash = $2 WHERE chain_id = $3 AND seq = $4 AND hash = $5', [placed.head.seq, placed.head.hash, chainId, remembered.seq, remembered.hash], transaction)
        : 0;
      if (!placed || moved === 0) {
        placed = chainAfter(await this.#lockHead(chainId, transaction), chainEntries);
        await this.#db.execute('UPDATE kirjuri_audit_heads SET seq = $1, hash = $2 WHERE chain_id = $3', [placed.head.seq, placed.head.hash, chainId], transaction);
      }
      const { rows, head: next } = placed;
      for (let start = 0; start < rows.length; start += rowsPerInsert) {
        const slice = rows.slice(start, start + rowsPerInsert);
        const marks = slice.map((_, r) => `(${Array.from({ length: columnCount }, (__, c) => `$${r * columnCount + c + 1}`).join(', ')})`).join(', ');
        await this.#db.execute(`INSERT INTO kirjuri_audit_entries (${columns}) VALUES ${marks}`, slice.flatMap(valuesOf), transaction);
      }
      // Remembered only once committed: a rolled-back change leaves the head where it was.
      if (this.#db.dialect === 'sqlite') transaction.afterCommit(() => { this.#heads.set(chainId, next); });
    }
  }

  /** A chain's head, made at the genesis when the chain is new, and locked for this transaction on PostgreSQL. */
  async #lockHead(chainId: string, transaction: Transaction): Promise<{ seq: number; hash: string }> {
    const select = `SELECT seq, hash FROM kirjuri_audit_heads WHERE chain_id = $1${this.#db.dialect === 'postgres' ? ' FOR UPDATE' : ''}`;
    let [head] = await this.#db.selectIn<{ seq: unknown; hash: string }>(select, [chainId], transaction);
    if (!head) {
      await this.#db.execute('INSERT INTO kirjuri_audit_heads (chain_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (chain_id) DO NOTHING', [chainId, genesisHash], transaction);
      [head] = await this.#db.selectIn<{ seq: unknown; hash: string }>(select, [chainId], transaction);
    }
    return { seq: Number(head!.seq), hash: head!.hash };
  }

  async #writeQueued(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, Math.max(this.#batchSize, 1));
      try {
        await this.#db.transaction((transaction) => this.#append(batch, transaction));
      } catch (error) {
        this.#queue.unshift(...batch);
        this.#log.error({ err: error, pending: this.#queue.length }, 'Writing queued audit entries failed; they stay queued and are tried again');
        if (!this.#closed) this.#schedule(this.#flushMs * 4);
        return;
      }
    }
  }

  #schedule(delayMs: number): void {
    if (this.#timer || this.#closed) {
      if (this.#closed && !this.#timer) void this.flush();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.flush();
    }, delayMs);
    this.#timer.unref();
  }
}
