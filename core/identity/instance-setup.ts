import type { AuditRecorder } from '../audit/audit-event.ts';
import { AppError } from '../http/app-error.ts';
import type { Database } from '../db/open-database.ts';
import type { MembershipStore } from '../tenants/membership-store.ts';
import type { Tenant, TenantStore } from '../tenants/tenant-store.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { checkNewPassword } from './password-policy.ts';
import type { User, UserStore } from './user-store.ts';

/** What the first run asks for: the first instance administrator and the first tenant. */
export interface SetupInput {
  email: string;
  password: string;
  name: string;
  tenant: { name: string; slug: string };
}

/** The parts setup works with. */
export interface SetupDependencies {
  db: Database;
  users: UserStore;
  tenants: TenantStore;
  memberships: MembershipStore;
  hasher: PasswordHasher;
  /** Where the setup is recorded (the instance chain and the new tenant's), and from where it came. */
  audit: AuditRecorder;
  client: { ip: string | null; userAgent: string | null };
}

const alreadySetUp = (): AppError => new AppError(409, 'already_set_up', 'Kirjuri is already set up; sign in instead.');

/**
 * Sets up an instance that has no users: the administrator (instance admin, and admin of the tenant)
 * and the tenant, in one transaction. The web form, the API and `kirjuri setup` all come here.
 * Once any user exists it answers 409 for ever.
 */
export async function setUpInstance(deps: SetupDependencies, input: SetupInput): Promise<{ user: User; tenant: Tenant }> {
  if (await deps.users.anyExists()) throw alreadySetUp();
  const problem = checkNewPassword(input.password, { email: input.email, name: input.name });
  if (problem) throw new AppError(422, 'weak_password', `The password cannot be used: ${problem}`, { details: { fields: { password: problem } } });
  // The slow hash runs before the write transaction, never inside it.
  const passwordHash = await deps.hasher.hash(input.password);
  return deps.db.transaction(async (transaction) => {
    if (await deps.users.anyExists(transaction)) throw alreadySetUp();
    const user = await deps.users.create({ email: input.email, name: input.name, passwordHash, isInstanceAdmin: true }, transaction);
    const tenant = await deps.tenants.create(input.tenant, transaction);
    await deps.memberships.add({ tenantId: tenant.id, userId: user.id, role: 'admin' }, transaction);
    const entry = { actorId: user.id, actorEmail: user.email, ip: deps.client.ip, userAgent: deps.client.userAgent, outcome: 'success' as const };
    await deps.audit.record({ ...entry, tenantId: null, action: 'tenant.create', objectType: 'tenant', objectId: tenant.id, details: { slug: tenant.slug, name: tenant.name, setup: true } }, transaction);
    await deps.audit.record({ ...entry, tenantId: tenant.id, action: 'member.add', objectType: 'user', objectId: user.id, details: { email: user.email, role: 'admin', setup: true } }, transaction);
    return { user, tenant };
  });
}
