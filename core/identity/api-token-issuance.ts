import type { Context } from 'koa';
import type { Database } from '../db/open-database.ts';
import { AppError } from '../http/app-error.ts';
import { scopesBeyond, type ApiTokenScope } from './api-token-scopes.ts';
import type { ApiToken, ApiTokenStore } from './api-token-store.ts';
import type { Authentication } from './authenticator.ts';
import type { IdentityAudit } from './identity-audit.ts';

/** What making and revoking the caller's own tokens works with. */
export interface ApiTokenIssuanceDependencies {
  db: Database;
  tokens: ApiTokenStore;
  audit: IdentityAudit;
}

const iso = (time: number | null): string | null => (time === null ? null : new Date(time).toISOString());

/**
 * Makes an API token for the caller, with its `token.create` entry in the same transaction. A token
 * making a token (it needs the `tokens` scope, checked by the route's policy) can pass on only scopes
 * it has itself, and the new one expires no later than it does, so a token can never outgrow or outlive
 * the one it came from.
 */
export async function issueApiToken(
  deps: ApiTokenIssuanceDependencies, ctx: Context, authentication: Authentication,
  input: { name: string; scopes: readonly ApiTokenScope[]; expiresAt: number | null },
): Promise<{ token: ApiToken; secret: string }> {
  let { expiresAt } = input;
  if (authentication.via === 'token') {
    const beyond = scopesBeyond(input.scopes, authentication.scopes);
    if (beyond.length > 0) {
      throw new AppError(403, 'token_scope_exceeded', `This API token cannot give a new token the scope${beyond.length === 1 ? '' : 's'} ${beyond.map((scope) => `"${scope}"`).join(', ')}: a token can only pass on scopes it has itself. Make that token while signed in (on /me).`, { details: { fields: { scopes: 'has a scope this token lacks' } } });
    }
    const limit = authentication.tokenExpiresAt;
    if (limit !== null) {
      if (expiresAt !== null && expiresAt > limit) {
        throw new AppError(422, 'invalid_input', `A token made with an API token expires no later than that token (${iso(limit)}): choose an earlier expiry, or make it while signed in.`, { details: { fields: { expiresAt: `must be no later than ${iso(limit)}` } } });
      }
      expiresAt ??= limit;
    }
  }
  const { user } = authentication;
  return deps.db.transaction(async (transaction) => {
    const made = await deps.tokens.create({ userId: user.id, name: input.name, scopes: input.scopes, expiresAt }, transaction);
    await deps.audit.record(ctx, user, {
      action: 'token.create', objectType: 'api_token', objectId: made.token.id,
      details: { name: made.token.name, scopes: made.token.scopes, expiresAt: iso(made.token.expiresAt), via: authentication.via, ...(authentication.via === 'token' ? { byToken: authentication.tokenId } : {}) },
    }, transaction);
    return made;
  });
}

/** Revokes one of the caller's tokens at once, with its `token.revoke` entry; false when the caller has no such active token. */
export async function revokeApiToken(deps: ApiTokenIssuanceDependencies, ctx: Context, authentication: Authentication, tokenId: string): Promise<boolean> {
  const { user } = authentication;
  return deps.db.transaction(async (transaction) => {
    const revoked = await deps.tokens.revoke(user.id, tokenId, transaction);
    if (revoked) {
      await deps.audit.record(ctx, user, {
        action: 'token.revoke', objectType: 'api_token', objectId: tokenId,
        details: { via: authentication.via, ...(authentication.via === 'token' ? { byToken: authentication.tokenId } : {}) },
      }, transaction);
    }
    return revoked;
  });
}
