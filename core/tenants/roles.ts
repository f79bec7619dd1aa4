/** The roles a member has in a tenant, highest first (API.md "Tenant"). */
export const tenantRoles = ['admin', 'manager', 'member', 'viewer'] as const;

/** One of the tenant roles. */
export type TenantRole = (typeof tenantRoles)[number];

const rank: Record<TenantRole, number> = { admin: 4, manager: 3, member: 2, viewer: 1 };

/** Whether `role` is at least `required` (an admin is at least a member, a viewer is not). */
export function roleAtLeast(role: TenantRole, required: TenantRole): boolean {
  return rank[role] >= rank[required];
}

/** Whether a string names a tenant role. */
export function isTenantRole(value: unknown): value is TenantRole {
  return typeof value === 'string' && (tenantRoles as readonly string[]).includes(value);
}
