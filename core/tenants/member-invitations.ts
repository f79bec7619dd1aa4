import type { Context } from 'koa';
import type { Transaction } from 'sequelize';
import { auditEventOf, type AuditEventInput, type AuditWrite } from '../audit/audit-event.ts';
import type { Database } from '../db/open-database.ts';
import { AppError } from '../http/app-error.ts';
import type { PasswordHasher } from '../identity/password-hasher.ts';
import { checkNewPassword } from '../identity/password-policy.ts';
import { hashSecret, newSecret } from '../identity/secret-token.ts';
import type { SessionStore } from '../identity/session-store.ts';
import { normaliseEmail, type User, type UserStore } from '../identity/user-store.ts';
import { alreadyInvited, isAcceptable, isOpen, type MemberInvite, type MemberInviteForPerson, type MemberInviteStore } from './member-invite-store.ts';
import type { MembershipStore } from './membership-store.ts';
import type { TenantRole } from './roles.ts';
import type { Tenant, TenantStore } from './tenant-store.ts';

/** What member invitations work with. */
export interface MemberInvitationDependencies {
  db: Database;
  users: UserStore;
  tenants: TenantStore;
  memberships: MembershipStore;
  invites: MemberInviteStore;
  sessions: SessionStore;
  hasher: PasswordHasher;
  /** How long an invite link works (shares.inviteDays, the same as a share's). */
  inviteDays: number;
}

/** Writes an audit entry with `person` as its actor: the one answering an invitation, who may not be signed in yet. */
export type PersonAuditWrite = (person: Pick<User, 'id' | 'email'>, input: AuditEventInput, transaction: Transaction) => Promise<void>;

/** The PersonAuditWrite of a request: its address and user agent, the person as actor. */
export function personAuditWriteOf(ctx: Context): PersonAuditWrite {
  return (person, input, transaction) => ctx.audit.record({ ...auditEventOf(ctx, input), actorId: person.id, actorEmail: person.email }, transaction);
}

/** An invitation with its link's token: shown once to the admin, stored only hashed. */
export interface IssuedInvite {
  invite: MemberInvite;
  secret: string;
}

/** What an accepted invitation gave: the account (new or the signed-in one), the tenant, and a session for a new account. */
export interface AcceptedInvite {
  user: User;
  tenant: Tenant;
  role: TenantRole;
  session: { secret: string; expiresAt: number } | null;
}

/** How the person said yes, for the audit entry. */
type AcceptedVia = 'link' | 'home_page' | 'first_sign_in';

const inviteGone = (): AppError => new AppError(410, 'invite_gone', 'This invitation has been used, has expired or was withdrawn. Ask the person who sent you the link for a new one.');
const noSuchInvitation = (): AppError => new AppError(404, 'not_found', 'There is no such open invitation here.');
const alreadyMember = (email: string): AppError => new AppError(409, 'already_member', `${email} is already a member of this tenant; change their role instead.`, { details: { fields: { email: 'is already a member' } } });
const tokenShape = /^[A-Za-z0-9_-]{43}$/;

/**
 * Member invitations (issue 20): adding a person invites them, and nobody becomes a member of a tenant
 * without accepting. The admin's side answers the same way whether or not the address has an account,
 * so that a tenant admin cannot learn which addresses have one; only the account holder's own answer
 * (accepting, declining) tells anything, and that is theirs to give.
 */
export class MemberInvitations {
  readonly #deps: MemberInvitationDependencies;

  constructor(deps: MemberInvitationDependencies) {
    this.#deps = deps;
  }

  /**
   * Invites an address to a tenant. With a password and no account yet, the account is made at once
   * and joins at its first sign-in; an existing account keeps its own password (the given one is
   * ignored) and must accept. 409 only for what the admin already sees: a member or an open invitation here.
   */
  async invite(tenant: Tenant, admin: User, input: { email: string; name: string; role: TenantRole; password?: string }, audit: AuditWrite): Promise<IssuedInvite> {
    const { db, users, memberships, invites, hasher } = this.#deps;
    const email = normaliseEmail(input.email);
    const name = input.name.trim();
    if (input.password !== undefined) {
      const problem = checkNewPassword(input.password, { email, name });
      if (problem) throw new AppError(422, 'weak_password', `The password cannot be used: ${problem}`, { details: { fields: { password: problem } } });
    }
    // Hashed whether or not the address has an account (the hash is then thrown away), so that the time of the answer does not tell which.
    const passwordHash = input.password !== undefined ? await hasher.hash(input.password) : null;
    const secret = newSecret();
    const invite = await db.transaction(async (transaction) => {
      const existing = await users.findByEmail(email, transaction);
      if (existing && (await memberships.find(tenant.id, existing.id, transaction))) throw alreadyMember(email);
      const open = await invites.findOpen(tenant.id, email, transaction);
      if (open && open.expiresAt > Date.now()) throw alreadyInvited(email);
      if (open) {
        // An expired invitation gives way to the new one.
        await invites.revoke(open.id, transaction);
        await audit({ action: 'member.invite_revoke', objectType: 'member_invitation', objectId: open.id, details: { email, role: open.role, expired: true } }, transaction);
      }
      const accountCreated = !existing && passwordHash !== null;
      if (accountCreated) {
        const user = await users.create({ email, name, passwordHash }, transaction);
        // To the instance's own chain only: the tenant's log must not tell that this address had no account.
        await audit({ tenantId: null, action: 'user.create', objectType: 'user', objectId: user.id, details: { email, invitedTo: tenant.slug } }, transaction);
      }
      const made = await invites.create({
        tenantId: tenant.id, email, name, role: input.role, invitedBy: admin.id, expiresAt: this.#expiry(), accountCreated, inviteHash: hashSecret(secret),
      }, transaction);
      await audit({ action: 'member.invite', objectType: 'member_invitation', objectId: made.id, details: { email, name, role: input.role } }, transaction);
      return made;
    });
    return { invite, secret };
  }

