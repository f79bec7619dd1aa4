import { newId } from '../db/new-id.ts';
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../db/open-database.ts';
import { timeValue } from '../db/row-values.ts';
import type { IdentityReadCache } from '../identity/identity-read-cache.ts';
import { grantKey, type GrantMap } from '../access/access-rules.ts';
import { higherLevel, type AccessLevel } from '../access/object-access.ts';

/** One share: access to one object (and what it contains) for one email, maybe not yet accepted. */
export interface Share {
  id: string;
  tenantId: string;
  objectType: string;
  objectId: string;
  email: string;
  /** Who it grants to; null until an outside email accepts the invite. */
  userId: string | null;
  access: AccessLevel;
  message: string | null;
  expiresAt: number | null;
  inviteExpiresAt: number | null;
  createdBy: string | null;
  createdAt: number;
  acceptedAt: number | null;
  revokedAt: number | null;
}

/** A share as the person it was shared with sees it, across tenants. */
export interface ShareWithTenant extends Share {
  tenantSlug: string;
  tenantName: string;
}

interface ShareRow {
  id: string; tenant_id: string; object_type: string; object_id: string; email: string; user_id: string | null; access: string;
  message: string | null; expires_at: unknown; invite_expires_at: unknown; created_by: string | null; created_at: unknown; accepted_at: unknown; revoked_at: unknown;
}

const columns = 'id, tenant_id, object_type, object_id, email, user_id, access, message, expires_at, invite_expires_at, created_by, created_at, accepted_at, revoked_at';

const toShare = (row: ShareRow): Share => ({
  id: row.id, tenantId: row.tenant_id, objectType: row.object_type, objectId: row.object_id, email: row.email, userId: row.user_id,
  access: row.access as AccessLevel, message: row.message, expiresAt: timeValue(row.expires_at), inviteExpiresAt: timeValue(row.invite_expires_at),
  createdBy: row.created_by, createdAt: timeValue(row.created_at)!, acceptedAt: timeValue(row.accepted_at), revokedAt: timeValue(row.revoked_at),
});

/** Whether a share grants anything right now: not revoked, not expired, accepted or given to an account. */
export function isActive(share: Pick<Share, 'revokedAt' | 'expiresAt' | 'userId'>, now = Date.now()): boolean {
  return share.userId !== null && share.revokedAt === null && (share.expiresAt === null || share.expiresAt > now);
}

interface GrantRow { object_type: string; object_id: string; access: string; expires_at: unknown }
interface CachedGrants {
  rows: Array<{ key: string; access: AccessLevel; expiresAt: number | null }>;
  /** The map as of `validUntil`: rebuilt only when a share in it expires. */
  grants: GrantMap;
  validUntil: number;
}

/** The grants of rows that have not expired at `now`, and when the first of them will. */
function buildGrants(rows: CachedGrants['rows'], now: number): { grants: GrantMap; validUntil: number } {
  const grants = new Map<string, AccessLevel>();
  let validUntil = Number.POSITIVE_INFINITY;
  for (const row of rows) {
    if (row.expiresAt !== null && row.expiresAt <= now) continue;
    if (row.expiresAt !== null) validUntil = Math.min(validUntil, row.expiresAt);
    grants.set(row.key, higherLevel(grants.get(row.key) ?? null, row.access)!);
  }
  return { grants, validUntil };
}

/** Shares in the database (kirjuri_shares): who may reach which object beyond their role. */
export class ShareStore {
  readonly #db: Database;
  readonly #cache: IdentityReadCache;

  constructor(db: Database, cache: IdentityReadCache) {
    this.#db = db;
    this.#cache = cache;
  }

