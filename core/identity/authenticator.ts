import type { Context } from 'koa';
import type { RequestState } from '../http/request-state.ts';
import type { ApiTokenScope } from './api-token-scopes.ts';
import type { ApiTokenStore } from './api-token-store.ts';
import { csrfTokenFor } from './csrf-protection.ts';
import { readSessionCookie } from './session-cookie.ts';
import type { ResolvedSession, SessionStore } from './session-store.ts';
import type { User } from './user-store.ts';

/** Who is calling, and how they proved it. */
export type Authentication =
  | { via: 'session'; user: User; sessionHash: string; csrfToken: string; sessionExpiresAt: number }
  | { via: 'token'; user: User; tokenId: string; scopes: readonly ApiTokenScope[]; tokenExpiresAt: number | null };

const bearerPattern = /^Bearer\s+(\S+)$/i;

function sessionAuthentication(secret: string, session: ResolvedSession | null): Authentication | null {
  if (!session) return null;
  let csrfToken: string | undefined;
  return {
    via: 'session', user: session.user, sessionHash: session.idHash, sessionExpiresAt: session.expiresAt,
    // An HMAC per request is measurable; only unsafe requests and pages with forms need the token.
    get csrfToken() {
      return (csrfToken ??= csrfTokenFor(secret));
    },
  };
}

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

  /**
   * The request's authentication, or null when it carries none that is valid; without a promise when
   * it is already known or the session came from the read cache.
   */
  authenticate(ctx: Context): Authentication | null | Promise<Authentication | null> {
    const state = ctx.state as RequestState;
    if (state.authentication !== undefined) return state.authentication as Authentication | null;
    const authorization = ctx.get('Authorization');
    const bearer = authorization ? bearerPattern.exec(authorization) : null;
    if (bearer) return this.#remember(state, this.#tokens.resolve(bearer[1]!).then((token) => (token ? { via: 'token', user: token.user, tokenId: token.tokenId, scopes: token.scopes, tokenExpiresAt: token.expiresAt } : null)));
    const secret = readSessionCookie(ctx);
    if (!secret) return this.#remember(state, null);
    const session = this.#sessions.resolve(secret);
    if (session instanceof Promise) return this.#remember(state, session.then((resolved) => sessionAuthentication(secret, resolved)));
    return this.#remember(state, sessionAuthentication(secret, session));
  }

  #remember<T extends Authentication | null | Promise<Authentication | null>>(state: RequestState, found: T): T {
    if (found instanceof Promise) {
      return found.then((value) => {
        state.authentication = value;
        return value;
      }) as T;
    }
    state.authentication = found;
    return found;
  }
}
