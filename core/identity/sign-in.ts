import type { Transaction } from 'sequelize';
import { AppError } from '../http/app-error.ts';
import type { Database } from '../db/open-database.ts';
import type { PersonAuditWrite } from '../tenants/member-invitations.ts';
import type { MembershipStore, TenantOfUser } from '../tenants/membership-store.ts';
import type { SignInAudit } from './identity-audit.ts';
import { accountThrottleKey, ipThrottleKey, type LoginThrottle } from './login-throttle.ts';
import type { PasswordHasher } from './password-hasher.ts';
import type { SessionStore } from './session-store.ts';
import { normaliseEmail, type User, type UserStore } from './user-store.ts';

/** What a successful sign-in gives: the user, their tenants, and the new session's secret for the cookie. */
export interface SignedIn {
  user: User;
  tenants: readonly TenantOfUser[];
  sessionSecret: string;
  sessionExpiresAt: number;
}

/** The parts sign-in works with. */
export interface SignInDependencies {
  db: Database;
  users: UserStore;
  memberships: MembershipStore;
  sessions: SessionStore;
  throttle: LoginThrottle;
  hasher: PasswordHasher;
  invitations: SignInInvitations;
}

/** What a sign-in accepts in its own transaction: the invitations of an account an admin made with a password (MemberInvitations). */
export interface SignInInvitations {
  acceptOnSignIn(user: User, audit: PersonAuditWrite, transaction: Transaction): Promise<void>;
}

/** The one answer for an unknown email and a wrong password: same status, body and (by a dummy hash) timing. */
export const invalidCredentials = (): AppError => new AppError(401, 'invalid_credentials', 'The email or password is wrong.');

/**
 * Password sign-in (SECURITY.md "Identity and sessions"): throttled per account and per address, one
 * scrypt verification whether or not the email exists, a fresh session (rotation at login), and a
 * re-hash when the stored hash uses weaker parameters than today's.
 */
export class PasswordSignIn {
  readonly #deps: SignInDependencies;

  constructor(deps: SignInDependencies) {
    this.#deps = deps;
  }

  /** Signs a user in, or throws 401 invalid_credentials, 403 account_disabled or 429 too_many_attempts. */
  async signIn(input: { email: string; password: string }, client: { ip: string | null; userAgent: string | null }, audit: SignInAudit): Promise<SignedIn> {
    const { db, users, memberships, sessions, throttle, hasher, invitations } = this.#deps;
    const email = normaliseEmail(input.email);
    const accountKey = accountThrottleKey(email);
    const keys = [accountKey, ...(client.ip ? [ipThrottleKey(client.ip)] : [])];
    // Counted before the hash, not after it: parallel attempts each take one of the allowance.
    const reservation = await throttle.reserve(keys);
    if ('blockedUntil' in reservation) {
      const seconds = Math.ceil((reservation.blockedUntil - Date.now()) / 1000);
      audit.failed(email, null, 'throttled');
      throw new AppError(429, 'too_many_attempts', `Too many failed sign-ins: try again in ${seconds} s, or ask an administrator to reset the password.`, {
        headers: { 'Retry-After': String(seconds) }, details: { retryAfterSeconds: seconds },
      });
    }
    const user = await users.findByEmail(email);
    // A damaged stored hash refuses sign-in like a wrong password; an administrator's reset link repairs it.
    const verdict = user?.passwordHash
      ? await hasher.verify(input.password, user.passwordHash).catch(() => null)
      : (await hasher.dummyVerify(input.password), null);
    if (!user || !verdict?.ok) {
      audit.failed(email, user, user ? 'wrong_password' : 'unknown_email');
      throw invalidCredentials();
    }
    // The password was right: the attempt is no failure (the address keeps its other counts).
    if (user.disabledAt !== null) {
      await throttle.release(reservation.reserved);
      audit.failed(email, user, 'account_disabled');
      throw new AppError(403, 'account_disabled', 'This account is disabled. Ask an administrator of your organisation to enable it.');
    }
    if (verdict.needsRehash) await users.setPasswordHash(user.id, await hasher.hash(input.password), { changed: false });
    const { passwordHash: _hash, passwordChangedAt: _changed, ...publicUser } = user;
    // The session and its audit entry commit together (SECURITY.md: a change whose entry cannot be written does not happen).
    const session = await db.transaction(async (transaction) => {
      // The attempt's count goes back with the session: one transaction for both.
      await throttle.release(reservation.reserved, { clear: [accountKey], transaction });
      const started = await sessions.create(user.id, client, transaction);
      await invitations.acceptOnSignIn(publicUser, audit.recordAs, transaction);
      await audit.succeeded(publicUser, transaction);
      return started;
    });
    return { user: publicUser, tenants: await memberships.tenantsOf(user.id), sessionSecret: session.secret, sessionExpiresAt: session.expiresAt };
  }
}
