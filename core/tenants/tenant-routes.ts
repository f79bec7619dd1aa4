import { z } from 'zod';
import { auditWriteOf } from '../audit/audit-event.ts';
import type { Context } from 'koa';
import { ownOrigin } from '../http/own-origin.ts';
import type { OwnedRoute } from '../kernel/route-declaration.ts';
import { authenticationOf, instanceAdmin, tenantAccessOf, tenantRole } from '../identity/access-policies.ts';
import { userJson } from '../identity/user-json.ts';
import type { MemberAdministration } from './member-administration.ts';
import type { Member, MembershipStore } from './membership-store.ts';
import { tenantRoles, type TenantRole } from './roles.ts';
import type { TenantStore } from './tenant-store.ts';

/** What the tenant and member routes work with. */
export interface TenantRouteDependencies {
  tenants: TenantStore;
  memberships: MembershipStore;
  administration: MemberAdministration;
  /** server.publicUrl, or null to build links from the request's origin. */
  publicUrl: string | null;
}

const role = z.enum(tenantRoles);
const tenantBody = z.strictObject({ name: z.string().trim().min(1, 'is required').max(200), slug: z.string().trim().min(1, 'is required').max(63) });
const tenantParams = z.strictObject({ t: z.string().min(1).max(63) });
const memberParams = z.strictObject({ t: z.string().min(1).max(63), userId: z.string().min(1).max(64) });

const memberJson = (member: Member): Record<string, unknown> => ({ ...userJson(member.user), role: member.role, memberDisabled: member.disabledAt !== null });

/** Core's routes for tenants (instance admins) and their members (tenant admins), per API.md. */
export function tenantRoutes(deps: TenantRouteDependencies): OwnedRoute[] {
  const { tenants, memberships, administration } = deps;
  const resetLink = (ctx: Context, secret: string): string => `${deps.publicUrl ?? ownOrigin(ctx)}/reset?token=${secret}`;

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
      summary: 'The tenant\'s members with their roles.',
      params: tenantParams,
      async handler(ctx) {
        const { tenant } = tenantAccessOf(ctx);
        ctx.body = { items: (await memberships.listMembers(tenant.id)).map(memberJson), nextCursor: null };
      },
    },
    {
      owner: 'core', method: 'POST', path: '/api/v1/t/:t/members', policy: tenantRole('admin'), tags: ['tenant'],
      summary: 'Adds a person: an existing user by email, or a new one (with a password, or a one-time link to set it).',
      params: tenantParams,
      body: z.strictObject({
        email: z.string().trim().toLowerCase().pipe(z.email('must be an email address such as maija@example.com').max(254)),
        name: z.string().trim().min(1, 'is required').max(200),
        role,
        password: z.string().min(1).max(1024).optional(),
      }),
      responses: { 201: '{member, resetUrl?}', 409: 'Already a member.', 422: 'Weak password.' },
      async handler(ctx, { body }) {
        const input = body as { email: string; name: string; role: TenantRole; password?: string };
        const { tenant } = tenantAccessOf(ctx);
        const { member, link } = await administration.addMember(tenant, authenticationOf(ctx).user, input, auditWriteOf(ctx));
        ctx.status = 201;
        ctx.set('Cache-Control', 'no-store');
        ctx.body = {
          member: memberJson(member),
          ...(link ? { resetUrl: resetLink(ctx, link.secret), resetExpiresAt: new Date(link.expiresAt).toISOString() } : {}),
        };
      },
    },
    {
      owner: 'core', method: 'PATCH', path: '/api/v1/t/:t/members/:userId', policy: tenantRole('admin'), tags: ['tenant'],
      summary: 'Changes a member\'s role or disables them (their sessions end at once).',
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
