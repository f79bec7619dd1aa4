import { QueryTypes } from 'sequelize';
import type { Database } from '../db/open-database.ts';
import { timeValue } from '../db/row-values.ts';

/** When sign-in for a key is blocked, and until when. */
export interface ThrottleState {
  blockedUntil: number | null;
}

// SECURITY.md: back-off after 5 failures, doubling from 1 s, capped at 15 min; at 100 the key is
// blocked for a day, and an administrator's password reset lifts an account's block at once.
const freeFailures = 5;
const firstDelayMs = 1_000;
const maxDelayMs = 15 * 60_000;
const hardLimit = 100;
const hardBlockMs = 24 * 60 * 60_000;
// A key whose last failure is this old starts counting from zero again.
const forgetAfterMs = 24 * 60 * 60_000;

/** The block after `failures` consecutive failures, in ms (0 while under the free allowance). */
export function backOffMs(failures: number): number {
  if (failures >= hardLimit) return hardBlockMs;
  if (failures < freeFailures) return 0;
  return Math.min(firstDelayMs * 2 ** (failures - freeFailures), maxDelayMs);
}

/**
 * Counts failed sign-ins per account ("account:<email>", whether or not it exists, so both look alike)
 * and per client address ("ip:<address>") in the database, so every app node sees the same counts.
 */
export class LoginThrottle {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** The latest block over the given keys, or null when sign-in may be tried now. */
  async blockedUntil(keys: readonly string[]): Promise<number | null> {
    const now = Date.now();
    const rows = await this.#db.sequelize.query<{ blocked_until: unknown }>(
      `SELECT blocked_until FROM kirjuri_login_throttle WHERE key IN (${keys.map((_, i) => `$${i + 1}`).join(', ')})`,
      { bind: [...keys], type: QueryTypes.SELECT },
    );
    const until = Math.max(0, ...rows.map((row) => timeValue(row.blocked_until) ?? 0));
    return until > now ? until : null;
  }

  /** Records one failure for each key and blocks the keys that passed the allowance. */
  async recordFailure(keys: readonly string[]): Promise<void> {
    const now = Date.now();
    for (const key of keys) {
      const [row] = await this.#db.sequelize.query<{ failures: unknown; last_failure_at: unknown }>(
        'SELECT failures, last_failure_at FROM kirjuri_login_throttle WHERE key = $1', { bind: [key], type: QueryTypes.SELECT },
      );
      const previous = row && now - timeValue(row.last_failure_at)! < forgetAfterMs ? Number(row.failures) : 0;
      const failures = previous + 1;
      const delay = backOffMs(failures);
      await this.#db.sequelize.query(
        `INSERT INTO kirjuri_login_throttle (key, failures, last_failure_at, blocked_until) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at, blocked_until = excluded.blocked_until`,
        { bind: [key, failures, now, delay > 0 ? now + delay : null], type: QueryTypes.RAW },
      );
    }
  }

  /** Forgets the failures of the given keys (a successful sign-in, or an administrator's reset). */
  async clear(keys: readonly string[]): Promise<void> {
    await this.#db.sequelize.query(`DELETE FROM kirjuri_login_throttle WHERE key IN (${keys.map((_, i) => `$${i + 1}`).join(', ')})`, { bind: [...keys], type: QueryTypes.DELETE });
  }
}

/** The throttle key of an account, by normalised email. */
export const accountThrottleKey = (email: string): string => `account:${email}`;

/** The throttle key of a client address. */
export const ipThrottleKey = (ip: string): string => `ip:${ip}`;
