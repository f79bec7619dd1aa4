import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../db/open-database.ts';
import { newId } from '../db/new-id.ts';
import { timeValue } from '../db/row-values.ts';
import { scopesOfStored, storedScopes, type ApiTokenScope } from './api-token-scopes.ts';
import { hashSecret, newSecret } from './secret-token.ts';
import { toUser, userColumns, type User, type UserRow } from './user-store.ts';

/** A personal API token as its owner sees it (the secret itself is shown once, at creation). */
export interface ApiToken {
  id: string;
  name: string;
  /** What it may do beyond its user's rights on records, files and folders (api-token-scopes.ts). */
  scopes: ApiTokenScope[];
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

interface TokenRow { id: string; name: string; scopes: string; created_at: unknown; expires_at: unknown; last_used_at: unknown; revoked_at: unknown }

const toToken = (row: TokenRow): ApiToken => ({
  id: row.id, name: row.name, scopes: scopesOfStored(row.scopes), createdAt: timeValue(row.created_at)!, expiresAt: timeValue(row.expires_at),
  lastUsedAt: timeValue(row.last_used_at), revokedAt: timeValue(row.revoked_at),
});

/** Every token starts with this, so that secret scanners and people recognise one. */
export const apiTokenPrefix = 'kjr_';
const touchIntervalMs = 60_000;
const resolveSql = `SELECT t.id, t.scopes, t.expires_at, t.last_used_at, t.revoked_at, ${userColumns}
  FROM kirjuri_api_tokens t JOIN kirjuri_users u ON u.id = t.user_id WHERE t.token_hash = $1`;

/** What a bearer secret resolves to: the token, what it may do, and the user it acts for. */
export interface ResolvedApiToken {
  tokenId: string;
  scopes: ApiTokenScope[];
  expiresAt: number | null;
  user: User;
}

/**
 * Personal API tokens (kirjuri_api_tokens): they act with their user's rights and their scopes, stored
 * only as SHA-256.
 */
export class ApiTokenStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Makes a token (without scopes unless given); returns its row and the secret, which is never stored and cannot be shown again. */
  async create(input: { userId: string; name: string; scopes?: readonly ApiTokenScope[]; expiresAt: number | null }, transaction?: Transaction): Promise<{ token: ApiToken; secret: string }> {
    const secret = `${apiTokenPrefix}${newSecret()}`;
    const now = Date.now();
    const scopes = storedScopes(input.scopes ?? []);
    const token: ApiToken = { id: newId(), name: input.name.trim(), scopes: scopesOfStored(scopes), createdAt: now, expiresAt: input.expiresAt, lastUsedAt: null, revokedAt: null };
    await this.#db.sequelize.query(
      'INSERT INTO kirjuri_api_tokens (id, user_id, name, scopes, token_hash, created_at, expires_at, last_used_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL)',
      { bind: [token.id, input.userId, token.name, scopes, hashSecret(secret), now, input.expiresAt], type: QueryTypes.INSERT, transaction },
    );
    return { token, secret };
  }

  /** The token and user a bearer secret acts for, if the token exists, is not revoked or expired and its user is enabled. */
  async resolve(secret: string): Promise<ResolvedApiToken | null> {
    if (!secret.startsWith(apiTokenPrefix)) return null;
    const [row] = await this.#db.selectRows<UserRow & { id: string; scopes: string; expires_at: unknown; last_used_at: unknown; revoked_at: unknown }>(resolveSql, [hashSecret(secret)]);
    if (!row) return null;
    const now = Date.now();
    const expiresAt = timeValue(row.expires_at);
    const user = toUser(row);
    if (timeValue(row.revoked_at) !== null || (expiresAt !== null && expiresAt <= now) || user.disabledAt !== null) return null;
    const lastUsedAt = timeValue(row.last_used_at);
    if (lastUsedAt === null || now - lastUsedAt >= touchIntervalMs) {
      await this.#db.sequelize.query('UPDATE kirjuri_api_tokens SET last_used_at = $1 WHERE id = $2', { bind: [now, row.id], type: QueryTypes.UPDATE });
    }
    return { tokenId: row.id, scopes: scopesOfStored(row.scopes), expiresAt, user };
  }

  /** The user's tokens, newest first. */
  async listOfUser(userId: string): Promise<ApiToken[]> {
    const rows = await this.#db.sequelize.query<TokenRow>(
      'SELECT id, name, scopes, created_at, expires_at, last_used_at, revoked_at FROM kirjuri_api_tokens WHERE user_id = $1 ORDER BY created_at DESC',
      { bind: [userId], type: QueryTypes.SELECT },
    );
    return rows.map(toToken);
  }

  /** Revokes one of the user's tokens at once; false when the user has no such token. */
  async revoke(userId: string, tokenId: string, transaction?: Transaction): Promise<boolean> {
    const changed = await this.#db.sequelize.query(
      'UPDATE kirjuri_api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL',
      { bind: [Date.now(), tokenId, userId], type: QueryTypes.BULKUPDATE, transaction },
    );
    return Number(changed) === 1;
  }
}
