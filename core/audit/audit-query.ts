import { Readable } from 'node:stream';
import { QueryTypes } from 'sequelize';
import type { Database } from '../db/open-database.ts';

/** API.md's audit filters; `actor` is a user id or an email. */
export interface AuditFilter {
  actor?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  /** Epoch milliseconds, inclusive. */
  from?: number;
  /** Epoch milliseconds, exclusive. */
  to?: number;
}

/** One entry as API.md shows it. */
export interface AuditItem {
  seq: number;
  at: string;
  tenant: string | null;
  actor: { id: string | null; email: string | null };
  action: string;
  objectType: string | null;
  objectId: string | null;
  ip: string | null;
  userAgent: string | null;
  outcome: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

interface EntryRow {
  seq: unknown; at: unknown; tenant_id: string | null; actor_id: string | null; actor_email: string | null; action: string; object_type: string | null;
  object_id: string | null; ip: string | null; user_agent: string | null; outcome: string; details: string; prev_hash: string; hash: string;
}

const toItem = (row: EntryRow): AuditItem => ({
  seq: Number(row.seq), at: new Date(Number(row.at)).toISOString(), tenant: row.tenant_id, actor: { id: row.actor_id, email: row.actor_email },
  action: row.action, objectType: row.object_type, objectId: row.object_id, ip: row.ip, userAgent: row.user_agent, outcome: row.outcome,
  details: safeJson(row.details), prevHash: row.prev_hash, hash: row.hash,
});

function safeJson(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { unreadable: text };
  }
}

const csvColumns = ['seq', 'at', 'tenant', 'actorId', 'actorEmail', 'action', 'objectType', 'objectId', 'ip', 'userAgent', 'outcome', 'details', 'prevHash', 'hash'] as const;

/**
 * One CSV cell: quoted when it holds a comma, quote or line break; a cell a spreadsheet would take
 * for a formula (= + - @, tab, carriage return first) gets a leading apostrophe, so that a name
 * written into the log cannot run as a formula when an administrator opens the export.
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** An item as one CSV line (with its line break). */
export function csvLine(item: AuditItem): string {
  const values = [item.seq, item.at, item.tenant, item.actor.id, item.actor.email, item.action, item.objectType, item.objectId, item.ip, item.userAgent, item.outcome, JSON.stringify(item.details), item.prevHash, item.hash];
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** Reads a chain's entries, newest first, filtered (API.md audit filters). */
export class AuditQuery {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** A page of entries with seq below `beforeSeq` (null: from the newest), and whether more follow. */
  async page(chainId: string, filter: AuditFilter, page: { limit: number; beforeSeq: number | null }): Promise<{ items: AuditItem[]; nextBeforeSeq: number | null }> {
    const where = ['chain_id = $1'];
    const bind: unknown[] = [chainId];
    if (filter.actor) where.push(filter.actor.includes('@') ? `actor_email = $${bind.push(filter.actor.toLowerCase())}` : `actor_id = $${bind.push(filter.actor)}`);
    if (filter.action) where.push(`action = $${bind.push(filter.action)}`);
    if (filter.objectType) where.push(`object_type = $${bind.push(filter.objectType)}`);
    if (filter.objectId) where.push(`object_id = $${bind.push(filter.objectId)}`);
    if (filter.from !== undefined) where.push(`at >= $${bind.push(filter.from)}`);
    if (filter.to !== undefined) where.push(`at < $${bind.push(filter.to)}`);
    if (page.beforeSeq !== null) where.push(`seq < $${bind.push(page.beforeSeq)}`);
    const rows = await this.#db.sequelize.query<EntryRow>(
      `SELECT seq, at, tenant_id, actor_id, actor_email, action, object_type, object_id, ip, user_agent, outcome, details, prev_hash, hash
        FROM kirjuri_audit_entries WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $${bind.push(page.limit + 1)}`,
      { bind, type: QueryTypes.SELECT },
    );
    const items = rows.slice(0, page.limit).map(toItem);
    return { items, nextBeforeSeq: rows.length > page.limit ? items.at(-1)!.seq : null };
  }

  /** Every matching entry as a stream of CSV (with a header) or JSON lines, read a thousand at a time. */
  export(chainId: string, filter: AuditFilter, format: 'csv' | 'jsonl'): Readable {
    const page = (beforeSeq: number | null): Promise<{ items: AuditItem[]; nextBeforeSeq: number | null }> => this.page(chainId, filter, { limit: 1000, beforeSeq });
    return Readable.from((async function* lines() {
      if (format === 'csv') yield `${csvColumns.join(',')}\r\n`;
      let beforeSeq: number | null = null;
      do {
        const found: { items: AuditItem[]; nextBeforeSeq: number | null } = await page(beforeSeq);
        yield found.items.map((item) => (format === 'csv' ? csvLine(item) : `${JSON.stringify(item)}\n`)).join('');
        beforeSeq = found.nextBeforeSeq;
      } while (beforeSeq !== null);
    })());
  }
}
