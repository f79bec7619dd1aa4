import type { Authenticator } from './authenticator.ts';
import type { MembershipStore } from '../tenants/membership-store.ts';
import type { TenantStore } from '../tenants/tenant-store.ts';

/**
 * What access policies need to decide about a request. createApp puts it on Koa's app.context, so
 * every ctx carries it as ctx.identity: an explicit dependency of the app, not a global.
 */
export interface IdentityServices {
  authenticator: Authenticator;
  tenants: TenantStore;
  memberships: MembershipStore;
  /** server.publicUrl's origin, or null to use the request's own. */
  publicOrigin: string | null;
}

declare module 'koa' {
  interface DefaultContext {
    identity: IdentityServices;
  }
}
