import type { KirjuriConfig } from '../config/config-schema.ts';
import type { Database } from '../db/open-database.ts';
import type { OwnedRoute } from '../kernel/route-declaration.ts';
import { MembershipStore } from '../tenants/membership-store.ts';
import { TenantStore } from '../tenants/tenant-store.ts';
import { ApiTokenStore } from './api-token-store.ts';
import { Authenticator } from './authenticator.ts';
import { identityRoutes } from './identity-routes.ts';
import type { IdentityServices } from './identity-services.ts';
import { LoginThrottle } from './login-throttle.ts';
import { PasswordHasher } from './password-hasher.ts';
import { SessionStore } from './session-store.ts';
import { PasswordSignIn } from './sign-in.ts';
import { UserStore } from './user-store.ts';
import { IdentityReadCache } from './identity-read-cache.ts';
import { PasswordResetStore } from './password-reset-store.ts';
import { tenantRoutes } from '../tenants/tenant-routes.ts';
import { tenantPages } from '../tenants/tenant-pages.ts';
import { tenantSettingsRoutes } from '../tenants/tenant-settings-routes.ts';
import { MemberAdministration } from '../tenants/member-administration.ts';
import { MemberInvitations } from '../tenants/member-invitations.ts';
import { MemberInviteStore } from '../tenants/member-invite-store.ts';
import { myInvitationRoutes } from '../tenants/my-invitation-routes.ts';
import type { PageRenderer } from '../web/page-renderer.ts';
import { identityPages } from './identity-pages.ts';
import { profilePages } from './profile-pages.ts';
import { IdentityAudit } from './identity-audit.ts';

/** Core identity, wired: the stores, sign-in, what policies need per request, and the routes. */
export interface Identity {
  users: UserStore;
  tenants: TenantStore;
  memberships: MembershipStore;
  sessions: SessionStore;
  tokens: ApiTokenStore;
  throttle: LoginThrottle;
  resets: PasswordResetStore;
  hasher: PasswordHasher;
  signIn: PasswordSignIn;
  /** Member invitations: adding a person to a tenant, and their answer. */
  invitations: MemberInvitations;
  /** Writes identity events to the instance chain and the person's tenants' chains. */
  audit: IdentityAudit;
  services: IdentityServices;
  /** The per-process cache of sessions, users, memberships and tenants (SQLite only). */
  readCache: IdentityReadCache;
  routes: OwnedRoute[];
}

/** Builds core identity over a database with the configured session lifetimes; tests may pass a cheaper hasher. */
export function createIdentity(db: Database, config: KirjuriConfig, options: { renderPage: PageRenderer; hasher?: PasswordHasher }): Identity {
  // SQLite is one node, so this process sees every write and may cache the per-request reads.
  const cache = new IdentityReadCache({ enabled: db.dialect === 'sqlite' });
  const users = new UserStore(db, cache);
  const tenants = new TenantStore(db, cache);
  const memberships = new MembershipStore(db, cache);
  const sessions = new SessionStore(db, { idleMs: config.sessions.idleMinutes * 60_000, absoluteMs: config.sessions.absoluteHours * 3_600_000 }, cache);
  const tokens = new ApiTokenStore(db);
  const throttle = new LoginThrottle(db);
  const hasher = options.hasher ?? new PasswordHasher();
  const resets = new PasswordResetStore(db);
  const invitations = new MemberInvitations({ db, users, tenants, memberships, invites: new MemberInviteStore(db), sessions, hasher, inviteDays: config.shares.inviteDays });
  const signIn = new PasswordSignIn({ db, users, memberships, sessions, throttle, hasher, invitations });
  const audit = new IdentityAudit(memberships);
  const administration = new MemberAdministration({ db, users, tenants, memberships, resets });
  const { renderPage } = options;
  const publicUrl = config.server.publicUrl;
  const services: IdentityServices = {
    authenticator: new Authenticator(sessions, tokens), tenants, memberships,
    publicOrigin: config.server.publicUrl ? new URL(config.server.publicUrl).origin : null,
  };
  return {
    users, tenants, memberships, sessions, tokens, throttle, resets, hasher, signIn, invitations, audit, services, readCache: cache,
    routes: [
      ...identityRoutes({ db, users, tenants, memberships, sessions, tokens, hasher, signIn, resets, throttle, audit }),
      ...tenantRoutes({ tenants, memberships, administration, invitations, publicUrl }),
      ...myInvitationRoutes(invitations),
      ...identityPages({ db, users, tenants, memberships, invitations, sessions, hasher, signIn, renderPage, audit }),
      ...profilePages({ db, users, sessions, tokens, resets, throttle, hasher, renderPage, audit }),
      ...tenantPages({ tenants, memberships, administration, invitations, renderPage, publicUrl }),
      ...tenantSettingsRoutes({ db, tenants, renderPage, defaultRetentionMonths: config.audit.retentionMonths }),
    ],
  };
}