  /** A tenant's open invitations, expired ones too, newest first. */
  async listForTenant(tenant: Tenant): Promise<MemberInvite[]> {
    return this.#deps.invites.listOpen(tenant.id);
  }

  /** Withdraws an open invitation: its link stops working at once (404 when there is none open). */
  async withdraw(tenant: Tenant, id: string, audit: AuditWrite): Promise<MemberInvite> {
    const { db, invites } = this.#deps;
    return db.transaction(async (transaction) => {
      const invite = await invites.find(tenant.id, id, transaction);
      if (!invite || !isOpen(invite) || !(await invites.revoke(invite.id, transaction))) throw noSuchInvitation();
      await audit({ action: 'member.invite_revoke', objectType: 'member_invitation', objectId: invite.id, details: { email: invite.email, role: invite.role } }, transaction);
      return invite;
    });
  }

  /** A new link (and expiry) for an open invitation, expired or not; the old link stops working. */
  async renewLink(tenant: Tenant, id: string, audit: AuditWrite): Promise<IssuedInvite> {
    const { db, invites } = this.#deps;
    const secret = newSecret();
    const expiresAt = this.#expiry();
    const invite = await db.transaction(async (transaction) => {
      const found = await invites.find(tenant.id, id, transaction);
      if (!found || !isOpen(found) || !(await invites.renew(found.id, hashSecret(secret), expiresAt, transaction))) throw noSuchInvitation();
      await audit({ action: 'member.invite', objectType: 'member_invitation', objectId: found.id, details: { email: found.email, name: found.name, role: found.role, newLink: true } }, transaction);
      return { ...found, expiresAt };
    });
    return { invite, secret };
  }

  /** The invitation a link's token names, in any state, or null when the token is not a member invitation's (it may be a share's). */
  async findByToken(secret: string): Promise<MemberInvite | null> {
    return tokenShape.test(secret) ? this.#deps.invites.findByInviteHash(hashSecret(secret)) : null;
  }

  /** What an invitation offers, for its page: the tenant and who invited. */
  async describe(invite: MemberInvite): Promise<{ tenant: Tenant; invitedByName: string | null }> {
    const { tenants, users } = this.#deps;
    const tenant = (await tenants.findById(invite.tenantId))!;
    const inviter = invite.invitedBy ? await users.findById(invite.invitedBy) : null;
    return { tenant, invitedByName: inviter?.name ?? null };
  }

