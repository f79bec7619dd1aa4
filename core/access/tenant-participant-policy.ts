import type { Context } from 'koa';
import { AppError } from '../http/app-error.ts';
import type { RequestState } from '../http/request-state.ts';
import { requireAuthentication, type TenantAccess } from '../identity/access-policies.ts';
import type { RoutePolicy } from '../kernel/route-declaration.ts';

/**
 * Anyone who takes part in the route's tenant (path parameter `t`): members of every role, and guests
 * with something shared with them there. Object routes use it and then decide per object with
 * `ctx.access.requireAccess`. Anyone else gets the same 404 as for a tenant that does not exist.
 */
export const tenantParticipant: RoutePolicy = Object.freeze({
  name: 'tenant-participant',
  async check(ctx: Context) {
    const { user } = await requireAuthentication(ctx);
    const slug = (ctx as Context & { params?: Record<string, string> }).params?.t;
    const tenant = slug ? await ctx.identity.tenants.findBySlug(slug) : null;
    const participant = tenant ? await ctx.access.participantOf(tenant.id, user.id) : null;
    if (!tenant || !participant) throw new AppError(404, 'not_found', 'Nothing was found at this address.');
    (ctx.state as RequestState).tenantAccess = { tenant, role: participant.role } satisfies TenantAccess;
  },
});
