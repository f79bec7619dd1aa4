import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../db/open-database.ts';
import { timeValue } from '../db/row-values.ts';
import { hashSecret, newSecret } from './secret-token.ts';

/** How long an administrator's reset link works. */
export const passwordResetLifetimeMs = 24 * 60 * 60_000;

/** One-time password reset links (kirjuri_password_resets), stored only as SHA-256. */
export class PasswordResetStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Makes a reset token for a user (earlier unused ones of that user stop working); returns the secret for the link. */
  async create(userId: string, createdBy: string | null, transaction: Transaction): Promise<{ secret: string; expiresAt: number }> {
    const secret = newSecret();
    const now = Date.now();
    await this.#db.sequelize.query('UPDATE kirjuri_password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL', { bind: [now, userId], type: QueryTypes.UPDATE, transaction });
    await this.#db.sequelize.query(
      'INSERT INTO kirjuri_password_resets (token_hash, user_id, created_by, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, $5, NULL)',
      { bind: [hashSecret(secret), userId, createdBy, now, now + passwordResetLifetimeMs], type: QueryTypes.INSERT, transaction },
    );
    return { secret, expiresAt: now + passwordResetLifetimeMs };
  }

  /**
   * Uses up a reset token in the caller's transaction: returns the user id when the token exists, is
   * unused and unexpired, and marks it used in the same statement, so it works exactly once.
   */
  async consume(secret: string, transaction: Transaction): Promise<string | null> {
    const tokenHash = hashSecret(secret);
    const now = Date.now();
    const [row] = await this.#db.sequelize.query<{ user_id: string; expires_at: unknown; used_at: unknown }>(
      'SELECT user_id, expires_at, used_at FROM kirjuri_password_resets WHERE token_hash = $1', { bind: [tokenHash], type: QueryTypes.SELECT, transaction },
    );
    if (!row || timeValue(row.used_at) !== null || timeValue(row.expires_at)! <= now) return null;
    const changed = await this.#db.sequelize.query('UPDATE kirjuri_password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL', { bind: [now, tokenHash], type: QueryTypes.BULKUPDATE, transaction });
    return Number(changed) === 1 ? row.user_id : null;
  }
}
