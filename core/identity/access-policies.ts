import type { Context } from 'koa';
import { auditEventOf } from '../audit/audit-event.ts';
import { AppError } from '../http/app-error.ts';
import type { RequestState } from '../http/request-state.ts';
import type { RoutePolicy } from '../kernel/route-declaration.ts';
import { roleAtLeast, type ParticipantRole, type TenantRole } from '../tenants/roles.ts';
import type { Tenant } from '../tenants/tenant-store.ts';
import { apiTokenScopeWords, type ApiTokenScope } from './api-token-scopes.ts';
import type { Authentication } from './authenticator.ts';
import { assertCsrfToken, assertSameOrigin, isUnsafeMethod } from './csrf-protection.ts';
import { deferCsrfToStreamedForm } from './streamed-form-csrf.ts';
import './identity-services.ts';

/** The tenant a tenant route runs in and the caller's role there (set by tenantRole policies). */
export interface TenantAccess {
  tenant: Tenant;
  /** A member's role, or `guest` on routes that admit guests (tenantParticipant). */
  role: ParticipantRole;
}

const notSignedIn = (): AppError => new AppError(401, 'unauthenticated', 'Sign in first: this needs a session or an API token.');

/**
 * Resolves the caller and refuses the request without one (401). Unsafe requests made with the session
 * cookie must come from this site and carry the session's CSRF token (on a `streamBody: 'form'` route
 * without the header, in the form's first field, verified by the handler); bearer requests need neither.
 * Without a promise when the caller is known at once (see Authenticator.authenticate).
 */
export function requireAuthentication(ctx: Context): Authentication | Promise<Authentication> {
  const found = ctx.identity.authenticator.authenticate(ctx);
  return found instanceof Promise ? found.then((authentication) => admit(ctx, authentication)) : admit(ctx, found);
}

function admit(ctx: Context, authentication: Authentication | null): Authentication {
  if (!authentication) {
    if (isUnsafeMethod(ctx.method)) assertSameOrigin(ctx, ctx.identity.publicOrigin);
    throw notSignedIn();
  }
  if (authentication.via === 'session' && isUnsafeMethod(ctx.method)) {
    assertSameOrigin(ctx, ctx.identity.publicOrigin);
    // A form its route reads as a stream brings its token in the body, which is not read yet: the handler verifies it (streamed-form-csrf.ts).
    if (!deferCsrfToStreamedForm(ctx, authentication.csrfToken)) assertCsrfToken(ctx, authentication.csrfToken);
  }
  return authentication;
}

/** The caller's authentication; only valid in a route whose policy required one. */
export function authenticationOf(ctx: Context): Authentication {
  const authentication = (ctx.state as RequestState).authentication as Authentication | null | undefined;
  if (!authentication) throw new Error('authenticationOf() was called in a route whose policy does not require sign-in.');
  return authentication;
}

/** The tenant and role of a tenant route; only valid in a route with a tenantRole policy. */
export function tenantAccessOf(ctx: Context): TenantAccess {
  const access = (ctx.state as RequestState).tenantAccess as TenantAccess | undefined;
  if (!access) throw new Error('tenantAccessOf() was called in a route without a tenantRole policy.');
  return access;
}

/** Anyone may call it, but an unsafe request must come from this site (login CSRF): for sign-in and setup. */
export const publicFormAccess: RoutePolicy = Object.freeze({
  name: 'public-same-origin',
  check(ctx: Context) {
    if (isUnsafeMethod(ctx.method)) assertSameOrigin(ctx, ctx.identity.publicOrigin);
  },
});

/** Any signed-in user (session or API token). */
export const signedIn: RoutePolicy = Object.freeze({
  name: 'signed-in',
  check(ctx: Context) {
    const authentication = requireAuthentication(ctx);
    if (authentication instanceof Promise) return authentication.then(() => undefined);
  },
});

/** Writes access.denied for a bearer request refused for what its token may not do (the instance's chain: no tenant is involved). */
function recordTokenRefusal(ctx: Context, reason: string, details: Record<string, unknown>): void {
  ctx.audit.recordSoon(auditEventOf(ctx, { action: 'access.denied', outcome: 'denied', tenantId: null, details: { reason, ...details, method: ctx.method, path: ctx.path } }));
}

