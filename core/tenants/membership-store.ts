import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { AppError } from '../http/app-error.ts';
import type { Database } from '../db/open-database.ts';
import { timeValue } from '../db/row-values.ts';
import { toUser, userColumns, type User, type UserRow } from '../identity/user-store.ts';
import type { IdentityReadCache } from '../identity/identity-read-cache.ts';
import type { TenantRole } from './roles.ts';

/** A user's place in one tenant. */
export interface Membership {
  tenantId: string;
  userId: string;
  role: TenantRole;
  disabledAt: number | null;
}

/** A member as the members list shows it. */
export interface Member extends Membership {
  user: User;
  /** When they became a member of this tenant. */
  joinedAt: number;
}

/** A tenant a user belongs to, for the tenant picker and the login answer. */
export interface TenantOfUser {
  tenantId: string;
  slug: string;
  name: string;
  role: TenantRole;
}

interface MembershipRow { tenant_id: string; user_id: string; role: string; disabled_at: unknown }

const toMembership = (row: MembershipRow): Membership => ({ tenantId: row.tenant_id, userId: row.user_id, role: row.role as TenantRole, disabledAt: timeValue(row.disabled_at) });

/** Memberships in the database (kirjuri_memberships): who is in which tenant, with which role. */
export class MembershipStore {
  readonly #db: Database;
  readonly #cache: IdentityReadCache;

  constructor(db: Database, cache: IdentityReadCache) {
    this.#db = db;
    this.#cache = cache;
  }

  /** Adds a user to a tenant; one already in it is a 409. */
  async add(input: { tenantId: string; userId: string; role: TenantRole }, transaction: Transaction): Promise<Membership> {
    const now = Date.now();
    try {
      await this.#db.sequelize.query(
        'INSERT INTO kirjuri_memberships (tenant_id, user_id, role, disabled_at, created_at, updated_at) VALUES ($1, $2, $3, NULL, $4, $4)',
        { bind: [input.tenantId, input.userId, input.role, now], type: QueryTypes.INSERT, transaction },
      );
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new AppError(409, 'already_member', 'This person is already a member of this tenant; change their role instead.');
      throw error;
    }
    this.#cache.invalidateAfter(transaction);
    return { ...input, disabledAt: null };
  }

  /** The membership of a user in a tenant, enabled or not, or null. */
  async find(tenantId: string, userId: string, transaction?: Transaction): Promise<Membership | null> {
    const sql = 'SELECT tenant_id, user_id, role, disabled_at FROM kirjuri_memberships WHERE tenant_id = $1 AND user_id = $2';
    if (transaction) {
      const [row] = await this.#db.sequelize.query<MembershipRow>(sql, { bind: [tenantId, userId], type: QueryTypes.SELECT, transaction });
      return row ? toMembership(row) : null;
    }
    // Every tenant route asks this; cached like the session (see IdentityReadCache), frozen so no caller changes the shared copy.
    return this.#cache.through(`membership:${tenantId}:${userId}`, async () => {
      const [row] = await this.#db.selectRows<MembershipRow>(sql, [tenantId, userId]);
      return row ? Object.freeze(toMembership(row)) : null;
    });
  }

  /** Changes a member's role and/or disabled state; returns false when there is no such member. */
  async update(tenantId: string, userId: string, change: { role?: TenantRole; disabled?: boolean }, transaction: Transaction): Promise<boolean> {
    const sets: string[] = [];
    const bind: unknown[] = [];
    if (change.role !== undefined) sets.push(`role = $${bind.push(change.role)}`);
    if (change.disabled !== undefined) sets.push(`disabled_at = $${bind.push(change.disabled ? Date.now() : null)}`);
    sets.push(`updated_at = $${bind.push(Date.now())}`);
    const changed = await this.#db.sequelize.query(
      `UPDATE kirjuri_memberships SET ${sets.join(', ')} WHERE tenant_id = $${bind.push(tenantId)} AND user_id = $${bind.push(userId)}`,
      { bind, type: QueryTypes.BULKUPDATE, transaction },
    );
    this.#cache.invalidateAfter(transaction);
    return Number(changed) === 1;
  }

  /** The tenant's members with their user, by name. */
  async listMembers(tenantId: string, transaction?: Transaction): Promise<Member[]> {
    const rows = await this.#db.sequelize.query<MembershipRow & UserRow & { member_created_at: unknown }>(
      `SELECT m.tenant_id, m.user_id, m.role, m.disabled_at, m.created_at AS member_created_at, ${userColumns}
       FROM kirjuri_memberships m JOIN kirjuri_users u ON u.id = m.user_id WHERE m.tenant_id = $1 ORDER BY u.name, u.email`,
      { bind: [tenantId], type: QueryTypes.SELECT, transaction },
    );
    return rows.map((row) => ({ ...toMembership(row), user: toUser(row), joinedAt: timeValue(row.member_created_at)! }));
  }

  /** How many enabled admins the tenant has (the last one may not be demoted or disabled). */
  async countEnabledAdmins(tenantId: string, transaction?: Transaction): Promise<number> {
    const [row] = await this.#db.sequelize.query<{ n: unknown }>(
      "SELECT COUNT(*) AS n FROM kirjuri_memberships m JOIN kirjuri_users u ON u.id = m.user_id WHERE m.tenant_id = $1 AND m.role = 'admin' AND m.disabled_at IS NULL AND u.disabled_at IS NULL",
      { bind: [tenantId], type: QueryTypes.SELECT, transaction },
    );
    return Number(row?.n ?? 0);
  }

  /** The enabled tenants of a user, by name. */
  async tenantsOf(userId: string, transaction?: Transaction): Promise<readonly TenantOfUser[]> {
    const sql = `SELECT t.id AS tenant_id, t.slug, t.name, m.role FROM kirjuri_memberships m JOIN kirjuri_tenants t ON t.id = m.tenant_id
       WHERE m.user_id = $1 AND m.disabled_at IS NULL ORDER BY t.name, t.slug`;
    type Row = { tenant_id: string; slug: string; name: string; role: string };
    const toTenants = (rows: Row[]): TenantOfUser[] => rows.map((row) => ({ tenantId: row.tenant_id, slug: row.slug, name: row.name, role: row.role as TenantRole }));
    if (transaction) return toTenants(await this.#db.sequelize.query<Row>(sql, { bind: [userId], type: QueryTypes.SELECT, transaction }));
    // Frozen, so that the copy handed out and the one kept are safely the same object.
    return this.#cache.through(`tenants:${userId}`, async () => Object.freeze(toTenants(await this.#db.selectRows<Row>(sql, [userId])).map((tenant) => Object.freeze(tenant))) as TenantOfUser[]);
  }
}
