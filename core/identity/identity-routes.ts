import { z } from 'zod';
import type { Context } from 'koa';
import { AppError } from '../http/app-error.ts';
import type { Database } from '../db/open-database.ts';
import type { OwnedRoute } from '../kernel/route-declaration.ts';
import type { MembershipStore } from '../tenants/membership-store.ts';
import type { TenantStore } from '../tenants/tenant-store.ts';
import { authenticationOf, publicFormAccess, sessionOrTokenScope, signedIn, signedInSession } from './access-policies.ts';
import { issueApiToken, revokeApiToken } from './api-token-issuance.ts';
import { apiTokenScopes, type ApiTokenScope } from './api-token-scopes.ts';
import type { ApiToken, ApiTokenStore } from './api-token-store.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { checkNewPassword } from './password-policy.ts';
import type { IdentityAudit } from './identity-audit.ts';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './session-cookie.ts';
import { hashSecret } from './secret-token.ts';
import type { SessionStore } from './session-store.ts';
import { setupTokenMatches } from './setup-token.ts';
import { setUpInstance } from './instance-setup.ts';
import type { PasswordSignIn } from './sign-in.ts';
import { userJson } from './user-json.ts';
import type { UserStore } from './user-store.ts';
import type { PasswordResetStore } from './password-reset-store.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { redeemPasswordLink } from './redeem-password-link.ts';

/** What the identity routes work with. */
export interface IdentityRouteDependencies {
  audit: IdentityAudit;
  db: Database;
  users: UserStore;
  tenants: TenantStore;
  memberships: MembershipStore;
  sessions: SessionStore;
  tokens: ApiTokenStore;
  hasher: PasswordHasher;
  signIn: PasswordSignIn;
  resets: PasswordResetStore;
  throttle: LoginThrottle;
}

const email = z.string().trim().toLowerCase().pipe(z.email('must be an email address such as maija@example.com').max(254));
const name = z.string().trim().min(1, 'is required').max(200);
const password = z.string().min(1, 'is required').max(1024);

/** 422 naming the password field, with the policy's reason. */
function weakPassword(reason: string, field = 'password'): AppError {
  return new AppError(422, 'weak_password', `The password cannot be used: ${reason}`, { details: { fields: { [field]: reason } } });
}

/** A token as the API lists it: never its secret. */
const tokenJson = (t: ApiToken): Record<string, unknown> => ({ id: t.id, name: t.name, scopes: t.scopes, createdAt: iso(t.createdAt), expiresAt: iso(t.expiresAt), lastUsedAt: iso(t.lastUsedAt), revoked: t.revokedAt !== null });

const tokenScopeList = z.array(z.enum(apiTokenScopes, `must be one of: ${apiTokenScopes.join(', ')}`)).max(apiTokenScopes.length * 2);

const clientOf = (ctx: Context): { ip: string | null; userAgent: string | null } => ({ ip: ctx.ip || null, userAgent: ctx.get('User-Agent') || null });