  /** Stores a new share; `inviteHash` is the SHA-256 of the invite token when an outside email must accept it. */
  async create(input: Omit<Share, 'id' | 'createdAt' | 'acceptedAt' | 'revokedAt'> & { inviteHash: string | null }, transaction: Transaction): Promise<Share> {
    const share: Share = { ...input, id: newId(), createdAt: Date.now(), acceptedAt: null, revokedAt: null };
    await this.#db.sequelize.query(
      `INSERT INTO kirjuri_shares (${columns}, invite_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      {
        bind: [share.id, share.tenantId, share.objectType, share.objectId, share.email, share.userId, share.access, share.message, share.expiresAt,
          share.inviteExpiresAt, share.createdBy, share.createdAt, null, null, input.inviteHash],
        type: QueryTypes.INSERT, transaction,
      },
    );
    this.#cache.invalidateAfter(transaction);
    return share;
  }

  /** The share with this id in this tenant, or null. */
  async find(tenantId: string, id: string, transaction?: Transaction): Promise<Share | null> {
    const [row] = await this.#db.sequelize.query<ShareRow>(`SELECT ${columns} FROM kirjuri_shares WHERE tenant_id = $1 AND id = $2`, { bind: [tenantId, id], type: QueryTypes.SELECT, transaction });
    return row ? toShare(row) : null;
  }

  /** The share an invite token's hash names, whatever its state (the caller says why it cannot be used). */
  async findByInviteHash(inviteHash: string, transaction: Transaction): Promise<Share | null> {
    const [row] = await this.#db.sequelize.query<ShareRow>(`SELECT ${columns} FROM kirjuri_shares WHERE invite_hash = $1`, { bind: [inviteHash], type: QueryTypes.SELECT, transaction });
    return row ? toShare(row) : null;
  }

  /** Shares of a tenant, newest first: all of them, those on one object, or those one person made. */
  async list(tenantId: string, filter: { objectType?: string; objectId?: string; createdBy?: string } = {}): Promise<Share[]> {
    const where = ['tenant_id = $1', 'revoked_at IS NULL'];
    const bind: unknown[] = [tenantId];
    if (filter.objectType) where.push(`object_type = $${bind.push(filter.objectType)}`);
    if (filter.objectId) where.push(`object_id = $${bind.push(filter.objectId)}`);
    if (filter.createdBy) where.push(`created_by = $${bind.push(filter.createdBy)}`);
    const rows = await this.#db.sequelize.query<ShareRow>(`SELECT ${columns} FROM kirjuri_shares WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id LIMIT 500`, { bind, type: QueryTypes.SELECT });
    return rows.map(toShare);
  }

  /** What is shared with a user right now, in every tenant, newest first. */
  async sharedWith(userId: string): Promise<ShareWithTenant[]> {
    const rows = await this.#db.sequelize.query<ShareRow & { slug: string; name: string }>(
      `SELECT ${columns.split(', ').map((c) => `s.${c}`).join(', ')}, t.slug, t.name FROM kirjuri_shares s JOIN kirjuri_tenants t ON t.id = s.tenant_id
        WHERE s.user_id = $1 AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > $2) ORDER BY s.created_at DESC LIMIT 500`,
      { bind: [userId, Date.now()], type: QueryTypes.SELECT },
    );
    return rows.map((row) => ({ ...toShare(row), tenantSlug: row.slug, tenantName: row.name }));
  }

  /** Gives an invited share to the account that accepted it; the invite cannot be used again. */
  async accept(id: string, userId: string, transaction: Transaction): Promise<void> {
    await this.#db.sequelize.query('UPDATE kirjuri_shares SET user_id = $1, accepted_at = $2, invite_hash = NULL WHERE id = $3', { bind: [userId, Date.now(), id], type: QueryTypes.UPDATE, transaction });
    this.#cache.invalidateAfter(transaction);
  }

  /** Ends a share at once (and any invite of it). */
  async revoke(id: string, transaction: Transaction): Promise<void> {
    await this.#db.sequelize.query('UPDATE kirjuri_shares SET revoked_at = $1, invite_hash = NULL WHERE id = $2 AND revoked_at IS NULL', { bind: [Date.now(), id], type: QueryTypes.UPDATE, transaction });
    this.#cache.invalidateAfter(transaction);
  }

  /** Ends every share on objects that are gone (a deleted folder and what it held). */
  async revokeAllOn(tenantId: string, objects: ReadonlyArray<{ type: string; id: string }>, transaction: Transaction): Promise<void> {
    for (const object of objects) {
      await this.#db.sequelize.query('UPDATE kirjuri_shares SET revoked_at = $1, invite_hash = NULL WHERE tenant_id = $2 AND object_type = $3 AND object_id = $4 AND revoked_at IS NULL', {
        bind: [Date.now(), tenantId, object.type, object.id], type: QueryTypes.UPDATE, transaction,
      });
    }
    this.#cache.invalidateAfter(transaction);
  }

  /**
   * A user's active shares in a tenant as a GrantMap (empty when none). Read on most object requests of
   * members, viewers and guests, so it is cached like the identity reads (SQLite only); expiry is
   * checked on every call, not when cached.
   */
  async grantsOf(tenantId: string, userId: string): Promise<GrantMap> {
    const key = `grants:${tenantId}:${userId}`;
    const now = Date.now();
    const cached = this.#cache.get<CachedGrants>(key);
    if (cached) {
      if (now < cached.validUntil) return cached.grants;
      Object.assign(cached, buildGrants(cached.rows, now));
      return cached.grants;
    }
    const generation = this.#cache.generation;
    const rows = await this.#db.selectRows<GrantRow>(
      'SELECT object_type, object_id, access, expires_at FROM kirjuri_shares WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL',
      [tenantId, userId],
    );
    const mapped = rows.map((row) => ({ key: grantKey(row.object_type, row.object_id), access: row.access as AccessLevel, expiresAt: timeValue(row.expires_at) }));
    const built: CachedGrants = { rows: mapped, ...buildGrants(mapped, Date.now()) };
    this.#cache.set(key, generation, built);
    return built.grants;
  }
}
