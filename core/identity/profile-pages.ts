import type { Context } from 'koa';
import type { Database } from '../db/open-database.ts';
import type { OwnedRoute } from '../kernel/route-declaration.ts';
import { publicAccess } from '../kernel/route-declaration.ts';
import type { FieldErrors } from '../web/form-errors.ts';
import { sendPage, type PageLocals, type PageRenderer } from '../web/page-renderer.ts';
import type { IdentityAudit } from './identity-audit.ts';
import { formValue } from '../web/form-value.ts';
import { authenticationOf, mayManageTokens, publicFormAccess, sessionOrTokenScope, signedIn, signedInSession } from './access-policies.ts';
import { issueApiToken, revokeApiToken } from './api-token-issuance.ts';
import { describeTokenScopes, type ApiTokenScope } from './api-token-scopes.ts';
import type { ApiTokenStore } from './api-token-store.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { redeemPasswordLink } from './redeem-password-link.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { checkNewPassword } from './password-policy.ts';
import type { PasswordResetStore } from './password-reset-store.ts';
import type { SessionStore } from './session-store.ts';
import type { UserStore } from './user-store.ts';

/** What the profile and password-link pages work with. */
export interface ProfilePageDependencies {
  audit: IdentityAudit;
  db: Database;
  users: UserStore;
  sessions: SessionStore;
  tokens: ApiTokenStore;
  resets: PasswordResetStore;
  throttle: LoginThrottle;
  hasher: PasswordHasher;
  renderPage: PageRenderer;
}

const iso = (time: number | null): string | null => (time === null ? null : new Date(time).toISOString());

