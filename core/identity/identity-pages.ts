import { z } from 'zod';
import type { Context } from 'koa';
import type { Database } from '../db/open-database.ts';
import type { OwnedRoute } from '../kernel/route-declaration.ts';
import { publicAccess } from '../kernel/route-declaration.ts';
import type { MemberInvitations } from '../tenants/member-invitations.ts';
import type { MembershipStore } from '../tenants/membership-store.ts';
import type { TenantStore } from '../tenants/tenant-store.ts';
import { fieldErrorsOf, formErrorsOf, type FieldErrors } from '../web/form-errors.ts';
import { sendPage, type PageRenderer } from '../web/page-renderer.ts';
import { formValue } from '../web/form-value.ts';
import { safeNextPath } from '../web/safe-next-path.ts';
import { authenticationOf, publicFormAccess, signedIn } from './access-policies.ts';
import { setUpInstance } from './instance-setup.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { hashSecret } from './secret-token.ts';
import type { IdentityAudit } from './identity-audit.ts';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './session-cookie.ts';
import type { SessionStore } from './session-store.ts';
import { setupTokenMatches } from './setup-token.ts';
import type { PasswordSignIn } from './sign-in.ts';
import type { UserStore } from './user-store.ts';

/** What the sign-in and setup pages work with. */
export interface IdentityPageDependencies {
  audit: IdentityAudit;
  db: Database;
  users: UserStore;
  tenants: TenantStore;
  memberships: MembershipStore;
  invitations: MemberInvitations;
  sessions: SessionStore;
  hasher: PasswordHasher;
  signIn: PasswordSignIn;
  renderPage: PageRenderer;
}

const roleNames: Record<string, string> = { admin: 'admin', manager: 'manager', member: 'member', viewer: 'viewer' };

const setupForm = z.object({
  token: z.string().min(1, 'is required: open the setup link Kirjuri printed when it started'),
  name: z.string().trim().min(1, 'is required').max(200),
  email: z.string().trim().toLowerCase().pipe(z.email('must be an email address such as maija@example.com').max(254)),
  password: z.string().min(1, 'is required').max(1024),
  tenantName: z.string().trim().min(1, 'is required').max(200),
  tenantSlug: z.string().trim().min(1, 'is required').max(63),
});

