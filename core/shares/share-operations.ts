import type { Context } from 'koa';
import type { Transaction } from 'sequelize';
import type { AccessControl } from '../access/access-control.ts';
import { levelAtLeast, type AccessLevel, type ObjectRef } from '../access/object-access.ts';
import { auditEventOf } from '../audit/audit-event.ts';
import type { Database } from '../db/open-database.ts';
import { AppError } from '../http/app-error.ts';
import { inviteUrl, linkOrigin } from '../http/one-time-links.ts';
import { authenticationOf, tenantAccessOf } from '../identity/access-policies.ts';
import { checkNewPassword } from '../identity/password-policy.ts';
import type { PasswordHasher } from '../identity/password-hasher.ts';
import { hashSecret, newSecret } from '../identity/secret-token.ts';
import type { SessionStore } from '../identity/session-store.ts';
import type { User, UserStore } from '../identity/user-store.ts';
import type { MembershipStore } from '../tenants/membership-store.ts';
import type { Tenant, TenantStore } from '../tenants/tenant-store.ts';
import { isActive, type Share, type ShareStore, type ShareWithTenant } from './share-store.ts';

/** What sharing works with. */
export interface ShareOperationDependencies {
  db: Database;
  shares: ShareStore;
  access: AccessControl;
  users: UserStore;
  memberships: MembershipStore;
  tenants: TenantStore;
  sessions: SessionStore;
  hasher: PasswordHasher;
  /** server.publicUrl, or null to build invite links from the request's origin. */
  publicUrl: string | null;
  /** How long an invite link works at most (shares.inviteDays). */
  inviteDays: number;
}

/** A new share: who, what and how much. */
export interface ShareRequest extends ObjectRef {
  email: string;
  access: AccessLevel;
  expiresAt: number | null;
  message: string | null;
}

/** A share as its object's managers see it, with the object's title. */
export interface ShareView extends Share {
  objectTitle: string | null;
  pending: boolean;
  active: boolean;
}

const inviteGone = (): AppError => new AppError(410, 'invite_gone', 'This invitation has been used, has expired or was withdrawn. Ask the person who sent you the link for a new one.');

/** Sharing (API.md shares and invites): one object and what it contains, to a member or, by invite, to a guest. */
export class ShareOperations {
  readonly #deps: ShareOperationDependencies;

  constructor(deps: ShareOperationDependencies) {
    this.#deps = deps;
  }

