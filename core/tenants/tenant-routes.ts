import { z } from 'zod';
import { auditWriteOf } from '../audit/audit-event.ts';
import type { Context } from 'koa';
import { inviteUrl, linkOrigin, passwordLinkUrl } from '../http/one-time-links.ts';
import type { OwnedRoute } from '../kernel/route-declaration.ts';
import { authenticationOf, instanceAdmin, tenantAccessOf, tenantRole } from '../identity/access-policies.ts';
import type { MemberAdministration } from './member-administration.ts';
import { isAcceptable, type MemberInvite } from './member-invite-store.ts';
import type { MemberInvitations } from './member-invitations.ts';
import type { Member, MembershipStore } from './membership-store.ts';
import { tenantRoles, type TenantRole } from './roles.ts';
import type { TenantStore } from './tenant-store.ts';

/** What the tenant and member routes work with. */
export interface TenantRouteDependencies {
  tenants: TenantStore;
  memberships: MembershipStore;
  administration: MemberAdministration;
  invitations: MemberInvitations;
  /** server.publicUrl, or null to build links from the request's origin. */
  publicUrl: string | null;
}

const role = z.enum(tenantRoles);
const tenantBody = z.strictObject({ name: z.string().trim().min(1, 'is required').max(200), slug: z.string().trim().min(1, 'is required').max(63) });
const tenantParams = z.strictObject({ t: z.string().min(1).max(63) });
const memberParams = z.strictObject({ t: z.string().min(1).max(63), userId: z.string().min(1).max(64) });
const invitationParams = z.strictObject({ t: z.string().min(1).max(63), id: z.string().min(1).max(64) });
const iso = (time: number): string => new Date(time).toISOString();

/**
 * A member in this tenant's words: their membership and what identifies them, not facts of the account
 * beyond this tenant (when it was made, whether it administers the instance).
 */
const memberJson = (member: Member): Record<string, unknown> => ({
  id: member.userId, email: member.user.email, name: member.user.name, role: member.role, status: member.disabledAt === null ? 'active' : 'disabled',
  memberDisabled: member.disabledAt !== null, disabled: member.user.disabledAt !== null, joinedAt: iso(member.joinedAt),
});

/** An invitation as the admins see it: only what the admin typed, the same whether or not the address has an account. */
export function invitationJson(invite: MemberInvite): Record<string, unknown> {
  return {
    id: invite.id, email: invite.email, name: invite.name, role: invite.role, status: isAcceptable(invite) ? 'invited' : 'expired',
    invitedAt: iso(invite.createdAt), expiresAt: iso(invite.expiresAt),
  };
}

