import type { Context } from 'koa';
import type { RequestState } from '../http/request-state.ts';
import type { ParticipantRole } from '../tenants/roles.ts';
import type { Tenant } from '../tenants/tenant-store.ts';
import type { Authentication } from './authenticator.ts';
import type { TenantAccess } from './access-policies.ts';
import type { User } from './user-store.ts';

/** Who is acting in a request, as far as its policy established it: what audit entries and access checks use. */
export interface RequestActor {
  requestId: string;
  /** The signed-in user, or null on a public route. */
  user: User | null;
  /** How they proved it. */
  via: 'session' | 'token' | null;
  /** The tenant of a tenant route, and the user's role there. */
  tenant: Tenant | null;
  role: ParticipantRole | null;
  /** The client's address (X-Forwarded-For only when server.trustProxy). */
  ip: string;
  userAgent: string | null;
}

/** The actor of a request; on a route whose policy did not sign anyone in, user and tenant are null. */
export function requestActor(ctx: Context): RequestActor {
  const state = ctx.state as RequestState;
  const authentication = state.authentication as Authentication | null | undefined;
  const access = state.tenantAccess as TenantAccess | undefined;
  return {
    requestId: state.requestId,
    user: authentication?.user ?? null,
    via: authentication?.via ?? null,
    tenant: access?.tenant ?? null,
    role: access?.role ?? null,
    ip: ctx.ip,
    userAgent: ctx.get('User-Agent') || null,
  };
}