/** Core's identity routes (API.md "Instance" setup and "Identity"). */
export function identityRoutes(deps: IdentityRouteDependencies): OwnedRoute[] {
  const { db, users, tenants, memberships, sessions, tokens, hasher, signIn, resets, throttle } = deps;
  return [
    {
      owner: 'core', method: 'POST', path: '/api/v1/auth/reset', policy: publicFormAccess, tags: ['identity'],
      summary: 'Sets a new password with a one-time reset link\'s token; ends every session of that user.',
      body: z.strictObject({ token: z.string().min(1).max(200), password }),
      responses: { 204: 'Password set; sign in with it.', 410: 'The link was used, replaced or has expired.', 422: 'Weak password.' },
      async handler(ctx, { body }) {
        const input = body as { token: string; password: string };
        const outcome = await redeemPasswordLink({ db, users, sessions, resets, throttle, hasher }, input.token, input.password);
        if (outcome.kind === 'expired') throw new AppError(410, 'reset_link_expired', 'This password link was already used, replaced by a newer one, or has expired: ask an administrator for a new one.');
        if (outcome.kind === 'weak') throw weakPassword(outcome.problem);
        ctx.status = 204;
      },
    },
    {
      owner: 'core', method: 'POST', path: '/api/v1/setup', policy: publicFormAccess, tags: ['instance'],
      summary: 'First run only: creates the first instance administrator and the first tenant, and signs them in.',
      body: z.strictObject({ token: z.string().min(1).max(200), email, password, name, tenant: z.strictObject({ name, slug: z.string().trim().min(1).max(63) }) }),
      responses: { 201: 'Set up; a session cookie is set.', 403: 'Wrong setup token.', 409: 'Already set up.', 422: 'Weak password.' },
      async handler(ctx, { body }) {
        const input = body as { token: string; email: string; password: string; name: string; tenant: { name: string; slug: string } };
        if (await users.anyExists()) throw new AppError(409, 'already_set_up', 'Kirjuri is already set up; sign in instead.');
        if (!(await setupTokenMatches(db, input.token))) throw new AppError(403, 'invalid_setup_token', 'The setup token is wrong: use the setup URL printed when Kirjuri started (or setup.token).');
        const result = await setUpInstance({ db, users, tenants, memberships, hasher, audit: ctx.audit, client: { ip: ctx.ip || null, userAgent: ctx.get('User-Agent') || null } }, input);
        const session = await sessions.create(result.user.id, clientOf(ctx));
        setSessionCookie(ctx, session.secret, session.expiresAt);
        ctx.status = 201;
        ctx.body = { user: userJson(result.user), tenant: { id: result.tenant.id, slug: result.tenant.slug, name: result.tenant.name } };
      },
    },
    {
      owner: 'core', method: 'POST', path: '/api/v1/auth/login', policy: publicFormAccess, tags: ['identity'],
      summary: 'Signs in with email and password; sets the session cookie.',
      body: z.strictObject({ email: z.string().max(1024), password: z.string().max(1024) }),
      responses: { 200: '{user, tenants, mfaRequired}', 401: 'invalid_credentials', 403: 'account_disabled', 429: 'too_many_attempts' },
      async handler(ctx, { body }) {
        const input = body as { email: string; password: string };
        const signedInUser = await signIn.signIn(input, clientOf(ctx), deps.audit.signIn(ctx));
        // Rotation: whatever session the browser had before is ended, the new one replaces it.
        const previous = readSessionCookie(ctx);
        if (previous) await sessions.destroyByHash(hashSecret(previous));
        setSessionCookie(ctx, signedInUser.sessionSecret, signedInUser.sessionExpiresAt);
        ctx.body = { user: userJson(signedInUser.user), tenants: signedInUser.tenants.map(({ slug, name: tenantName, role }) => ({ slug, name: tenantName, role })), mfaRequired: false };
      },
    },
    {
      owner: 'core', method: 'POST', path: '/api/v1/auth/logout', policy: signedIn, tags: ['identity'],
      summary: 'Ends the current session on the server and clears the cookie.',
      responses: { 204: 'Signed out.' },
      async handler(ctx) {
        const authentication = authenticationOf(ctx);
        await db.transaction(async (transaction) => {
          if (authentication.via === 'session') await sessions.destroyByHash(authentication.sessionHash, transaction);
          await deps.audit.record(ctx, authentication.user, { action: 'auth.logout', details: { via: authentication.via } }, transaction);
        });
        clearSessionCookie(ctx);
        ctx.status = 204;
      },
    },
    {
      owner: 'core', method: 'GET', path: '/api/v1/auth/csrf', policy: signedIn, tags: ['identity'],
      summary: 'The CSRF token of the current session, for X-CSRF-Token on unsafe requests.',
      handler(ctx) {
        const authentication = authenticationOf(ctx);
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { token: authentication.via === 'session' ? authentication.csrfToken : null };
      },
    },
    {
      owner: 'core', method: 'GET', path: '/api/v1/me', policy: signedIn, tags: ['identity'],
      summary: 'The signed-in user and their tenants.',
      async handler(ctx) {
        const { user } = authenticationOf(ctx);
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { user: userJson(user), tenants: (await memberships.tenantsOf(user.id)).map(({ slug, name: tenantName, role }) => ({ slug, name: tenantName, role })) };
      },
    },
    {
      owner: 'core', method: 'POST', path: '/api/v1/me/password', policy: signedInSession, tags: ['identity'],
      summary: 'Changes the password (the current one is required; a session only, never an API token); ends every other session.',
      body: z.strictObject({ currentPassword: password, newPassword: password }),
      responses: { 204: 'Changed.', 403: 'The current password is wrong, or the request came with an API token (session_required).', 422: 'Weak password.' },
      async handler(ctx, { body }) {
        const input = body as { currentPassword: string; newPassword: string };
        const authentication = authenticationOf(ctx);
        const user = await users.findById(authentication.user.id);
        const verdict = user?.passwordHash ? await hasher.verify(input.currentPassword, user.passwordHash) : null;
        if (!user || !verdict?.ok) throw new AppError(403, 'wrong_password', 'The current password is wrong.', { details: { fields: { currentPassword: 'is wrong' } } });
        const problem = checkNewPassword(input.newPassword, { email: user.email, name: user.name });
        if (problem) throw weakPassword(problem, 'newPassword');
        const passwordHash = await hasher.hash(input.newPassword);
        await db.transaction(async (transaction) => {
          await users.setPasswordHash(user.id, passwordHash, { changed: true, transaction });
          await sessions.destroyAllOfUser(user.id, { except: authentication.via === 'session' ? authentication.sessionHash : undefined, transaction });
          await deps.audit.record(ctx, user, { action: 'auth.password_change', details: { otherSessionsEnded: true } }, transaction);
        });
        ctx.status = 204;
      },
    },
    {
      owner: 'core', method: 'GET', path: '/api/v1/me/tokens', policy: sessionOrTokenScope('tokens'), tags: ['identity'],
      summary: 'The signed-in user\'s API tokens (never their secrets); with an API token, only one with the "tokens" scope.',
      async handler(ctx) {
        const list = await tokens.listOfUser(authenticationOf(ctx).user.id);
        ctx.body = { items: list.map(tokenJson), nextCursor: null };
      },
    },
    {
      owner: 'core', method: 'POST', path: '/api/v1/me/tokens', policy: sessionOrTokenScope('tokens'), tags: ['identity'],
      summary: 'Makes a personal API token (optional scopes, e.g. ["tokens"] to let it manage tokens); the token is in this answer only. With an API token: only one with the "tokens" scope, passing on no scope it lacks.',
      body: z.strictObject({ name: z.string().trim().min(1, 'is required').max(100), expiresAt: z.iso.datetime({ offset: true }).optional(), scopes: tokenScopeList.optional() }),
      responses: { 201: '{id, token, name, scopes, expiresAt}', 403: 'An API token without the "tokens" scope (token_scope_missing), or asking for a scope it lacks (token_scope_exceeded).' },
      async handler(ctx, { body }) {
        const input = body as { name: string; expiresAt?: string; scopes?: ApiTokenScope[] };
        const expiresAt = input.expiresAt ? Date.parse(input.expiresAt) : null;
        if (expiresAt !== null && expiresAt <= Date.now()) throw new AppError(422, 'invalid_input', 'The expiry time must be in the future.', { details: { fields: { expiresAt: 'must be in the future' } } });
        const made = await issueApiToken({ db, tokens, audit: deps.audit }, ctx, authenticationOf(ctx), { name: input.name, scopes: input.scopes ?? [], expiresAt });
        ctx.status = 201;
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { id: made.token.id, token: made.secret, name: made.token.name, scopes: made.token.scopes, expiresAt: iso(made.token.expiresAt) };
      },
    },
    {
      owner: 'core', method: 'DELETE', path: '/api/v1/me/tokens/:id', policy: sessionOrTokenScope('tokens'), tags: ['identity'],
      summary: 'Revokes one of the signed-in user\'s API tokens, at once; with an API token, only one with the "tokens" scope.',
      params: z.strictObject({ id: z.string().min(1).max(64) }),
      async handler(ctx, { params }) {
        const revoked = await revokeApiToken({ db, tokens, audit: deps.audit }, ctx, authenticationOf(ctx), (params as { id: string }).id);
        if (!revoked) throw new AppError(404, 'not_found', 'You have no active API token with this id.');
        ctx.status = 204;
      },
    },
  ];
}

const iso = (time: number | null): string | null => (time === null ? null : new Date(time).toISOString());