function admitSessionOnly(ctx: Context, authentication: Authentication): void {
  if (authentication.via === 'session') return;
  recordTokenRefusal(ctx, 'session_required', { tokenId: authentication.tokenId });
  throw new AppError(403, 'session_required', 'An API token may never change the password or other account security: sign in with your password and do it with that session (on /me).');
}

/**
 * A signed-in session only, never an API token: for the password and anything else that guards the
 * account itself, so that a leaked token cannot lock its owner out or make itself permanent.
 */
export const signedInSession: RoutePolicy = Object.freeze({
  name: 'signed-in-session',
  check(ctx: Context) {
    const authentication = requireAuthentication(ctx);
    if (authentication instanceof Promise) return authentication.then((found) => admitSessionOnly(ctx, found));
    admitSessionOnly(ctx, authentication);
  },
});

const scopePolicies = new Map<ApiTokenScope, RoutePolicy>();

/**
 * A signed-in session, or an API token that has `scope` (api-token-scopes.ts); a token without it gets
 * 403 naming the scope. Tokens made without scopes keep their user's rights everywhere else.
 */
export function sessionOrTokenScope(scope: ApiTokenScope): RoutePolicy {
  let policy = scopePolicies.get(scope);
  if (!policy) {
    const admitScoped = (ctx: Context, authentication: Authentication): void => {
      if (authentication.via === 'session' || authentication.scopes.includes(scope)) return;
      recordTokenRefusal(ctx, 'token_scope_missing', { tokenId: authentication.tokenId, scope });
      throw new AppError(403, 'token_scope_missing', `This API token may not ${apiTokenScopeWords[scope]}: it lacks the "${scope}" scope. Make a token with the scope "${scope}" while signed in (on /me), or do this on /me.`, { details: { scope } });
    };
    policy = Object.freeze({
      name: `session-or-token-scope-${scope}`,
      check(ctx: Context) {
        const authentication = requireAuthentication(ctx);
        if (authentication instanceof Promise) return authentication.then((found) => admitScoped(ctx, found));
        admitScoped(ctx, authentication);
      },
    });
    scopePolicies.set(scope, policy);
  }
  return policy;
}

/** Whether the caller may list, make and revoke API tokens: a session, or a token with the `tokens` scope. */
export function mayManageTokens(authentication: Authentication): boolean {
  return authentication.via === 'session' || authentication.scopes.includes('tokens');
}

/** Instance administrators only: a signed-in user without the right gets 403. */
export const instanceAdmin: RoutePolicy = Object.freeze({
  name: 'instance-admin',
  async check(ctx: Context) {
    const { user } = await requireAuthentication(ctx);
    if (!user.isInstanceAdmin) throw new AppError(403, 'forbidden', 'Only instance administrators may do this.');
  },
});

const tenantPolicies = new Map<TenantRole, RoutePolicy>();

/**
 * Members of the route's tenant (path parameter `t`, the slug) with at least `minimum` role. A tenant
 * the caller does not belong to answers 404 exactly like one that does not exist; a member whose role
 * is too low gets 403, since they know the tenant exists.
 */
export function tenantRole(minimum: TenantRole): RoutePolicy {
  let policy = tenantPolicies.get(minimum);
  if (!policy) {
    policy = Object.freeze({
      name: `tenant-${minimum}`,
      async check(ctx: Context) {
        const { user } = await requireAuthentication(ctx);
        const slug = (ctx as Context & { params?: Record<string, string> }).params?.t;
        const tenant = slug ? await ctx.identity.tenants.findBySlug(slug) : null;
        const membership = tenant ? await ctx.identity.memberships.find(tenant.id, user.id) : null;
        if (!tenant || !membership || membership.disabledAt !== null) throw new AppError(404, 'not_found', 'Nothing was found at this address.');
        if (!roleAtLeast(membership.role, minimum)) throw new AppError(403, 'forbidden', `This needs the ${minimum} role or higher in this tenant; yours is ${membership.role}.`);
        (ctx.state as RequestState).tenantAccess = { tenant, role: membership.role } satisfies TenantAccess;
      },
    });
    tenantPolicies.set(minimum, policy);
  }
  return policy;
}