/** The web pages of setup, sign-in and sign-out, and `/` (API.md "Web UI entry points"). */
export function identityPages(deps: IdentityPageDependencies): OwnedRoute[] {
  const { db, users, tenants, memberships, sessions, hasher, signIn, renderPage } = deps;
  const client = (ctx: Context) => ({ ip: ctx.ip || null, userAgent: ctx.get('User-Agent') || null });

  const showSetup = (ctx: Context, values: Record<string, string>, errors: FieldErrors, status = 200, message?: string): void => {
    sendPage(ctx, renderPage(ctx, 'core/setup', { title: 'Set up Kirjuri', values, errors, tokenKnown: Boolean(values.token) && !errors.token }, message ? { flash: [{ kind: 'error', message }] } : {}), status);
  };
  const showLogin = (ctx: Context, values: { email: string }, errors: FieldErrors, next: string, status = 200, message?: string): void => {
    sendPage(ctx, renderPage(ctx, 'core/login', { title: 'Sign in', values, errors, next: next === '/' ? '' : next }, message ? { flash: [{ kind: 'error', message }] } : {}), status);
  };

  return [
    {
      owner: 'core', method: 'GET', path: '/', policy: publicAccess, tags: ['web'],
      summary: 'Goes to sign-in, setup, the only tenant, or the tenant picker (always, while invitations wait for an answer).',
      async handler(ctx) {
        const authentication = await ctx.identity.authenticator.authenticate(ctx);
        if (!authentication) {
          ctx.redirect((await users.anyExists()) ? '/login' : '/setup');
          return;
        }
        const mine = await memberships.tenantsOf(authentication.user.id);
        const invitations = (await deps.invitations.listForPerson(authentication.user)).map((invite) => ({
          id: invite.id, tenantName: invite.tenantName, role: roleNames[invite.role], invitedBy: invite.invitedByName, expiresAt: new Date(invite.expiresAt).toISOString(),
        }));
        // Invitations waiting for an answer are shown here, so the picker comes up even with one tenant or none.
        if (invitations.length === 0) {
          // A guest belongs to no tenant: what is shared with them is their home.
          if (mine.length === 0 && !authentication.user.isInstanceAdmin) {
            ctx.redirect('/shared');
            return;
          }
          if (mine.length === 1 && ctx.query.choose === undefined) {
            ctx.redirect(`/t/${mine[0]!.slug}`);
            return;
          }
        }
        sendPage(ctx, renderPage(ctx, 'core/tenant-picker', {
          title: 'Choose an organisation', tenants: mine, invitations, isInstanceAdmin: authentication.user.isInstanceAdmin, isGuest: mine.length === 0 && !authentication.user.isInstanceAdmin,
        }));
      },
    },
    {
      owner: 'core', method: 'GET', path: '/setup', policy: publicAccess, tags: ['web'],
      summary: 'The first-run setup form.',
      async handler(ctx) {
        if (await users.anyExists()) {
          ctx.redirect('/login');
          return;
        }
        showSetup(ctx, { token: typeof ctx.query.token === 'string' ? ctx.query.token : '' }, {});
      },
    },
    {
      owner: 'core', method: 'POST', path: '/setup', policy: publicFormAccess, tags: ['web'],
      summary: 'Submits the first-run setup form.',
      async handler(ctx, { body }) {
        const values = Object.fromEntries(['token', 'name', 'email', 'tenantName', 'tenantSlug'].map((key) => [key, formValue(body, key)]));
        const parsed = setupForm.safeParse({ ...values, password: formValue(body, 'password') });
        if (!parsed.success) return showSetup(ctx, values, fieldErrorsOf(parsed.error), 422, 'Check the marked fields.');
        if (await users.anyExists()) return ctx.redirect('/login');
        if (!(await setupTokenMatches(db, parsed.data.token))) return showSetup(ctx, { ...values, token: '' }, { token: 'is wrong: open the newest setup link Kirjuri printed' }, 403, 'The setup token is wrong.');
        try {
          const { user, tenant } = await setUpInstance({ db, users, tenants, memberships, hasher, audit: ctx.audit, client: { ip: ctx.ip || null, userAgent: ctx.get('User-Agent') || null } }, { ...parsed.data, tenant: { name: parsed.data.tenantName, slug: parsed.data.tenantSlug } });
          const session = await sessions.create(user.id, client(ctx));
          setSessionCookie(ctx, session.secret, session.expiresAt);
          ctx.status = 303;
          ctx.redirect(`/t/${tenant.slug}`);
        } catch (thrown) {
          const { fields, message, status } = formErrorsOf(thrown);
          // The tenant's own field names (slug, name) are the form's tenantSlug and tenantName.
          const { slug, name, ...rest } = fields;
          showSetup(ctx, values, { ...rest, ...(slug ? { tenantSlug: slug } : {}), ...(name ? { tenantName: name } : {}) }, status, message);
        }
      },
    },
    {
      owner: 'core', method: 'GET', path: '/login', policy: publicAccess, tags: ['web'],
      summary: 'The sign-in form.',
      async handler(ctx) {
        const next = safeNextPath(ctx.query.next);
        if (await ctx.identity.authenticator.authenticate(ctx)) return ctx.redirect(next);
        if (!(await users.anyExists())) return ctx.redirect('/setup');
        showLogin(ctx, { email: '' }, {}, next);
      },
    },
    {
      owner: 'core', method: 'POST', path: '/login', policy: publicFormAccess, tags: ['web'],
      summary: 'Submits the sign-in form.',
      async handler(ctx, { body }) {
        const email = formValue(body, 'email').trim();
        const password = formValue(body, 'password');
        const next = safeNextPath(formValue(body, 'next'));
        const errors: FieldErrors = {};
        if (!email) errors.email = 'is required';
        if (!password) errors.password = 'is required';
        if (Object.keys(errors).length > 0) return showLogin(ctx, { email }, errors, next, 422, 'Enter your email and password.');
        try {
          const signedInUser = await signIn.signIn({ email, password }, client(ctx), deps.audit.signIn(ctx));
          const previous = readSessionCookie(ctx);
          if (previous) await sessions.destroyByHash(hashSecret(previous));
          setSessionCookie(ctx, signedInUser.sessionSecret, signedInUser.sessionExpiresAt);
          ctx.status = 303;
          ctx.redirect(next);
        } catch (thrown) {
          const { message, status } = formErrorsOf(thrown);
          showLogin(ctx, { email }, {}, next, status, message);
        }
      },
    },
    {
      owner: 'core', method: 'POST', path: '/logout', policy: signedIn, tags: ['web'],
      summary: 'Signs out (the header\'s button) and goes to the sign-in page.',
      async handler(ctx) {
        const authentication = authenticationOf(ctx);
        await db.transaction(async (transaction) => {
          if (authentication.via === 'session') await sessions.destroyByHash(authentication.sessionHash, transaction);
          await deps.audit.record(ctx, authentication.user, { action: 'auth.logout', details: { via: authentication.via } }, transaction);
        });
        clearSessionCookie(ctx);
        ctx.status = 303;
        ctx.redirect('/login');
      },
    },
  ];
}
