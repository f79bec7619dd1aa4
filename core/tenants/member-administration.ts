import type { AuditWrite } from '../audit/audit-event.ts';
import { AppError } from '../http/app-error.ts';
import type { Database } from '../db/open-database.ts';
import type { PasswordResetStore } from '../identity/password-reset-store.ts';
import type { User, UserStore } from '../identity/user-store.ts';
import { accountReachesBeyond } from './account-reach.ts';
import type { Member, MembershipStore } from './membership-store.ts';
import type { TenantRole } from './roles.ts';
import type { Tenant, TenantStore } from './tenant-store.ts';

/** What member and tenant administration work with. */
export interface MemberAdministrationDependencies {
  db: Database;
  users: UserStore;
  tenants: TenantStore;
  memberships: MembershipStore;
  resets: PasswordResetStore;
}

/** A one-time link's secret and when it stops working. */
export interface PasswordLink {
  secret: string;
  expiresAt: number;
}

const noSuchMember = (): AppError => new AppError(404, 'not_found', 'This person is not a member of this tenant.');

/** Tenant and member administration, shared by the API and the admin pages so both refuse alike. */
export class MemberAdministration {
  readonly #deps: MemberAdministrationDependencies;

  constructor(deps: MemberAdministrationDependencies) {
    this.#deps = deps;
  }

  /** Creates a tenant with `admin` as its first admin (400 bad slug, 409 taken). */
  async createTenant(admin: User, input: { name: string; slug: string }, audit: AuditWrite): Promise<Tenant> {
    const { db, tenants, memberships } = this.#deps;
    return db.transaction(async (transaction) => {
      const tenant = await tenants.create(input, transaction);
      await memberships.add({ tenantId: tenant.id, userId: admin.id, role: 'admin' }, transaction);
      await audit({ tenantId: null, action: 'tenant.create', objectType: 'tenant', objectId: tenant.id, details: { slug: tenant.slug, name: tenant.name } }, transaction);
      await audit({ tenantId: tenant.id, action: 'member.add', objectType: 'user', objectId: admin.id, details: { email: admin.email, role: 'admin' } }, transaction);
      return tenant;
    });
  }

  /**
   * Changes a member's role or disables their membership; the tenant's last enabled admin cannot lose
   * it (409). Disabling acts on this tenant only: the person's sessions and other tenants go on, but
   * every route of this tenant refuses them from the commit on (memberships are read per request).
   */
  async changeMember(tenant: Tenant, userId: string, change: { role?: TenantRole; disabled?: boolean }, audit: AuditWrite): Promise<Member> {
    const { db, memberships } = this.#deps;
    await db.transaction(async (transaction) => {
      const current = await memberships.find(tenant.id, userId, transaction);
      if (!current) throw noSuchMember();
      const losesAdmin = current.role === 'admin' && current.disabledAt === null && ((change.role !== undefined && change.role !== 'admin') || change.disabled === true);
      if (losesAdmin && (await memberships.countEnabledAdmins(tenant.id, transaction)) <= 1) {
        throw new AppError(409, 'last_admin', 'This is the tenant\'s only admin: make someone else admin first.');
      }
      await memberships.update(tenant.id, userId, change, transaction);
      await audit({ tenantId: tenant.id, action: 'member.update', objectType: 'user', objectId: userId, details: { ...(change.role !== undefined ? { role: { from: current.role, to: change.role } } : {}), ...(change.disabled !== undefined ? { disabled: change.disabled } : {}) } }, transaction);
    });
    return this.member(tenant, userId);
  }

  /**
   * Makes a one-time password link for a member. A tenant admin may not do it for someone whose account
   * reaches beyond this tenant (see accountReachesBeyond) or who administers the instance: that would
   * let one tenant take over what the account has elsewhere. An instance administrator may.
   */
  async passwordLink(tenant: Tenant, admin: User, userId: string, audit: AuditWrite): Promise<PasswordLink> {
    const { db, users, memberships, resets } = this.#deps;
    if (!(await memberships.find(tenant.id, userId))) throw noSuchMember();
    const target = await users.findById(userId);
    if (!admin.isInstanceAdmin && (target?.isInstanceAdmin || (await accountReachesBeyond(db, userId, tenant.id)))) {
      throw new AppError(403, 'reset_not_allowed', 'This person\'s account also reaches other organisations or administers the instance: ask an instance administrator to reset the password.');
    }
    return db.transaction(async (transaction) => {
      const link = await resets.create(userId, admin.id, transaction);
      await audit({ tenantId: tenant.id, action: 'member.update', objectType: 'user', objectId: userId, details: { passwordLink: true } }, transaction);
      return link;
    });
  }

  /** One member of the tenant with their user. */
  async member(tenant: Tenant, userId: string): Promise<Member> {
    const found = (await this.#deps.memberships.listMembers(tenant.id)).find((m) => m.userId === userId);
    if (!found) throw noSuchMember();
    return found;
  }
}
