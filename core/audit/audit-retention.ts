import { QueryTypes } from 'sequelize';
import type { Database } from '../db/open-database.ts';
import type { TenantStore } from '../tenants/tenant-store.ts';
import { instanceChain } from './audit-chain.ts';

/** The moment `months` calendar months before `now`: entries older than it are purged. */
export function retentionCutoff(now: number, months: number): number {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  return cutoff.getTime();
}

/**
 * Deletes audit entries past their retention (the tenant's `retentionMonths`, else audit.retentionMonths),
 * from the start of each chain up to the first entry that is still kept, and records where the chain
 * now starts (seq and hash) so that what remains still verifies.
 */
export class AuditRetention {
  readonly #db: Database;
  readonly #tenants: TenantStore;
  readonly #defaultMonths: number;

  constructor(deps: { db: Database; tenants: TenantStore; defaultMonths: number }) {
    this.#db = deps.db;
    this.#tenants = deps.tenants;
    this.#defaultMonths = deps.defaultMonths;
  }

  /** Purges one chain of entries before `cutoff`; returns how many went. */
  async purgeChain(chainId: string, cutoff: number): Promise<number> {
    return this.#db.transaction(async (transaction) => {
      const [kept] = await this.#db.sequelize.query<{ seq: unknown }>('SELECT MIN(seq) AS seq FROM kirjuri_audit_entries WHERE chain_id = $1 AND at >= $2', { bind: [chainId, cutoff], type: QueryTypes.SELECT, transaction });
      const [last] = await this.#db.sequelize.query<{ seq: unknown }>('SELECT MAX(seq) AS seq FROM kirjuri_audit_entries WHERE chain_id = $1', { bind: [chainId], type: QueryTypes.SELECT, transaction });
      if (last?.seq === null || last?.seq === undefined) return 0;
      const upTo = kept?.seq === null || kept?.seq === undefined ? Number(last.seq) : Number(kept.seq) - 1;
      const [first] = await this.#db.sequelize.query<{ seq: unknown }>('SELECT MIN(seq) AS seq FROM kirjuri_audit_entries WHERE chain_id = $1', { bind: [chainId], type: QueryTypes.SELECT, transaction });
      if (upTo < Number(first!.seq)) return 0;
      const [edge] = await this.#db.sequelize.query<{ hash: string }>('SELECT hash FROM kirjuri_audit_entries WHERE chain_id = $1 AND seq = $2', { bind: [chainId, upTo], type: QueryTypes.SELECT, transaction });
      const count = upTo - Number(first!.seq) + 1;
      await this.#db.sequelize.query('DELETE FROM kirjuri_audit_entries WHERE chain_id = $1 AND seq <= $2', { bind: [chainId, upTo], type: QueryTypes.DELETE, transaction });
      await this.#db.sequelize.query('INSERT INTO kirjuri_audit_purges (chain_id, up_to_seq, hash, purged_count, purged_at) VALUES ($1, $2, $3, $4, $5)', {
        bind: [chainId, upTo, edge!.hash, count, Date.now()], type: QueryTypes.INSERT, transaction,
      });
      return count;
    });
  }

  /** Purges every chain by its retention; returns how many entries went. */
  async purgeAll(now = Date.now()): Promise<number> {
    const chains = await this.#db.sequelize.query<{ chain_id: string }>('SELECT chain_id FROM kirjuri_audit_heads', { type: QueryTypes.SELECT });
    let purged = 0;
    for (const { chain_id: chainId } of chains) {
      const months = chainId === instanceChain ? this.#defaultMonths : (await this.#tenants.settingsOf(chainId)).retentionMonths ?? this.#defaultMonths;
      purged += await this.purgeChain(chainId, retentionCutoff(now, months));
    }
    return purged;
  }
}
