import type { Context } from 'koa';
import { z } from 'zod';
import { assertCsrfToken, assertSameOrigin, isUnsafeMethod } from '../identity/csrf-protection.ts';
import { setSessionCookie } from '../identity/session-cookie.ts';
import { userJson } from '../identity/user-json.ts';
import type { OwnedRoute, RoutePolicy } from '../kernel/route-declaration.ts';
import { personAuditWriteOf, type MemberInvitations } from '../tenants/member-invitations.ts';
import type { ShareOperations } from './share-operations.ts';
import { shareJson } from './share-routes.ts';

/**
 * Accepting an invite: open to anyone holding the link, signed in or not. From the browser it must
 * come from this site, and a signed-in session must send its CSRF token, so that no other site can
 * attach a share or a membership to someone's account.
 */
export const inviteAcceptance: RoutePolicy = Object.freeze({
  name: 'invite-holder',
  async check(ctx: Context) {
    if (!isUnsafeMethod(ctx.method)) return;
    assertSameOrigin(ctx, ctx.identity.publicOrigin);
    const authentication = await ctx.identity.authenticator.authenticate(ctx);
    if (authentication?.via === 'session') assertCsrfToken(ctx, authentication.csrfToken);
  },
});

/** What an invite link's routes work with: the two kinds of invitation a link may carry. */
export interface InviteLinkDependencies {
  shares: ShareOperations;
  invitations: MemberInvitations;
}

/** POST /api/v1/invites/{token}: one link route for both kinds, a share's and a tenant's (a token is looked up in both). */
export function inviteLinkRoutes(deps: InviteLinkDependencies): OwnedRoute[] {
  const { shares, invitations } = deps;
  return [
    {
      owner: 'core', method: 'POST', path: '/api/v1/invites/:token', policy: inviteAcceptance, tags: ['shares'],
      summary: 'Accepts an invitation link: a share (a guest account `{name, password}`, or signed in, your account) or a tenant\'s invitation (signed in as the invited address, or a new account `{name, password}`).',
      params: z.strictObject({ token: z.string().min(1).max(200) }),
      body: z.strictObject({ name: z.string().trim().min(1, 'is required').max(200).optional(), password: z.string().min(1).max(1024).optional() }),
      responses: {
        201: '{kind: "share", user, share, tenant} or {kind: "member", user, tenant, role}', 400: 'Name or password missing.',
        403: 'Signed in as another account than the invited one.', 409: 'The email has an account: sign in first.', 410: 'Used, declined, expired or withdrawn.', 422: 'Weak password.',
      },
      async handler(ctx, { params, body }) {
        const { token } = params as { token: string };
        const authentication = await ctx.identity.authenticator.authenticate(ctx);
        const input = body as { name?: string; password?: string };
        ctx.set('Cache-Control', 'no-store');
        if (await invitations.findByToken(token)) {
          const joined = await invitations.acceptWithLink(token, { current: authentication?.user ?? null, ...input }, personAuditWriteOf(ctx), { ip: ctx.ip || null, userAgent: ctx.get('User-Agent') || null });
          if (joined.session) setSessionCookie(ctx, joined.session.secret, joined.session.expiresAt);
          ctx.status = 201;
          ctx.body = { kind: 'member', user: userJson(joined.user), tenant: { slug: joined.tenant.slug, name: joined.tenant.name }, role: joined.role };
          return;
        }
        const result = await shares.accept(ctx, token, { current: authentication?.user ?? null, ...input });
        if (result.session) setSessionCookie(ctx, result.session.secret, result.session.expiresAt);
        ctx.status = 201;
        ctx.body = { kind: 'share', user: userJson(result.user), share: shareJson(result.share), tenant: { slug: result.tenant.slug, name: result.tenant.name } };
      },
    },
  ];
}