/** The own-profile pages (name, password, API tokens) and the one-time password link page. */
export function profilePages(deps: ProfilePageDependencies): OwnedRoute[] {
  const { db, users, sessions, tokens, resets, throttle, hasher, renderPage } = deps;

  /** Shows /me with the given values, errors, message and (once) a new token. */
  const showProfile = async (ctx: Context, extra: { values?: Record<string, string>; errors?: FieldErrors; status?: number; flash?: PageLocals['flash']; newToken?: string } = {}): Promise<void> => {
    const authentication = authenticationOf(ctx);
    const { user } = authentication;
    // An API token without the tokens scope sees the page, but not the tokens, and cannot change the password.
    const tokensShown = mayManageTokens(authentication);
    const list = tokensShown
      ? (await tokens.listOfUser(user.id)).map((t) => ({ id: t.id, name: t.name, scopes: t.scopes, rights: describeTokenScopes(t.scopes), createdAt: iso(t.createdAt), expiresAt: iso(t.expiresAt), lastUsedAt: iso(t.lastUsedAt), revoked: t.revokedAt !== null }))
      : [];
    sendPage(ctx, renderPage(ctx, 'core/profile', {
      title: 'Your profile', values: { name: user.name, ...extra.values }, errors: extra.errors ?? {}, tokens: list, tokensShown, passwordChangeable: authentication.via === 'session', newToken: extra.newToken,
    }, extra.flash ? { flash: extra.flash } : {}), extra.status ?? 200);
  };
  const done = (ctx: Context, message: string) => showProfile(ctx, { flash: [{ kind: 'success', message }] });

  return [
    {
      owner: 'core', method: 'GET', path: '/me', policy: signedIn, tags: ['web'],
      summary: 'The own-profile page.',
      handler: (ctx) => showProfile(ctx),
    },
    {
      owner: 'core', method: 'POST', path: '/me/name', policy: signedIn, tags: ['web'],
      summary: 'Changes the own name.',
      async handler(ctx, { body }) {
        const name = formValue(body, 'name').trim();
        if (!name || name.length > 200) return showProfile(ctx, { values: { name }, errors: { name: 'must be 1 to 200 characters' }, status: 422 });
        await db.transaction((transaction) => users.setName(authenticationOf(ctx).user.id, name, transaction));
        authenticationOf(ctx).user.name = name;
        await done(ctx, 'Your name is saved.');
      },
    },
    {
      owner: 'core', method: 'POST', path: '/me/password', policy: signedInSession, tags: ['web'],
      summary: 'Changes the own password (needs the current one and a session, never an API token); signs out every other session.',
      async handler(ctx, { body }) {
        const authentication = authenticationOf(ctx);
        const current = formValue(body, 'currentPassword');
        const next = formValue(body, 'newPassword');
        const user = await users.findById(authentication.user.id);
        const verdict = user?.passwordHash && current ? await hasher.verify(current, user.passwordHash) : null;
        if (!user || !verdict?.ok) return showProfile(ctx, { errors: { currentPassword: 'is wrong' }, status: 403 });
        const problem = checkNewPassword(next, { email: user.email, name: user.name });
        if (problem) return showProfile(ctx, { errors: { newPassword: problem }, status: 422 });
        const passwordHash = await hasher.hash(next);
        await db.transaction(async (transaction) => {
          await users.setPasswordHash(user.id, passwordHash, { changed: true, transaction });
          await sessions.destroyAllOfUser(user.id, { except: authentication.via === 'session' ? authentication.sessionHash : undefined, transaction });
          await deps.audit.record(ctx, user, { action: 'auth.password_change', details: { otherSessionsEnded: true } }, transaction);
        });
        await done(ctx, 'Your password is changed, and your other sessions are signed out.');
      },
    },
    {
      owner: 'core', method: 'POST', path: '/me/tokens', policy: sessionOrTokenScope('tokens'), tags: ['web'],
      summary: 'Makes an API token (optionally one that may manage tokens) and shows it once.',
      async handler(ctx, { body }) {
        const name = formValue(body, 'tokenName').trim();
        const expires = formValue(body, 'tokenExpires');
        const scopes: ApiTokenScope[] = formValue(body, 'tokenScopeTokens') ? ['tokens'] : [];
        const errors: FieldErrors = {};
        if (!name || name.length > 100) errors.tokenName = 'must be 1 to 100 characters';
        // A date means "through that day": the token works until the end of it (UTC).
        const expiresAt = expires ? Date.parse(`${expires}T23:59:59.999Z`) : null;
        if (expires && (Number.isNaN(expiresAt) || expiresAt! <= Date.now())) errors.tokenExpires = 'must be a date from today on';
        if (Object.keys(errors).length > 0) return showProfile(ctx, { values: { tokenName: name, tokenExpires: expires }, errors, status: 422 });
        const made = await issueApiToken({ db, tokens, audit: deps.audit }, ctx, authenticationOf(ctx), { name, scopes, expiresAt });
        await showProfile(ctx, { newToken: made.secret, flash: [{ kind: 'success', message: `The token "${made.token.name}" is made.` }] });
      },
    },
    {
      owner: 'core', method: 'POST', path: '/me/tokens/:id/revoke', policy: sessionOrTokenScope('tokens'), tags: ['web'],
      summary: 'Revokes one of the own API tokens.',
      async handler(ctx) {
        const id = String((ctx as Context & { params: Record<string, string> }).params.id);
        const revoked = await revokeApiToken({ db, tokens, audit: deps.audit }, ctx, authenticationOf(ctx), id);
        await (revoked ? done(ctx, 'The token is revoked: anything using it has stopped working.') : showProfile(ctx, { status: 404, flash: [{ kind: 'error', message: 'You have no active token with this id.' }] }));
      },
    },
    {
      owner: 'core', method: 'GET', path: '/reset', policy: publicAccess, tags: ['web'],
      summary: 'The page a one-time password link opens.',
      handler(ctx) {
        const token = typeof ctx.query.token === 'string' ? ctx.query.token : '';
        sendPage(ctx, renderPage(ctx, 'core/reset', { title: 'Set a new password', token, errors: {} }));
      },
    },
    {
      owner: 'core', method: 'POST', path: '/reset', policy: publicFormAccess, tags: ['web'],
      summary: 'Sets the new password from a one-time link, then goes to sign-in.',
      async handler(ctx, { body }) {
        const token = formValue(body, 'token');
        const password = formValue(body, 'password');
        const show = (errors: FieldErrors, status: number, message?: string) =>
          sendPage(ctx, renderPage(ctx, 'core/reset', { title: 'Set a new password', token, errors }, message ? { flash: [{ kind: 'error', message }] } : {}), status);
        const outcome = await redeemPasswordLink({ db, users, sessions, resets, throttle, hasher }, token, password);
        if (outcome.kind === 'expired') return show({}, 410, 'This link was already used, replaced by a newer one, or has expired: ask an administrator for a new one.');
        if (outcome.kind === 'weak') return show({ password: outcome.problem }, 422);
        ctx.status = 303;
        ctx.redirect('/login');
      },
    },
  ];
}
