import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../db/open-database.ts';
import { timeValue } from '../db/row-values.ts';

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

/** A sign-in attempt counted before its password is checked: released again if the password was right. */
export interface AttemptReservation {
  readonly keys: readonly string[];
}

/** What reserving an attempt answers: go ahead (the attempt is counted), or blocked until a time. */
export type ReservationOutcome = { reserved: AttemptReservation } | { blockedUntil: number };

interface ThrottleRow { key: string; failures: unknown; last_failure_at: unknown; blocked_until: unknown }

/**
 * Counts failed sign-ins per account ("account:<email>", whether or not it exists, so both look alike)
 * and per client address ("ip:<address>") in the database, so every app node sees the same counts.
 *
 * An attempt is counted as a failure *before* its password is checked (reserve), in one transaction
 * that locks the keys' rows, and handed back when the password was right (release). Checking first and
 * counting after the slow hash let N parallel attempts all pass a check that none of them had counted
 * yet (issue 20: 30 concurrent tries, the 30th right, got 29 x 401 and a 200).
 */
export class LoginThrottle {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Counts one attempt for every key, unless one of them is blocked now (then nothing is counted). */
  async reserve(keys: readonly string[]): Promise<ReservationOutcome> {
    const ordered = [...new Set(keys)].sort();
    return this.#db.transaction(async (transaction) => {
      const now = Date.now();
      const rows = await this.#lockRows(ordered, transaction);
      const blockedUntil = Math.max(0, ...rows.map((row) => timeValue(row.blocked_until) ?? 0));
      if (blockedUntil > now) return { blockedUntil };
      for (const key of ordered) {
        const row = rows.find((candidate) => candidate.key === key);
        const failures = failuresOf(row, now) + 1;
        const delay = backOffMs(failures);
        await this.#db.sequelize.query(
          'UPDATE kirjuri_login_throttle SET failures = $2, last_failure_at = $3, blocked_until = $4 WHERE key = $1',
          { bind: [key, failures, now, delay > 0 ? now + delay : null], type: QueryTypes.UPDATE, transaction },
        );
      }
      return { reserved: { keys: ordered } };
    });
  }

  /**
   * Hands back a reservation whose password was right: its keys lose that one count (a block it
   * started ends once the count is under the allowance again), and `clear` keys are forgotten whole.
   * In the caller's transaction when given (the sign-in's own), else in one of its own.
   */
  async release(reservation: AttemptReservation, options: { clear?: readonly string[]; transaction?: Transaction } = {}): Promise<void> {
    const clear = new Set(options.clear ?? []);
    const handBack = async (transaction: Transaction): Promise<void> => {
      for (const key of reservation.keys) {
        if (clear.has(key)) continue;
        await this.#db.sequelize.query(
          `UPDATE kirjuri_login_throttle SET failures = failures - 1,
             blocked_until = CASE WHEN failures - 1 < ${freeFailures} THEN NULL ELSE blocked_until END
           WHERE key = $1 AND failures > 0`,
          { bind: [key], type: QueryTypes.UPDATE, transaction },
        );
      }
      if (clear.size > 0) await this.clear([...clear], transaction);
    };
    await (options.transaction ? handBack(options.transaction) : this.#db.transaction(handBack));
  }

  /** Forgets the failures of the given keys (a successful sign-in, or an administrator's reset). */
  async clear(keys: readonly string[], transaction?: Transaction): Promise<void> {
    await this.#db.sequelize.query(`DELETE FROM kirjuri_login_throttle WHERE key IN (${keys.map((_, i) => `$${i + 1}`).join(', ')})`, { bind: [...keys], type: QueryTypes.DELETE, transaction });
  }

  /**
   * The keys' rows, made if missing and locked until the transaction ends: on PostgreSQL by FOR UPDATE
   * (in key order, so two attempts never wait for each other crosswise), on SQLite by the write
   * transaction itself, which holds the database's one write lock.
   */
  async #lockRows(keys: readonly string[], transaction: Transaction): Promise<ThrottleRow[]> {
    const list = keys.map((_, i) => `$${i + 1}`).join(', ');
    await this.#db.sequelize.query(
      `INSERT INTO kirjuri_login_throttle (key, failures, last_failure_at, blocked_until) VALUES ${keys.map((_, i) => `($${i + 1}, 0, 0, NULL)`).join(', ')} ON CONFLICT (key) DO NOTHING`,
      { bind: [...keys], type: QueryTypes.INSERT, transaction },
    );
    const lock = this.#db.dialect === 'postgres' ? ' ORDER BY key FOR UPDATE' : '';
    return this.#db.sequelize.query<ThrottleRow>(
      `SELECT key, failures, last_failure_at, blocked_until FROM kirjuri_login_throttle WHERE key IN (${list})${lock}`,
      { bind: [...keys], type: QueryTypes.SELECT, transaction },
    );
  }
}

/** The failures a row still counts at `now`: none once its last failure is older than a day. */
function failuresOf(row: ThrottleRow | undefined, now: number): number {
  if (!row) return 0;
  return now - (timeValue(row.last_failure_at) ?? 0) < forgetAfterMs ? Number(row.failures) : 0;
}

/** The throttle key of an account, by normalised email. */
export const accountThrottleKey = (email: string): string => `account:${email}`;

/** The throttle key of a client address. */
export const ipThrottleKey = (ip: string): string => `ip:${ip}`;
