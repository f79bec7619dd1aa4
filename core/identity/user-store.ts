import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { AppError } from '../http/app-error.ts';
import type { Database } from '../db/open-database.ts';
import { newId } from '../db/new-id.ts';
import { booleanValue, timeValue } from '../db/row-values.ts';
import type { IdentityReadCache } from './identity-read-cache.ts';

/** A person who can sign in. */
export interface User {
  id: string;
  email: string;
  name: string;
  isInstanceAdmin: boolean;
  isGuest: boolean;
  disabledAt: number | null;
  createdAt: number;
}

/** A user with the stored password hash (only the sign-in and password code sees it). */
export interface UserWithPassword extends User {
  passwordHash: string | null;
  passwordChangedAt: number | null;
}

/** The user columns every query selects, aliased to the row shape toUser reads. */
export const userColumns = 'u.id AS user_id, u.email AS user_email, u.name AS user_name, u.is_instance_admin AS user_is_instance_admin, u.is_guest AS user_is_guest, u.disabled_at AS user_disabled_at, u.created_at AS user_created_at';

/** A row holding userColumns. */
export interface UserRow {
  user_id: string; user_email: string; user_name: string; user_is_instance_admin: unknown; user_is_guest: unknown; user_disabled_at: unknown; user_created_at: unknown;
}

/** Turns the userColumns of a row into a User. */
export function toUser(row: UserRow): User {
  return {
    id: row.user_id, email: row.user_email, name: row.user_name, isInstanceAdmin: booleanValue(row.user_is_instance_admin),
    isGuest: booleanValue(row.user_is_guest), disabledAt: timeValue(row.user_disabled_at), createdAt: timeValue(row.user_created_at)!,
  };
}

/** The one spelling of an email address Kirjuri stores and looks up: trimmed and lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Users in the database (kirjuri_users). */
export class UserStore {
  readonly #db: Database;
  readonly #cache: IdentityReadCache;

  constructor(db: Database, cache: IdentityReadCache) {
    this.#db = db;
    this.#cache = cache;
  }

  /** Creates a user; an email already in use is a 409. */
  async create(input: { email: string; name: string; passwordHash: string | null; isInstanceAdmin?: boolean; isGuest?: boolean }, transaction: Transaction): Promise<User> {
    const now = Date.now();
    const user: User = {
      id: newId(), email: normaliseEmail(input.email), name: input.name.trim(), isInstanceAdmin: input.isInstanceAdmin ?? false,
      isGuest: input.isGuest ?? false, disabledAt: null, createdAt: now,
    };
    try {
      await this.#db.sequelize.query(
        `INSERT INTO kirjuri_users (id, email, name, password_hash, is_instance_admin, is_guest, disabled_at, password_changed_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $8)`,
        { bind: [user.id, user.email, user.name, input.passwordHash, user.isInstanceAdmin, user.isGuest, input.passwordHash ? now : null, now], type: QueryTypes.INSERT, transaction },
      );
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new AppError(409, 'email_taken', `A user with the email ${user.email} already exists.`, { details: { fields: { email: 'is already in use' } } });
      throw error;
    }
    return user;
  }

  /** The user with this email (any spelling), with the password hash, or null. */
  async findByEmail(email: string, transaction?: Transaction): Promise<UserWithPassword | null> {
    return this.#findOne('u.email = $1', normaliseEmail(email), transaction);
  }

  /** The user with this id, with the password hash, or null. */
  async findById(id: string, transaction?: Transaction): Promise<UserWithPassword | null> {
    return this.#findOne('u.id = $1', id, transaction);
  }

  /** Whether any user exists (setup is only possible while none does). */
  async anyExists(transaction?: Transaction): Promise<boolean> {
    const rows = await this.#db.sequelize.query('SELECT 1 AS one FROM kirjuri_users LIMIT 1', { type: QueryTypes.SELECT, transaction });
    return rows.length > 0;
  }

  /** Stores a new password hash (and when it changed, unless it is only a re-hash of the same password). */
  async setPasswordHash(userId: string, passwordHash: string, options: { changed: boolean; transaction?: Transaction }): Promise<void> {
    const now = Date.now();
    const sql = options.changed
      ? 'UPDATE kirjuri_users SET password_hash = $1, password_changed_at = $2, updated_at = $2 WHERE id = $3'
      : 'UPDATE kirjuri_users SET password_hash = $1, updated_at = $2 WHERE id = $3';
    await this.#db.sequelize.query(sql, { bind: [passwordHash, now, userId], type: QueryTypes.UPDATE, transaction: options.transaction });
    this.#cache.invalidateAfter(options.transaction);
  }

  /** Disables or re-enables a user instance-wide. */
  async setDisabled(userId: string, disabled: boolean, transaction: Transaction): Promise<void> {
    const now = Date.now();
    await this.#db.sequelize.query('UPDATE kirjuri_users SET disabled_at = $1, updated_at = $2 WHERE id = $3', { bind: [disabled ? now : null, now, userId], type: QueryTypes.UPDATE, transaction });
    this.#cache.invalidateAfter(transaction);
  }

  /** Changes the display name. */
  async setName(userId: string, name: string, transaction: Transaction): Promise<void> {
    await this.#db.sequelize.query('UPDATE kirjuri_users SET name = $1, updated_at = $2 WHERE id = $3', { bind: [name.trim(), Date.now(), userId], type: QueryTypes.UPDATE, transaction });
    this.#cache.invalidateAfter(transaction);
  }

  async #findOne(where: string, value: string, transaction?: Transaction): Promise<UserWithPassword | null> {
    const [row] = await this.#db.sequelize.query<UserRow & { password_hash: string | null; password_changed_at: unknown }>(
      `SELECT ${userColumns}, u.password_hash, u.password_changed_at FROM kirjuri_users u WHERE ${where}`,
      { bind: [value], type: QueryTypes.SELECT, transaction },
    );
    return row ? { ...toUser(row), passwordHash: row.password_hash, passwordChangedAt: timeValue(row.password_changed_at) } : null;
  }
}
