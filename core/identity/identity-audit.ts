import type { Context } from 'koa';
import type { Transaction } from 'sequelize';
import { auditEventOf, type AuditEventInput } from '../audit/audit-event.ts';
import type { PersonAuditWrite } from '../tenants/member-invitations.ts';
import type { MembershipStore } from '../tenants/membership-store.ts';
import type { User } from './user-store.ts';

/** What sign-in reports to the audit log; the success is written in the transaction that starts the session. */
export interface SignInAudit {
  succeeded(user: User, transaction: Transaction): Promise<void>;
  failed(email: string, user: User | null, reason: string): void;
  /** Another change the sign-in makes (an invitation it accepts), with the signing-in person as actor, in its transaction. */
  recordAs: PersonAuditWrite;
}

/**
 * Identity events (sign-in, sign-out, password and token changes) of one person go to the instance's
 * own chain and to the chain of every tenant they belong to, so that each tenant's admins see their
 * people's sign-ins in their own log.
 */
export class IdentityAudit {
  readonly #memberships: MembershipStore;

  constructor(memberships: MembershipStore) {
    this.#memberships = memberships;
  }

  /** Writes an event about `user` to every chain they appear in, inside `transaction`. */
  async record(ctx: Context, user: Pick<User, 'id' | 'email'>, input: Omit<AuditEventInput, 'tenantId'>, transaction: Transaction): Promise<void> {
    for (const tenantId of await this.#chainsOf(user.id)) {
      await ctx.audit.record({ ...auditEventOf(ctx, { ...input, tenantId, objectType: input.objectType ?? 'user', objectId: input.objectId ?? user.id }), actorId: user.id, actorEmail: user.email }, transaction);
    }
  }

  /**
   * Writes a failed or refused attempt by group commit (it changes nothing); an unknown email goes to the
   * instance chain only. The answer waits for it, the lookup of the person's chains included.
   */
  recordSoon(ctx: Context, user: Pick<User, 'id' | 'email'> | null, email: string, input: Omit<AuditEventInput, 'tenantId'>): void {
    const write = (tenantId: string | null): Promise<void> => ctx.audit.recordSoon({
      ...auditEventOf(ctx, { ...input, tenantId, objectType: user ? 'user' : null, objectId: user?.id ?? null }), actorId: user?.id ?? null, actorEmail: user?.email ?? email.slice(0, 254),
    });
    if (!user) {
      void write(null);
      return;
    }
    ctx.audit.waitFor(this.#chainsOf(user.id).then((chains) => Promise.all(chains.map(write)), () => write(null)));
  }

  /** The sign-in reporter of one request. */
  signIn(ctx: Context): SignInAudit {
    return {
      succeeded: (user, transaction) => this.record(ctx, user, { action: 'auth.login', details: { via: 'password' } }, transaction),
      failed: (email, user, reason) => this.recordSoon(ctx, user, email, { action: 'auth.login_failed', outcome: 'failure', details: { reason } }),
      recordAs: (person, input, transaction) => ctx.audit.record({ ...auditEventOf(ctx, input), actorId: person.id, actorEmail: person.email }, transaction),
    };
  }

  async #chainsOf(userId: string): Promise<Array<string | null>> {
    return [null, ...(await this.#memberships.tenantsOf(userId)).map((tenant) => tenant.tenantId)];
  }
}
