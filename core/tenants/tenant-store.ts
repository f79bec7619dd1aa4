import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { AppError } from '../http/app-error.ts';
import type { Database } from '../db/open-database.ts';
import { newId } from '../db/new-id.ts';
import { timeValue } from '../db/row-values.ts';
import type { IdentityReadCache } from '../identity/identity-read-cache.ts';
import { slugProblem } from './tenant-slug.ts';

/** A tenant: one company's own environment. */
export interface Tenant {
  id: string;
  slug: string;
  name: string;
  createdAt: number;
}

/** A tenant's own settings (API.md); more keys join as their features land. */
export interface TenantSettings {
  /** How long audit entries are kept, in months (instance default: audit.retentionMonths). */
  retentionMonths?: number;
}

interface TenantRow { id: string; slug: string; name: string; created_at: unknown }

const toTenant = (row: TenantRow): Tenant => ({ id: row.id, slug: row.slug, name: row.name, createdAt: timeValue(row.created_at)! });

/** The longest tenant name accepted. */
export const maxTenantNameLength = 200;

/** Tenants in the database (kirjuri_tenants). */
export class TenantStore {
  readonly #db: Database;
  readonly #cache: IdentityReadCache;

  constructor(db: Database, cache: IdentityReadCache) {
    this.#db = db;
    this.#cache = cache;
  }

  /** Creates a tenant; a malformed slug is a 400 and a taken one a 409, each naming the slug. */
  async create(input: { name: string; slug: string }, transaction: Transaction): Promise<Tenant> {
    const name = input.name.trim();
    const slug = input.slug.trim();
    const problem = slugProblem(slug);
    if (problem) throw new AppError(400, 'invalid_slug', `The tenant address "${slug}" cannot be used: it ${problem}.`, { details: { fields: { slug: problem } } });
    if (!name || name.length > maxTenantNameLength) throw new AppError(400, 'invalid_input', `The tenant name must be 1 to ${maxTenantNameLength} characters.`, { details: { fields: { name: 'is required' } } });
    const now = Date.now();
    const tenant: Tenant = { id: newId(), slug, name, createdAt: now };
    try {
      await this.#db.sequelize.query(
        'INSERT INTO kirjuri_tenants (id, slug, name, settings, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)',
        { bind: [tenant.id, slug, name, '{}', now], type: QueryTypes.INSERT, transaction },
      );
    } catch (error) {
      if (error instanceof UniqueConstraintError) {
        throw new AppError(409, 'slug_taken', `The tenant address "${slug}" is already taken; choose another.`, { details: { fields: { slug: 'is already taken' } } });
      }
      throw error;
    }
    this.#cache.invalidateAfter(transaction);
    return tenant;
  }

  /** The tenant with this slug, or null. */
  async findBySlug(slug: string, transaction?: Transaction): Promise<Tenant | null> {
    const sql = 'SELECT id, slug, name, created_at FROM kirjuri_tenants WHERE slug = $1';
    if (transaction) {
      const [row] = await this.#db.sequelize.query<TenantRow>(sql, { bind: [slug], type: QueryTypes.SELECT, transaction });
      return row ? toTenant(row) : null;
    }
    // Every tenant route asks this; cached like the session (see IdentityReadCache).
    return this.#cache.through(`tenant:${slug}`, async () => {
      const [row] = await this.#db.selectRows<TenantRow>(sql, [slug]);
      return row ? Object.freeze(toTenant(row)) : null;
    });
  }

  /** The tenant with this id, or null. */
  async findById(id: string, transaction?: Transaction): Promise<Tenant | null> {
    const [row] = await this.#db.sequelize.query<TenantRow>('SELECT id, slug, name, created_at FROM kirjuri_tenants WHERE id = $1', { bind: [id], type: QueryTypes.SELECT, transaction });
    return row ? toTenant(row) : null;
  }

  /** A tenant's settings (the JSON of API.md's tenant settings, without the name), or {} when it has none. */
  async settingsOf(tenantId: string): Promise<TenantSettings> {
    const [row] = await this.#db.selectRows<{ settings: string | null }>('SELECT settings FROM kirjuri_tenants WHERE id = $1', [tenantId]);
    try {
      const parsed: unknown = JSON.parse(row?.settings ?? '{}');
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as TenantSettings : {};
    } catch {
      return {};
    }
  }

  /** Changes a tenant's name and/or settings (merged into what is there). */
  async update(tenantId: string, change: { name?: string; settings?: TenantSettings }, transaction: Transaction): Promise<void> {
    const current = await this.settingsOf(tenantId);
    const settings = { ...current, ...change.settings };
    await this.#db.sequelize.query(
      `UPDATE kirjuri_tenants SET ${change.name !== undefined ? 'name = $4, ' : ''}settings = $1, updated_at = $2 WHERE id = $3`,
      { bind: [JSON.stringify(settings), Date.now(), tenantId, ...(change.name !== undefined ? [change.name] : [])], type: QueryTypes.UPDATE, transaction },
    );
    this.#cache.invalidateAfter(transaction);
  }

  /** Every tenant, by name. */
  async list(): Promise<Tenant[]> {
    const rows = await this.#db.sequelize.query<TenantRow>('SELECT id, slug, name, created_at FROM kirjuri_tenants ORDER BY name, slug', { type: QueryTypes.SELECT });
    return rows.map(toTenant);
  }
}
