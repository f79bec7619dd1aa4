import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../db/open-database.ts';
import { timeValue } from '../db/row-values.ts';
import type { IdentityReadCache } from './identity-read-cache.ts';
import { hashSecret, newSecret } from './secret-token.ts';
import { toUser, userColumns, type User, type UserRow } from './user-store.ts';

/** How long sessions live (SECURITY.md: idle 30 min, absolute 12 h by default). */
export interface SessionLifetimes {
  idleMs: number;
  absoluteMs: number;
}

/** A live session and its user. */
export interface ResolvedSession {
  idHash: string;
  user: User;
  createdAt: number;
  expiresAt: number;
}

/** A session as the cache keeps it: last_seen_at moves on without a new read. */
interface LiveSession {
  session: ResolvedSession;
  lastSeenAt: number;
}

interface SessionRow extends UserRow { id_hash: string; created_at: unknown; last_seen_at: unknown; expires_at: unknown }

const resolveSql = `SELECT s.id_hash, s.created_at, s.last_seen_at, s.expires_at, ${userColumns}
  FROM kirjuri_sessions s JOIN kirjuri_users u ON u.id = s.user_id WHERE s.id_hash = $1`;

// last_seen_at is written at most this often per session: a write on every request would cost more
// than the idle timeout's precision is worth.
const touchIntervalMs = 60_000;
const maxUserAgentLength = 300;

// A copy: a handler may change what it got (a renamed user) without touching the cached entry.
function copyOf(session: ResolvedSession): ResolvedSession {
  return { ...session, user: { ...session.user } };
}

/**
 * Sessions in the database (kirjuri_sessions), so that several app nodes share them. The session id
 * is 32 random bytes, handed to the browser once and stored only as its SHA-256.
 */
export class SessionStore {
  readonly #db: Database;
  readonly #lifetimes: SessionLifetimes;
  readonly #cache: IdentityReadCache;

  constructor(db: Database, lifetimes: SessionLifetimes, cache: IdentityReadCache) {
    this.#db = db;
    this.#lifetimes = lifetimes;
    this.#cache = cache;
  }

  /** Starts a session for a user; returns the secret for the cookie (never stored) and when it ends at the latest. */
  async create(userId: string, client: { ip: string | null; userAgent: string | null }, transaction?: Transaction): Promise<{ secret: string; expiresAt: number }> {
    const secret = newSecret();
    const now = Date.now();
    const expiresAt = now + this.#lifetimes.absoluteMs;
    await this.#db.sequelize.query(
      'INSERT INTO kirjuri_sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent) VALUES ($1, $2, $3, $3, $4, $5, $6)',
      { bind: [hashSecret(secret), userId, now, expiresAt, client.ip, client.userAgent?.slice(0, maxUserAgentLength) ?? null], type: QueryTypes.INSERT, transaction },
    );
    return { secret, expiresAt };
  }

  /**
   * The session a cookie's secret names, if it is live: not past its absolute end, not idle too long,
   * its user not disabled. A dead session is deleted on the way. Keeps last_seen_at current.
   * Answered at once, without a promise, when the read cache holds a live session that needs no touch:
   * that is nearly every request, and each promise in the chain costs it throughput.
   */
  resolve(secret: string): ResolvedSession | null | Promise<ResolvedSession | null> {
    const idHash = hashSecret(secret);
    const live = this.#cache.get<LiveSession>(`session:${idHash}`);
    if (live) {
      const now = Date.now();
      if (this.#isLive(live, now) && now - live.lastSeenAt < touchIntervalMs) return copyOf(live.session);
    }
    return this.#resolveSlowly(idHash, live);
  }

  async #resolveSlowly(idHash: string, cached: LiveSession | undefined): Promise<ResolvedSession | null> {
    let live = cached;
    if (!live) {
      const generation = this.#cache.generation;
      const [row] = await this.#db.selectRows<SessionRow>(resolveSql, [idHash]);
      if (!row) return null;
      live = { session: { idHash, user: toUser(row), createdAt: timeValue(row.created_at)!, expiresAt: timeValue(row.expires_at)! }, lastSeenAt: timeValue(row.last_seen_at)! };
      this.#cache.set(`session:${idHash}`, generation, live);
    }
    const now = Date.now();
    if (!this.#isLive(live, now)) {
      await this.destroyByHash(idHash);
      return null;
    }
    if (now - live.lastSeenAt >= touchIntervalMs) {
      live.lastSeenAt = now;
      await this.#db.sequelize.query('UPDATE kirjuri_sessions SET last_seen_at = $1 WHERE id_hash = $2', { bind: [now, idHash], type: QueryTypes.UPDATE });
    }
    return copyOf(live.session);
  }

  #isLive(live: LiveSession, now: number): boolean {
    return live.session.expiresAt > now && live.lastSeenAt + this.#lifetimes.idleMs > now && live.session.user.disabledAt === null;
  }

  /** Ends one session (logout). */
  async destroyByHash(idHash: string, transaction?: Transaction): Promise<void> {
    await this.#db.sequelize.query('DELETE FROM kirjuri_sessions WHERE id_hash = $1', { bind: [idHash], type: QueryTypes.DELETE, transaction });
    this.#cache.invalidateAfter(transaction);
  }

  /** Ends every session of a user, except the one given (a password change keeps the session that made it). */
  async destroyAllOfUser(userId: string, options: { except?: string; transaction?: Transaction } = {}): Promise<void> {
    await this.#db.sequelize.query(
      options.except ? 'DELETE FROM kirjuri_sessions WHERE user_id = $1 AND id_hash <> $2' : 'DELETE FROM kirjuri_sessions WHERE user_id = $1',
      { bind: options.except ? [userId, options.except] : [userId], type: QueryTypes.DELETE, transaction: options.transaction },
    );
    this.#cache.invalidateAfter(options.transaction);
  }

  /** Deletes sessions past their absolute end or idle too long (a periodic job). Returns how many. */
  async purgeExpired(): Promise<number> {
    const now = Date.now();
    const deleted = await this.#db.sequelize.query('DELETE FROM kirjuri_sessions WHERE expires_at <= $1 OR last_seen_at <= $2', {
      bind: [now, now - this.#lifetimes.idleMs], type: QueryTypes.BULKDELETE,
    });
    this.#cache.invalidateAfter(null);
    return Number(deleted);
  }
}