  /**
   * Shares an object. Needs manage access to it, and never gives more than the sharer has (a viewer
   * cannot share at all). Someone with an account in this tenant gets access at once; anyone else an
   * invite link (shown once, stored only hashed) that makes them a guest.
   */
  async create(ctx: Context, input: ShareRequest): Promise<{ share: Share; inviteUrl: string | null }> {
    const { db, shares, access, users, memberships } = this.#deps;
    const type = access.types.find(input.type);
    if (!type?.shareable) throw new AppError(422, 'not_shareable', `Objects of type "${input.type}" cannot be shared; share a folder or a record.`, { details: { fields: { objectType: 'is not shareable' } } });
    const { object, level } = await access.requireAccess(ctx, 'manage', input);
    if (!levelAtLeast(level, input.access)) {
      access.recordDenial(ctx, input, 'share.create', 'higher_than_own');
      throw new AppError(403, 'forbidden', `You have ${level} access to this ${type.label}, so you cannot share it with ${input.access} access.`);
    }
    if (input.expiresAt !== null && input.expiresAt <= Date.now()) throw new AppError(422, 'invalid_expiry', 'The expiry time has passed; choose a time in the future.', { details: { fields: { expiresAt: 'is in the past' } } });
    const { tenant } = tenantAccessOf(ctx);
    const sharer = authenticationOf(ctx).user;
    if (input.email === sharer.email) throw new AppError(422, 'share_with_self', 'You cannot share with yourself.', { details: { fields: { email: 'is your own' } } });
    const existing = await users.findByEmail(input.email);
    const membership = existing ? await memberships.find(tenant.id, existing.id) : null;
    const direct = existing !== null && membership !== null;
    const secret = direct ? null : newSecret();
    const inviteExpiresAt = direct ? null : Math.min(Date.now() + this.#deps.inviteDays * 86_400_000, input.expiresAt ?? Number.MAX_SAFE_INTEGER);
    const share = await db.transaction(async (transaction) => {
      const made = await shares.create({
        tenantId: tenant.id, objectType: input.type, objectId: input.id, email: input.email, userId: direct ? existing.id : null, access: input.access,
        message: input.message, expiresAt: input.expiresAt, inviteExpiresAt, createdBy: sharer.id, inviteHash: secret && hashSecret(secret),
      }, transaction);
      await ctx.audit.record(auditEventOf(ctx, {
        action: 'share.create', objectType: input.type, objectId: input.id,
        details: { shareId: made.id, email: input.email, access: input.access, expiresAt: input.expiresAt && new Date(input.expiresAt).toISOString(), invite: !direct, title: object.title },
      }), transaction);
      return made;
    });
    return { share, inviteUrl: secret ? inviteUrl(linkOrigin(ctx, this.#deps.publicUrl), secret) : null };
  }

  /** Shares of the tenant the caller may see: one object's (manage access to it), everything (admins, managers) or their own. */
  async list(ctx: Context, filter: { objectType?: string; objectId?: string }): Promise<ShareView[]> {
    const { shares, access } = this.#deps;
    const { tenant, role } = tenantAccessOf(ctx);
    let found: Share[];
    if (filter.objectType && filter.objectId) {
      await access.requireAccess(ctx, 'manage', { type: filter.objectType, id: filter.objectId });
      found = await shares.list(tenant.id, filter);
    } else {
      found = await shares.list(tenant.id, role === 'admin' || role === 'manager' ? filter : { ...filter, createdBy: authenticationOf(ctx).user.id });
    }
    const titles = new Map<string, string | null>();
    for (const share of found) {
      const key = `${share.objectType}:${share.objectId}`;
      if (!titles.has(key)) titles.set(key, access.types.find(share.objectType) ? (await access.locate(tenant.id, { type: share.objectType, id: share.objectId }))?.title ?? null : null);
    }
    const now = Date.now();
    return found.map((share) => ({ ...share, objectTitle: titles.get(`${share.objectType}:${share.objectId}`) ?? null, pending: share.userId === null, active: isActive(share, now) }));
  }

  /** Ends a share at once: its object's managers and whoever made it may. */
  async revoke(ctx: Context, id: string): Promise<void> {
    const { db, shares, access } = this.#deps;
    const { tenant } = tenantAccessOf(ctx);
    const share = await shares.find(tenant.id, id);
    if (!share || share.revokedAt !== null) throw new AppError(404, 'not_found', 'No such share here.');
    if (share.createdBy !== authenticationOf(ctx).user.id) await access.requireAccess(ctx, 'manage', { type: share.objectType, id: share.objectId });
    await db.transaction(async (transaction) => {
      await shares.revoke(share.id, transaction);
      await ctx.audit.record(auditEventOf(ctx, { action: 'share.revoke', objectType: share.objectType, objectId: share.objectId, details: { shareId: share.id, email: share.email, access: share.access } }), transaction);
    });
  }

  /** What is shared with a user right now, across tenants, with each object's title. */
  async sharedWith(userId: string): Promise<Array<ShareWithTenant & { objectTitle: string | null; active: boolean }>> {
    const { shares, access } = this.#deps;
    const found = await shares.sharedWith(userId);
    const result: Array<ShareWithTenant & { objectTitle: string | null; active: boolean }> = [];
    for (const share of found) {
      const object = access.types.find(share.objectType) ? await access.locate(share.tenantId, { type: share.objectType, id: share.objectId }) : null;
      if (object) result.push({ ...share, objectTitle: object.title, active: true });
    }
    return result;
  }

  /** The web page of a shared object, if its type has one. */
  pageOf(tenantSlug: string, share: Pick<Share, 'objectType' | 'objectId'>): string | null {
    return this.#deps.access.types.find(share.objectType)?.pageOf?.(tenantSlug, share.objectId) ?? null;
  }

  /** What an invite offers, for its page; 410 when it cannot be used. */
  async describeInvite(secret: string): Promise<{ share: Share; tenant: Tenant; title: string | null; sharedBy: string | null }> {
    const { db, access, users } = this.#deps;
    return db.transaction(async (transaction) => {
      const share = await this.#usableInvite(secret, transaction);
      const tenant = await this.#tenantOf(share, transaction);
      const object = await access.locate(tenant.id, { type: share.objectType, id: share.objectId });
      const sharer = share.createdBy ? await users.findById(share.createdBy, transaction) : null;
      return { share, tenant, title: object?.title ?? null, sharedBy: sharer?.name ?? null };
    });
  }

  /**
   * Accepts an invite: signed in, the share goes to the current account; otherwise a guest account is
   * made for the invited email with `name` and `password`, and signed in. Single use; 410 once used,
   * expired or revoked; 409 when the email already has an account (sign in first).
   */
  async accept(ctx: Context, secret: string, input: { current: User | null; name?: string; password?: string }): Promise<{ user: User; share: Share; tenant: Tenant; session: { secret: string; expiresAt: number } | null }> {
    const { db, shares, users, hasher, sessions } = this.#deps;
    if (!input.current) {
      if (!input.name || !input.password) throw new AppError(400, 'invalid_input', 'Give your name and a password to make your guest account, or sign in first.', { details: { fields: { ...(input.name ? {} : { name: 'is required' }), ...(input.password ? {} : { password: 'is required' }) } } });
      const preview = await db.transaction((transaction) => this.#usableInvite(secret, transaction));
      const problem = checkNewPassword(input.password, { email: preview.email, name: input.name });
      if (problem) throw new AppError(422, 'weak_password', `The password cannot be used: ${problem}`, { details: { fields: { password: problem } } });
    }
    const passwordHash = input.current ? null : await hasher.hash(input.password!);
    const accepted = await db.transaction(async (transaction) => {
      const share = await this.#usableInvite(secret, transaction);
      let user = input.current;
      if (!user) {
        if (await users.findByEmail(share.email, transaction)) throw new AppError(409, 'account_exists', `There is already an account for ${share.email}: sign in, then open the invitation link again.`);
        user = await users.create({ email: share.email, name: input.name!, passwordHash, isGuest: true }, transaction);
      }
      await shares.accept(share.id, user.id, transaction);
      const tenant = await this.#tenantOf(share, transaction);
      await ctx.audit.record(auditEventOf(ctx, { tenantId: tenant.id, action: 'share.accept', objectType: share.objectType, objectId: share.objectId, details: { shareId: share.id, email: share.email, access: share.access, newGuest: !input.current } }), transaction);
      return { user, share: { ...share, userId: user.id }, tenant };
    });
    const session = input.current ? null : await sessions.create(accepted.user.id, { ip: ctx.ip || null, userAgent: ctx.get('User-Agent') || null });
    return { ...accepted, session };
  }

  async #usableInvite(secret: string, transaction: Transaction): Promise<Share> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) throw inviteGone();
    const share = await this.#deps.shares.findByInviteHash(hashSecret(secret), transaction);
    const now = Date.now();
    if (!share || share.revokedAt !== null || share.acceptedAt !== null || (share.inviteExpiresAt !== null && share.inviteExpiresAt <= now) || (share.expiresAt !== null && share.expiresAt <= now)) throw inviteGone();
    return share;
  }

  async #tenantOf(share: Share, transaction: Transaction): Promise<Tenant> {
    return (await this.#deps.tenants.findById(share.tenantId, transaction))!;
  }
}
