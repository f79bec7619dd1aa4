import { hash } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { Database } from '../db/open-database.ts';
import { entryHash, genesisHash } from './audit-chain.ts';
import type { AuditCheckpoints } from './audit-checkpoints.ts';

/** What verifying a chain found: API.md's `{ok, checked, firstBadSeq}`, and why when it is not ok. */
export interface AuditVerdict {
  ok: boolean;
  checked: number;
  firstBadSeq: number | null;
  reason: string | null;
}

interface VerifyRow {
  seq: unknown; at: unknown; tenant_id: string | null; actor_id: string | null; actor_email: string | null; action: string; object_type: string | null;
  object_id: string | null; ip: string | null; user_agent: string | null; outcome: string; details: string; prev_hash: string; hash: string;
}

/** A row of the SQLite fast path: the hashed JSON array made by SQLite itself (one text column instead of fourteen). */
interface PayloadRow { seq: unknown; prev_hash: string; hash: string; payload: string }

const batchSize = 5000;
const entryColumns = 'seq, at, tenant_id, actor_id, actor_email, action, object_type, object_id, ip, user_agent, outcome, details, prev_hash, hash';
const batchSql = `SELECT ${entryColumns} FROM kirjuri_audit_entries WHERE chain_id = $1 AND seq > $2 ORDER BY seq LIMIT ${batchSize}`;
const oneSql = `SELECT ${entryColumns} FROM kirjuri_audit_entries WHERE chain_id = $1 AND seq = $2`;
// SQLite's json_array() writes the same text as JSON.stringify for the values a chain holds (integers,
// strings, nulls), and reading one text column costs less than a third of reading fourteen (bench/RESULTS.md,
// issue 4). Where it would differ (a value of an odd type or an exotic character), the hash does not match
// and that row is recomputed from its columns in JavaScript, so the verdict is always the JavaScript one.
const payloadSql = `SELECT seq, prev_hash, hash, json_array(chain_id, seq, at, tenant_id, actor_id, actor_email, action, object_type, object_id, ip, user_agent, outcome, details, prev_hash) AS payload
  FROM kirjuri_audit_entries WHERE chain_id = $1 AND seq > $2 ORDER BY seq LIMIT ${batchSize}`;

/** The hash an entry row should carry, recomputed from its columns. */
function hashOfRow(chainId: string, row: VerifyRow): string {
  return entryHash({
    chainId, seq: Number(row.seq), at: Number(row.at), tenantId: row.tenant_id, actorId: row.actor_id, actorEmail: row.actor_email, action: row.action,
    objectType: row.object_type, objectId: row.object_id, ip: row.ip, userAgent: row.user_agent, outcome: row.outcome, details: row.details, prevHash: row.prev_hash,
  });
}

/**
 * Recomputes a chain from its start (or from where a purge left it) in seq order and names the first
 * entry that is not what was written: an edited column, a missing entry (a gap or a broken link), two
 * entries swapped, and entries cut from the end (the chain's head row and the signed checkpoints
 * still know how far it went).
 */
export class AuditVerifier {
  readonly #db: Database;
  readonly #checkpoints: AuditCheckpoints;

  constructor(deps: { db: Database; checkpoints: AuditCheckpoints }) {
    this.#db = deps.db;
    this.#checkpoints = deps.checkpoints;
  }

