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

const batchSize = 5000;
const batchSql = `SELECT seq, at, tenant_id, actor_id, actor_email, action, object_type, object_id, ip, user_agent, outcome, details, prev_hash, hash
  FROM kirjuri_audit_entries WHERE chain_id = $1 AND seq > $2 ORDER BY seq LIMIT ${batchSize}`;

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
    for (;;) {
      const rows = await this.#db.selectRows<VerifyRow>(batchSql, [chainId, expected - 1]);
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== expected) return bad(checked, expected, `entry ${expected} is missing`);
        if (row.prev_hash !== previous) return bad(checked, seq, `entry ${seq} does not follow entry ${seq - 1}`);
        const computed = entryHash({
          chainId, seq, at: Number(row.at), tenantId: row.tenant_id, actorId: row.actor_id, actorEmail: row.actor_email, action: row.action,
          objectType: row.object_type, objectId: row.object_id, ip: row.ip, userAgent: row.user_agent, outcome: row.outcome, details: row.details, prevHash: row.prev_hash,
        });
        if (computed !== row.hash) return bad(checked, seq, `entry ${seq} was changed after it was written`);
        if (wanted.has(seq)) seen.set(seq, computed);
        previous = computed;
        expected += 1;
        checked += 1;
      }
      if (rows.length < batchSize) break;
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
