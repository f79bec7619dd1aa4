import type { Context } from 'koa';
import type { RequestState } from '../http/request-state.ts';
import type { ApiTokenStore } from './api-token-store.ts';
import { csrfTokenFor } from './csrf-protection.ts';
import { readSessionCookie } from './session-cookie.ts';
import type { SessionStore } from './session-store.ts';
import type { User } from './user-store.ts';

/** Who is calling, and how they proved it. */
export type Authentication =
  | { via: 'session'; user: User; sessionHash: string; csrfToken: string; sessionExpiresAt: number }
  | { via: 'token'; user: User; tokenId: string };

const bearerPattern = /^Bearer\s+(\S+)$/i;

/**
 * Finds the caller of a request from its bearer token or session cookie, once per request (the result
 * is kept on ctx.state.authentication). A bearer header wins over a cookie; a bad one is never
 * silently replaced by the cookie.
 */
export class Authenticator {
  readonly #sessions: SessionStore;
  readonly #tokens: ApiTokenStore;

  constructor(sessions: SessionStore, tokens: ApiTokenStore) {
    this.#sessions = sessions;
    this.#tokens = tokens;
  }

  /** The request's authentication, or null when it carries none that is valid. */
  async authenticate(ctx: Context): Promise<Authentication | null> {
    const state = ctx.state as RequestState;
    if (state.authentication !== undefined) return state.authentication as Authentication | null;
    let found: Authentication | null = null;
    const authorization = ctx.get('Authorization');
    const bearer = authorization ? bearerPattern.exec(authorization) : null;
    if (bearer) {
      const token = await this.#tokens.resolve(bearer[1]!);
      if (token) found = { via: 'token', user: token.user, tokenId: token.tokenId };
    } else {
      const secret = readSessionCookie(ctx);
      const session = secret ? await this.#sessions.resolve(secret) : null;
      if (secret && session) {
        let csrfToken: string | undefined;
        found = {
          via: 'session', user: session.user, sessionHash: session.idHash, sessionExpiresAt: session.expiresAt,
          // An HMAC per request is measurable; only unsafe requests and pages with forms need the token.
          get csrfToken() {
            return (csrfToken ??= csrfTokenFor(secret));
          },
        };
      }
    }
    state.authentication = found;
    return found;
  }
}
