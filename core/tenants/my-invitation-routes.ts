import type { Context } from 'koa';
import { z } from 'zod';
import { authenticationOf, signedIn } from '../identity/access-policies.ts';
import type { OwnedRoute } from '../kernel/route-declaration.ts';
import type { MemberInviteForPerson } from './member-invite-store.ts';
import { personAuditWriteOf, type MemberInvitations } from './member-invitations.ts';

const invitationParams = z.strictObject({ id: z.string().min(1).max(64) });
const iso = (time: number): string => new Date(time).toISOString();

/** An invitation as the invited person sees it: which tenant, which role, who invited them. */
export function myInvitationJson(invite: MemberInviteForPerson): Record<string, unknown> {
  return {
    id: invite.id, tenant: { slug: invite.tenantSlug, name: invite.tenantName }, role: invite.role, invitedBy: invite.invitedByName,
    invitedAt: iso(invite.createdAt), expiresAt: iso(invite.expiresAt),
  };
}

/**
 * The signed-in person's own invitations: listed in the API and as a notice on their home page, where
 * they accept or decline each. Only invitations to their own address are theirs; any other id answers
 * 404 like a missing one.
 */
export function myInvitationRoutes(invitations: MemberInvitations): OwnedRoute[] {
  const param = (ctx: Context, name: string): string => String((ctx as Context & { params: Record<string, string> }).params[name]);
  return [
    {
      owner: 'core', method: 'GET', path: '/api/v1/me/invitations', policy: signedIn, tags: ['identity'],
      summary: 'The invitations to join a tenant that you may accept now.',
      responses: { 200: '{items: [{id, tenant, role, invitedBy, invitedAt, expiresAt}], nextCursor}' },
      async handler(ctx) {
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { items: (await invitations.listForPerson(authenticationOf(ctx).user)).map(myInvitationJson), nextCursor: null };
      },
    },
    {
      owner: 'core', method: 'POST', path: '/api/v1/me/invitations/:id/accept', policy: signedIn, tags: ['identity'],
      summary: 'Accepts one of your invitations: you become a member of its tenant with its role.',
      params: invitationParams,
      responses: { 200: '{tenant: {slug, name}, role}', 404: 'No such invitation for you.', 410: 'Used, declined, withdrawn or expired.' },
      async handler(ctx, { params }) {
        const accepted = await invitations.acceptOwn(authenticationOf(ctx).user, (params as { id: string }).id, personAuditWriteOf(ctx));
        ctx.body = { tenant: { slug: accepted.tenant.slug, name: accepted.tenant.name }, role: accepted.role };
      },
    },
    {
      owner: 'core', method: 'POST', path: '/api/v1/me/invitations/:id/decline', policy: signedIn, tags: ['identity'],
      summary: 'Declines one of your invitations; its link stops working.',
      params: invitationParams,
      responses: { 204: 'Declined.', 404: 'No such invitation for you.', 410: 'Used, declined, withdrawn or expired.' },
      async handler(ctx, { params }) {
        await invitations.declineOwn(authenticationOf(ctx).user, (params as { id: string }).id, personAuditWriteOf(ctx));
        ctx.status = 204;
      },
    },
    {
      owner: 'core', method: 'POST', path: '/invitations/:id/accept', policy: signedIn, tags: ['web'],
      summary: 'Accepts an invitation from the home page\'s notice and opens the tenant.',
      async handler(ctx) {
        const accepted = await invitations.acceptOwn(authenticationOf(ctx).user, param(ctx, 'id'), personAuditWriteOf(ctx));
        ctx.status = 303;
        ctx.redirect(`/t/${accepted.tenant.slug}`);
      },
    },
    {
      owner: 'core', method: 'POST', path: '/invitations/:id/decline', policy: signedIn, tags: ['web'],
      summary: 'Declines an invitation from the home page\'s notice and goes back to it.',
      async handler(ctx) {
        await invitations.declineOwn(authenticationOf(ctx).user, param(ctx, 'id'), personAuditWriteOf(ctx));
        ctx.status = 303;
        ctx.redirect('/?choose');
      },
    },
  ];
}