  /**
   * Accepts an invitation by its link. Signed in, the account must be the invited address's (403
   * otherwise). Not signed in, `name` and `password` make the account (not a guest) and sign it in;
   * an address that has an account must sign in first (409). Single use: 410 once used, declined,
   * withdrawn or expired.
   */
  async acceptWithLink(secret: string, input: { current: User | null; name?: string; password?: string }, audit: PersonAuditWrite, client: { ip: string | null; userAgent: string | null }): Promise<AcceptedInvite> {
    const { db, users, hasher, sessions } = this.#deps;
    const preview = await this.findByToken(secret);
    if (!preview || !isAcceptable(preview)) throw inviteGone();
    if (input.current) {
      const current = input.current;
      if (current.email !== preview.email) throw wrongAccount(preview.email, current.email);
      return db.transaction(async (transaction) => ({ ...(await this.#join(await this.#usable(secret, transaction), current, 'link', audit, transaction)), user: current, session: null }));
    }
    if (!input.name || !input.password) {
      throw new AppError(400, 'invalid_input', 'Give your name and a password to make your account, or sign in first if you have one.', {
        details: { fields: { ...(input.name ? {} : { name: 'is required' }), ...(input.password ? {} : { password: 'is required' }) } },
      });
    }
    const problem = checkNewPassword(input.password, { email: preview.email, name: input.name });
    if (problem) throw new AppError(422, 'weak_password', `The password cannot be used: ${problem}`, { details: { fields: { password: problem } } });
    const passwordHash = await hasher.hash(input.password);
    const joined = await db.transaction(async (transaction) => {
      const invite = await this.#usable(secret, transaction);
      if (await users.findByEmail(invite.email, transaction)) {
        throw new AppError(409, 'account_exists', `There is already an account for ${invite.email}: sign in, then open the invitation link again.`);
      }
      const user = await users.create({ email: invite.email, name: input.name!, passwordHash }, transaction);
      await audit(user, { tenantId: null, action: 'user.create', objectType: 'user', objectId: user.id, details: { email: user.email, invitationId: invite.id } }, transaction);
      return { ...(await this.#join(invite, user, 'link', audit, transaction)), user };
    });
    return { ...joined, session: await sessions.create(joined.user.id, client) };
  }

  /** The invitations a signed-in person may accept now, with tenant and inviter, newest first. */
  async listForPerson(user: Pick<User, 'email'>): Promise<MemberInviteForPerson[]> {
    return this.#deps.invites.acceptableFor(user.email);
  }

  /** Accepts one of the person's own invitations from their home page (404 when it is not theirs, 410 when no longer open). */
  async acceptOwn(user: User, id: string, audit: PersonAuditWrite): Promise<AcceptedInvite> {
    return this.#deps.db.transaction(async (transaction) => {
      const invite = await this.#own(user, id, transaction);
      return { ...(await this.#join(invite, user, 'home_page', audit, transaction)), user, session: null };
    });
  }

  /** Declines one of the person's own invitations: nobody joins, the link stops working. */
  async declineOwn(user: User, id: string, audit: PersonAuditWrite): Promise<MemberInvite> {
    const { db, invites } = this.#deps;
    return db.transaction(async (transaction) => {
      const invite = await this.#own(user, id, transaction);
      if (!(await invites.decline(invite.id, transaction))) throw inviteGone();
      await audit(user, { tenantId: invite.tenantId, action: 'member.decline', objectType: 'member_invitation', objectId: invite.id, details: { email: invite.email, role: invite.role } }, transaction);
      return invite;
    });
  }

  /**
   * At a successful password sign-in, inside its transaction: an account the admin made with a password
   * joins the tenants that invited it so (its owner agreed by signing in with what the admin gave them).
   */
  async acceptOnSignIn(user: User, audit: PersonAuditWrite, transaction: Transaction): Promise<void> {
    for (const invite of await this.#deps.invites.acceptableFor(user.email, { createdAccountOnly: true, transaction })) {
      try {
        await this.#join(invite, user, 'first_sign_in', audit, transaction);
      } catch (thrown) {
        // Withdrawn between the read and the write: that one is simply not joined, the sign-in goes on.
        if (!(thrown instanceof AppError && thrown.code === 'invite_gone')) throw thrown;
      }
    }
  }

  async #join(invite: MemberInvite, user: User, via: AcceptedVia, audit: PersonAuditWrite, transaction: Transaction): Promise<Omit<AcceptedInvite, 'user' | 'session'>> {
    const { invites, memberships, tenants } = this.#deps;
    // Someone already in the tenant (the CLI may add people directly) keeps their membership as it is.
    const already = await memberships.find(invite.tenantId, user.id, transaction);
    if (!(await invites.accept(invite.id, user.id, transaction))) throw inviteGone();
    if (!already) await memberships.add({ tenantId: invite.tenantId, userId: user.id, role: invite.role }, transaction);
    await audit(user, { tenantId: invite.tenantId, action: 'member.accept', objectType: 'member_invitation', objectId: invite.id, details: { email: invite.email, role: invite.role, via } }, transaction);
    if (!already) await audit(user, { tenantId: invite.tenantId, action: 'member.add', objectType: 'user', objectId: user.id, details: { email: user.email, role: invite.role, invitationId: invite.id } }, transaction);
    return { tenant: (await tenants.findById(invite.tenantId, transaction))!, role: already?.role ?? invite.role };
  }

  async #usable(secret: string, transaction: Transaction): Promise<MemberInvite> {
    const invite = await this.#deps.invites.findByInviteHash(hashSecret(secret), transaction);
    if (!invite || !isAcceptable(invite)) throw inviteGone();
    return invite;
  }

  async #own(user: User, id: string, transaction: Transaction): Promise<MemberInvite> {
    const invite = await this.#deps.invites.findById(id, transaction);
    // Someone else's invitation answers like a missing one: its id tells nothing.
    if (!invite || invite.email !== user.email) throw new AppError(404, 'not_found', 'You have no such invitation.');
    if (!isAcceptable(invite)) throw inviteGone();
    return invite;
  }

  #expiry(): number {
    return Date.now() + this.#deps.inviteDays * 86_400_000;
  }
}

/** 403 for an invitation opened while signed in as another account than the invited one. */
function wrongAccount(invited: string, current: string): AppError {
  return new AppError(403, 'wrong_account', `This invitation is for ${invited}, but you are signed in as ${current}. Sign out, then sign in as ${invited} (or make that account) to accept it.`);
}