  /** Verifies one chain (a tenant's id, or "instance"). */
  async verify(chainId: string): Promise<AuditVerdict> {
    const [purged] = await this.#db.sequelize.query<{ up_to_seq: unknown; hash: string }>(
      'SELECT up_to_seq, hash FROM kirjuri_audit_purges WHERE chain_id = $1 ORDER BY up_to_seq DESC LIMIT 1', { bind: [chainId], type: QueryTypes.SELECT },
    );
    const startSeq = purged ? Number(purged.up_to_seq) : 0;
    let previous = purged?.hash ?? genesisHash;
    let expected = startSeq + 1;
    let checked = 0;
    const checkpoints = this.#checkpoints.read().filter((checkpoint) => checkpoint.chain === chainId && checkpoint.seq > startSeq);
    const badSignature = checkpoints.find((checkpoint) => !checkpoint.valid);
    if (badSignature) return { ok: false, checked, firstBadSeq: badSignature.seq, reason: `the checkpoint of entry ${badSignature.seq} has a bad signature (the checkpoint file or the signing key was changed)` };
    const wanted = new Map(checkpoints.map((checkpoint) => [checkpoint.seq, checkpoint.hash]));
    const seen = new Map<number, string>();
    const fast = this.#db.dialect === 'sqlite';
    const fetch = (after: number): Promise<Array<VerifyRow | PayloadRow>> => (fast
      ? this.#db.selectRows<PayloadRow>(payloadSql, [chainId, after]).catch(() => this.#db.selectRows<VerifyRow>(batchSql, [chainId, after]))
      : this.#db.selectRows<VerifyRow>(batchSql, [chainId, after]));
    let pending = fetch(expected - 1);
    try {
      for (;;) {
        const rows = await pending;
        // The next batch is read while this one is hashed: the read runs on SQLite's thread, the hashing here.
        const full = rows.length === batchSize;
        if (full) pending = fetch(Number(rows[rows.length - 1]!.seq));
        for (const row of rows) {
          const seq = Number(row.seq);
          if (seq !== expected) return bad(checked, expected, `entry ${expected} is missing`);
          if (row.prev_hash !== previous) return bad(checked, seq, `entry ${seq} does not follow entry ${seq - 1}`);
          let computed = 'payload' in row ? hash('sha256', row.payload, 'hex') : hashOfRow(chainId, row);
          if (computed !== row.hash && 'payload' in row) {
            const [columns] = await this.#db.selectRows<VerifyRow>(oneSql, [chainId, seq]);
            computed = columns ? hashOfRow(chainId, columns) : computed;
          }
          if (computed !== row.hash) return bad(checked, seq, `entry ${seq} was changed after it was written`);
          if (wanted.has(seq)) seen.set(seq, computed);
          previous = computed;
          expected += 1;
          checked += 1;
        }
        if (!full) break;
      }
    } finally {
      // A verdict reached early leaves the read ahead running: let it finish without an unhandled rejection.
      pending.catch(() => undefined);
    }
    const last = expected - 1;
    const [head] = await this.#db.sequelize.query<{ seq: unknown; hash: string }>('SELECT seq, hash FROM kirjuri_audit_heads WHERE chain_id = $1', { bind: [chainId], type: QueryTypes.SELECT });
    if (head && Number(head.seq) > last) return bad(checked, last + 1, `entries ${last + 1} to ${Number(head.seq)} are missing from the end`);
    if (head && Number(head.seq) === last && last > startSeq && head.hash !== previous) return bad(checked, last, `entry ${last} differs from the chain's recorded head`);
    let agreed = startSeq;
    for (const checkpoint of checkpoints) {
      if (checkpoint.seq > last) return bad(checked, last + 1, `entries ${last + 1} to ${checkpoint.seq} are missing from the end (a signed checkpoint names ${checkpoint.seq})`);
      if (seen.get(checkpoint.seq) !== checkpoint.hash) return bad(checked, agreed + 1, `the entries after ${agreed} were rewritten (they no longer match the checkpoint signed for entry ${checkpoint.seq})`);
      agreed = Math.max(agreed, checkpoint.seq);
    }
    return { ok: true, checked, firstBadSeq: null, reason: null };
  }

  /** Every chain that has entries or a head, by id. */
  async chains(): Promise<string[]> {
    const rows = await this.#db.sequelize.query<{ chain_id: string }>('SELECT chain_id FROM kirjuri_audit_heads ORDER BY chain_id', { type: QueryTypes.SELECT });
    return rows.map((row) => row.chain_id);
  }
}

const bad = (checked: number, firstBadSeq: number, reason: string): AuditVerdict => ({ ok: false, checked, firstBadSeq, reason });
