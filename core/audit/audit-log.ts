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

/** What the audit log needs: the database, a logger, and how views are written (audit.viewFlushMs, audit.viewBatchSize). */
export interface AuditLogOptions {
  db: Database;
  log: Logger;
  /** How long after a failed write (a full disk, the database away) the views waiting in memory are tried again. */
  retryMs: number;
  /** The most entries one group commit writes. */
  batchSize: number;
}

/** Entries written together in one transaction, and the promise their requests wait on. */
interface CommitGroup {
  entries: Entry[];
  /** Resolves once the group is committed, or once the log gave up waiting for it (the database refuses writes). */
  written: Promise<void>;
  release: () => void;
  /** Set when a transaction has begun writing the group: later entries go into the next one. */
  taken: boolean;
}

function newGroup(): CommitGroup {
  let release!: () => void;
  const written = new Promise<void>((resolve) => { release = resolve; });
  return { entries: [], written, release, taken: false };
}

const alreadyWritten: Promise<void> = Promise.resolve();

/**
 * The audit log's writer (SECURITY.md: Audit). Changes append their entry inside their own transaction
 * (`record`). Views and refusals (`recordSoon`) are written by group commit: an entry goes into the
 * group being filled; one transaction at a time writes the oldest group, and what arrives meanwhile is
 * written together by the next, so a request waits for at most one small transaction besides its own
 * group's and many concurrent views share one commit. `recordSoon` resolves once its entry is committed
 * (RequestAuditRecorder makes the answer wait for it), so a crash after an answer loses none of what was
 * answered. While the database refuses writes (a full disk), the entries stay in memory (bounded) and
 * are tried again every `retryMs`; requests then no longer wait, and the log says so. Each chain's head
 * row is read and advanced in the appending transaction: on PostgreSQL it is locked (FOR UPDATE), so
 * appends to one chain take turns; SQLite's single writer already serialises them.
 */
export class AuditLog implements AuditRecorder {
  readonly #db: Database;
  readonly #log: Logger;
  readonly #retryMs: number;
  readonly #batchSize: number;
  /** Groups not yet committed, oldest first; only the last one takes new entries. */
  readonly #groups: CommitGroup[] = [];
  #queued = 0;
  /** The last committed head of each chain this process appended to (SQLite only). */
  readonly #heads = new Map<string, { seq: number; hash: string }>();
  #writing: Promise<void> | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  /** Set after a write failed, until one succeeds: requests are answered without waiting meanwhile. */
  #unwritable = false;
  #closed = false;

  constructor(options: AuditLogOptions) {
    this.#db = options.db;
    this.#log = options.log;
    this.#retryMs = options.retryMs;
    this.#batchSize = Math.max(options.batchSize, 1);
  }

  /** How many queued entries wait to be committed. */
  get pending(): number {
    return this.#queued;
  }

  async record(event: AuditEvent, transaction: Transaction): Promise<void> {
    await this.#append([entryOf(event)], transaction);
  }

  recordSoon(event: AuditEvent): Promise<void> {
    let group = this.#groups.at(-1);
    if (!group || group.taken || group.entries.length >= this.#batchSize) {
      group = newGroup();
      this.#groups.push(group);
    }
    group.entries.push(entryOf(event));
    this.#queued += 1;
    if (this.#queued > maxQueued) this.#dropOldest();
    this.#startWriting();
    return this.#unwritable ? alreadyWritten : group.written;
  }

  /** Nothing to wait for outside a request: RequestAuditRecorder is the one whose answer waits. */
  waitFor(pending: Promise<unknown>): void {
    pending.catch(() => undefined);
  }

  /** Writes everything queued so far (a failed write is tried once more now); a failure is logged and the entries stay queued. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
    if (this.#groups.length === 0) return;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#startWriting();
    await this.#writing;
  }

  /** Writes what is queued (a clean shutdown loses nothing) and stops retrying; later entries are still written at once. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    if (this.#queued > 0) this.#log.error({ pending: this.#queued }, 'Queued audit entries could not be written before closing');
  }

  #startWriting(): void {
    if (this.#writing || this.#retryTimer) return;
    const writing = this.#writeGroups().finally(() => { if (this.#writing === writing) this.#writing = null; });
    this.#writing = writing;
  }

  /** Commits the groups one transaction each, oldest first, until none is left or a write fails. */
  async #writeGroups(): Promise<void> {
    while (this.#groups.length > 0) {
      const group = this.#groups[0]!;
      try {
        // Taken only once the transaction holds the writer: entries that arrive while it waits still join.
        await this.#db.transaction((transaction) => {
          group.taken = true;
          return this.#append(group.entries, transaction);
        });
      } catch (error) {
        group.taken = false;
        this.#giveUpWaiting(error);
        return;
      }
      this.#groups.shift();
      this.#queued -= group.entries.length;
      group.release();
      if (this.#unwritable) {
        this.#unwritable = false;
        this.#log.warn({ pending: this.#queued }, 'Audit entries are written again; answers wait for their entries again');
      }
    }
  }

  /** After a failed write: the waiting requests are answered, the entries stay queued and are tried again later. */
  #giveUpWaiting(error: unknown): void {
    if (!this.#unwritable) {
      this.#log.error({ err: error, pending: this.#queued }, 'Writing audit entries of views and refusals failed; they stay in memory and are tried again, and answers no longer wait for them until a write succeeds');
    }
    this.#unwritable = true;
    for (const group of this.#groups) group.release();
    if (this.#closed) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#startWriting();
    }, this.#retryMs);
    this.#retryTimer.unref();
  }

  /** Past maxQueued (the database unwritable for long): the oldest entries not being written are dropped, loudly. */
  #dropOldest(): void {
    let dropped = 0;
    for (const group of this.#groups) {
      if (group.taken) continue;
      const excess = Math.min(this.#queued - maxQueued, group.entries.length);
      group.entries.splice(0, excess);
      this.#queued -= excess;
      dropped += excess;
      if (this.#queued <= maxQueued) break;
    }
    for (let i = this.#groups.length - 1; i >= 0; i -= 1) {
      const group = this.#groups[i]!;
      if (group.entries.length === 0 && !group.taken && i < this.#groups.length - 1) {
        this.#groups.splice(i, 1);
        group.release();
      }
    }
    this.#log.error({ dropped }, 'The audit log could not be written for a long time: the oldest queued views and refusals were dropped');
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
}