/** Core's routes for tenants (instance admins) and their members (tenant admins), per API.md. */
export function tenantRoutes(deps: TenantRouteDependencies): OwnedRoute[] {
  const { tenants, memberships, administration, invitations } = deps;
  const resetLink = (ctx: Context, secret: string): string => passwordLinkUrl(linkOrigin(ctx, deps.publicUrl), secret);
  // 201 with the link, shown this once: never kept by a cache.
  const answerInvitation = (ctx: Context, made: { invite: MemberInvite; secret: string }): void => {
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { invitation: invitationJson(made.invite), inviteUrl: inviteUrl(linkOrigin(ctx, deps.publicUrl), made.secret) };
  };

  return [
    {
      owner: 'core', method: 'GET', path: '/api/v1/admin/tenants', policy: instanceAdmin, tags: ['instance'],
      summary: 'Every tenant (instance administrators).',
      async handler(ctx) {
        ctx.body = { items: (await tenants.list()).map((t) => ({ id: t.id, slug: t.slug, name: t.name, createdAt: new Date(t.createdAt).toISOString() })), nextCursor: null };
      },
    },
    {
      owner: 'core', method: 'POST', path: '/api/v1/admin/tenants', policy: instanceAdmin, tags: ['instance'],
      summary: 'Creates a tenant; the instance administrator who creates it becomes its first admin.',
      body: tenantBody,
      responses: { 201: 'The tenant.', 400: 'Malformed slug.', 409: 'Slug taken.' },
      async handler(ctx, { body }) {
        const tenant = await administration.createTenant(authenticationOf(ctx).user, body as z.infer<typeof tenantBody>, auditWriteOf(ctx));
        ctx.status = 201;
        ctx.body = { id: tenant.id, slug: tenant.slug, name: tenant.name, createdAt: new Date(tenant.createdAt).toISOString() };
      },
    },
    {
      owner: 'core', method: 'GET', path: '/api/v1/t/:t/members', policy: tenantRole('manager'), tags: ['tenant'],
      summary: 'The tenant\'s members with their roles, and its open invitations (only what the admin typed).',
      params: tenantParams,
      responses: { 200: '{items: members, invitations, nextCursor}' },
      async handler(ctx) {
        const { tenant } = tenantAccessOf(ctx);
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { items: (await memberships.listMembers(tenant.id)).map(memberJson), invitations: (await invitations.listForTenant(tenant)).map(invitationJson), nextCursor: null };
      },
    },
    {
      owner: 'core', method: 'POST', path: '/api/v1/t/:t/members', policy: tenantRole('admin'), tags: ['tenant'],
      summary: 'Invites a person: nobody joins until they accept. The answer is the same whether or not the address has an account; a password makes the account of someone new, who joins at their first sign-in.',
      params: tenantParams,
      body: z.strictObject({
        email: z.string().trim().toLowerCase().pipe(z.email('must be an email address such as maija@example.com').max(254)),
        name: z.string().trim().min(1, 'is required').max(200),
        role,
        password: z.string().min(1).max(1024).optional(),
      }),
      responses: { 201: '{invitation, inviteUrl} (the link is shown once)', 409: 'Already a member here, or already invited here.', 422: 'Weak password.' },
      async handler(ctx, { body }) {
        const input = body as { email: string; name: string; role: TenantRole; password?: string };
        const { tenant } = tenantAccessOf(ctx);
        answerInvitation(ctx, await invitations.invite(tenant, authenticationOf(ctx).user, input, auditWriteOf(ctx)));
      },
    },
    {
      owner: 'core', method: 'DELETE', path: '/api/v1/t/:t/members/invitations/:id', policy: tenantRole('admin'), tags: ['tenant'],
      summary: 'Withdraws an open invitation; its link stops working at once.',
      params: invitationParams,
      responses: { 204: 'Withdrawn.', 404: 'No such open invitation.' },
      async handler(ctx, { params }) {
        await invitations.withdraw(tenantAccessOf(ctx).tenant, (params as { id: string }).id, auditWriteOf(ctx));
        ctx.status = 204;
      },
    },
    {
      owner: 'core', method: 'POST', path: '/api/v1/t/:t/members/invitations/:id/link', policy: tenantRole('admin'), tags: ['tenant'],
      summary: 'Makes a new link for an open (or expired) invitation, with a new expiry; the old link stops working.',
      params: invitationParams,
      responses: { 201: '{invitation, inviteUrl} (the link is shown once)', 404: 'No such open invitation.' },
      async handler(ctx, { params }) {
        answerInvitation(ctx, await invitations.renewLink(tenantAccessOf(ctx).tenant, (params as { id: string }).id, auditWriteOf(ctx)));
      },
    },
    {
      owner: 'core', method: 'PATCH', path: '/api/v1/t/:t/members/:userId', policy: tenantRole('admin'), tags: ['tenant'],
      summary: 'Changes a member\'s role, or disables their membership: this tenant refuses them at once; their account, sessions and other tenants are left as they are.',
      params: memberParams,
      body: z.strictObject({ role: role.optional(), disabled: z.boolean().optional() }),
      responses: { 200: 'The member.', 404: 'No such member.', 409: 'The last admin.' },
      async handler(ctx, { body, params }) {
        const change = body as { role?: TenantRole; disabled?: boolean };
        const { userId } = params as { userId: string };
        const member = await administration.changeMember(tenantAccessOf(ctx).tenant, userId, change, auditWriteOf(ctx));
        ctx.body = memberJson(member);
      },
    },
    {
      owner: 'core', method: 'POST', path: '/api/v1/t/:t/members/:userId/password-reset', policy: tenantRole('admin'), tags: ['tenant'],
      summary: 'Makes a one-time link for the member to set a new password (shown to the admin to pass on).',
      params: memberParams,
      responses: { 201: '{resetUrl, expiresAt}', 404: 'No such member.' },
      async handler(ctx, { params }) {
        const { userId } = params as { userId: string };
        const reset = await administration.passwordLink(tenantAccessOf(ctx).tenant, authenticationOf(ctx).user, userId, auditWriteOf(ctx));
        ctx.status = 201;
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { resetUrl: resetLink(ctx, reset.secret), expiresAt: new Date(reset.expiresAt).toISOString() };
      },
    },
  ];
}
