import type { Database } from '../db/open-database.ts';
import { accountThrottleKey, type LoginThrottle } from './login-throttle.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { checkNewPassword } from './password-policy.ts';
import type { PasswordResetStore } from './password-reset-store.ts';
import type { SessionStore } from './session-store.ts';
import type { UserStore } from './user-store.ts';

/** What redeeming a one-time password link works with. */
export interface RedeemDependencies {
  db: Database;
  users: UserStore;
  sessions: SessionStore;
  resets: PasswordResetStore;
  throttle: LoginThrottle;
  hasher: PasswordHasher;
}

/** How redeeming a link ended: the password is set, the link is no good, or the password is refused (the link still works). */
export type RedeemOutcome = { kind: 'done'; email: string } | { kind: 'expired' } | { kind: 'weak'; problem: string };

class WeakPassword extends Error {}

/**
 * Sets a new password with a one-time link's token: the link is used up only by an acceptable
 * password; scrypt runs only for a valid link (so random tokens cost the server nothing) and outside
 * any transaction. Every session of the user ends and a sign-in block on the account is lifted.
 */
export async function redeemPasswordLink(deps: RedeemDependencies, token: string, password: string): Promise<RedeemOutcome> {
  const { db, users, sessions, resets, throttle, hasher } = deps;
  let user;
  try {
    user = await db.transaction(async (transaction) => {
      const userId = await resets.consume(token, transaction);
      const found = userId ? await users.findById(userId, transaction) : null;
      if (!found) return null;
      const problem = checkNewPassword(password, { email: found.email, name: found.name });
      // Thrown so that the transaction rolls back and the link is not used up.
      if (problem) throw new WeakPassword(problem);
      return found;
    });
  } catch (error) {
    if (error instanceof WeakPassword) return { kind: 'weak', problem: error.message };
    throw error;
  }
  if (!user) return { kind: 'expired' };
  const passwordHash = await hasher.hash(password);
  await db.transaction(async (transaction) => {
    await users.setPasswordHash(user.id, passwordHash, { changed: true, transaction });
    await sessions.destroyAllOfUser(user.id, { transaction });
  });
  await throttle.clear([accountThrottleKey(user.email)]);
  return { kind: 'done', email: user.email };
}
